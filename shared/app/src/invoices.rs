//! Importing a carrier invoice: match its packages to shipments, read the timelines the
//! audit needs, audit, then save the claims and the summary (with `claims.ready` for the
//! merchant's endpoints). The same invoice twice changes nothing; another file under an
//! invoice number already imported is refused.

use afterclick_domain::invoices::{
    self, Finding, GuaranteeTable, Invoice, InvoiceRecord, Matched, claims_ready, needs_timeline,
};
use afterclick_domain::ports::{EndpointStore, InvoiceSaved, InvoiceStore, StoreError};
use chrono::{DateTime, Utc};
use futures::{StreamExt, TryStreamExt};
use std::collections::HashMap;

/// Timelines read at once while auditing (one Query each; a FedEx month can hold
/// thousands of guaranteed packages).
const CONCURRENT_READS: usize = 32;

#[derive(Debug)]
pub enum Imported {
    Created(InvoiceRecord),
    /// The same invoice was imported before: nothing changed.
    Unchanged(InvoiceRecord),
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// Another file was imported under this invoice number.
    #[error("invoice {} was imported before with other content", .0.number)]
    Conflict(Box<InvoiceRecord>),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The merchant's guarantee table: theirs, or the defaults.
pub async fn guarantees<S: InvoiceStore>(
    store: &S,
    merchant_id: &str,
) -> Result<GuaranteeTable, StoreError> {
    Ok(store
        .guarantees(merchant_id)
        .await?
        .unwrap_or_else(GuaranteeTable::defaults))
}

pub async fn import<S: InvoiceStore + EndpointStore>(
    store: &S,
    merchant_id: &str,
    invoice: &Invoice,
    now: DateTime<Utc>,
) -> Result<Imported, ImportError> {
    let id = invoice.id(merchant_id);
    if let Some(existing) = store.invoice(merchant_id, &id).await? {
        return same(existing, invoice);
    }
    let table = guarantees(store, merchant_id).await?;
    let numbers: Vec<String> = invoice
        .packages
        .iter()
        .map(|p| p.tracking_number.clone())
        .collect();
    let shipments = store.shipments_by_tracking(merchant_id, &numbers).await?;
    let mut by_number: HashMap<String, afterclick_domain::Shipment> = shipments
        .into_iter()
        .map(|s| (s.tracking_number.clone(), s))
        .collect();
    let wanted: Vec<_> = invoice
        .packages
        .iter()
        .filter_map(|p| {
            let shipment = by_number.remove(&p.tracking_number)?;
            Some((needs_timeline(invoice, p, &shipment, &table), shipment))
        })
        .collect();
    let matched: HashMap<String, Matched> = futures::stream::iter(wanted)
        .map(|(read, shipment)| async move {
            let timeline = if read {
                store
                    .timeline(merchant_id, &shipment.tracking_number)
                    .await?
            } else {
                Vec::new()
            };
            Ok::<_, StoreError>((
                shipment.tracking_number.clone(),
                Matched { shipment, timeline },
            ))
        })
        .buffer_unordered(CONCURRENT_READS)
        .try_collect()
        .await?;
    let audit = invoices::audit(invoice, &id, &matched, &table, now);
    let record = InvoiceRecord::new(merchant_id, invoice, &audit, now);
    let endpoints = if audit.findings.is_empty() {
        Vec::new()
    } else {
        store.endpoints(merchant_id).await?
    };
    let deliveries = claims_ready(&record, &audit.findings, &endpoints, now);
    match store
        .save_invoice(&record, &audit.findings, &audit.unmatched, &deliveries)
        .await?
    {
        InvoiceSaved::Created => {
            tracing::info!(
                invoice_id = %record.id,
                carrier = record.carrier.as_str(),
                rows = record.rows,
                claims = record.claims,
                "invoice imported"
            );
            Ok(Imported::Created(record))
        }
        // A concurrent upload of the same number won the race.
        InvoiceSaved::Existing(existing) => same(*existing, invoice),
    }
}

fn same(existing: InvoiceRecord, invoice: &Invoice) -> Result<Imported, ImportError> {
    if existing.digest == invoice.digest {
        Ok(Imported::Unchanged(existing))
    } else {
        Err(ImportError::Conflict(Box::new(existing)))
    }
}

/// Claims whose deadline has not passed, soonest first, within `days` from `today`.
pub async fn claims_due<S: InvoiceStore>(
    store: &S,
    merchant_id: &str,
    today: chrono::NaiveDate,
    days: u64,
) -> Result<Vec<Finding>, StoreError> {
    let until = today
        .checked_add_days(chrono::Days::new(days))
        .unwrap_or(chrono::NaiveDate::MAX);
    store.claims_due(merchant_id, today, until).await
}

#[cfg(test)]
mod tests;
