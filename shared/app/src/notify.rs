//! Plan and send notifications: a notification intent -> claim it -> render (the merchant's
//! brand, the customer's language, the merchant's own template if any) -> email or SMS ->
//! record the outcome. The claim (a conditional update) comes before the send, so duplicate
//! records, retries and concurrent workers send at most once.
//!
//! Before sending: a customer who unsubscribed (this shipment, or everything from the
//! merchant) and a number on the SMS opt-out list are `suppressed` with the reason; an SMS
//! that would arrive in the customer's quiet hours is `deferred` and sent once they end.
//! Email is never deferred. The rules are [`decision`]'s; this module does the reads and
//! the sends around them.

pub mod decision;

use afterclick_domain::message::{self, MessageInput};
use afterclick_domain::model::NOTIFICATION_CLAIM_LEASE;
use afterclick_domain::ports::{
    Mailer, NotificationContext, NotificationKey, NotificationReads, NotificationStore, OrderStore,
    Outcome, OutgoingEmail, OutgoingSms, SendError, StoreError, TemplateKey, Texter,
};
use afterclick_domain::{Channel, Notification, NotificationState, sms};
use chrono::{DateTime, Utc};
use decision::{Decision, decide, recipient};
use std::time::Duration as StdDuration;
use tracing::Instrument;

pub use decision::quiet_until;

/// Throttling and 5xx are retried this often (on top of the SDK's own retries), with backoff.
const SEND_ATTEMPTS: u32 = 3;
const BACKOFF: StdDuration = StdDuration::from_millis(200);

pub trait Store: NotificationReads + NotificationStore + OrderStore {}
impl<T: NotificationReads + NotificationStore + OrderStore> Store for T {}

pub struct Notify<S, M, T> {
    pub store: S,
    pub mailer: M,
    pub texter: T,
    pub public_base_url: String,
    pub clock: fn() -> DateTime<Utc>,
    /// Counts a metric (the functions wire CloudWatch's embedded metric format; the template
    /// alarms on `ExpiredNotificationClaims`).
    pub count: fn(&'static str, u64),
}

impl<S: Store, M: Mailer, T: Texter> Notify<S, M, T> {
    pub fn new(store: S, mailer: M, texter: T, public_base_url: impl Into<String>) -> Self {
        Self {
            store,
            mailer,
            texter,
            public_base_url: public_base_url.into().trim_end_matches('/').to_owned(),
            clock: Utc::now,
            count: |_, _| {},
        }
    }

    /// One shipment's new intents (pending ones; others are skipped) share one read of the
    /// shipment, its merchant and its consent; its channels go out side by side, each
    /// channel's intents in order (the newer moment supersedes the older). The caller retries
    /// all of them on an error: the sent ones are claimed already and are not sent again.
    pub async fn send_new(&self, intents: Vec<Notification>) -> Result<(), StoreError> {
        let intents: Vec<Notification> = intents
            .into_iter()
            .filter(|i| i.state == NotificationState::Pending)
            .collect();
        let Some(first) = intents.first() else {
            return Ok(());
        };
        let messages: Vec<_> = intents.iter().map(|i| (i.milestone, i.channel)).collect();
        let context = self
            .store
            .notification_context(&first.merchant_id, &first.tracking_number, &messages)
            .await?;
        let context = &context;
        let channels = [Channel::Email, Channel::Sms].map(|channel| {
            let mine: Vec<&Notification> =
                intents.iter().filter(|i| i.channel == channel).collect();
            async move {
                for intent in mine {
                    self.claim_and_send(intent, NotificationState::Pending, context)
                        .instrument(span(intent))
                        .await?;
                }
                Ok::<(), StoreError>(())
            }
        });
        let [email, sms] = channels;
        let (email, sms) = futures::join!(email, sms);
        email.and(sms)
    }

    /// A notification the sweeper woke at `now` (its clock, carried by the wake-up): a
    /// deferred SMS whose quiet hours ended, or a claim whose sender died before recording
    /// the send (its lease expired); or one the merchant put back on its way (pending,
    /// woken). Anything else (a repeated wake-up) is left alone.
    pub async fn resume(
        &self,
        key: &NotificationKey,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        // The wake-up's time or later: a record handled long after its wake-up (retries, a
        // backlog) must not take a claim over with a lease that has already run out.
        let now = (self.clock)().max(now);
        let found = self
            .store
            .notifications(&key.merchant_id, &key.tracking_number)
            .await?
            .into_iter()
            .find(|n| NotificationKey::from(n) == *key);
        let (intent, from) = match found {
            // Only once its quiet hours are over: a stale wake-up (one from before it was
            // held, delivered again) must not send it early.
            Some(n)
                if n.state == NotificationState::Deferred
                    && n.deferred_until.is_none_or(|until| until <= now) =>
            {
                (n, NotificationState::Deferred)
            }
            // Put back on its way by the merchant (`NotificationResend`): a new intent,
            // quiet hours included.
            Some(n) if n.state == NotificationState::Pending => (n, NotificationState::Pending),
            Some(n)
                if n.state == NotificationState::Claimed
                    && n.updated_at + NOTIFICATION_CLAIM_LEASE <= now =>
            {
                return self.take_over(n, now).await;
            }
            _ => return Ok(()),
        };
        let context = self.context_of(&intent).await?;
        self.claim_and_send(&intent, from, &context)
            .instrument(span(&intent))
            .await
    }

    /// What one resumed notification needs from the store.
    async fn context_of(&self, intent: &Notification) -> Result<NotificationContext, StoreError> {
        self.store
            .notification_context(
                &intent.merchant_id,
                &intent.tracking_number,
                &[(intent.milestone, intent.channel)],
            )
            .await
    }

    /// Sends a notification whose claim expired, once more: the sender that claimed it died
    /// before recording what happened, and SES and SNS cannot say whether its call went
    /// out (see `NOTIFICATION_CLAIM_LEASE` for why it is sent again rather than dropped).
    async fn take_over(&self, intent: Notification, now: DateTime<Utc>) -> Result<(), StoreError> {
        let key = NotificationKey::from(&intent);
        let span = span(&intent);
        let context = self.context_of(&intent).await?;
        // Decided before the takeover, as for a first claim: only the send follows it.
        let plan = self.prepare(&intent, false, &context).await;
        if !self.store.take_over(&key, intent.updated_at, now).await? {
            return Ok(());
        }
        span.in_scope(|| {
            tracing::warn!(
                claimed_at = %intent.updated_at,
                "claim expired before its send was recorded; sending again"
            );
        });
        (self.count)("ExpiredNotificationClaims", 1);
        let outcome = self.execute(plan).await;
        self.store.finish(&key, &outcome, (self.clock)()).await?;
        Ok(())
    }

    /// Everything that can fail for a transient reason (reads, opt-out checks, rendering)
    /// happens before the claim, so a retry finds the intent still unclaimed; after the
    /// claim only the send and the record of its outcome remain.
    async fn claim_and_send(
        &self,
        intent: &Notification,
        from: NotificationState,
        context: &NotificationContext,
    ) -> Result<(), StoreError> {
        let key = NotificationKey::from(intent);
        let plan = self
            .prepare(intent, from == NotificationState::Pending, context)
            .await;
        if !self.store.claim(&key, from, (self.clock)()).await? {
            tracing::info!("already claimed elsewhere; not sending again");
            return Ok(());
        }
        let outcome = self.execute(plan).await;
        match &outcome {
            Outcome::Sent { .. } => tracing::info!("sent"),
            Outcome::Deferred { until } => tracing::info!(%until, "deferred for quiet hours"),
            Outcome::Suppressed { reason } => tracing::info!(%reason, "suppressed"),
            // The provider's text can name the recipient: it is stored for the merchant, not logged.
            Outcome::Failed { .. } => {
                tracing::warn!("send failed; the reason is on the notification")
            }
        }
        self.store.finish(&key, &outcome, (self.clock)()).await?;
        Ok(())
    }

    async fn execute(&self, plan: Plan) -> Outcome {
        match plan {
            Plan::Done(outcome) => outcome,
            Plan::Email(outgoing, note) => self
                .with_retries(|| self.mailer.send_email(&outgoing))
                .await
                .map_or_else(
                    |err| Outcome::Failed {
                        error: err.to_string(),
                    },
                    |id| Outcome::Sent {
                        provider_message_id: id,
                        segments: None,
                        note,
                    },
                ),
            Plan::Sms(outgoing, segments, note) => self
                .with_retries(|| self.texter.send_sms(&outgoing))
                .await
                .map_or_else(
                    |err| Outcome::Failed {
                        error: err.to_string(),
                    },
                    |id| Outcome::Sent {
                        provider_message_id: id,
                        segments: Some(segments),
                        note,
                    },
                ),
        }
    }

    /// The reads the decision needs (the SMS opt-out list), the decision, and the message.
    async fn prepare(
        &self,
        intent: &Notification,
        may_defer: bool,
        context: &NotificationContext,
    ) -> Plan {
        let recipient = match recipient(intent, context) {
            Ok(recipient) => recipient,
            Err(decision) => return Plan::of(decision),
        };
        let number_opted_out = match intent.channel {
            Channel::Email => None,
            Channel::Sms => match self.texter.is_opted_out(recipient.to).await {
                Ok(answer) => Some(answer),
                Err(_) => {
                    tracing::warn!("SMS opt-out check failed; sending anyway");
                    None
                }
            },
        };
        let now = (self.clock)();
        match decide(intent.channel, &recipient, number_opted_out, may_defer, now) {
            Decision::Send => self.message(intent, &recipient, context, now).await,
            other => Plan::of(other),
        }
    }

    /// A split order's context for the message. The delivery of the parcel that completes
    /// the order asks for the rating, once per order: two last parcels delivered at once
    /// both see the other delivered, so the ask is claimed on the order, and the one that
    /// loses it does not ask (a failed claim asks: better twice than never).
    async fn order_context(
        &self,
        intent: &Notification,
        shipment: &afterclick_domain::Shipment,
        context: &NotificationContext,
    ) -> Option<afterclick_domain::orders::OrderContext> {
        let mut order = afterclick_domain::orders::context(shipment, &context.order_parcels)?;
        let parcel = shipment.parcel.as_ref()?;
        if intent.milestone == afterclick_domain::Milestone::Delivered && order.others_delivered {
            let claim = self
                .store
                .claim_rating_request(
                    &shipment.merchant_id,
                    &parcel.platform,
                    &shipment.order_number,
                    &shipment.tracking_number,
                )
                .await;
            order.others_delivered = claim.unwrap_or_else(|err| {
                tracing::warn!(error = %err, "rating request claim failed; asking anyway");
                true
            });
        }
        Some(order)
    }

    /// Renders what to send: the merchant's template if any (falling back to the built-in
    /// copy when it fails), else the built-in copy.
    async fn message(
        &self,
        intent: &Notification,
        recipient: &decision::Recipient<'_>,
        context: &NotificationContext,
        now: DateTime<Utc>,
    ) -> Plan {
        let (shipment, merchant) = (recipient.shipment, recipient.merchant);
        let base = merchant.pages_base(&self.public_base_url);
        let tracking_url = shipment.tracking_url(base);
        let unsubscribe_url = shipment.unsubscribe_url(base);
        let carrier_name = message::carrier_display_name(shipment);
        let order = self.order_context(intent, shipment, context).await;
        let input = MessageInput {
            milestone: intent.milestone,
            details: &intent.details,
            shipment,
            merchant,
            carrier_name: &carrier_name,
            tracking_url: &tracking_url,
            unsubscribe_url: &unsubscribe_url,
            today: afterclick_domain::rules::customer_today(shipment, now),
            order,
        };
        let locale = message::resolve_locale(
            shipment.customer.locale.as_deref(),
            &merchant.branding.default_locale,
        );
        let template = context.template(&TemplateKey::for_message(
            merchant,
            shipment,
            intent.milestone,
            intent.channel,
        ));
        let vars = message::vars(&input, locale);
        let to = recipient.to.to_owned();
        match intent.channel {
            Channel::Email => {
                let builtin = match message::builtin_email(&input) {
                    Ok(email) => email,
                    Err(err) => {
                        return Plan::Done(Outcome::Failed {
                            error: err.to_string(),
                        });
                    }
                };
                let (email, note) = match template {
                    Some(t) => {
                        let (t, fallback) = (t.clone(), builtin.clone());
                        match render_off_runtime(move || {
                            message::override_email(&t, &vars, builtin)
                        })
                        .await
                        {
                            Ok(email) => (email, None),
                            // A template that broke after it was saved must not cost the
                            // customer the news; the merchant sees why on the notification.
                            Err(err) => (fallback, Some(template_failed(&err))),
                        }
                    }
                    None => (builtin, None),
                };
                Plan::Email(
                    OutgoingEmail {
                        unsubscribe_url: Some(unsubscribe_url.clone()),
                        from_name: merchant.brand_name.clone(),
                        from_address: merchant.sender_email.clone(),
                        reply_to: merchant.reply_to.clone(),
                        to,
                        subject: email.subject,
                        html: email.html,
                        text: email.text,
                        tags: afterclick_domain::email_events::tags(&NotificationKey::from(intent)),
                    },
                    note,
                )
            }
            Channel::Sms => {
                let (overridden, note) = match template {
                    Some(t) => {
                        let t = t.clone();
                        match render_off_runtime(move || message::override_sms(&t, &vars)).await {
                            Ok(body) => (body, None),
                            Err(err) => (None, Some(template_failed(&err))),
                        }
                    }
                    None => (None, None),
                };
                let body = overridden.unwrap_or_else(|| message::builtin_sms(&input));
                let segments = sms::segments(&body);
                Plan::Sms(
                    OutgoingSms {
                        to,
                        body,
                        sender_id: merchant.sms_sender_id.clone(),
                    },
                    segments,
                    note,
                )
            }
        }
    }

    /// Retries throttling and outages with exponential backoff; a rejection is final.
    async fn with_retries<F, Fut>(&self, send: F) -> Result<String, SendError>
    where
        F: Fn() -> Fut,
        Fut: std::future::Future<Output = Result<String, SendError>>,
    {
        let mut wait = BACKOFF;
        let mut attempt = 1;
        loop {
            match send().await {
                Err(SendError::Unavailable(_)) if attempt < SEND_ATTEMPTS => {
                    tracing::warn!(attempt, "provider unavailable; retrying");
                    tokio::time::sleep(wait).await;
                    wait *= 2;
                    attempt += 1;
                }
                other => return other,
            }
        }
    }
}

/// What to do once the intent is claimed.
enum Plan {
    Done(Outcome),
    /// What to send, and a note for the merchant when their template was not used.
    Email(OutgoingEmail, Option<String>),
    Sms(OutgoingSms, sms::Segments, Option<String>),
}

impl Plan {
    /// A decision that sends nothing, as the outcome to record.
    fn of(decision: Decision) -> Self {
        Plan::Done(match decision {
            Decision::Defer { until } => Outcome::Deferred { until },
            Decision::Suppress { reason } => Outcome::Suppressed {
                reason: reason.to_owned(),
            },
            // Not reached: a send is rendered first. Recorded as a failure rather than lost.
            Decision::Send => Outcome::Failed {
                error: "nothing was rendered to send".into(),
            },
        })
    }
}

/// Renders a merchant template on the blocking pool: bounded by its fuel, but CPU work
/// all the same, which must not hold up the other shipments' sends on the async workers.
async fn render_off_runtime<T: Send + 'static>(
    render: impl FnOnce() -> Result<T, message::TemplateError> + Send + 'static,
) -> Result<T, message::TemplateError> {
    tokio::task::spawn_blocking(render)
        .await
        .unwrap_or_else(|_| {
            Err(message::TemplateError {
                part: "template",
                line: 1,
                column: 1,
                message: "rendering stopped".into(),
            })
        })
}

/// The merchant's note: the template's error (position and kind, no customer data).
fn template_failed(err: &message::TemplateError) -> String {
    tracing::warn!(
        part = err.part,
        line = err.line,
        "merchant template failed; built-in used"
    );
    format!("your template failed ({err}); the built-in message was sent")
}

fn span(intent: &Notification) -> tracing::Span {
    tracing::info_span!(
        "notification",
        merchant_id = %intent.merchant_id,
        tracking_number = %intent.tracking_number,
        milestone = %intent.milestone,
        instance = intent.instance.as_deref().unwrap_or(""),
        channel = intent.channel.as_str()
    )
}
