//! `make bench-invoice`: a 10,000-row UPS billing data file and a 10,000-row FedEx invoice
//! read and audited the way `POST /v1/invoices` does (`invoices::read`, then
//! `afterclick_app::invoices::import`), against an in-memory store holding the merchant's
//! shipments and their timelines, so the figures are the function's own CPU and memory, not
//! DynamoDB's. Prints the time of each phase (median and slowest of the runs) and the peak
//! heap of one import (`peak_alloc`, a counting shim over the system allocator).
//!
//! The files are generated from the column lists (`afterclick_domain::invoices::generate`):
//! 2,500 UPS parcels of four charge rows, 10,000 FedEx packages; nine in ten parcels tracked,
//! a tenth of those late, every fiftieth billed twice.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

use afterclick_app::invoices::{Imported, import};
use afterclick_domain::fakes::{self, MemoryStore};
use afterclick_domain::invoices::generate::{FedexRow, UpsRow, fedex_csv, ups_csv};
use afterclick_domain::invoices::read;
use afterclick_domain::model::TrackingEvent;
use afterclick_domain::ports::EventStore;
use afterclick_domain::status::Status;
use chrono::{DateTime, Days, NaiveDate, Utc};
use std::time::{Duration, Instant};

/// Counts the heap: the current and the peak bytes allocated.
#[global_allocator]
static HEAP: peak_alloc::PeakAlloc = peak_alloc::PeakAlloc;

const MERCHANT: &str = "m_bench";
const RUNS: usize = 7;

fn ship() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 2).unwrap()
}

fn now() -> DateTime<Utc> {
    "2026-11-20T12:00:00Z".parse().unwrap()
}

fn delivered(at: DateTime<Utc>) -> TrackingEvent {
    serde_json::from_value(serde_json::json!({
        "occurred_at": at,
        "status": "delivered",
        "description": "Delivered",
        "provider": "generic",
        "local_time": at.naive_utc() - chrono::Duration::hours(5),
    }))
    .unwrap()
}

/// The merchant's shipments: nine in ten of `numbers`, a tenth of those delivered a day late.
async fn store(numbers: &[String], carrier: &str) -> MemoryStore {
    let store = MemoryStore::default();
    for (i, tn) in numbers.iter().enumerate() {
        if i % 10 == 9 {
            continue;
        }
        let mut s = fakes::shipment(MERCHANT, tn, "2026-11-02T12:00:00Z".parse().unwrap());
        s.carrier = carrier.to_owned();
        s.status = Status::Delivered;
        s.first_estimate = Some(ship() + Days::new(1));
        store.put_shipment(s);
        let days = if i % 10 == 0 { 2 } else { 1 };
        let at = (ship() + Days::new(days))
            .and_hms_opt(18, 0, 0)
            .unwrap()
            .and_utc();
        store
            .record_event(MERCHANT, tn, &delivered(at), now())
            .await
            .unwrap();
    }
    store
}

fn ups_file() -> (String, Vec<String>) {
    let numbers: Vec<String> = (0..2_500).map(|i| format!("1ZBENCH{i:011}")).collect();
    let mut rows = Vec::new();
    for (i, tn) in numbers.iter().enumerate() {
        rows.push(UpsRow::freight(tn, ship(), "Next Day Air", "24.10"));
        rows.push(UpsRow::fuel(tn, ship(), "3.05"));
        let mut residential = UpsRow::fuel(tn, ship(), "5.15");
        residential.class = "ACC";
        residential.description = "Residential Surcharge".into();
        rows.push(residential);
        if i % 50 == 0 {
            rows.push(UpsRow::freight(tn, ship(), "Next Day Air", "24.10"));
        } else {
            let mut tax = UpsRow::fuel(tn, ship(), "0.00");
            tax.class = "INF";
            tax.description = "Declared Value".into();
            rows.push(tax);
        }
    }
    (ups_csv("BENCH-UPS", ship() + Days::new(5), &rows), numbers)
}

fn fedex_file() -> (String, Vec<String>) {
    let numbers: Vec<String> = (0..10_000).map(|i| format!("79{i:010}")).collect();
    let rows: Vec<FedexRow> = numbers
        .iter()
        .map(|tn| FedexRow::new(tn, "Priority Overnight", ship(), "31.40"))
        .collect();
    (fedex_csv("BENCH-FX", ship() + Days::new(5), &rows), numbers)
}

fn median(times: &mut [Duration]) -> (Duration, Duration) {
    times.sort();
    (times[times.len() / 2], times[times.len() - 1])
}

fn ms(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1000.0)
}

async fn bench(name: &str, file: String, numbers: Vec<String>, carrier: &str) {
    let bytes = file.into_bytes();
    let rows = bytes.iter().filter(|b| **b == b'\n').count();
    let mut reads = Vec::new();
    let mut imports = Vec::new();
    let mut peak = 0;
    let mut claims = 0;
    for _ in 0..RUNS {
        let store = store(&numbers, carrier).await;
        let base = HEAP.current_usage();
        HEAP.reset_peak_usage();
        let started = Instant::now();
        let invoice = read(&bytes, None).unwrap();
        reads.push(started.elapsed());
        let started = Instant::now();
        let imported = import(&store, MERCHANT, &invoice, now()).await.unwrap();
        imports.push(started.elapsed());
        peak = HEAP.peak_usage().saturating_sub(base);
        let Imported::Created(record) = imported else {
            panic!("a fresh store imports")
        };
        claims = record.claims;
    }
    let (read_p50, read_max) = median(&mut reads);
    let (import_p50, import_max) = median(&mut imports);
    println!(
        "| {name} | {rows} | {:.1} MB | {} / {} | {} / {} | {:.1} MB | {claims} |",
        bytes.len() as f64 / 1e6,
        ms(read_p50),
        ms(read_max),
        ms(import_p50),
        ms(import_max),
        peak as f64 / 1e6,
    );
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    println!(
        "{RUNS} runs each; times in ms as median / slowest; peak heap: the most allocated at once while one file is read and imported, above what was allocated before (the file itself, the test store)."
    );
    println!();
    println!("| file | lines | size | read (parse) | audit + save | peak heap | claims |");
    println!("|---|---:|---:|---:|---:|---:|---:|");
    let (ups, numbers) = ups_file();
    bench("UPS billing data", ups, numbers, "ups").await;
    let (fedex, numbers) = fedex_file();
    bench("FedEx invoice", fedex, numbers, "fedex").await;
}
