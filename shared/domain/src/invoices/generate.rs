//! Invoice files for tests and benchmarks, built from the column lists afterclick reads
//! (`docs/invoices.md`): UPS rows as wide as the real file (250 columns, the unread ones
//! empty), a FedEx header in an order of its own with two charge-description pairs.

use super::UPS_COLUMNS;
use chrono::{NaiveDate, NaiveDateTime};

/// Columns in a UPS billing data row.
pub const UPS_WIDTH: usize = 250;

/// One UPS charge row.
#[derive(Debug, Clone)]
pub struct UpsRow {
    pub tracking_number: String,
    pub ship_date: NaiveDate,
    /// `SHP`, `ADJ`, `RTN`, `MIS`.
    pub category: &'static str,
    /// `ADC` for an address correction.
    pub detail: &'static str,
    /// `FRT`, `FSC`, `ACC`, `TAX`.
    pub class: &'static str,
    pub description: String,
    pub amount: String,
    pub receiver_postal: String,
    pub receiver_country: String,
}

impl UpsRow {
    /// The transportation charge of a service.
    pub fn freight(
        tracking_number: &str,
        ship_date: NaiveDate,
        service: &str,
        amount: &str,
    ) -> Self {
        Self {
            tracking_number: tracking_number.to_owned(),
            ship_date,
            category: "SHP",
            detail: "",
            class: "FRT",
            description: service.to_owned(),
            amount: amount.to_owned(),
            receiver_postal: "94107".to_owned(),
            receiver_country: "US".to_owned(),
        }
    }

    pub fn fuel(tracking_number: &str, ship_date: NaiveDate, amount: &str) -> Self {
        Self {
            class: "FSC",
            description: "Fuel Surcharge".to_owned(),
            ..Self::freight(tracking_number, ship_date, "", amount)
        }
    }

    pub fn address_correction(tracking_number: &str, ship_date: NaiveDate, amount: &str) -> Self {
        Self {
            detail: "ADC",
            class: "ACC",
            description: "Address Correction".to_owned(),
            ..Self::freight(tracking_number, ship_date, "", amount)
        }
    }
}

fn position(name: &str) -> usize {
    UPS_COLUMNS.iter().position(|c| *c == name).unwrap_or(0)
}

/// A UPS billing data file: no header, one row per charge, CRLF line ends as UPS writes.
pub fn ups_csv(invoice_number: &str, invoice_date: NaiveDate, rows: &[UpsRow]) -> String {
    let total: f64 = rows
        .iter()
        .filter_map(|r| r.amount.parse::<f64>().ok())
        .sum();
    let mut out = String::new();
    for (i, r) in rows.iter().enumerate() {
        let mut cells = vec![String::new(); UPS_WIDTH];
        let mut set = |name: &str, value: String| cells[position(name)] = value;
        set("version", "2.1".into());
        set("recipient_number", "0000A1B2C3".into());
        set("account_number", "0000A1B2C3".into());
        set("account_country", "US".into());
        set("invoice_date", invoice_date.to_string());
        set("invoice_number", invoice_number.to_owned());
        set("invoice_type_code", "E".into());
        set("invoice_currency_code", "USD".into());
        set("invoice_amount", format!("{total:.2}"));
        set("transaction_date", r.ship_date.to_string());
        set("lead_shipment_number", r.tracking_number.clone());
        set("shipment_reference_number1", format!("#{}", 1000 + i));
        set("bill_option_code", "P/P".into());
        set("package_quantity", "1".into());
        set("tracking_number", r.tracking_number.clone());
        set("entered_weight", "2.0".into());
        set("entered_weight_unit", "L".into());
        set("billed_weight", "2.0".into());
        set("billed_weight_unit", "L".into());
        set("zone", "008".into());
        set("charge_category_code", r.category.to_owned());
        set("charge_category_detail_code", r.detail.to_owned());
        set("charge_classification_code", r.class.to_owned());
        set("charge_description", r.description.clone());
        set("transaction_currency_code", "USD".into());
        set("incentive_amount", "0.00".into());
        set("net_amount", r.amount.clone());
        set("sender_company_name", "Demo Shop".into());
        set("sender_postal", "10001".into());
        set("sender_country", "US".into());
        set("receiver_name", "A. Customer".into());
        set("receiver_address_line1", "1 Market St, Suite 2".into());
        set("receiver_postal", r.receiver_postal.clone());
        set("receiver_country", r.receiver_country.clone());
        out.push_str(&row(&cells));
        out.push_str("\r\n");
    }
    out
}

fn row(cells: &[String]) -> String {
    cells
        .iter()
        .map(|c| {
            if c.contains([',', '"', '\n', '\r']) {
                format!("\"{}\"", c.replace('"', "\"\""))
            } else {
                c.clone()
            }
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// One FedEx package row.
#[derive(Debug, Clone)]
pub struct FedexRow {
    pub tracking_number: String,
    pub service: String,
    pub ship_date: NaiveDate,
    pub pod: Option<NaiveDateTime>,
    pub transportation: String,
    /// (description, amount) pairs.
    pub charges: Vec<(String, String)>,
    /// (address line 1, city, state, zip) billed.
    pub recipient: [String; 4],
    /// The address as the shipper entered it, when the file repeats it.
    pub original: Option<[String; 4]>,
}

impl FedexRow {
    pub fn new(tracking_number: &str, service: &str, ship_date: NaiveDate, amount: &str) -> Self {
        Self {
            tracking_number: tracking_number.to_owned(),
            service: service.to_owned(),
            ship_date,
            pod: None,
            transportation: amount.to_owned(),
            charges: vec![("Fuel Surcharge".to_owned(), "1.25".to_owned())],
            recipient: [
                "1 Market St".to_owned(),
                "San Francisco".to_owned(),
                "CA".to_owned(),
                "94107".to_owned(),
            ],
            original: None,
        }
    }
}

/// The header text as FedEx Billing Online writes it, in an order of its own: the reader
/// goes by names, not positions.
const FEDEX_HEADER: [&str; 28] = [
    "Bill to Account Number",
    "Invoice Date",
    "Invoice Number",
    "Original Amount Due",
    "Express or Ground Tracking ID",
    "Net Charge Amount",
    "Service Type",
    "Shipment Date",
    "POD Delivery Date",
    "POD Delivery Time",
    "Rated Weight Amount",
    "Zone Code",
    "Recipient Name",
    "Recipient Address Line 1",
    "Recipient City",
    "Recipient State",
    "Recipient Zip Code",
    "Recipient Country",
    "Original Recipient Address Line 1",
    "Original Recipient City",
    "Original Recipient State",
    "Original Recipient Zip Code",
    "Original Customer Reference",
    "Transportation Charge Amount",
    "Tracking ID Charge Description",
    "Tracking ID Charge Amount",
    "Tracking ID Charge Description",
    "Tracking ID Charge Amount",
];

/// A FedEx invoice CSV: a header, one row per package.
pub fn fedex_csv(invoice_number: &str, invoice_date: NaiveDate, rows: &[FedexRow]) -> String {
    let mut out = row(&FEDEX_HEADER.map(str::to_owned));
    out.push('\n');
    for (i, r) in rows.iter().enumerate() {
        let amount = |s: &str| s.parse::<f64>().unwrap_or(0.0);
        let net = amount(&r.transportation) + r.charges.iter().map(|c| amount(&c.1)).sum::<f64>();
        let pair = |n: usize| r.charges.get(n).cloned().unwrap_or_default();
        let original = r.original.clone().unwrap_or_default();
        let cells = vec![
            "123456789".to_owned(),
            invoice_date.format("%m/%d/%Y").to_string(),
            invoice_number.to_owned(),
            "0.00".to_owned(),
            r.tracking_number.clone(),
            format!("{net:.2}"),
            r.service.clone(),
            r.ship_date.format("%Y%m%d").to_string(),
            r.pod
                .map(|p| p.format("%Y%m%d").to_string())
                .unwrap_or_default(),
            r.pod
                .map(|p| p.format("%H:%M").to_string())
                .unwrap_or_default(),
            "3.0".to_owned(),
            "05".to_owned(),
            "A. Customer".to_owned(),
            r.recipient[0].clone(),
            r.recipient[1].clone(),
            r.recipient[2].clone(),
            r.recipient[3].clone(),
            "US".to_owned(),
            original[0].clone(),
            original[1].clone(),
            original[2].clone(),
            original[3].clone(),
            format!("#{}", 2000 + i),
            r.transportation.clone(),
            pair(0).0,
            pair(0).1,
            pair(1).0,
            pair(1).1,
        ];
        out.push_str(&row(&cells));
        out.push('\n');
    }
    out
}
