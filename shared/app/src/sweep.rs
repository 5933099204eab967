//! The sweep, run on a schedule: shipments whose `due_at` has come (the end of a promised day, the
//! end of a quiet spell) are re-evaluated with the clock, which is how `delayed` (promise
//! passed) and `stalled` are found without a scan ever arriving. Due shipments come from a
//! sparse index, so the cost follows the number due, not the size of the table.
//!
//! Due notifications (a deferred SMS whose quiet hours ended, a claim whose sender died) and
//! webhook deliveries (a retry, an expired lease, one the stream never delivered) are only
//! woken: the sweep sets `woken_at` on them and the stream carries that to notify and
//! dispatch, which act with their own claims (so are store shipments queued for fetching). So the sweeper sends nothing and holds no
//! send rights (no SES, SNS, KMS, nor the outgoing-webhook client).

use crate::reevaluate;
use afterclick_domain::ports::{
    Due, DueStore, EndpointStore, EventStore, FetchStore, LaneStore, SnapshotReads, StoreError,
};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub struct Sweeper<S> {
    pub store: S,
    pub clock: fn() -> DateTime<Utc>,
}

#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SweepReport {
    /// Shipments the index returned as due.
    pub due: usize,
    /// Of those, how many changed (a moment was reached, a deadline moved).
    pub changed: usize,
    /// Notification intents created.
    pub intents: usize,
    /// Shipments that could not be evaluated, or items not woken, this run (retried next
    /// run: still due).
    pub failed: usize,
    /// Notifications woken for notify (deferred SMS, expired claims).
    pub resumed: usize,
    /// Webhook deliveries woken for dispatch (retries, expired leases, missed records).
    pub webhooks: usize,
    /// Store shipments to fetch woken for dispatch (the same reasons).
    #[serde(default)]
    pub fetches: usize,
}

pub trait Store:
    SnapshotReads + EventStore + EndpointStore + DueStore + FetchStore + LaneStore
{
}
impl<T: SnapshotReads + EventStore + EndpointStore + DueStore + FetchStore + LaneStore> Store
    for T
{
}

impl<S: Store> Sweeper<S> {
    pub fn new(store: S) -> Self {
        Self {
            store,
            clock: Utc::now,
        }
    }

    pub async fn run(&self) -> Result<SweepReport, StoreError> {
        self.run_at((self.clock)()).await
    }

    /// One sweep as of `now`; the wake-ups carry it, so notify and dispatch act as of it too.
    pub async fn run_at(&self, now: DateTime<Utc>) -> Result<SweepReport, StoreError> {
        let due = self.store.due(now).await?;
        let mut report = SweepReport {
            due: due.len(),
            ..SweepReport::default()
        };
        for item in due {
            let shipment = match item {
                Due::Shipment(shipment) => shipment,
                Due::Webhook(key) => {
                    match self.store.wake_delivery(&key, now).await {
                        Ok(true) => report.webhooks += 1,
                        Ok(false) => {}
                        Err(err) => {
                            report.failed += 1;
                            tracing::warn!(error = %err, "waking a due webhook delivery failed");
                        }
                    }
                    continue;
                }
                Due::Fetch(key) => {
                    match self.store.wake_fetch(&key, now).await {
                        Ok(true) => report.fetches += 1,
                        Ok(false) => {}
                        Err(err) => {
                            report.failed += 1;
                            tracing::warn!(error = %err, "waking a due store fetch failed");
                        }
                    }
                    continue;
                }
                Due::Notification(key) => {
                    match self.store.wake_notification(&key, now).await {
                        Ok(true) => report.resumed += 1,
                        Ok(false) => {}
                        Err(err) => {
                            report.failed += 1;
                            tracing::warn!(error = %err, "waking a due notification failed");
                        }
                    }
                    continue;
                }
            };
            // Boxed: re-evaluation's future is deep, inlined into the loop it would make the
            // state machine too deep for the compiler and the stack.
            match Box::pin(reevaluate(
                &self.store,
                &shipment.merchant_id,
                &shipment.tracking_number,
                // The clock, not a scan, brought it here: the state holds all it needs.
                Some(&[]),
                &[],
                &|| now,
            ))
            .await
            {
                Ok(Some(e)) if e.changed => {
                    report.changed += 1;
                    report.intents += e.intents.len();
                }
                Ok(_) => {}
                Err(err) => {
                    // One bad shipment must not starve the rest; it stays due for next time.
                    report.failed += 1;
                    tracing::warn!(
                        merchant_id = %shipment.merchant_id,
                        tracking_number = %shipment.tracking_number,
                        error = %err,
                        "sweep of a shipment failed"
                    );
                }
            }
        }
        tracing::info!(
            due = report.due,
            changed = report.changed,
            intents = report.intents,
            resumed = report.resumed,
            webhooks = report.webhooks,
            fetches = report.fetches,
            failed = report.failed,
            "sweep done"
        );
        Ok(report)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::{Dispatch, Notify};
    use afterclick_domain::fakes::{
        MemoryStore, RecordingMailer, RecordingSender, RecordingTexter, merchant, shipment,
    };
    use afterclick_domain::milestone::Moment;
    use afterclick_domain::model::{NOTIFICATION_CLAIM_LEASE, WAKE_AGAIN_AFTER};
    use afterclick_domain::outgoing::{self, Delivery, DeliveryState, WebhookEndpoint};
    use afterclick_domain::ports::{DeliveryStore, EndpointStore, NotificationKey};
    use afterclick_domain::{Channel, Milestone, Notification, NotificationState};
    use chrono::{Duration, NaiveDate, TimeZone};

    fn now() -> DateTime<Utc> {
        Utc::now()
    }

    #[tokio::test]
    async fn a_passed_promise_is_one_delay_and_then_nothing_is_due() {
        let store = MemoryStore::default();
        store.put_merchant(merchant("m1"));
        let mut late = shipment("m1", "LATE1", now() - Duration::days(5));
        late.promised_delivery_date = NaiveDate::from_ymd_opt(2020, 1, 1);
        late.due_at = Some(now() - Duration::hours(1));
        store.put_shipment(late);
        let mut later = shipment("m1", "NOTYET", now());
        later.due_at = Some(now() + Duration::days(3));
        store.put_shipment(later);
        let sweeper = Sweeper::new(store.clone());
        let first = sweeper.run().await.unwrap();
        assert_eq!((first.due, first.changed, first.intents), (1, 1, 2));
        let second = sweeper.run().await.unwrap();
        assert_eq!(
            second.due, 0,
            "the overdue delay was found once; nothing else is due yet"
        );
        let keys: Vec<_> = store
            .all_notifications()
            .iter()
            .map(|n| (n.milestone.as_str(), n.instance.clone()))
            .collect();
        assert_eq!(
            keys,
            [
                ("delayed", Some("overdue-2020-01-01".into())),
                ("delayed", Some("overdue-2020-01-01".into()))
            ]
        );
    }

    /// Noon in London: outside the default quiet hours.
    fn noon() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 18, 12, 0, 0).unwrap()
    }

    fn noon_plus_10s() -> DateTime<Utc> {
        noon() + Duration::seconds(10)
    }

    fn notification(channel: Channel, state: NotificationState) -> Notification {
        Notification {
            merchant_id: "m1".into(),
            tracking_number: "TN01".into(),
            milestone: Milestone::OutForDelivery,
            instance: None,
            details: Default::default(),
            channel,
            state,
            created_at: noon() - Duration::hours(14),
            updated_at: noon() - Duration::hours(14),
            provider_message_id: None,
            detail: None,
            segments: None,
            deferred_until: None,
            expired_claims: 0,
            email: Default::default(),
        }
    }

    /// A deferred SMS whose quiet hours ended at 08:00, and an email whose sender died
    /// after claiming it at 11:00: both due at noon.
    fn due_notifications() -> (MemoryStore, NotificationKey, NotificationKey) {
        let store = MemoryStore::default();
        store.put_merchant(merchant("m1"));
        store.put_shipment(shipment("m1", "TN01", noon() - Duration::days(1)));
        let mut sms = notification(Channel::Sms, NotificationState::Deferred);
        sms.deferred_until = Some(noon() - Duration::hours(4));
        let mut email = notification(Channel::Email, NotificationState::Claimed);
        email.updated_at = noon() - Duration::hours(1);
        store.put_notification(sms.clone());
        store.put_notification(email.clone());
        (
            store,
            NotificationKey::from(&sms),
            NotificationKey::from(&email),
        )
    }

    fn notify(
        store: &MemoryStore,
    ) -> (
        Notify<MemoryStore, RecordingMailer, RecordingTexter>,
        RecordingMailer,
        RecordingTexter,
    ) {
        let (mailer, texter) = (RecordingMailer::default(), RecordingTexter::default());
        let mut notify = Notify::new(
            store.clone(),
            mailer.clone(),
            texter.clone(),
            "https://t.example",
        );
        notify.clock = noon_plus_10s;
        (notify, mailer, texter)
    }

    #[tokio::test]
    async fn a_sweep_only_wakes_due_notifications_once_and_notify_sends_each_once() {
        let (store, sms, email) = due_notifications();
        let sweeper = Sweeper {
            store: store.clone(),
            clock: noon,
        };
        let report = sweeper.run().await.unwrap();
        assert_eq!((report.due, report.resumed, report.failed), (2, 2, 0));
        assert_eq!(store.woken_at(&sms), Some(noon()));
        assert_eq!(store.woken_at(&email), Some(noon()));
        // Nothing changed but the wake-ups: still due, nothing claimed.
        assert_eq!(
            store.notification(&sms).unwrap().state,
            NotificationState::Deferred
        );
        assert_eq!(store.notification(&email).unwrap().expired_claims, 0);

        // A duplicate sweep (a scheduler retry) wakes nothing more.
        let again = sweeper.run().await.unwrap();
        assert_eq!((again.due, again.resumed), (2, 0));
        assert_eq!(store.wakes().len(), 2);

        // Notify, handed each wake-up twice, sends each notification once.
        let (notify, mailer, texter) = notify(&store);
        for _ in 0..2 {
            notify.resume(&sms, noon()).await.unwrap();
            notify.resume(&email, noon()).await.unwrap();
        }
        assert_eq!(texter.sent.lock().unwrap().len(), 1);
        assert_eq!(mailer.sent.lock().unwrap().len(), 1);
        let (sent_sms, sent_email) = (
            store.notification(&sms).unwrap(),
            store.notification(&email).unwrap(),
        );
        assert_eq!(
            (sent_sms.state, sent_email.state),
            (NotificationState::Sent, NotificationState::Sent)
        );
        assert_eq!(sent_email.expired_claims, 1);
        // The claims took the wake-ups off: nothing is due, nothing more to wake.
        assert_eq!((store.woken_at(&sms), store.woken_at(&email)), (None, None));
        assert_eq!(sweeper.run().await.unwrap().due, 0);
    }

    fn later_than_the_rewake() -> DateTime<Utc> {
        noon() + WAKE_AGAIN_AFTER + Duration::seconds(1)
    }

    #[tokio::test]
    async fn a_wake_up_nobody_acted_on_is_made_again_by_a_later_sweep() {
        let (store, sms, _) = due_notifications();
        let at_noon = Sweeper {
            store: store.clone(),
            clock: noon,
        };
        assert_eq!(at_noon.run().await.unwrap().resumed, 2);
        let later = Sweeper {
            store: store.clone(),
            clock: later_than_the_rewake,
        };
        assert_eq!(
            later.run().await.unwrap().resumed,
            2,
            "the records were lost"
        );
        assert_eq!(store.woken_at(&sms), Some(later_than_the_rewake()));
    }

    #[tokio::test]
    async fn a_live_claim_is_not_woken() {
        let (store, _, email) = due_notifications();
        fn inside_the_lease() -> DateTime<Utc> {
            noon() - Duration::hours(1) + NOTIFICATION_CLAIM_LEASE - Duration::seconds(1)
        }
        let report = Sweeper {
            store: store.clone(),
            clock: inside_the_lease,
        }
        .run()
        .await
        .unwrap();
        assert_eq!(report.resumed, 1, "only the deferred SMS");
        assert_eq!(store.woken_at(&email), None);
    }

    async fn retrying_delivery(store: &MemoryStore) -> Delivery {
        let endpoint = WebhookEndpoint {
            id: "we_1".into(),
            merchant_id: "m1".into(),
            url: "https://hooks.example/in".into(),
            milestones: Milestone::ALL.to_vec(),
            description: None,
            secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".into(),
            previous_secret: None,
            created_at: now(),
        };
        store.create_endpoint(&endpoint, 10).await.unwrap();
        let mut delivery = outgoing::deliveries(
            &shipment("m1", "1Z1", now()),
            &[Moment::once(Milestone::Delivered)],
            &[endpoint],
            100,
            now(),
        )
        .remove(0);
        delivery.state = DeliveryState::Retrying;
        delivery.attempts = 1;
        delivery.next_attempt_at = Some(now() + Duration::minutes(1));
        store.put_delivery(delivery.clone());
        delivery
    }

    #[tokio::test]
    async fn a_due_webhook_retry_is_woken_by_the_sweep_and_sent_by_dispatch_as_of_the_wake() {
        let store = MemoryStore::default();
        let delivery = retrying_delivery(&store).await;
        let sender = RecordingSender::default();
        let sweeper = Sweeper::new(store.clone());
        assert_eq!(sweeper.run().await.unwrap().webhooks, 0, "not due yet");
        fn two_minutes_on() -> DateTime<Utc> {
            Utc::now() + Duration::minutes(2)
        }
        let later = Sweeper {
            clock: two_minutes_on,
            ..sweeper
        };
        assert_eq!(later.run().await.unwrap().webhooks, 1);
        assert_eq!(later.run().await.unwrap().webhooks, 0, "woken once");
        assert!(sender.sent().is_empty(), "the sweep sends nothing");
        let woken_at = store.delivery_woken_at(&delivery.key()).unwrap();

        // Dispatch, on the real clock, acts as of the wake-up: the retry is due then.
        let dispatch = Dispatch::new(store.clone(), sender.clone());
        assert_eq!(
            dispatch.run(&delivery.key()).await.unwrap(),
            None,
            "not due now"
        );
        for _ in 0..2 {
            dispatch.resume(&delivery.key(), woken_at).await.unwrap();
        }
        let stored = store.delivery(&delivery.key()).await.unwrap().unwrap();
        assert_eq!(
            (stored.state, stored.attempts),
            (DeliveryState::Delivered, 2)
        );
        assert_eq!(
            sender.sent().len(),
            1,
            "a repeated wake-up sends nothing more"
        );
        assert_eq!(sender.sent()[0].webhook_id, delivery.webhook_id);
        assert_eq!(sender.sent()[0].timestamp, woken_at.timestamp());
        assert_eq!(store.delivery_woken_at(&delivery.key()), None);
    }
}
