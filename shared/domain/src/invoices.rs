//! Carrier invoices audited against what afterclick saw of each parcel: money back for late
//! guaranteed deliveries and billing errors.
//!
//! A merchant uploads a UPS billing data CSV (headerless, one row per charge) or a FedEx
//! invoice CSV (header, one row per package). [`read`] turns either into one [`Invoice`]:
//! packages by tracking number with their charges, each charge naming its line. [`audit`]
//! matches the packages to shipments and finds what is claimable, each [`Finding`] with its
//! evidence, amount and claim deadline. Nothing is filed with a carrier: neither has a public
//! API for claims, so the merchant submits the list ([`export`]).
//!
//! The column layouts come from a third-party importer, not official carrier specifications;
//! `docs/invoices.md` says exactly what is read.

mod audit;
mod export;
#[cfg(any(test, feature = "fakes"))]
pub mod generate;
mod guarantees;
mod read;
mod record;
#[cfg(test)]
mod tests;

pub use audit::{
    Audit, BILLING_CLAIM_DAYS, Evidence, Finding, FindingKind, LATE_CLAIM_DAYS, Matched,
    NEVER_SCANNED_DAYS, audit, needs_timeline,
};
pub use export::{CSV_COLUMNS, claims_csv, neutralise};
pub use guarantees::{GuaranteeRule, GuaranteeTable, MAX_RULES, Terms, service_key};
pub use read::{
    FIELD_LIMIT, InvoiceError, MAX_DECOMPRESSED, MAX_LINES_PER_PACKAGE, MAX_ROWS, UPS_COLUMNS,
    UPS_MIN_COLUMNS, read,
};
pub use record::{CLAIMS_READY, InvoiceRecord, KindTotal, claims_ready, totals};

use chrono::{NaiveDate, NaiveDateTime};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The carriers whose invoice files afterclick reads; the codes are afterclick's carrier codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum InvoiceCarrier {
    Ups,
    Fedex,
}

impl InvoiceCarrier {
    pub const ALL: [InvoiceCarrier; 2] = [InvoiceCarrier::Ups, InvoiceCarrier::Fedex];

    pub fn as_str(self) -> &'static str {
        match self {
            InvoiceCarrier::Ups => "ups",
            InvoiceCarrier::Fedex => "fedex",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// One carrier invoice as read from its file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invoice {
    pub carrier: InvoiceCarrier,
    pub number: String,
    pub date: NaiveDate,
    pub currency: Option<String>,
    /// Data rows read (charge rows for UPS, package rows for FedEx).
    pub rows: usize,
    /// The sum of every charge billed.
    pub total: Decimal,
    /// By tracking number, in the order first seen.
    pub packages: Vec<Package>,
    /// SHA-256 of the file's bytes: the same file uploaded twice is recognised.
    pub digest: String,
}

impl Invoice {
    /// The invoice's id: one per merchant, carrier and invoice number, so uploading it again
    /// names the same import.
    pub fn id(&self, merchant_id: &str) -> String {
        invoice_id(merchant_id, self.carrier, &self.number)
    }
}

pub fn invoice_id(merchant_id: &str, carrier: InvoiceCarrier, number: &str) -> String {
    let mut hasher = Sha256::new();
    for part in [merchant_id, carrier.as_str(), number] {
        hasher.update(part.as_bytes());
        hasher.update([0u8]);
    }
    format!("inv_{}", hex::encode(&hasher.finalize()[..12]))
}

/// What one tracking number was billed on the invoice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Package {
    pub tracking_number: String,
    /// The service of its first transportation charge.
    pub service: Option<String>,
    pub ship_date: Option<NaiveDate>,
    /// The proof of delivery's local date and time (FedEx files carry it).
    pub delivered: Option<NaiveDateTime>,
    pub receiver_postal: Option<String>,
    pub receiver_country: Option<String>,
    /// FedEx files repeat the address as the shipper entered it: `Some(true)` when that is
    /// the address billed, so a correction fee corrected nothing.
    pub address_unchanged: Option<bool>,
    pub charges: Vec<Charge>,
}

impl Package {
    pub fn sum(&self, kind: ChargeKind) -> Decimal {
        self.charges
            .iter()
            .filter(|c| c.kind == kind)
            .map(|c| c.amount)
            .sum()
    }
}

/// One billed amount.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Charge {
    /// The file's line it was read from (1-based, as an editor shows it).
    pub line: usize,
    pub kind: ChargeKind,
    pub description: String,
    pub amount: Decimal,
}

/// What a charge is for, as the audit needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChargeKind {
    /// The base rate for the service: what a late guaranteed delivery refunds.
    Transportation,
    Fuel,
    AddressCorrection,
    /// An adjustment to an earlier charge (UPS `ADJ` rows, FedEx credits and discounts).
    Adjustment,
    Tax,
    Other,
}
