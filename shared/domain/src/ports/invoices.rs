//! Carrier invoices: the audit's reads and the import's writes.

use super::{EventStore, ShipmentStore, StoreError};
use crate::invoices::{Finding, GuaranteeTable, InvoiceRecord};
use crate::model::Shipment;
use crate::outgoing::Delivery;
use chrono::NaiveDate;
use std::future::Future;

/// How saving an import ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InvoiceSaved {
    Created,
    /// The invoice was imported before (by this request's twin, or earlier): as stored.
    Existing(Box<InvoiceRecord>),
}

pub trait InvoiceStore: ShipmentStore + EventStore {
    /// The merchant's shipments among these tracking numbers (the others do not exist).
    /// The default reads one at a time; the DynamoDB store batches.
    fn shipments_by_tracking(
        &self,
        merchant_id: &str,
        tracking_numbers: &[String],
    ) -> impl Future<Output = Result<Vec<Shipment>, StoreError>> + Send {
        async move {
            let mut out = Vec::new();
            for tn in tracking_numbers {
                out.extend(self.shipment(merchant_id, tn).await?);
            }
            Ok(out)
        }
    }

    fn invoice(
        &self,
        merchant_id: &str,
        id: &str,
    ) -> impl Future<Output = Result<Option<InvoiceRecord>, StoreError>> + Send;

    /// The merchant's invoices, newest imported first.
    fn invoices(
        &self,
        merchant_id: &str,
    ) -> impl Future<Output = Result<Vec<InvoiceRecord>, StoreError>> + Send;

    /// Saves an import: its claims, the tracking numbers it could not match, then the
    /// summary with the `claims.ready` deliveries, the summary only if the invoice is new.
    /// Until the summary is written nothing of it is visible, so a crash leaves nothing
    /// partial, and a retry writes the same items again.
    fn save_invoice(
        &self,
        record: &InvoiceRecord,
        claims: &[Finding],
        unmatched: &[String],
        deliveries: &[Delivery],
    ) -> impl Future<Output = Result<InvoiceSaved, StoreError>> + Send;

    /// The claims of an import as saved with `record`.
    fn claims(
        &self,
        record: &InvoiceRecord,
    ) -> impl Future<Output = Result<Vec<Finding>, StoreError>> + Send;

    fn unmatched(
        &self,
        record: &InvoiceRecord,
    ) -> impl Future<Output = Result<Vec<String>, StoreError>> + Send;

    /// The merchant's claims with a deadline in `from..=until`, soonest first, across
    /// invoices, read from a sparse index (never a scan).
    fn claims_due(
        &self,
        merchant_id: &str,
        from: NaiveDate,
        until: NaiveDate,
    ) -> impl Future<Output = Result<Vec<Finding>, StoreError>> + Send;

    /// The merchant's guarantee table, if they replaced the defaults.
    fn guarantees(
        &self,
        merchant_id: &str,
    ) -> impl Future<Output = Result<Option<GuaranteeTable>, StoreError>> + Send;

    fn save_guarantees(
        &self,
        merchant_id: &str,
        table: &GuaranteeTable,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
}
