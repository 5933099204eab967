//! afterclick's use cases, generic over the domain's ports: re-evaluate a shipment, plan and
//! send a notification, dispatch an outgoing webhook, sweep what is due. No AWS SDK and no
//! event formats: the functions decode their events and wire the adapters (`afterclick-aws`)
//! in; the rules themselves stay in the pure domain.

pub mod dispatch;
pub mod email_events;
pub mod ga4;
pub mod invoices;
pub mod notify;
mod reevaluate;
pub mod store_fetch;
pub mod store_orders;
pub mod sweep;

pub use dispatch::Dispatch;
pub use email_events::EmailEvents;
pub use notify::Notify;
pub use reevaluate::{COMMIT_ATTEMPTS, ReevaluateError, reevaluate};
pub use sweep::{SweepReport, Sweeper};
