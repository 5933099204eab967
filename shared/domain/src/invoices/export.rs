//! Claims as a CSV file to submit or to paste into a carrier's claim form. Text read from an
//! invoice is shown as text, never run: a cell starting with a formula character gets a
//! leading apostrophe (OWASP's advice for CSV injection).

use super::Finding;
use chrono::NaiveDate;

pub const CSV_COLUMNS: [&str; 16] = [
    "claim_id",
    "carrier",
    "invoice_number",
    "tracking_number",
    "order_number",
    "kind",
    "service",
    "amount",
    "currency",
    "deadline",
    "deadline_passed",
    "shipped_on",
    "scheduled_on",
    "first_attempt",
    "invoice_lines",
    "reason",
];

/// A cell a spreadsheet would evaluate (`=`, `+`, `-`, `@`, tab, carriage return first)
/// made inert.
pub fn neutralise(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.to_owned()
    }
}

/// The claims as CSV (RFC 4180 quoting, a header row), deadlines judged on `today`.
pub fn claims_csv(findings: &[Finding], today: NaiveDate) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let mut rows = vec![
        CSV_COLUMNS
            .iter()
            .map(|c| (*c).to_owned())
            .collect::<Vec<_>>(),
    ];
    for f in findings {
        let date = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
        let mut lines: Vec<String> = f
            .evidence
            .charges
            .iter()
            .map(|c| c.line.to_string())
            .collect();
        lines.dedup();
        rows.push(vec![
            f.id.clone(),
            f.carrier.as_str().to_owned(),
            neutralise(&f.invoice_number),
            f.tracking_number.clone(),
            neutralise(f.order_number.as_deref().unwrap_or_default()),
            f.kind.as_str().to_owned(),
            neutralise(f.service.as_deref().unwrap_or_default()),
            f.amount.to_string(),
            neutralise(f.currency.as_deref().unwrap_or_default()),
            f.deadline.to_string(),
            (f.deadline < today).to_string(),
            date(f.evidence.shipped_on),
            date(f.evidence.scheduled_on),
            f.evidence
                .first_attempt
                .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
                .unwrap_or_default(),
            lines.join(" "),
            neutralise(&f.evidence.summary),
        ]);
    }
    for row in rows {
        // Writing to a Vec cannot fail; a row that somehow does is left out, not a panic.
        let _ = writer.write_record(&row);
    }
    writer
        .into_inner()
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .unwrap_or_default()
}
