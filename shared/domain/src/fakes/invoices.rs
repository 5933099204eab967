//! Imported invoices in memory.

use super::MemoryStore;
use crate::invoices::{Finding, GuaranteeTable, InvoiceRecord};
use crate::outgoing::Delivery;
use crate::ports::{InvoiceSaved, InvoiceStore, StoreError};
use chrono::NaiveDate;
use std::collections::{BTreeMap, HashMap};

#[derive(Default)]
pub(super) struct InvoiceState {
    records: BTreeMap<(String, String), InvoiceRecord>,
    claims: HashMap<(String, String), Vec<Finding>>,
    unmatched: HashMap<(String, String), Vec<String>>,
    guarantees: HashMap<String, GuaranteeTable>,
}

impl InvoiceStore for MemoryStore {
    async fn invoice(
        &self,
        merchant_id: &str,
        id: &str,
    ) -> Result<Option<InvoiceRecord>, StoreError> {
        let state = self.state.lock().unwrap();
        Ok(state
            .invoices
            .records
            .get(&(merchant_id.to_owned(), id.to_owned()))
            .cloned())
    }

    async fn invoices(&self, merchant_id: &str) -> Result<Vec<InvoiceRecord>, StoreError> {
        let state = self.state.lock().unwrap();
        let mut out: Vec<InvoiceRecord> = state
            .invoices
            .records
            .values()
            .filter(|r| r.merchant_id == merchant_id)
            .cloned()
            .collect();
        out.sort_by_key(|r| std::cmp::Reverse(r.imported_at));
        Ok(out)
    }

    async fn save_invoice(
        &self,
        record: &InvoiceRecord,
        claims: &[Finding],
        unmatched: &[String],
        deliveries: &[Delivery],
    ) -> Result<InvoiceSaved, StoreError> {
        {
            let mut state = self.state.lock().unwrap();
            let key = (record.merchant_id.clone(), record.id.clone());
            if let Some(existing) = state.invoices.records.get(&key) {
                return Ok(InvoiceSaved::Existing(Box::new(existing.clone())));
            }
            state.invoices.records.insert(key.clone(), record.clone());
            state.invoices.claims.insert(key.clone(), claims.to_vec());
            state.invoices.unmatched.insert(key, unmatched.to_vec());
        }
        for d in deliveries {
            self.put_delivery(d.clone());
        }
        Ok(InvoiceSaved::Created)
    }

    async fn claims(&self, record: &InvoiceRecord) -> Result<Vec<Finding>, StoreError> {
        let state = self.state.lock().unwrap();
        Ok(state
            .invoices
            .claims
            .get(&(record.merchant_id.clone(), record.id.clone()))
            .cloned()
            .unwrap_or_default())
    }

    async fn unmatched(&self, record: &InvoiceRecord) -> Result<Vec<String>, StoreError> {
        let state = self.state.lock().unwrap();
        Ok(state
            .invoices
            .unmatched
            .get(&(record.merchant_id.clone(), record.id.clone()))
            .cloned()
            .unwrap_or_default())
    }

    async fn claims_due(
        &self,
        merchant_id: &str,
        from: NaiveDate,
        until: NaiveDate,
    ) -> Result<Vec<Finding>, StoreError> {
        let state = self.state.lock().unwrap();
        let mut out: Vec<Finding> = state
            .invoices
            .claims
            .iter()
            .filter(|((m, _), _)| m == merchant_id)
            .flat_map(|(_, claims)| claims.iter())
            .filter(|f| (from..=until).contains(&f.deadline))
            .cloned()
            .collect();
        out.sort_by(|a, b| (a.deadline, &a.id).cmp(&(b.deadline, &b.id)));
        Ok(out)
    }

    async fn guarantees(&self, merchant_id: &str) -> Result<Option<GuaranteeTable>, StoreError> {
        Ok(self
            .state
            .lock()
            .unwrap()
            .invoices
            .guarantees
            .get(merchant_id)
            .cloned())
    }

    async fn save_guarantees(
        &self,
        merchant_id: &str,
        table: &GuaranteeTable,
    ) -> Result<(), StoreError> {
        self.state
            .lock()
            .unwrap()
            .invoices
            .guarantees
            .insert(merchant_id.to_owned(), table.clone());
        Ok(())
    }
}
