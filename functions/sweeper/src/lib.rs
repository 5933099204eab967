//! The scheduled sweeper: the use case is `afterclick_app::sweep`; this crate wires the
//! store into it for the schedule's invocations (`main.rs`). It re-evaluates due shipments
//! and wakes due notifications and deliveries; notify and dispatch send them, so it links
//! no sender (no SES, SNS, KMS nor HTTP client).

pub use afterclick_app::sweep::{Store, SweepReport, Sweeper};
