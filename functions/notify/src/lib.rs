//! DynamoDB stream consumer: a new notification intent -> claim it -> render -> SES v2 or
//! SNS -> record the outcome. The claim (a conditional update) comes before the send, so
//! duplicate records, retries and concurrent invocations send at most once.

pub use afterclick_aws::stream::MissingSequenceNumber;
use afterclick_aws::stream::each_record;
use afterclick_domain::ports::{
    Mailer, MerchantStore, NotificationKey, NotificationStore, Outcome, OutgoingEmail, OutgoingSms,
    ShipmentStore, StoreError, Texter,
};
use afterclick_domain::render::{self, MessageContext};
use afterclick_domain::{Channel, Merchant, Notification, NotificationState, Shipment};
use aws_lambda_events::event::dynamodb::{Event, EventRecord};
use aws_lambda_events::event::streams::DynamoDbEventResponse;
use chrono::{DateTime, Utc};
use tracing::Instrument;

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

pub trait Store: MerchantStore + ShipmentStore + NotificationStore {}
impl<T: MerchantStore + ShipmentStore + NotificationStore> Store for T {}

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

    /// Records in order; the first failure stops the batch and is reported by its sequence
    /// number.
    pub async fn handle(
        &self,
        event: Event,
    ) -> Result<DynamoDbEventResponse, MissingSequenceNumber> {
        each_record(&event, |record| self.process(record)).await
    }

    async fn process(&self, record: &EventRecord) -> Result<(), RecordError> {
        let intent: Notification = serde_dynamo::from_item(record.change.new_image.clone())
            .map_err(|e| RecordError::Malformed(e.to_string()))?;
        let span = tracing::info_span!(
            "notification",
            merchant_id = %intent.merchant_id,
            tracking_number = %intent.tracking_number,
            milestone = %intent.milestone,
            instance = intent.instance.as_deref().unwrap_or(""),
            channel = intent.channel.as_str()
        );
        self.process_intent(intent).instrument(span).await
    }

    async fn process_intent(&self, intent: Notification) -> Result<(), RecordError> {
        if intent.state != NotificationState::Pending {
            return Ok(());
        }
        let key = NotificationKey::from(&intent);
        if !self.store.claim(&key, (self.clock)()).await? {
            tracing::info!("already claimed elsewhere; not sending again");
            return Ok(());
        }
        let outcome = self.deliver(&intent).await?;
        match &outcome {
            Outcome::Sent { .. } => tracing::info!("sent"),
            Outcome::Suppressed { reason } => tracing::info!(%reason, "suppressed"),
            Outcome::Failed { error } => tracing::warn!(%error, "send failed"),
        }
        self.store.finish(&key, &outcome, (self.clock)()).await?;
        Ok(())
    }

    async fn deliver(&self, intent: &Notification) -> Result<Outcome, RecordError> {
        let suppressed = |reason: &str| {
            Ok(Outcome::Suppressed {
                reason: reason.to_owned(),
            })
        };
        let Some(shipment) = self
            .store
            .shipment(&intent.merchant_id, &intent.tracking_number)
            .await?
        else {
            return suppressed("the shipment no longer exists");
        };
        let Some(merchant) = self.store.merchant(&intent.merchant_id).await? else {
            return suppressed("the merchant no longer exists");
        };
        let tracking_url = format!("{}/t/{}", self.public_base_url, shipment.token);
        let ctx = context(&merchant, &shipment, &tracking_url);
        let sent = match intent.channel {
            Channel::Email => {
                let Some(to) = shipment.customer.email.clone() else {
                    return suppressed("the customer has no email address");
                };
                let email = render::email(intent.milestone, &intent.details, &ctx);
                self.mailer
                    .send_email(&OutgoingEmail {
                        from_name: merchant.brand_name.clone(),
                        from_address: merchant.sender_email.clone(),
                        reply_to: merchant.reply_to.clone(),
                        to,
                        subject: email.subject,
                        html: email.html,
                        text: email.text,
                    })
                    .await
            }
            Channel::Sms => {
                let Some(to) = shipment.customer.phone.clone() else {
                    return suppressed("the customer has no phone number");
                };
                self.texter
                    .send_sms(&OutgoingSms {
                        to,
                        body: render::sms(intent.milestone, &intent.details, &ctx),
                        sender_id: merchant.sms_sender_id.clone(),
                    })
                    .await
            }
        };
        Ok(match sent {
            Ok(provider_message_id) => Outcome::Sent {
                provider_message_id,
            },
            Err(err) => Outcome::Failed {
                error: err.to_string(),
            },
        })
    }
}

fn context<'a>(
    merchant: &'a Merchant,
    shipment: &'a Shipment,
    tracking_url: &'a str,
) -> MessageContext<'a> {
    MessageContext {
        brand_name: &merchant.brand_name,
        customer_name: &shipment.customer.name,
        order_number: &shipment.order_number,
        carrier: &shipment.carrier,
        tracking_number: &shipment.tracking_number,
        tracking_url,
        estimated_delivery: shipment.estimated_delivery,
    }
}
