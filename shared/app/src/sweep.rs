//! The sweep, run on a schedule: shipments whose `due_at` has come (the end of a promised day, the
//! end of a quiet spell) are re-evaluated with the clock, which is how `delayed` (promise
//! passed) and `stalled` are found without a scan ever arriving. Due shipments come from a
//! sparse index, so the cost follows the number due, not the size of the table.

use crate::dispatch::{self, Dispatch};
use crate::notify::{self, Notify};
use crate::reevaluate;
use afterclick_domain::ports::WebhookSender;
use afterclick_domain::ports::{
    Due, DueStore, EventStore, Mailer, SnapshotReads, StoreError, Texter,
};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

pub struct Sweeper<S, M, T, W> {
    pub store: S,
    /// Sends deferred SMS once the customer's quiet hours are over.
    pub notify: Arc<Notify<S, M, T>>,
    /// Retries webhook deliveries that are due (backoff, crashed claims, lost stream records).
    pub dispatch: Arc<Dispatch<S, W>>,
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
    /// Shipments that could not be evaluated this run (retried next run: still due).
    pub failed: usize,
    /// Deferred SMS sent (or otherwise finished) this run.
    pub resumed: usize,
    /// Webhook deliveries taken a step (delivered, rescheduled, failed, cancelled).
    pub webhooks: usize,
}

pub trait Store: notify::Store + dispatch::Store + SnapshotReads + EventStore + DueStore {}
impl<T: notify::Store + dispatch::Store + SnapshotReads + EventStore + DueStore> Store for T {}

impl<S: Store + Clone, M: Mailer, T: Texter, W: WebhookSender> Sweeper<S, M, T, W> {
    pub fn new(store: S, notify: Arc<Notify<S, M, T>>, dispatch: Arc<Dispatch<S, W>>) -> Self {
        Self {
            store,
            notify,
            dispatch,
            clock: Utc::now,
        }
    }

    pub async fn run(&self) -> Result<SweepReport, StoreError> {
        let now = (self.clock)();
        let due = self.store.due(now).await?;
        let mut report = SweepReport {
            due: due.len(),
            ..SweepReport::default()
        };
        for item in due {
            let shipment = match item {
                Due::Shipment(shipment) => shipment,
                Due::Webhook(key) => {
                    // On this sweep's clock: what the index found due is due to the step too.
                    // Boxed, like the other two steps: three deep futures inlined into one
                    // loop make a state machine too deep for the compiler and the stack.
                    match Box::pin(self.dispatch.run_at(&key, self.clock)).await {
                        Ok(Some(_)) => report.webhooks += 1,
                        Ok(None) => {}
                        Err(err) => {
                            report.failed += 1;
                            tracing::warn!(error = %err, "a due webhook delivery failed");
                        }
                    }
                    continue;
                }
                Due::Notification(key) => {
                    match Box::pin(self.notify.resume(&key, now)).await {
                        Ok(()) => report.resumed += 1,
                        Err(err) => {
                            report.failed += 1;
                            tracing::warn!(error = %err, "resuming a deferred notification failed");
                        }
                    }
                    continue;
                }
            };
            match Box::pin(reevaluate(
                &self.store,
                &shipment.merchant_id,
                &shipment.tracking_number,
                // The clock, not a scan, brought it here: the state holds all it needs.
                Some(&[]),
                0,
                now,
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
            failed = report.failed,
            "sweep done"
        );
        Ok(report)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use afterclick_domain::fakes::{
        MemoryStore, RecordingMailer, RecordingSender, RecordingTexter, merchant, shipment,
    };
    use chrono::{Duration, NaiveDate};

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
        let notify = Notify::new(
            store.clone(),
            RecordingMailer::default(),
            RecordingTexter::default(),
            "https://t.example",
        );
        let dispatch = Dispatch::new(store.clone(), RecordingSender::default());
        let sweeper = Sweeper::new(store.clone(), Arc::new(notify), Arc::new(dispatch));
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

    #[tokio::test]
    async fn a_due_webhook_retry_is_sent_by_the_sweep_on_its_clock() {
        use afterclick_domain::ports::{DeliveryStore, EndpointStore};
        use afterclick_domain::webhooks::{self, DeliveryState, WebhookEndpoint};
        use afterclick_domain::{Milestone, milestone::Moment};
        let store = MemoryStore::default();
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
        let mut delivery = webhooks::deliveries(
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
        let sender = RecordingSender::default();
        let notify = Notify::new(
            store.clone(),
            RecordingMailer::default(),
            RecordingTexter::default(),
            "https://t.example",
        );
        let sweeper = Sweeper::new(
            store.clone(),
            Arc::new(notify),
            Arc::new(Dispatch::new(store.clone(), sender.clone())),
        );
        assert_eq!(sweeper.run().await.unwrap().webhooks, 0, "not due yet");
        fn two_minutes_on() -> DateTime<Utc> {
            Utc::now() + Duration::minutes(2)
        }
        let later = Sweeper {
            clock: two_minutes_on,
            ..sweeper
        };
        assert_eq!(later.run().await.unwrap().webhooks, 1);
        let stored = store.delivery(&delivery.key()).await.unwrap().unwrap();
        assert_eq!(
            (stored.state, stored.attempts),
            (DeliveryState::Delivered, 2)
        );
        assert_eq!(sender.sent()[0].webhook_id, delivery.webhook_id);
    }
}
