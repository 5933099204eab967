//! Reads that go together. A function that needs a shipment, its merchant and what hangs
//! off them reads them in one round trip where the store can (DynamoDB's BatchGetItem);
//! the default bodies read one at a time, which is all an in-memory fake needs.

use super::{
    ConsentStore, MerchantStore, OrderLookup, ShipmentStore, StoreError, SuppressionList,
    TemplateKey, TemplateStore,
};
use crate::email_events::SuppressionReason;
use crate::message::{self, Override};
use crate::milestone::Milestone;
use crate::model::{Channel, Merchant, Shipment};
use std::future::Future;

/// A shipment with its merchant, as milestone evaluation starts from.
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub shipment: Option<Shipment>,
    pub merchant: Option<Merchant>,
    /// False only when the store knows the merchant has no webhook endpoints, so the
    /// endpoints need not be listed for a reached moment.
    pub may_have_endpoints: bool,
}

pub trait SnapshotReads: ShipmentStore + MerchantStore {
    fn snapshot(
        &self,
        merchant_id: &str,
        tracking_number: &str,
    ) -> impl Future<Output = Result<Snapshot, StoreError>> + Send {
        async move {
            Ok(Snapshot {
                shipment: self.shipment(merchant_id, tracking_number).await?,
                merchant: self.merchant(merchant_id).await?,
                may_have_endpoints: true,
            })
        }
    }
}

/// Everything sending one shipment's notifications reads before it decides.
#[derive(Debug, Clone, Default)]
pub struct NotificationContext {
    pub shipment: Option<Shipment>,
    pub merchant: Option<Merchant>,
    /// Why the customer may not be messaged (they unsubscribed), if so.
    pub opted_out: Option<&'static str>,
    /// Why the merchant sends no email to the customer's address (a hard bounce, a
    /// complaint), if it is on the merchant's suppression list.
    pub email_suppressed: Option<SuppressionReason>,
    /// The merchant's own templates for the intents asked about (absent: the built-in copy).
    pub templates: Vec<(TemplateKey, Override)>,
    /// A store platform's parcel: every shipment of its order (itself included), so the
    /// message can say which parcel it is. Empty otherwise.
    pub order_parcels: Vec<Shipment>,
}

impl NotificationContext {
    pub fn template(&self, key: &TemplateKey) -> Option<&Override> {
        self.templates
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, t)| t)
    }
}

impl TemplateKey {
    /// The template a message to this shipment's customer would use: its milestone and
    /// channel in the customer's locale (or the merchant's default).
    pub fn for_message(
        merchant: &Merchant,
        shipment: &Shipment,
        milestone: Milestone,
        channel: Channel,
    ) -> Self {
        let locale = message::resolve_locale(
            shipment.customer.locale.as_deref(),
            &merchant.branding.default_locale,
        );
        TemplateKey {
            merchant_id: merchant.merchant_id.clone(),
            milestone,
            channel,
            locale: locale.tag.to_owned(),
        }
    }
}

pub trait NotificationReads:
    ShipmentStore + MerchantStore + ConsentStore + TemplateStore + OrderLookup + SuppressionList
{
    /// The shipment, its merchant, the customer's consent and the templates of `messages`.
    fn notification_context(
        &self,
        merchant_id: &str,
        tracking_number: &str,
        messages: &[(Milestone, Channel)],
    ) -> impl Future<Output = Result<NotificationContext, StoreError>> + Send {
        async move {
            let shipment = self.shipment(merchant_id, tracking_number).await?;
            let merchant = self.merchant(merchant_id).await?;
            let (Some(s), Some(m)) = (&shipment, &merchant) else {
                return Ok(NotificationContext {
                    shipment,
                    merchant,
                    ..Default::default()
                });
            };
            let opted_out = self.opted_out(s).await?;
            let email_suppressed = match s.customer.email.as_deref() {
                Some(email) => self.suppressed(merchant_id, email).await?,
                None => None,
            };
            let mut templates = Vec::new();
            for &(milestone, channel) in messages {
                let key = TemplateKey::for_message(m, s, milestone, channel);
                if let Some(t) = self.template(&key).await? {
                    templates.push((key, t));
                }
            }
            let order_parcels = if s.parcel.is_some() {
                self.shipments_by_order(merchant_id, &s.order_number)
                    .await?
            } else {
                Vec::new()
            };
            Ok(NotificationContext {
                shipment,
                merchant,
                opted_out,
                email_suppressed,
                templates,
                order_parcels,
            })
        }
    }
}
