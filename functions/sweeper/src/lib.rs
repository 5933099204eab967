//! The scheduled sweeper: the use case is `afterclick_app::sweep`; this crate wires the
//! adapters into it for the schedule's invocations (`main.rs`).

pub use afterclick_app::sweep::{Store, SweepReport, Sweeper};
