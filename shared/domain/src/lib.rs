//! afterclick's pure domain: no AWS SDK, no network, no clock reads, no entropy.
//! Handlers pass `now` and random bytes in; adapters implement the [`ports`]; the use cases
//! that drive them live in `afterclick-app`.

pub mod analytics;
pub mod attention;
pub mod contact;
pub mod email_events;
#[cfg(feature = "fakes")]
pub mod fakes;
pub mod ga4;
pub mod i18n;
pub mod ids;
pub mod invoices;
pub mod lanes;
pub mod listing;
pub mod message;
pub mod milestone;
pub mod model;
pub mod notification_stats;
pub mod orders;
pub mod outgoing;
pub mod page_stats;
pub mod platforms;
pub mod ports;
pub mod providers;
pub mod reason;
pub mod render;
pub mod rules;
pub mod signature;
pub mod sms;
pub mod status;
pub mod validate;

pub use contact::{CountryCode, EmailAddress, PhoneNumber};
pub use milestone::Milestone;
pub use model::{
    Channel, Customer, Merchant, Notification, NotificationState, Shipment, TrackingEvent,
};
pub use status::Status;
