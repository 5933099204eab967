//! Reading an invoice file: bytes in any of the encodings carriers' portals and spreadsheet
//! programs write, CSV records (the `csv` crate: quoting, embedded commas and newlines), then
//! one layout's columns into one [`Invoice`]. Every refusal names the line and the column,
//! and nothing is kept of a file that is refused.

use super::{Charge, ChargeKind, Invoice, InvoiceCarrier, Package};
use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime};
use rust_decimal::Decimal;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::str::FromStr;

/// The longest field accepted, in bytes: the longest real one is an address line or a
/// charge description; anything near this is an attack or a broken export.
pub const FIELD_LIMIT: usize = 1024;
/// Data rows in one file: what the API function reads and audits within its memory and
/// time (`make bench-invoice`); a bigger month is uploaded in parts, one invoice each.
pub const MAX_ROWS: usize = 100_000;
/// The largest file once decompressed, in bytes.
pub const MAX_DECOMPRESSED: usize = 16 * 1024 * 1024;
/// Charge lines of one tracking number: a parcel has a handful; hundreds are a broken file,
/// and would make one finding's evidence larger than a stored item may be.
pub const MAX_LINES_PER_PACKAGE: usize = 100;

/// The UPS billing data file's first columns, in order (0-based positions). From a public
/// importer's schema, not UPS's specification: the file has about 250; these are the ones
/// read, through the receiver's address.
pub const UPS_COLUMNS: [&str; 60] = [
    "version",
    "recipient_number",
    "account_number",
    "account_country",
    "invoice_date",
    "invoice_number",
    "invoice_type_code",
    "invoice_type_detail_code",
    "account_tax_id",
    "invoice_currency_code",
    "invoice_amount",
    "transaction_date",
    "pickup_record_number",
    "lead_shipment_number",
    "world_ease_number",
    "shipment_reference_number1",
    "shipment_reference_number2",
    "bill_option_code",
    "package_quantity",
    "oversize_quantity",
    "tracking_number",
    "package_reference_number1",
    "package_reference_number2",
    "entered_weight",
    "entered_weight_unit",
    "billed_weight",
    "billed_weight_unit",
    "container_type",
    "billed_weight_type",
    "package_dimensions",
    "zone",
    "charge_category_code",
    "charge_category_detail_code",
    "charge_source",
    "charge_classification_code",
    "charge_description_code",
    "charge_description",
    "charged_unit_quantity",
    "basis_currency_code",
    "basis_value",
    "tax_indicator",
    "transaction_currency_code",
    "incentive_amount",
    "net_amount",
    "sender_name",
    "sender_company_name",
    "sender_address_line1",
    "sender_address_line2",
    "sender_city",
    "sender_state",
    "sender_postal",
    "sender_country",
    "receiver_name",
    "receiver_company_name",
    "receiver_address_line1",
    "receiver_address_line2",
    "receiver_city",
    "receiver_state",
    "receiver_postal",
    "receiver_country",
];
/// A UPS row must reach `net_amount`.
pub const UPS_MIN_COLUMNS: usize = 44;

/// Why a file was refused: where, and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{detail}", place(*line, *column, name.as_deref()))]
pub struct InvoiceError {
    /// 1-based, as an editor shows it.
    pub line: Option<usize>,
    /// 1-based.
    pub column: Option<usize>,
    /// The column's name: UPS's element name, or FedEx's header text.
    pub name: Option<String>,
    pub detail: String,
}

fn place(line: Option<usize>, column: Option<usize>, name: Option<&str>) -> String {
    let column = match (column, name) {
        (Some(c), Some(n)) => format!(", column {c} ({n})"),
        (Some(c), None) => format!(", column {c}"),
        (None, Some(n)) => format!(", column {n}"),
        (None, None) => String::new(),
    };
    match line {
        Some(l) => format!("line {l}{column}: "),
        None => String::new(),
    }
}

impl InvoiceError {
    fn at(line: usize, column: Option<usize>, detail: impl Into<String>) -> Self {
        Self {
            line: Some(line),
            column,
            name: None,
            detail: detail.into(),
        }
    }

    fn named(mut self, name: &str) -> Self {
        self.name = Some(name.to_owned());
        self
    }

    fn file(detail: impl Into<String>) -> Self {
        Self {
            line: None,
            column: None,
            name: None,
            detail: detail.into(),
        }
    }
}

/// Reads a whole file. `carrier` forces a layout; without it the first row decides (a FedEx
/// header names `Express or Ground Tracking ID`; a UPS row has 44 columns or more).
pub fn read(bytes: &[u8], carrier: Option<InvoiceCarrier>) -> Result<Invoice, InvoiceError> {
    let text = decode(bytes)?;
    if text.trim().is_empty() {
        return Err(InvoiceError::at(1, None, "the file is empty"));
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = Vec::new();
    let mut hasher = Sha256::new();
    // csv's own line count misses CRLF line ends (UPS writes them): count from byte offsets.
    let mut lines = LineCounter::default();
    for result in reader.records() {
        let record = result.map_err(|e| csv_error(e, &mut lines, text.as_bytes()))?;
        let line = lines.at(text.as_bytes(), record.position().map_or(0, |p| p.byte()));
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        if records.len() >= MAX_ROWS {
            return Err(InvoiceError::at(
                line,
                None,
                format!("the file has more than {MAX_ROWS} rows: split it by invoice"),
            ));
        }
        for (i, field) in record.iter().enumerate() {
            if field.len() > FIELD_LIMIT {
                return Err(InvoiceError::at(
                    line,
                    Some(i + 1),
                    format!(
                        "the field is {} bytes long; a field holds at most {FIELD_LIMIT}",
                        field.len()
                    ),
                ));
            }
            hasher.update(field.trim().as_bytes());
            hasher.update([0x1f]);
        }
        hasher.update([0x1e]);
        records.push((line, record));
    }
    let Some((first_at, first)) = records.first() else {
        return Err(InvoiceError::at(1, None, "the file has no rows"));
    };
    let first_at = *first_at;
    if first.len() == 1 {
        let found = [';', '\t', '|']
            .into_iter()
            .find(|d| first.iter().any(|f| f.contains(*d)))
            .map_or("no separator".to_owned(), |d| format!("{d:?} separators"));
        return Err(InvoiceError::at(
            first_at,
            None,
            format!("the row has one column ({found}): carrier invoice files are comma-separated"),
        ));
    }
    let is_fedex = first
        .iter()
        .any(|h| header_key(h) == "express_or_ground_tracking_id");
    let carrier = match carrier {
        Some(c) => c,
        None if is_fedex => InvoiceCarrier::Fedex,
        None if first.len() >= UPS_MIN_COLUMNS => InvoiceCarrier::Ups,
        None => {
            return Err(InvoiceError::at(
                first_at,
                None,
                format!(
                    "neither a FedEx invoice CSV (a header with `Express or Ground Tracking ID`) \
                     nor a UPS billing data file (no header, at least {UPS_MIN_COLUMNS} columns): \
                     the row has {} columns",
                    first.len()
                ),
            ));
        }
    };
    let digest = hex::encode(hasher.finalize());
    match carrier {
        InvoiceCarrier::Ups => ups(&records, digest),
        InvoiceCarrier::Fedex => fedex(&records, digest),
    }
}

/// UTF-8 (with or without a byte-order mark), UTF-16 with its mark, else Windows-1252: what
/// Excel writes when it saves as CSV on Windows.
fn decode(bytes: &[u8]) -> Result<std::borrow::Cow<'_, str>, InvoiceError> {
    if bytes.len() > MAX_DECOMPRESSED {
        return Err(InvoiceError::file(format!(
            "the file is larger than {} MB",
            MAX_DECOMPRESSED / 1024 / 1024
        )));
    }
    if let Some((encoding, _)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, _, malformed) = encoding.decode(bytes);
        if malformed {
            return Err(InvoiceError::file(format!(
                "the file starts with a {} byte-order mark but is not {} throughout",
                encoding.name(),
                encoding.name()
            )));
        }
        return Ok(text);
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(std::borrow::Cow::Borrowed(text)),
        Err(_) => Ok(encoding_rs::WINDOWS_1252
            .decode_without_bom_handling(bytes)
            .0),
    }
}

/// The 1-based line of byte offsets met in increasing order.
#[derive(Default)]
struct LineCounter {
    byte: usize,
    line: usize,
}

impl LineCounter {
    fn at(&mut self, text: &[u8], byte: u64) -> usize {
        let mut byte = usize::try_from(byte).unwrap_or(usize::MAX).min(text.len());
        // After a CR terminator csv starts the next record at its LF.
        while text.get(byte).is_some_and(|b| matches!(b, b'\r' | b'\n')) {
            byte += 1;
        }
        if byte >= self.byte {
            self.line += text[self.byte..byte]
                .iter()
                .filter(|b| **b == b'\n')
                .count();
            self.byte = byte;
        }
        self.line + 1
    }
}

fn csv_error(err: csv::Error, lines: &mut LineCounter, text: &[u8]) -> InvoiceError {
    let line = lines.at(text, err.position().map_or(0, |p| p.byte()));
    match err.kind() {
        csv::ErrorKind::Utf8 { err, .. } => {
            InvoiceError::at(line, Some(err.field() + 1), "the field is not valid text")
        }
        _ => InvoiceError::at(line, None, format!("the row is not valid CSV: {err}")),
    }
}

/// `Express or Ground Tracking ID` -> `express_or_ground_tracking_id`.
fn header_key(header: &str) -> String {
    let mut key = String::with_capacity(header.len());
    for c in header.trim().trim_start_matches('\u{feff}').chars() {
        if c.is_ascii_alphanumeric() {
            key.push(c.to_ascii_lowercase());
        } else if !key.is_empty() && !key.ends_with('_') {
            key.push('_');
        }
    }
    key.trim_end_matches('_').to_owned()
}

/// A field's value with its place, for error messages.
struct Cell<'a> {
    line: usize,
    /// 0-based.
    index: usize,
    name: &'a str,
    value: &'a str,
}

impl Cell<'_> {
    fn err(&self, detail: impl Into<String>) -> InvoiceError {
        InvoiceError::at(self.line, Some(self.index + 1), detail).named(self.name)
    }

    fn text(&self) -> Option<String> {
        let v = self.value.trim();
        (!v.is_empty()).then(|| v.to_owned())
    }

    fn required(&self) -> Result<String, InvoiceError> {
        self.text().ok_or_else(|| self.err("is empty"))
    }

    fn date(&self) -> Result<Option<NaiveDate>, InvoiceError> {
        let Some(v) = self.text() else {
            return Ok(None);
        };
        ["%Y-%m-%d", "%Y%m%d", "%m/%d/%Y", "%d.%m.%Y"]
            .into_iter()
            .find_map(|f| NaiveDate::parse_from_str(&v, f).ok())
            // An invoice of another century is a broken export (and far dates would
            // overflow the deadline arithmetic).
            .filter(|d| (2000..=2100).contains(&d.year()))
            .map(Some)
            .ok_or_else(|| {
                self.err(format!(
                    "`{}` is not a date between 2000 and 2100",
                    shorten(&v)
                ))
            })
    }

    fn time(&self) -> Result<Option<NaiveTime>, InvoiceError> {
        let Some(v) = self.text() else {
            return Ok(None);
        };
        ["%H:%M", "%H%M", "%H:%M:%S"]
            .into_iter()
            .find_map(|f| NaiveTime::parse_from_str(&v, f).ok())
            .map(Some)
            .ok_or_else(|| self.err(format!("`{}` is not a time of day", shorten(&v))))
    }

    /// Amounts as exported in either notation: `1,234.56` or `12,34`; `$` tolerated.
    fn amount(&self, may_be_negative: bool) -> Result<Option<Decimal>, InvoiceError> {
        let Some(v) = self.text() else {
            return Ok(None);
        };
        let trimmed = v.replace('$', "");
        // The last separator is the decimal one when both appear (`1,234.56`, `1.234,56`);
        // a lone comma is decimal before one or two digits (`12,34`), grouping before three.
        let normal = match (trimmed.rfind('.'), trimmed.rfind(',')) {
            (Some(dot), Some(comma)) if comma > dot => trimmed.replace('.', "").replace(',', "."),
            (Some(_), _) => trimmed.replace(',', ""),
            (None, Some(comma)) if (1..=2).contains(&(trimmed.len() - comma - 1)) => {
                trimmed.replace(',', ".")
            }
            (None, _) => trimmed.replace(',', ""),
        };
        let amount = Decimal::from_str(normal.trim())
            .ok()
            .filter(|d| d.abs() < Decimal::from(10_000_000))
            .ok_or_else(|| self.err(format!("`{}` is not an amount", shorten(&v))))?;
        if amount.is_sign_negative() && !amount.is_zero() && !may_be_negative {
            return Err(self.err(format!(
                "`{}` is negative: only adjustments, credits and discounts may be",
                shorten(&v)
            )));
        }
        // Money to the cent, always written with two decimals (`9.80`, `1234.00`).
        let mut amount = amount.round_dp(2);
        amount.rescale(2);
        Ok(Some(amount))
    }

    fn tracking_number(&self) -> Result<Option<String>, InvoiceError> {
        let Some(v) = self.text() else {
            return Ok(None);
        };
        let valid = (6..=40).contains(&v.len()) && v.chars().all(|c| c.is_ascii_alphanumeric());
        if !valid {
            return Err(self.err(format!(
                "`{}` is not a tracking number (6 to 40 letters and digits)",
                shorten(&v)
            )));
        }
        Ok(Some(v.to_ascii_uppercase()))
    }
}

fn shorten(v: &str) -> String {
    if v.chars().count() > 40 {
        format!("{}…", v.chars().take(40).collect::<String>())
    } else {
        v.to_owned()
    }
}

/// Packages by tracking number, in the order first seen.
#[derive(Default)]
struct Packages {
    order: Vec<Package>,
    index: HashMap<String, usize>,
}

impl Packages {
    fn entry(&mut self, tracking_number: &str) -> &mut Package {
        let i = *self
            .index
            .entry(tracking_number.to_owned())
            .or_insert_with(|| {
                self.order.push(Package {
                    tracking_number: tracking_number.to_owned(),
                    service: None,
                    ship_date: None,
                    delivered: None,
                    receiver_postal: None,
                    receiver_country: None,
                    address_unchanged: None,
                    charges: Vec::new(),
                });
                self.order.len() - 1
            });
        &mut self.order[i]
    }
}

/// One invoice per file: a second invoice number is refused where it appears.
struct Header {
    number: String,
    date: NaiveDate,
}

fn same_invoice(
    header: &mut Option<Header>,
    number: &Cell<'_>,
    date: &Cell<'_>,
) -> Result<(), InvoiceError> {
    let n = number.required()?;
    match header {
        Some(h) if h.number != n => Err(number.err(format!(
            "the file holds two invoices ({} and {}): upload one invoice per file",
            h.number,
            shorten(&n)
        ))),
        Some(_) => Ok(()),
        None => {
            let d = date.date()?.ok_or_else(|| date.err("is empty"))?;
            *header = Some(Header { number: n, date: d });
            Ok(())
        }
    }
}

fn ups(records: &[(usize, csv::StringRecord)], digest: String) -> Result<Invoice, InvoiceError> {
    let mut header = None;
    let mut currency = None;
    let mut total = Decimal::ZERO;
    let mut packages = Packages::default();
    for (line, record) in records {
        let line = *line;
        if record.len() < UPS_MIN_COLUMNS {
            return Err(InvoiceError::at(
                line,
                None,
                format!(
                    "the row has {} columns; a UPS billing data row has at least \
                     {UPS_MIN_COLUMNS} (through net_amount)",
                    record.len()
                ),
            ));
        }
        let cell = |i: usize| Cell {
            line,
            index: i,
            name: UPS_COLUMNS[i],
            value: record.get(i).unwrap_or_default(),
        };
        same_invoice(&mut header, &cell(5), &cell(4))?;
        currency = currency.or(cell(9).text());
        let category = cell(31).text().unwrap_or_default().to_ascii_uppercase();
        let detail = cell(32).text().unwrap_or_default().to_ascii_uppercase();
        let class = cell(34).text().unwrap_or_default().to_ascii_uppercase();
        let description = cell(36).text().unwrap_or_default();
        let adjustment = category == "ADJ";
        let amount = cell(43)
            .amount(adjustment)?
            .ok_or_else(|| cell(43).err("is empty"))?;
        total += amount;
        let Some(tracking_number) = cell(20).tracking_number()? else {
            // Account-level charges (service fees, payments) belong to no parcel.
            continue;
        };
        // An address correction is billed under ADJ with detail ADC: recognised first. A
        // return's freight (RTN) is another leg, not the service billed again.
        let kind = if detail == "ADC" || description.to_lowercase().contains("address correction") {
            ChargeKind::AddressCorrection
        } else if adjustment {
            ChargeKind::Adjustment
        } else {
            match class.as_str() {
                "FRT" if matches!(category.as_str(), "SHP" | "") => ChargeKind::Transportation,
                "FSC" => ChargeKind::Fuel,
                "TAX" | "GOV" | "BRK" => ChargeKind::Tax,
                _ => ChargeKind::Other,
            }
        };
        let ship_date = cell(11).date()?;
        let package = packages.entry(&tracking_number);
        if package.charges.len() >= MAX_LINES_PER_PACKAGE {
            return Err(cell(20).err(format!(
                "more than {MAX_LINES_PER_PACKAGE} charge rows for one tracking number"
            )));
        }
        if kind == ChargeKind::Transportation && package.service.is_none() {
            package.service = Some(description.clone());
        }
        package.ship_date = package.ship_date.or(ship_date);
        if let Some(postal) = record.get(58).map(str::trim).filter(|p| !p.is_empty()) {
            package.receiver_postal = Some(postal.to_owned());
        }
        if let Some(country) = record.get(59).map(str::trim).filter(|p| !p.is_empty()) {
            package.receiver_country = Some(country.to_ascii_uppercase());
        }
        package.charges.push(Charge {
            line,
            kind,
            description,
            amount,
        });
    }
    finish(
        InvoiceCarrier::Ups,
        header,
        currency,
        records.len(),
        total,
        packages,
        digest,
    )
}

fn finish(
    carrier: InvoiceCarrier,
    header: Option<Header>,
    currency: Option<String>,
    rows: usize,
    total: Decimal,
    packages: Packages,
    digest: String,
) -> Result<Invoice, InvoiceError> {
    let header = header.ok_or_else(|| InvoiceError::file("the file has no charge rows"))?;
    Ok(Invoice {
        carrier,
        number: header.number,
        date: header.date,
        currency,
        rows,
        total,
        packages: packages.order,
        digest,
    })
}

/// The FedEx columns read, by header key; the others are ignored wherever they are.
const FEDEX_REQUIRED: [&str; 4] = [
    "express_or_ground_tracking_id",
    "invoice_number",
    "invoice_date",
    "net_charge_amount",
];
const ADDRESS: [&str; 5] = ["address_line_1", "city", "state", "zip_code", "country"];

fn fedex(records: &[(usize, csv::StringRecord)], digest: String) -> Result<Invoice, InvoiceError> {
    let Some(((_, head), rows)) = records.split_first() else {
        return Err(InvoiceError::file("the file has no rows"));
    };
    let keys: Vec<String> = head.iter().map(header_key).collect();
    let find = |key: &str| keys.iter().position(|k| k == key);
    for required in FEDEX_REQUIRED {
        if find(required).is_none() {
            return Err(InvoiceError::at(1, None, "the header has no such column").named(required));
        }
    }
    let descriptions: Vec<usize> = (0..keys.len())
        .filter(|&i| keys[i] == "tracking_id_charge_description")
        .collect();
    let amounts: Vec<usize> = (0..keys.len())
        .filter(|&i| keys[i] == "tracking_id_charge_amount")
        .collect();
    let mut header = None;
    let mut total = Decimal::ZERO;
    let mut packages = Packages::default();
    for (line, record) in rows {
        let line = *line;
        let cell = |i: usize| Cell {
            line,
            index: i,
            name: head.get(i).unwrap_or_default().trim(),
            value: record.get(i).unwrap_or_default(),
        };
        let named = |key: &str| find(key).map(cell);
        let text = |key: &str| named(key).and_then(|c| c.text());
        let (Some(number), Some(date), Some(tn_cell), Some(net_cell)) = (
            named("invoice_number"),
            named("invoice_date"),
            named("express_or_ground_tracking_id"),
            named("net_charge_amount"),
        ) else {
            continue;
        };
        same_invoice(&mut header, &number, &date)?;
        let net = net_cell
            .amount(false)?
            .ok_or_else(|| net_cell.err("is empty"))?;
        total += net;
        let Some(tracking_number) = tn_cell.tracking_number()? else {
            continue;
        };
        let service = text("service_type");
        let transportation = match named("transportation_charge_amount") {
            Some(c) => c.amount(false)?,
            None => None,
        };
        let ship_date = match named("shipment_date") {
            Some(c) => c.date()?,
            None => None,
        };
        let pod_date = match named("pod_delivery_date") {
            Some(c) => c.date()?,
            None => None,
        };
        let pod_time = match named("pod_delivery_time") {
            Some(c) => c.time()?,
            None => None,
        };
        let mut charges = Vec::new();
        for (&d, &a) in descriptions.iter().zip(&amounts) {
            let description = cell(d).text().unwrap_or_default();
            let lower = description.to_lowercase();
            let kind = if lower.contains("fuel") {
                ChargeKind::Fuel
            } else if lower.contains("address correction") {
                ChargeKind::AddressCorrection
            } else if lower.contains("discount") || lower.contains("credit") {
                ChargeKind::Adjustment
            } else {
                ChargeKind::Other
            };
            let Some(amount) = cell(a).amount(kind == ChargeKind::Adjustment)? else {
                continue;
            };
            if description.is_empty() && amount.is_zero() {
                continue;
            }
            charges.push(Charge {
                line,
                kind,
                description,
                amount,
            });
        }
        // Without its own column, transportation is what the net leaves after the pairs.
        let pairs_total: Decimal = charges.iter().map(|c| c.amount).sum();
        let transportation =
            transportation.unwrap_or_else(|| (net - pairs_total).max(Decimal::ZERO));
        charges.insert(
            0,
            Charge {
                line,
                kind: ChargeKind::Transportation,
                description: service.clone().unwrap_or_default(),
                amount: transportation,
            },
        );
        let correction = match named("ground_tracking_id_address_correction_gross_charge_amount") {
            Some(c) => c.amount(false)?,
            None => None,
        };
        if let Some(amount) = correction.filter(|a| !a.is_zero())
            && !charges
                .iter()
                .any(|c| c.kind == ChargeKind::AddressCorrection)
        {
            charges.push(Charge {
                line,
                kind: ChargeKind::AddressCorrection,
                description: "Address Correction".to_owned(),
                amount,
            });
        }
        // The address as the shipper entered it, beside the one billed: equal where both
        // are given means nothing was corrected.
        let pairs: Vec<(String, String)> = ADDRESS
            .iter()
            .filter_map(|part| {
                let original = text(&format!("original_recipient_{part}"))?;
                let billed = text(&format!("recipient_{part}")).unwrap_or_default();
                Some((normal(&original), normal(&billed)))
            })
            .collect();
        let package = packages.entry(&tracking_number);
        if package.charges.len() >= MAX_LINES_PER_PACKAGE {
            return Err(tn_cell.err(format!(
                "more than {MAX_LINES_PER_PACKAGE} charge lines for one tracking number"
            )));
        }
        package.service = package.service.take().or(service);
        package.ship_date = package.ship_date.or(ship_date);
        if let Some(day) = pod_date {
            package.delivered = Some(NaiveDateTime::new(day, pod_time.unwrap_or(NaiveTime::MIN)));
        }
        package.receiver_postal = text("recipient_zip_code").or(package.receiver_postal.take());
        package.receiver_country = text("recipient_country")
            .map(|c| c.to_ascii_uppercase())
            .or(package.receiver_country.take());
        if !pairs.is_empty() {
            package.address_unchanged = Some(pairs.iter().all(|(a, b)| a == b));
        }
        package.charges.extend(charges);
    }
    finish(
        InvoiceCarrier::Fedex,
        header,
        None,
        rows.len(),
        total,
        packages,
        digest,
    )
}

/// Address parts compared without case, spacing or punctuation.
fn normal(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}
