//! What afterclick keeps of an imported invoice: its summary. The claims are kept one per
//! item beside it; the rows themselves are not kept (the merchant has the file).

use super::{Audit, Finding, FindingKind, Invoice, InvoiceCarrier};
use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceRecord {
    pub id: String,
    pub merchant_id: String,
    pub carrier: InvoiceCarrier,
    pub number: String,
    pub date: NaiveDate,
    pub currency: Option<String>,
    /// The content's SHA-256: the same invoice uploaded again is recognised, a different
    /// one under the same number refused.
    pub digest: String,
    pub rows: usize,
    pub packages: usize,
    pub matched: usize,
    pub unmatched: usize,
    /// Every charge billed.
    pub billed: Decimal,
    pub claims: usize,
    pub claimable: Decimal,
    // Empty maps are left out of the item: DynamoDB Local's stream renders an empty map
    // without its type, which no SDK can read (the whole shard would stall).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub by_kind: BTreeMap<FindingKind, KindTotal>,
    /// Late guaranteed deliveries not claimed, by why.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub excluded: BTreeMap<String, usize>,
    pub imported_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KindTotal {
    pub count: usize,
    pub amount: Decimal,
}

/// Count and amount per finding kind.
pub fn totals(findings: &[Finding]) -> BTreeMap<FindingKind, KindTotal> {
    let mut out: BTreeMap<FindingKind, KindTotal> = BTreeMap::new();
    for f in findings {
        let t = out.entry(f.kind).or_default();
        t.count += 1;
        t.amount += f.amount;
    }
    out
}

impl InvoiceRecord {
    pub fn new(merchant_id: &str, invoice: &Invoice, audit: &Audit, now: DateTime<Utc>) -> Self {
        Self {
            id: invoice.id(merchant_id),
            merchant_id: merchant_id.to_owned(),
            carrier: invoice.carrier,
            number: invoice.number.clone(),
            date: invoice.date,
            currency: invoice.currency.clone(),
            digest: invoice.digest.clone(),
            rows: invoice.rows,
            packages: invoice.packages.len(),
            matched: audit.matched,
            unmatched: audit.unmatched.len(),
            billed: invoice.total,
            claims: audit.findings.len(),
            claimable: audit.findings.iter().map(|f| f.amount).sum(),
            by_kind: totals(&audit.findings),
            excluded: audit.excluded.clone(),
            imported_at: now,
        }
    }
}

/// The outgoing webhook event an import with claims sends to every endpoint.
pub const CLAIMS_READY: &str = "claims.ready";

/// One `claims.ready` delivery per endpoint; its `tracking_number` is the invoice id (the
/// delivery log's subject) and its id is one per invoice, so a re-import sends nothing new.
pub fn claims_ready(
    record: &InvoiceRecord,
    claims: &[Finding],
    endpoints: &[crate::outgoing::WebhookEndpoint],
    now: DateTime<Utc>,
) -> Vec<crate::outgoing::Delivery> {
    use crate::outgoing::Delivery;
    if claims.is_empty() {
        return Vec::new();
    }
    let at = now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let body = serde_json::json!({
        "type": CLAIMS_READY,
        "timestamp": at,
        "data": {
            "invoice_id": record.id,
            "carrier": record.carrier,
            "invoice_number": record.number,
            "invoice_date": record.date,
            "claims": record.claims,
            "claimable": record.claimable,
            "currency": record.currency,
            "earliest_deadline": claims.iter().map(|c| c.deadline).min(),
            "by_kind": record.by_kind.iter().map(|(k, t)| (k.as_str().to_owned(), serde_json::json!({
                "count": t.count,
                "amount": t.amount,
            }))).collect::<serde_json::Map<_, _>>(),
        }
    })
    .to_string();
    endpoints
        .iter()
        .map(|e| {
            Delivery::pending(
                &record.merchant_id,
                &record.id,
                &e.id,
                CLAIMS_READY,
                CLAIMS_READY.to_owned(),
                body.clone(),
                now,
            )
        })
        .collect()
}
