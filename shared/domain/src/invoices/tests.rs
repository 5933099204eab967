#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::generate::{FedexRow, UpsRow, fedex_csv, ups_csv};
use super::*;
use crate::contact::CountryCode;
use crate::fakes;
use crate::model::{Shipment, TimeBasis, TrackingEvent};
use crate::reason::Reason;
use crate::status::Status;
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use std::collections::HashMap;

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn local(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
}

fn utc(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

/// A scan at a local time, New York's offset in November (UTC-5).
fn scan(at: &str, status: Status, reason: Option<Reason>) -> TrackingEvent {
    let local_time = local(at);
    TrackingEvent {
        occurred_at: (local_time + chrono::Duration::hours(5)).and_utc(),
        status,
        description: status.as_str().into(),
        location: None,
        estimated_delivery: None,
        provider: "generic".into(),
        raw_status: None,
        raw_substatus: None,
        reason,
        local_time: Some(local_time),
        time_basis: TimeBasis::default(),
        signed_by: None,
        pickup: None,
    }
}

fn shipment(tn: &str, status: Status, first_estimate: Option<&str>) -> Shipment {
    let mut s = fakes::shipment("m_1", tn, utc("2026-11-02T14:00:00Z"));
    s.status = status;
    s.first_estimate = first_estimate.map(day);
    s.destination_country = Some(CountryCode::parse("US").unwrap());
    s.destination_region = Some("US-941".into());
    s
}

fn matched(shipment: Shipment, timeline: Vec<TrackingEvent>) -> Matched {
    Matched { shipment, timeline }
}

const NOW: &str = "2026-11-10T12:00:00Z";

fn run(invoice: &Invoice, matches: Vec<(&str, Matched)>) -> Audit {
    let matches: HashMap<String, Matched> = matches
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
    audit(
        invoice,
        "inv_1",
        &matches,
        &GuaranteeTable::defaults(),
        utc(NOW),
    )
}

fn kinds(a: &Audit) -> Vec<(FindingKind, &str, String)> {
    a.findings
        .iter()
        .map(|f| (f.kind, f.tracking_number.as_str(), f.amount.to_string()))
        .collect()
}

// ---- reading ----

#[test]
fn a_ups_file_groups_charge_rows_by_tracking_number() {
    let d = day("2026-11-02");
    let rows = vec![
        UpsRow::freight("1Z999AA10000000001", d, "Next Day Air", "24.10"),
        UpsRow::fuel("1Z999AA10000000001", d, "3.05"),
        UpsRow::freight("1Z999AA10000000002", d, "Ground", "9.80"),
        UpsRow::address_correction("1Z999AA10000000002", d, "21.00"),
    ];
    let invoice = read(
        ups_csv("0000A1B2C3456", day("2026-11-07"), &rows).as_bytes(),
        None,
    )
    .unwrap();
    assert_eq!(invoice.carrier, InvoiceCarrier::Ups);
    assert_eq!(invoice.number, "0000A1B2C3456");
    assert_eq!(invoice.date, day("2026-11-07"));
    assert_eq!(invoice.currency.as_deref(), Some("USD"));
    assert_eq!(invoice.rows, 4);
    assert_eq!(invoice.total.to_string(), "57.95");
    assert_eq!(invoice.packages.len(), 2);
    let first = &invoice.packages[0];
    assert_eq!(first.service.as_deref(), Some("Next Day Air"));
    assert_eq!(first.ship_date, Some(d));
    assert_eq!(
        first.charges.iter().map(|c| c.line).collect::<Vec<_>>(),
        vec![1, 2]
    );
    assert_eq!(first.sum(ChargeKind::Transportation).to_string(), "24.10");
    assert_eq!(first.sum(ChargeKind::Fuel).to_string(), "3.05");
    let second = &invoice.packages[1];
    assert_eq!(
        second.sum(ChargeKind::AddressCorrection).to_string(),
        "21.00"
    );
    assert_eq!(second.receiver_postal.as_deref(), Some("94107"));
}

#[test]
fn a_fedex_file_is_read_by_its_header_names_in_any_order() {
    let mut row = FedexRow::new(
        "794600000001",
        "Priority Overnight",
        day("2026-11-02"),
        "31.40",
    );
    row.pod = Some(local("2026-11-03 14:12"));
    row.charges
        .push(("Address Correction".into(), "19.00".into()));
    row.original = Some(row.recipient.clone());
    let csv = fedex_csv("7-123-45678", day("2026-11-09"), &[row]);
    let invoice = read(csv.as_bytes(), None).unwrap();
    assert_eq!(invoice.carrier, InvoiceCarrier::Fedex);
    assert_eq!(invoice.number, "7-123-45678");
    assert_eq!(invoice.date, day("2026-11-09"));
    assert_eq!(invoice.rows, 1);
    let p = &invoice.packages[0];
    assert_eq!(p.service.as_deref(), Some("Priority Overnight"));
    assert_eq!(p.ship_date, Some(day("2026-11-02")));
    assert_eq!(p.delivered, Some(local("2026-11-03 14:12")));
    assert_eq!(p.sum(ChargeKind::Transportation).to_string(), "31.40");
    assert_eq!(p.sum(ChargeKind::Fuel).to_string(), "1.25");
    assert_eq!(p.sum(ChargeKind::AddressCorrection).to_string(), "19.00");
    assert_eq!(p.address_unchanged, Some(true));
    assert_eq!(invoice.total.to_string(), "51.65");

    // The same columns reversed read the same.
    let records: Vec<Vec<String>> = csv
        .lines()
        .map(|l| {
            let mut r = csv::ReaderBuilder::new()
                .has_headers(false)
                .from_reader(l.as_bytes());
            let rec = r.records().next().unwrap().unwrap();
            rec.iter().rev().map(str::to_owned).collect()
        })
        .collect();
    let mut writer = csv::Writer::from_writer(Vec::new());
    for r in &records {
        writer.write_record(r).unwrap();
    }
    let reversed = writer.into_inner().unwrap();
    let mut again = read(&reversed, None).unwrap();
    let mut expected = invoice.packages.clone();
    for p in again.packages.iter_mut().chain(expected.iter_mut()) {
        p.charges.sort_by_key(|c| c.kind);
    }
    assert_eq!(again.packages, expected);
}

#[test]
fn encodings_and_quoting_are_tolerated() {
    let d = day("2026-11-02");
    let mut row = UpsRow::freight("1Z999AA10000000001", d, "Next Day Air, Saturday", "24.10");
    row.receiver_postal = "75001".into();
    let text = ups_csv("INV1", day("2026-11-07"), &[row]).replace("A. Customer", "Zoë Café");
    let plain = read(text.as_bytes(), None).unwrap();
    assert_eq!(
        plain.packages[0].service.as_deref(),
        Some("Next Day Air, Saturday")
    );

    let mut bom = vec![0xEF, 0xBB, 0xBF];
    bom.extend_from_slice(text.as_bytes());
    assert_eq!(read(&bom, None).unwrap().digest, plain.digest);

    let mut utf16 = vec![0xFF, 0xFE];
    for unit in text.encode_utf16() {
        utf16.extend_from_slice(&unit.to_le_bytes());
    }
    assert_eq!(read(&utf16, None).unwrap().digest, plain.digest);

    let (latin, _, _) = encoding_rs::WINDOWS_1252.encode(&text);
    assert_eq!(read(&latin, None).unwrap().digest, plain.digest);

    // Line ends do not make another file.
    let lf = text.replace("\r\n", "\n");
    assert_eq!(read(lf.as_bytes(), None).unwrap().digest, plain.digest);
}

fn col(err: &InvoiceError) -> Option<(usize, &str)> {
    Some((err.column?, err.name.as_deref().unwrap_or_default()))
}

fn refused(bytes: &[u8]) -> InvoiceError {
    read(bytes, None).expect_err("refused")
}

#[test]
fn hostile_files_are_refused_naming_the_line_and_column() {
    let d = day("2026-11-02");
    let rows = |amount: &str| {
        vec![
            UpsRow::freight("1Z999AA10000000001", d, "Ground", "9.80"),
            UpsRow::freight("1Z999AA10000000002", d, "Ground", amount),
        ]
    };
    let negative = refused(ups_csv("INV1", d, &rows("-9.80")).as_bytes());
    assert_eq!(negative.line, Some(2));
    assert_eq!(col(&negative), Some((44, "net_amount")));
    assert!(
        negative
            .to_string()
            .starts_with("line 2, column 44 (net_amount): `-9.80` is negative"),
        "{negative}"
    );
    assert!(negative.detail.contains("negative"), "{negative}");

    let not_amount = refused(ups_csv("INV1", d, &rows("=1+1")).as_bytes());
    assert_eq!(col(&not_amount), Some((44, "net_amount")));

    let mut two = ups_csv("INV1", d, &rows("1.00"));
    two.push_str(&ups_csv("INV2", d, &rows("1.00")));
    let err = refused(two.as_bytes());
    assert_eq!(
        (err.line, col(&err)),
        (Some(3), Some((6, "invoice_number")))
    );
    assert!(err.detail.contains("INV1 and INV2"), "{err}");

    let huge = ups_csv("INV1", d, &rows("1.00")).replacen("A. Customer", &"x".repeat(10 << 20), 1);
    let err = refused(huge.as_bytes());
    assert_eq!((err.line, col(&err)), (Some(1), Some((53, ""))));
    assert!(err.detail.contains("10485760 bytes"), "{err}");

    let semicolons = ups_csv("INV1", d, &rows("1.00")).replace(',', ";");
    let err = refused(semicolons.as_bytes());
    assert_eq!(err.line, Some(1));
    assert!(err.detail.contains("';' separators"), "{err}");

    let tn = ups_csv("INV1", d, &rows("1.00")).replace("1Z999AA10000000002", "=HYPERLINK(\"x\")");
    let err = refused(tn.as_bytes());
    assert_eq!(
        (err.line, col(&err)),
        (Some(2), Some((21, "tracking_number")))
    );

    let short = "a,b,c\r\n1,2,3\r\n";
    assert_eq!(refused(short.as_bytes()).line, Some(1));
    assert_eq!(refused(b"").detail, "the file is empty");

    let header = fedex_csv(
        "F1",
        d,
        &[FedexRow::new("794600000001", "Ground", d, "9.00")],
    )
    .replace("Net Charge Amount", "Net Amount");
    let err = refused(header.as_bytes());
    assert_eq!(
        (err.line, err.name.as_deref()),
        (Some(1), Some("net_charge_amount"))
    );
    assert_eq!(
        err.to_string(),
        "line 1, column net_charge_amount: the header has no such column"
    );

    let bad_date = fedex_csv(
        "F1",
        d,
        &[FedexRow::new("794600000001", "Ground", d, "9.00")],
    )
    .replace("20261102", "2026-13-45");
    let err = refused(bad_date.as_bytes());
    assert_eq!((err.line, col(&err)), (Some(2), Some((8, "Shipment Date"))));

    // A date no invoice has: refused, not carried into deadline arithmetic.
    let far = fedex_csv(
        "F1",
        d,
        &[FedexRow::new("794600000001", "Ground", d, "9.00")],
    )
    .replace("11/02/2026", "+262143-12-31");
    let err = refused(far.as_bytes());
    assert_eq!((err.line, col(&err)), (Some(2), Some((2, "Invoice Date"))));
    assert!(err.detail.contains("between 2000 and 2100"), "{err}");
}

#[test]
fn formulas_in_text_cells_are_read_as_text_and_exported_inert() {
    let d = day("2026-11-02");
    let rows = vec![
        UpsRow::freight(
            "1Z999AA10000000001",
            d,
            "=HYPERLINK(\"http://x\",\"y\")",
            "5.00",
        ),
        UpsRow::freight(
            "1Z999AA10000000001",
            d,
            "=HYPERLINK(\"http://x\",\"y\")",
            "5.00",
        ),
    ];
    let invoice = read(ups_csv("@INV", d, &rows).as_bytes(), None).unwrap();
    let a = run(&invoice, vec![]);
    assert_eq!(a.findings.len(), 1);
    let csv = claims_csv(&a.findings, d);
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let headers = reader.headers().unwrap().clone();
    assert_eq!(headers.iter().collect::<Vec<_>>(), CSV_COLUMNS.to_vec());
    let row = reader.records().next().unwrap().unwrap();
    let get = |name: &str| row[headers.iter().position(|h| h == name).unwrap()].to_owned();
    assert_eq!(get("service"), "'=HYPERLINK(\"http://x\",\"y\")");
    assert_eq!(get("invoice_number"), "'@INV");
    assert_eq!(get("amount"), "5.00");
    assert_eq!(get("kind"), "duplicate_charge");
    for field in row.iter() {
        assert!(!field.starts_with(['=', '+', '@']), "{field}");
    }
    assert_eq!(neutralise("-1+2"), "'-1+2");
    assert_eq!(neutralise("Ground"), "Ground");
}

// ---- guarantees ----

#[test]
fn the_default_table_follows_the_confirmed_history() {
    let t = GuaranteeTable::defaults();
    assert_eq!(t.rules.len(), 14);
    let ups = InvoiceCarrier::Ups;
    let fedex = InvoiceCarrier::Fedex;
    let on = |c, s: &str, d: &str| t.terms(c, s, day(d)).is_some();
    assert!(on(ups, "UPS Next Day Air®", "2026-11-02"));
    assert!(on(ups, "Next Day Air Saver", "2026-11-02"));
    assert!(!on(ups, "Ground", "2026-11-02"), "ground stays suspended");
    assert!(
        on(ups, "Ground", "2019-06-03"),
        "ground was covered before 2020"
    );
    assert!(
        !on(ups, "Next Day Air", "2020-06-01"),
        "all suspended in 2020"
    );
    assert!(on(fedex, "FedEx Priority Overnight", "2026-11-02"));
    assert!(
        !on(fedex, "Priority Overnight", "2022-12-20"),
        "peak suspension"
    );
    assert!(on(fedex, "Priority Overnight", "2023-01-03"));
    assert!(!on(fedex, "Home Delivery", "2026-11-02"));
    assert_eq!(
        t.terms(fedex, "2Day", day("2026-11-02"))
            .unwrap()
            .business_days,
        Some(2)
    );
    assert_eq!(service_key("UPS Next Day Air® Early"), "next day air early");
}

#[test]
fn a_merchant_table_is_checked_rule_by_rule() {
    let rule = |json: serde_json::Value| serde_json::from_value::<GuaranteeRule>(json).unwrap();
    let ok = GuaranteeTable::parse(vec![rule(serde_json::json!({
        "carrier": "ups", "services": ["UPS Ground"], "from": "2026-01-01",
        "guaranteed": true, "commit_time": "20:00", "business_days": 5
    }))])
    .unwrap();
    assert_eq!(ok.rules[0].services, vec!["ground"]);
    let terms = ok
        .terms(InvoiceCarrier::Ups, "Ground", day("2026-11-02"))
        .unwrap();
    assert_eq!(terms.commit, chrono::NaiveTime::from_hms_opt(20, 0, 0));

    let cases = [
        (
            serde_json::json!({"carrier": "ups", "services": [], "guaranteed": true}),
            "rules[0].services",
        ),
        (
            serde_json::json!({"carrier": "ups", "services": ["*"], "guaranteed": true, "commit_time": "25:00"}),
            "rules[0].commit_time",
        ),
        (
            serde_json::json!({"carrier": "ups", "services": ["*"], "guaranteed": true, "from": "2026-02-01", "until": "2026-01-01"}),
            "rules[0].until",
        ),
        (
            serde_json::json!({"carrier": "ups", "services": ["*"], "guaranteed": true, "business_days": 0}),
            "rules[0].business_days",
        ),
    ];
    for (json, field) in cases {
        assert_eq!(
            GuaranteeTable::parse(vec![rule(json)]).unwrap_err().field,
            field
        );
    }
    assert!(
        serde_json::from_value::<GuaranteeRule>(
            serde_json::json!({"carrier": "dhl", "services": ["*"], "guaranteed": true})
        )
        .is_err()
    );
}

// ---- audit ----

fn ups_invoice(rows: Vec<UpsRow>) -> Invoice {
    read(ups_csv("UPS1", day("2026-11-07"), &rows).as_bytes(), None).unwrap()
}

const TN1: &str = "1Z999AA10000000001";

#[test]
fn a_late_guaranteed_delivery_claims_transportation_without_fuel() {
    let d = day("2026-11-02");
    let invoice = ups_invoice(vec![
        UpsRow::freight(TN1, d, "Next Day Air", "24.10"),
        UpsRow::fuel(TN1, d, "3.05"),
    ]);
    let timeline = vec![
        scan(
            "2026-11-02 18:00",
            Status::InTransit,
            Some(Reason::PickedUp),
        ),
        scan("2026-11-04 09:40", Status::Delivered, None),
    ];
    let a = run(
        &invoice,
        vec![(
            TN1,
            matched(
                shipment(TN1, Status::Delivered, Some("2026-11-03")),
                timeline,
            ),
        )],
    );
    assert_eq!(
        kinds(&a),
        vec![(FindingKind::LateDelivery, TN1, "24.10".into())]
    );
    let f = &a.findings[0];
    assert_eq!(f.shipment_id.as_deref(), Some("shp_1Z999AA10000000001"));
    assert_eq!(f.evidence.scheduled_on, Some(day("2026-11-03")));
    assert_eq!(f.evidence.first_attempt, Some(local("2026-11-04 09:40")));
    assert!(f.evidence.first_attempt_local);
    assert_eq!(f.evidence.charges.len(), 1, "fuel is not refunded");
    // 15 days from the later of scheduled (11-03) and delivered (11-04).
    assert_eq!(f.deadline, day("2026-11-19"));
    assert!(
        f.evidence.summary.contains("guaranteed for 2026-11-03"),
        "{}",
        f.evidence.summary
    );
    assert_eq!(a.matched, 1);
}

#[test]
fn on_time_suspended_and_unguaranteed_deliveries_claim_nothing() {
    let d = day("2026-11-02");
    let delivered = |at: &str| vec![scan(at, Status::Delivered, None)];
    // Delivered at 23:30 on the scheduled day: on time (end of day).
    let on_time = ups_invoice(vec![UpsRow::freight(TN1, d, "Next Day Air", "24.10")]);
    let a = run(
        &on_time,
        vec![(
            TN1,
            matched(
                shipment(TN1, Status::Delivered, Some("2026-11-03")),
                delivered("2026-11-03 23:30"),
            ),
        )],
    );
    assert!(a.findings.is_empty());
    // Ground has no guarantee in force.
    let ground = ups_invoice(vec![UpsRow::freight(TN1, d, "Ground", "9.80")]);
    let a = run(
        &ground,
        vec![(
            TN1,
            matched(
                shipment(TN1, Status::Delivered, Some("2026-11-03")),
                delivered("2026-11-06 10:00"),
            ),
        )],
    );
    assert!(a.findings.is_empty());
    // FedEx Express shipped in the 2022 peak suspension.
    let peak = day("2022-12-20");
    let mut row = FedexRow::new("794600000001", "Priority Overnight", peak, "31.40");
    row.pod = Some(local("2022-12-23 10:00"));
    let invoice = read(fedex_csv("F1", day("2022-12-30"), &[row]).as_bytes(), None).unwrap();
    let mut s = shipment("794600000001", Status::Delivered, Some("2022-12-21"));
    s.created_at = utc("2022-12-20T10:00:00Z");
    let a = run(&invoice, vec![("794600000001", matched(s, vec![]))]);
    assert!(a.findings.is_empty());
}

#[test]
fn a_commit_time_and_a_failed_first_attempt_count() {
    let mut table = GuaranteeTable::defaults();
    table.rules.push(GuaranteeRule {
        carrier: InvoiceCarrier::Ups,
        services: vec!["next day air".into()],
        from: None,
        until: None,
        guaranteed: true,
        commit_time: Some("10:30".into()),
        business_days: Some(1),
        note: String::new(),
    });
    let d = day("2026-11-02");
    let invoice = ups_invoice(vec![UpsRow::freight(TN1, d, "Next Day Air", "24.10")]);
    let audit_with = |timeline: Vec<TrackingEvent>| {
        let m = HashMap::from([(
            TN1.to_owned(),
            matched(shipment(TN1, Status::Delivered, None), timeline),
        )]);
        audit(&invoice, "inv_1", &m, &table, utc(NOW))
    };
    // No estimate in tracking: ship date + 1 business day = 11-03, by 10:30.
    let late = audit_with(vec![scan("2026-11-03 10:31", Status::Delivered, None)]);
    assert_eq!(late.findings.len(), 1);
    assert_eq!(
        late.findings[0].evidence.commit_time.as_deref(),
        Some("10:30")
    );
    // A failed attempt at 10:00 was the first attempt: on time.
    let attempted = audit_with(vec![
        scan(
            "2026-11-03 10:00",
            Status::AttemptFailed,
            Some(Reason::RecipientUnavailable),
        ),
        scan("2026-11-04 09:00", Status::Delivered, None),
    ]);
    assert!(attempted.findings.is_empty());
}

#[test]
fn weather_and_address_problems_exclude_a_late_delivery() {
    let d = day("2026-11-02");
    let invoice = ups_invoice(vec![UpsRow::freight(TN1, d, "Next Day Air", "24.10")]);
    let cases = [
        (Reason::WeatherDelay, "weather"),
        (Reason::AddressIssue, "address_correction"),
        (Reason::MissingDocuments, "customs_shipper"),
    ];
    for (reason, why) in cases {
        let timeline = vec![
            scan("2026-11-03 08:00", Status::InTransit, Some(reason)),
            scan("2026-11-05 09:00", Status::Delivered, None),
        ];
        let a = run(
            &invoice,
            vec![(
                TN1,
                matched(
                    shipment(TN1, Status::Delivered, Some("2026-11-03")),
                    timeline,
                ),
            )],
        );
        assert!(a.findings.is_empty(), "{why}");
        assert_eq!(a.excluded.get(why), Some(&1), "{why}");
    }
}

#[test]
fn without_local_time_only_a_whole_day_late_counts() {
    let d = day("2026-11-02");
    let invoice = ups_invoice(vec![UpsRow::freight(TN1, d, "Next Day Air", "24.10")]);
    let utc_scan = |at: &str| {
        let mut e = scan("2026-11-01 00:00", Status::Delivered, None);
        e.occurred_at = utc(at);
        e.local_time = None;
        e
    };
    let s = || shipment(TN1, Status::Delivered, Some("2026-11-03"));
    // 04:00 UTC on 11-04 may be 23:00 on 11-03 in New York.
    let a = run(
        &invoice,
        vec![(TN1, matched(s(), vec![utc_scan("2026-11-04T04:00:00Z")]))],
    );
    assert!(a.findings.is_empty());
    let a = run(
        &invoice,
        vec![(TN1, matched(s(), vec![utc_scan("2026-11-04T13:00:00Z")]))],
    );
    assert_eq!(a.findings.len(), 1);
    assert!(!a.findings[0].evidence.first_attempt_local);
}

#[test]
fn a_fedex_late_delivery_from_its_proof_of_delivery() {
    let d = day("2026-11-02");
    let mut row = FedexRow::new("794600000001", "FedEx 2Day", d, "18.20");
    row.pod = Some(local("2026-11-05 11:00"));
    let invoice = read(fedex_csv("F1", day("2026-11-09"), &[row]).as_bytes(), None).unwrap();
    // No estimate in tracking: 2 business days after Monday 11-02 is Wednesday 11-04.
    let a = run(
        &invoice,
        vec![(
            "794600000001",
            matched(shipment("794600000001", Status::Delivered, None), vec![]),
        )],
    );
    assert_eq!(
        kinds(&a),
        vec![(FindingKind::LateDelivery, "794600000001", "18.20".into())]
    );
    // FedEx: 15 days from the earlier of the invoice date and the delivery date.
    assert_eq!(a.findings[0].deadline, day("2026-11-20"));
    assert_eq!(a.findings[0].evidence.scheduled_on, Some(day("2026-11-04")));
}

#[test]
fn a_duplicate_charge_claims_the_repeat() {
    let d = day("2026-11-02");
    let invoice = ups_invoice(vec![
        UpsRow::freight(TN1, d, "Ground", "9.80"),
        UpsRow::fuel(TN1, d, "1.20"),
        UpsRow::freight(TN1, d, "Ground", "9.80"),
    ]);
    // Unknown to afterclick: the invoice alone shows the duplicate.
    let a = run(&invoice, vec![]);
    assert_eq!(
        kinds(&a),
        vec![(FindingKind::DuplicateCharge, TN1, "9.80".into())]
    );
    assert_eq!(a.unmatched, vec![TN1.to_owned()]);
    assert_eq!(a.findings[0].deadline, day("2026-11-22"));
    assert!(
        a.findings[0].evidence.summary.contains("lines 1, 3"),
        "{}",
        a.findings[0].evidence.summary
    );
    // An adjustment row is not a second charge.
    let mut adj = UpsRow::freight(TN1, d, "Ground", "-2.00");
    adj.category = "ADJ";
    let a = run(
        &ups_invoice(vec![UpsRow::freight(TN1, d, "Ground", "9.80"), adj]),
        vec![],
    );
    assert!(a.findings.is_empty());
}

#[test]
fn a_label_never_scanned_is_claimed_after_a_week() {
    let d = day("2026-11-02");
    let invoice = ups_invoice(vec![
        UpsRow::freight(TN1, d, "Ground", "9.80"),
        UpsRow::fuel(TN1, d, "1.20"),
    ]);
    let s = shipment(TN1, Status::InfoReceived, None);
    let a = run(&invoice, vec![(TN1, matched(s.clone(), vec![]))]);
    assert_eq!(
        kinds(&a),
        vec![(FindingKind::NeverScanned, TN1, "11.00".into())]
    );
    // Six days after the ship date: too early to say.
    let early = audit(
        &invoice,
        "inv_1",
        &HashMap::from([(TN1.to_owned(), matched(s, vec![]))]),
        &GuaranteeTable::defaults(),
        utc("2026-11-08T12:00:00Z"),
    );
    assert!(early.findings.is_empty());
    // Scanned in transit: shipped.
    let a = run(
        &invoice,
        vec![(TN1, matched(shipment(TN1, Status::InTransit, None), vec![]))],
    );
    assert!(a.findings.is_empty());
}

#[test]
fn an_address_correction_fee_on_an_unchanged_address() {
    let d = day("2026-11-02");
    let mut fee = UpsRow::address_correction(TN1, d, "21.00");
    fee.receiver_postal = "94107".into();
    let invoice = ups_invoice(vec![UpsRow::freight(TN1, d, "Ground", "9.80"), fee]);
    let delivered = vec![scan("2026-11-05 12:00", Status::Delivered, None)];
    // Delivered in the region registered (US-941), no address problem scanned.
    let a = run(
        &invoice,
        vec![(
            TN1,
            matched(shipment(TN1, Status::Delivered, None), delivered.clone()),
        )],
    );
    assert_eq!(
        kinds(&a),
        vec![(FindingKind::AddressCorrection, TN1, "21.00".into())]
    );
    // The carrier reported an address problem: the fee may be right.
    let mut flagged = delivered.clone();
    flagged.insert(
        0,
        scan(
            "2026-11-04 12:00",
            Status::Exception,
            Some(Reason::AddressIssue),
        ),
    );
    let a = run(
        &invoice,
        vec![(
            TN1,
            matched(shipment(TN1, Status::Delivered, None), flagged),
        )],
    );
    assert!(a.findings.is_empty());
    // Delivered elsewhere than registered.
    let mut moved = shipment(TN1, Status::Delivered, None);
    moved.destination_region = Some("US-100".into());
    let a = run(&invoice, vec![(TN1, matched(moved, delivered))]);
    assert!(a.findings.is_empty());
    // FedEx: the original and billed addresses differ, so the correction was real.
    let mut row = FedexRow::new("794600000001", "Ground", d, "9.00");
    row.charges
        .push(("Address Correction".into(), "19.00".into()));
    row.original = Some([
        "9 Other Rd".into(),
        "Oakland".into(),
        "CA".into(),
        "94601".into(),
    ]);
    let invoice = read(fedex_csv("F1", d, &[row]).as_bytes(), None).unwrap();
    let mut elsewhere = shipment("794600000001", Status::Delivered, None);
    elsewhere.destination_region = None;
    let a = run(&invoice, vec![("794600000001", matched(elsewhere, vec![]))]);
    assert!(a.findings.is_empty());
}

#[test]
fn the_same_file_gives_the_same_claim_ids() {
    let d = day("2026-11-02");
    let rows = vec![
        UpsRow::freight(TN1, d, "Ground", "9.80"),
        UpsRow::freight(TN1, d, "Ground", "9.80"),
    ];
    let a = run(&ups_invoice(rows.clone()), vec![]);
    let b = run(&ups_invoice(rows), vec![]);
    assert_eq!(a.findings[0].id, b.findings[0].id);
    assert!(a.findings[0].id.starts_with("clm_"));
    assert_eq!(
        invoice_id("m_1", InvoiceCarrier::Ups, "UPS1"),
        ups_invoice(vec![UpsRow::freight(TN1, d, "Ground", "1.00")]).id("m_1")
    );
}

#[test]
fn each_charge_line_is_claimed_once() {
    let d = day("2026-11-02");
    // Next Day Air billed twice and delivered late: the repeat is the duplicate's, the
    // first charge the late delivery's.
    let invoice = ups_invoice(vec![
        UpsRow::freight(TN1, d, "Next Day Air", "24.10"),
        UpsRow::freight(TN1, d, "Next Day Air", "24.10"),
    ]);
    let timeline = vec![scan("2026-11-04 09:40", Status::Delivered, None)];
    let a = run(
        &invoice,
        vec![(
            TN1,
            matched(
                shipment(TN1, Status::Delivered, Some("2026-11-03")),
                timeline,
            ),
        )],
    );
    let mut got = kinds(&a);
    got.sort();
    assert_eq!(
        got,
        vec![
            (FindingKind::LateDelivery, TN1, "24.10".into()),
            (FindingKind::DuplicateCharge, TN1, "24.10".into()),
        ]
    );
    let late = a
        .findings
        .iter()
        .find(|f| f.kind == FindingKind::LateDelivery)
        .unwrap();
    assert_eq!(
        late.evidence
            .charges
            .iter()
            .map(|c| c.line)
            .collect::<Vec<_>>(),
        vec![1]
    );

    // A discount already taken is not claimed back; a refund already credited is no claim.
    let mut discount = UpsRow::freight(TN1, d, "Next Day Air", "-4.10");
    discount.category = "ADJ";
    discount.description = "Volume Discount".into();
    let invoice = ups_invoice(vec![
        UpsRow::freight(TN1, d, "Next Day Air", "24.10"),
        discount.clone(),
    ]);
    let late_scan = || vec![scan("2026-11-04 09:40", Status::Delivered, None)];
    let s = || shipment(TN1, Status::Delivered, Some("2026-11-03"));
    let a = run(&invoice, vec![(TN1, matched(s(), late_scan()))]);
    assert_eq!(
        kinds(&a),
        vec![(FindingKind::LateDelivery, TN1, "20.00".into())]
    );
    discount.description = "Guaranteed Service Refund".into();
    discount.amount = "-24.10".into();
    let invoice = ups_invoice(vec![
        UpsRow::freight(TN1, d, "Next Day Air", "24.10"),
        discount,
    ]);
    let a = run(&invoice, vec![(TN1, matched(s(), late_scan()))]);
    assert!(a.findings.is_empty());
    assert_eq!(a.excluded.get("already_credited"), Some(&1));
}

#[test]
fn ups_rows_are_classified_by_their_codes() {
    let d = day("2026-11-02");
    // An address correction is billed under ADJ with detail ADC.
    let mut adc = UpsRow::address_correction(TN1, d, "21.00");
    adc.category = "ADJ";
    // A return's freight on the same number is not the service billed twice.
    let mut rtn = UpsRow::freight(TN1, d, "Ground", "9.80");
    rtn.category = "RTN";
    let invoice = ups_invoice(vec![UpsRow::freight(TN1, d, "Ground", "9.80"), rtn, adc]);
    let p = &invoice.packages[0];
    assert_eq!(p.sum(ChargeKind::AddressCorrection).to_string(), "21.00");
    assert_eq!(p.sum(ChargeKind::Transportation).to_string(), "9.80");
    assert!(run(&invoice, vec![]).findings.is_empty());
}

#[test]
fn amounts_services_and_blank_lines_read_as_exported() {
    let d = day("2026-11-02");
    for (written, read_as) in [
        ("1,234", "1234.00"),
        ("1.234,56", "1234.56"),
        ("12,34", "12.34"),
        ("$1,234.50", "1234.50"),
    ] {
        let invoice = read(
            ups_csv("INV1", d, &[UpsRow::freight(TN1, d, "Ground", written)]).as_bytes(),
            None,
        )
        .unwrap();
        assert_eq!(invoice.total.to_string(), read_as, "{written}");
    }
    let blank_first = format!(
        "\r\n{}",
        ups_csv("INV1", d, &[UpsRow::freight(TN1, d, "Ground", "1.00")])
    );
    assert_eq!(
        read(blank_first.as_bytes(), None).unwrap().packages[0].charges[0].line,
        2
    );

    assert_eq!(service_key("FedEx 2Day® A.M."), "2day am");
    assert_eq!(service_key("Ground Residential"), "ground");
    let t = GuaranteeTable::defaults();
    assert!(
        t.terms(InvoiceCarrier::Fedex, "FedEx 2Day® A.M.", d)
            .is_some()
    );
    assert!(
        t.terms(InvoiceCarrier::Ups, "UPS Next Day Air® Residential", d)
            .is_some()
    );

    // FedEx without a transportation column: the net less the charges beside it.
    let csv = fedex_csv(
        "F1",
        d,
        &[FedexRow::new(
            "794600000001",
            "Priority Overnight",
            d,
            "31.40",
        )],
    )
    .replace("Transportation Charge Amount", "Something Else");
    let invoice = read(csv.as_bytes(), None).unwrap();
    let p = &invoice.packages[0];
    assert_eq!(p.sum(ChargeKind::Transportation).to_string(), "31.40");
    assert_eq!(p.sum(ChargeKind::Fuel).to_string(), "1.25");
}

#[test]
fn an_earlier_attempt_without_local_time_beats_a_later_proof_of_delivery() {
    let d = day("2026-11-02");
    let mut row = FedexRow::new("794600000001", "Priority Overnight", d, "31.40");
    row.pod = Some(local("2026-11-05 10:00"));
    let invoice = read(fedex_csv("F1", day("2026-11-09"), &[row]).as_bytes(), None).unwrap();
    // A failed attempt on the scheduled day, known only in UTC.
    let mut attempt = scan(
        "2026-11-03 12:00",
        Status::AttemptFailed,
        Some(Reason::RecipientUnavailable),
    );
    attempt.local_time = None;
    let s = shipment("794600000001", Status::Delivered, Some("2026-11-03"));
    let a = run(&invoice, vec![("794600000001", matched(s, vec![attempt]))]);
    assert!(a.findings.is_empty(), "{:?}", a.findings);
}
