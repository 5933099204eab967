//! Listing a merchant's shipments from indexes, page by page.

use super::StoreError;
use crate::listing::{ListPosition, ShipmentPage, ShipmentQuery};
use std::future::Future;

pub trait ShipmentList: Send + Sync {
    /// Up to `limit` of the merchant's shipments matching `query`, newest created first (id
    /// as tiebreak), starting after `after`. A page may hold fewer than `limit` items when
    /// the filters discard many; only `next: None` means the end.
    fn list_shipments(
        &self,
        merchant_id: &str,
        query: &ShipmentQuery,
        after: Option<&ListPosition>,
        limit: usize,
    ) -> impl Future<Output = Result<ShipmentPage, StoreError>> + Send;
}
