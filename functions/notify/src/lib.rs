//! DynamoDB stream consumer: a new notification intent -> claim it -> render (the merchant's
//! brand, the customer's language, the merchant's own template if any) -> SES v2 or SNS ->
//! record the outcome. The claim (a conditional update) comes before the send, so duplicate
//! records, retries and concurrent invocations send at most once.
//!
//! Before sending: a customer who unsubscribed (this shipment, or everything from the
//! merchant) and a number on SNS's opt-out list are `suppressed` with the reason; an SMS
//! that would arrive in the customer's quiet hours is `deferred` and sent by the sweeper
//! when they end. Email is never deferred.

pub use afterclick_aws::stream::MissingSequenceNumber;
use afterclick_aws::stream::{each_key, image_key};
use afterclick_domain::message::{self, MessageInput};
use afterclick_domain::model::NOTIFICATION_CLAIM_LEASE;
use afterclick_domain::ports::{
    Mailer, NotificationContext, NotificationKey, NotificationReads, NotificationStore, Outcome,
    OutgoingEmail, OutgoingSms, SendError, StoreError, TemplateKey, Texter,
};
use afterclick_domain::providers::carriers;
use afterclick_domain::{Channel, Merchant, Notification, NotificationState, Shipment, sms};
use aws_lambda_events::event::dynamodb::{Event, EventRecord};
use aws_lambda_events::event::streams::DynamoDbEventResponse;
use chrono::{DateTime, Duration, Utc};
use std::time::Duration as StdDuration;
use tracing::Instrument;

/// Throttling and 5xx are retried this often (on top of the SDK's own retries), with backoff.
const SEND_ATTEMPTS: u32 = 3;
const BACKOFF: StdDuration = StdDuration::from_millis(200);

#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    #[error("the record's new image is not a notification item: {0}")]
    Malformed(String),
    #[error("store: {0}")]
    Store(#[from] StoreError),
}

pub struct Notify<S, M, T> {
    pub store: S,
    pub mailer: M,
    pub texter: T,
    pub public_base_url: String,
    pub clock: fn() -> DateTime<Utc>,
}

pub trait Store: NotificationReads + NotificationStore {}
impl<T: NotificationReads + NotificationStore> Store for T {}

/// Is the customer's local time inside the quiet hours, and if so, when do they end (UTC)?
pub fn quiet_until(
    merchant: &Merchant,
    shipment: &Shipment,
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    let tz: chrono_tz::Tz = shipment.customer.timezone.parse().unwrap_or(chrono_tz::UTC);
    let local = now.with_timezone(&tz);
    let quiet = merchant.branding.quiet_hours;
    if !quiet.contains(local.time()) {
        return None;
    }
    let today = local.date_naive();
    let end_day = if local.time() < quiet.end {
        today
    } else {
        today + Duration::days(1)
    };
    afterclick_domain::model::local_to_utc(tz, end_day.and_time(quiet.end))
}

impl<S: Store, M: Mailer, T: Texter> Notify<S, M, T> {
    pub fn new(store: S, mailer: M, texter: T, public_base_url: impl Into<String>) -> Self {
        Self {
            store,
            mailer,
            texter,
            public_base_url: public_base_url.into().trim_end_matches('/').to_owned(),
            clock: Utc::now,
        }
    }

    /// One shipment's intents in a batch share one read of the shipment, its merchant and
    /// its consent; its channels go out side by side, each channel's intents in order (the
    /// newer moment supersedes the older); different shipments at once. A failure fails the
    /// shipment's first record, so all of its intents are retried (the sent ones are claimed
    /// already and are not sent again).
    pub async fn handle(
        &self,
        event: Event,
    ) -> Result<DynamoDbEventResponse, MissingSequenceNumber> {
        let shipment = |r: &EventRecord| image_key(r, &["merchant_id", "tracking_number"]);
        each_key(&event, shipment, |records| self.process(records)).await
    }

    async fn process(&self, records: Vec<&EventRecord>) -> Result<(), RecordError> {
        let mut intents = Vec::with_capacity(records.len());
        for record in records {
            let intent: Notification = serde_dynamo::from_item(record.change.new_image.clone())
                .map_err(|e| RecordError::Malformed(e.to_string()))?;
            if intent.state == NotificationState::Pending {
                intents.push(intent);
            }
        }
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
                Ok::<(), RecordError>(())
            }
        });
        let [email, sms] = channels;
        let (email, sms) = futures::join!(email, sms);
        email.and(sms)
    }

    /// A notification the sweeper found due at `now` (its clock): a deferred SMS whose
    /// quiet hours ended, or a claim whose sender died before recording the send (its lease
    /// expired).
    pub async fn resume(
        &self,
        key: &NotificationKey,
        now: DateTime<Utc>,
    ) -> Result<(), RecordError> {
        let found = self
            .store
            .notifications(&key.merchant_id, &key.tracking_number)
            .await?
            .into_iter()
            .find(|n| NotificationKey::from(n) == *key);
        let intent = match found {
            Some(n) if n.state == NotificationState::Deferred => n,
            Some(n)
                if n.state == NotificationState::Claimed
                    && n.updated_at + NOTIFICATION_CLAIM_LEASE <= now =>
            {
                return self.take_over(n, now).await;
            }
            _ => return Ok(()),
        };
        let context = self.context_of(&intent).await?;
        self.claim_and_send(&intent, NotificationState::Deferred, &context)
            .instrument(span(&intent))
            .await
    }

    /// What one notification the sweeper resumes needs from the store.
    async fn context_of(&self, intent: &Notification) -> Result<NotificationContext, RecordError> {
        Ok(self
            .store
            .notification_context(
                &intent.merchant_id,
                &intent.tracking_number,
                &[(intent.milestone, intent.channel)],
            )
            .await?)
    }

    /// Sends a notification whose claim expired, once more: the sender that claimed it died
    /// before recording what happened, and SES and SNS cannot say whether its call went
    /// out (see `NOTIFICATION_CLAIM_LEASE` for why it is sent again rather than dropped).
    async fn take_over(&self, intent: Notification, now: DateTime<Utc>) -> Result<(), RecordError> {
        let key = NotificationKey::from(&intent);
        let span = span(&intent);
        let context = self.context_of(&intent).await?;
        // Decided before the takeover, as for a first claim: only the send follows it.
        let plan = self.prepare(&intent, false, &context).await?;
        if !self.store.take_over(&key, intent.updated_at, now).await? {
            return Ok(());
        }
        span.in_scope(|| {
            tracing::warn!(
                claimed_at = %intent.updated_at,
                "claim expired before its send was recorded; sending again"
            );
        });
        // The template alarms on this metric.
        afterclick_aws::metrics::count("ExpiredNotificationClaims", 1);
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
    ) -> Result<(), RecordError> {
        let key = NotificationKey::from(intent);
        let plan = self
            .prepare(intent, from == NotificationState::Pending, context)
            .await?;
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

    async fn prepare(
        &self,
        intent: &Notification,
        may_defer: bool,
        context: &NotificationContext,
    ) -> Result<Plan, RecordError> {
        let suppressed = |reason: &str| {
            Ok(Plan::Done(Outcome::Suppressed {
                reason: reason.to_owned(),
            }))
        };
        let Some(shipment) = &context.shipment else {
            return suppressed("the shipment no longer exists");
        };
        let Some(merchant) = &context.merchant else {
            return suppressed("the merchant no longer exists");
        };
        if let Some(reason) = context.opted_out {
            return suppressed(reason);
        }
        // Intents written before the shipment was edited or erased are still in flight.
        if shipment.erased_at.is_some() {
            return suppressed("the customer's personal data was erased");
        }
        if !shipment.allows(intent.channel) {
            return suppressed("the channel is turned off for this shipment");
        }
        let tracking_url = format!("{}/t/{}", self.public_base_url, shipment.token);
        let unsubscribe_url = format!("{}/u/{}", self.public_base_url, shipment.token);
        let carrier_name = carriers::carrier(&shipment.carrier)
            .map_or_else(|| shipment.carrier.to_uppercase(), |c| c.name.to_owned());
        let input = MessageInput {
            milestone: intent.milestone,
            details: &intent.details,
            shipment,
            merchant,
            carrier_name: &carrier_name,
            tracking_url: &tracking_url,
            unsubscribe_url: &unsubscribe_url,
            today: afterclick_domain::rules::customer_today(shipment, (self.clock)()),
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
        match intent.channel {
            Channel::Email => {
                let Some(to) = shipment.customer.email.clone().map(String::from) else {
                    return suppressed("the customer has no email address");
                };
                let builtin = match message::builtin_email(&input) {
                    Ok(email) => email,
                    Err(err) => {
                        return Ok(Plan::Done(Outcome::Failed {
                            error: err.to_string(),
                        }));
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
                Ok(Plan::Email(
                    OutgoingEmail {
                        unsubscribe_url: Some(unsubscribe_url.clone()),
                        from_name: merchant.brand_name.clone(),
                        from_address: merchant.sender_email.clone(),
                        reply_to: merchant.reply_to.clone(),
                        to,
                        subject: email.subject,
                        html: email.html,
                        text: email.text,
                    },
                    note,
                ))
            }
            Channel::Sms => {
                let Some(to) = shipment.customer.phone.clone().map(String::from) else {
                    return suppressed("the customer has no phone number");
                };
                match self.texter.is_opted_out(&to).await {
                    Ok(true) => return suppressed("the number opted out of SMS"),
                    Ok(false) => {}
                    // Unknown is not "yes": SNS refuses opted-out numbers itself.
                    Err(_) => tracing::warn!("SMS opt-out check failed; sending anyway"),
                }
                if may_defer && let Some(until) = quiet_until(merchant, shipment, (self.clock)()) {
                    return Ok(Plan::Done(Outcome::Deferred { until }));
                }
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
                Ok(Plan::Sms(
                    OutgoingSms {
                        to,
                        body,
                        sender_id: merchant.sms_sender_id.clone(),
                    },
                    segments,
                    note,
                ))
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
