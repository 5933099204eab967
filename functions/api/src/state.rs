//! The API's state: what every handler is given, generic over its ports so handlers run
//! against fakes in unit tests, and the port groups that name those ports once.

use afterclick_domain::ports::{
    AnalyticsStore, ApiKeyStore, ConsentStore, DeliveryStore, EndpointStore, EventStore, Ga4Store,
    IdempotencyStore, IntegrationStore, InvoiceStore, MerchantStore, NotificationResend,
    NotificationStatsStore, OrderLookup, OrderStore, PageStatsStore, RateLimiter, RatingStore,
    SecretBox, SessionStore, ShipmentAdmin, ShipmentList, ShipmentStore, SuppressionList,
    TemplateStore, WebhookSecretStore,
};
use chrono::{DateTime, Utc};

/// What the API needs; generic over its ports so handlers run against fakes in unit tests.
pub struct App<S, V> {
    pub store: S,
    /// SES identities: a merchant may only send from a verified address or domain.
    pub senders: V,
    /// Tracking pages live at `{public_base_url}/t/{token}`.
    pub public_base_url: String,
    pub clock: fn() -> DateTime<Utc>,
    /// Lets webhook endpoints be `http://127.0.0.1` / `http://localhost` (the devstack's
    /// local receivers); off everywhere else.
    pub allow_local_webhook_urls: bool,
    /// Keys rate-limit counters (client addresses) with HMAC, so the stored hashes cannot
    /// be reversed by hashing all 2^32 IPv4 addresses. Every instance must share it: the
    /// template generates one secret; `App::new` starts with a random one (one process).
    pub rate_limit_pepper: Vec<u8>,
}

impl<S, V> App<S, V> {
    pub fn new(store: S, senders: V, public_base_url: impl Into<String>) -> Self {
        Self {
            store,
            senders,
            public_base_url: public_base_url.into().trim_end_matches('/').to_owned(),
            clock: Utc::now,
            allow_local_webhook_urls: false,
            rate_limit_pepper: afterclick_aws::secrets::new_token().into_bytes(),
        }
    }

    pub fn with_rate_limit_pepper(mut self, pepper: impl Into<Vec<u8>>) -> Self {
        self.rate_limit_pepper = pepper.into();
        self
    }
}

/// Declares a trait that is exactly the sum of its bounds, implemented for every type that
/// has them all, so handlers name one bound and the list is written once.
macro_rules! port_group {
    ($(#[$doc:meta])* $name:ident: $($bound:tt)+) => {
        $(#[$doc])*
        pub trait $name: $($bound)+ {}
        impl<T: $($bound)+> $name for T {}
    };
}

port_group!(
    /// Every port the API's handlers use.
    Store: MerchantStore
        + ShipmentStore
        + EventStore
        + TemplateStore
        + ConsentStore
        + Credentials
        + PublicPages
        + ShipmentAdministration
        + WebhookEndpoints
        + StoreConnections
        + InvoiceStore
        + SessionStore
        + SuppressionList
        + NotificationStatsStore
        + NotificationResend
        + Ga4Store
        + 'static
);

port_group!(
    /// Store platforms: the merchant's connections (their secrets among the webhook
    /// secrets) and the orders they sent.
    StoreConnections: IntegrationStore + OrderStore + WebhookSecretStore + SecretBox
);

port_group!(
    /// What the customer-facing pages need: delivery ratings, order lookup, rate limits,
    /// page analytics.
    PublicPages: RatingStore + OrderLookup + RateLimiter + PageStatsStore
);

port_group!(
    /// Listing, editing and erasing shipments; idempotent POSTs.
    ShipmentAdministration: ShipmentList + ShipmentAdmin + IdempotencyStore
);

port_group!(
    /// API keys, webhook secrets and the outcome counters (carrier analytics).
    Credentials: ApiKeyStore + WebhookSecretStore + AnalyticsStore + SecretBox
);

port_group!(
    /// The merchant's outgoing webhook endpoints and their delivery log.
    WebhookEndpoints: EndpointStore + DeliveryStore + SecretBox
);
