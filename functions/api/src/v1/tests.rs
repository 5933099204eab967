//! Route-level tests of the merchant API that span several handlers.

mod erasure;
mod shipments;
