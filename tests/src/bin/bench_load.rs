//! `make bench-load`: plays shipments' journeys (in transit, out for delivery, delivered)
//! through signed generic webhooks at a target rate against the devstack on DynamoDB Local
//! and moto, then reads what the customers got: webhook → notification latency from the
//! stored notifications (their `updated_at` is when notify recorded the send), lost,
//! duplicated and superseded messages, and DynamoDB request units per shipment priced with
//! AWS list prices. A benchmark: it prints figures, it asserts nothing.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use afterclick_devstack::capacity::Usage;
use afterclick_devstack::streams::FunctionStats;
use afterclick_domain::{Channel, NotificationState};
use afterclick_e2e::{Stack, StackConfig, generic_event, generic_history, unique};
use chrono::{DateTime, Duration, Utc};
use clap::Parser;
use futures::stream::{self, StreamExt};
use serde_json::json;
use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::time::Instant;

#[derive(Parser, Debug)]
#[command(about = "Load benchmark: webhook → customer notification through the devstack")]
struct Args {
    /// Webhook events per second to aim for; several rates run one after another, each on a
    /// fresh stack.
    #[arg(long, value_delimiter = ',', default_value = "50")]
    rates: Vec<u32>,
    /// How long each rate is played, in seconds.
    #[arg(long, default_value_t = 60)]
    seconds: u32,
    /// Seconds played at the same rate on other shipments before measuring.
    #[arg(long, default_value_t = 10)]
    warmup_seconds: u32,
    /// How often the stream pollers read, in milliseconds (Lambda and `make run`: 250).
    #[arg(long, default_value_t = 250)]
    poll_ms: u64,
    /// Run the functions' real binaries from this directory behind the local Lambda Runtime
    /// API (e.g. `target/release`), and report their init time and peak memory.
    #[arg(long)]
    binaries: Option<std::path::PathBuf>,
    /// As the timed run starts, another merchant's parcel gets a history of this many scans
    /// (afterclick-format deliveries of 500, posted one after another): a noisy neighbour.
    #[arg(long, default_value_t = 0)]
    neighbour_history: usize,
}

const FUNCTIONS: [&str; 6] = [
    "api",
    "webhook",
    "milestones",
    "notify",
    "dispatch",
    "sweeper",
];

/// One function's processes in binary mode.
struct Footprint {
    function: &'static str,
    starts: usize,
    init_ms: Vec<f64>,
    peak_rss_mib: f64,
}

const STEPS: [&str; 3] = ["in_transit", "out_for_delivery", "delivered"];

/// AWS list prices, us-east-1, on-demand (USD).
const DYNAMODB_PER_MILLION_READ_UNITS: f64 = 0.125;
const DYNAMODB_PER_MILLION_WRITE_UNITS: f64 = 0.625;
const LAMBDA_PER_MILLION_REQUESTS: f64 = 0.20;
const LAMBDA_PER_GB_SECOND: f64 = 0.000_016_666_7;
const HTTP_API_PER_MILLION_REQUESTS: f64 = 1.00;
const SES_PER_THOUSAND_EMAILS: f64 = 0.10;
const SNS_SMS_US_PER_MESSAGE: f64 = 0.005_81;
/// The template's `Globals.Function.MemorySize`.
const LAMBDA_MEMORY_GB: f64 = 0.25;

struct Outcome {
    rate: u32,
    neighbour_history: usize,
    achieved: f64,
    shipments: usize,
    webhook_ms: Vec<f64>,
    notify_ms: Vec<f64>,
    expected: usize,
    sent: usize,
    lost: usize,
    duplicated: usize,
    superseded: usize,
    supersedable: usize,
    usage: Usage,
    lambda_requests: u64,
    lambda_seconds: f64,
    http_requests: usize,
    emails: usize,
    sms: usize,
    footprints: Vec<Footprint>,
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// A distinct US number per shipment that moto does not treat as opted out (it answers
/// "opted out" for every number ending in 99).
fn phone(i: usize) -> String {
    let n = (i / 99) * 100 + i % 99;
    format!("+1202{:07}", n % 10_000_000)
}

async fn register_all(stack: &Stack, count: usize) -> Vec<String> {
    let key = stack.info().api_key.clone();
    let promise = (Utc::now() + Duration::days(10)).date_naive().to_string();
    stream::iter(0..count)
        .map(|i| {
            let key = key.clone();
            let promise = promise.clone();
            async move {
                let tracking = unique(&format!("1ZLD{i}X"));
                let body = json!({
                    "tracking_number": tracking, "carrier": "ups", "order_number": format!("L-{i}"),
                    "customer": {"name": "Load Test", "email": format!("{}@customer.example", tracking.to_lowercase()),
                                 "phone": phone(i), "locale": "en-US", "timezone": "UTC"},
                    "promised_delivery_date": promise
                });
                let r = stack.register(&key, &body).await;
                assert_eq!(r.status, 201, "{}", r.body);
                tracking
            }
        })
        .buffered(16)
        .collect()
        .await
}

/// One counter summed over the stream consumers.
fn consumers_total(
    stack: &Stack,
    counter: impl Fn(&FunctionStats) -> &std::sync::atomic::AtomicU64,
) -> u64 {
    ["milestones", "notify", "dispatch"]
        .iter()
        .filter_map(|f| stack.devstack.function_stats(f))
        .map(|s| counter(s).load(Ordering::Relaxed))
        .sum()
}

/// Waits until no stream consumer has had anything to do for two seconds.
async fn settle(stack: &Stack) {
    let functions = ["milestones", "notify", "dispatch"];
    let snapshot = || {
        functions
            .iter()
            .map(|f| {
                stack.devstack.function_stats(f).map_or((0, 0), |s| {
                    (
                        s.records.load(Ordering::Relaxed),
                        s.in_flight.load(Ordering::Relaxed),
                    )
                })
            })
            .collect::<Vec<_>>()
    };
    let mut last = snapshot();
    let mut quiet_since = Instant::now();
    let started = Instant::now();
    while started.elapsed() < std::time::Duration::from_secs(600) {
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
        let now = snapshot();
        if now != last || now.iter().any(|(_, in_flight)| *in_flight > 0) {
            last = now;
            quiet_since = Instant::now();
        } else if quiet_since.elapsed() > std::time::Duration::from_secs(2) {
            return;
        }
    }
}

/// Plays `events` webhook events over `tracking`'s shipments at `rate`: slot i is shipment
/// i % n, step i / n, so a shipment's steps are a third of the run apart. Returns each
/// post's (shipment, step, when, milliseconds) and the rate achieved.
async fn play(
    stack: &Stack,
    tracking: &[String],
    rate: u32,
    events: usize,
) -> (Vec<(usize, usize, DateTime<Utc>, f64)>, f64) {
    let info = stack.info().clone();
    let shipments = tracking.len();
    let start = tokio::time::Instant::now();
    let secret = info.webhook_secrets["generic"].clone();
    let scan_time = Utc::now() - Duration::hours(1);
    let posts = (0..events).map(|i| {
        let (k, step) = (i % shipments, i / shipments);
        let at = start + std::time::Duration::from_secs_f64(i as f64 / f64::from(rate));
        let body = generic_event(
            &tracking[k],
            STEPS[step],
            scan_time + Duration::minutes(step as i64 * 10),
            STEPS[step],
        );
        let (info, secret) = (&info, &secret);
        async move {
            tokio::time::sleep_until(at).await;
            let posted: DateTime<Utc> = Utc::now();
            let clock = Instant::now();
            let r = stack
                .post_generic(&info.merchant_id, secret, &unique("msg"), &body)
                .await;
            assert_eq!(r.status, 202, "{}", r.body);
            (k, step, posted, clock.elapsed().as_secs_f64() * 1000.0)
        }
    });
    let results: Vec<_> = stream::iter(posts).buffer_unordered(512).collect().await;
    let achieved = events as f64 / start.elapsed().as_secs_f64();
    (results, achieved)
}

/// Another merchant's parcel gets a `scans`-long history, delivery after delivery.
async fn neighbour(stack: &Stack, scans: usize) {
    if scans == 0 {
        return;
    }
    let other = stack.another_merchant(&unique("m_neighbour")).await;
    let tracking = unique("1ZNB");
    let r = stack
        .register(
            &other.api_key,
            &json!({
                "tracking_number": tracking, "carrier": "ups", "order_number": "N-1",
                "customer": {"name": "Neighbour", "email": "n@customer.example", "timezone": "UTC"}
            }),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let newest = Utc::now() - Duration::hours(2);
    for delivery in generic_history(&tracking, newest, scans) {
        let r = stack
            .post_generic(
                &other.merchant_id,
                &other.webhook_secrets["generic"],
                &unique("msg"),
                &delivery,
            )
            .await;
        assert_eq!(r.status, 202, "{}", r.body);
    }
    eprintln!("neighbour: {scans} scans posted");
}

async fn run(rate: u32, seconds: u32, args: &Args) -> Outcome {
    let stack = Stack::start_with(StackConfig {
        poll_interval: std::time::Duration::from_millis(args.poll_ms),
        binaries: args.binaries.clone(),
        ..StackConfig::default()
    })
    .await;
    let info = stack.info().clone();
    let events = (rate * seconds) as usize;
    let shipments = events.div_ceil(STEPS.len());
    let warmup_events = (rate * args.warmup_seconds) as usize;
    let warmup_shipments = warmup_events.div_ceil(STEPS.len());
    eprintln!("{rate}/s: registering {shipments} shipments (and {warmup_shipments} to warm up)");
    let all = register_all(&stack, shipments + warmup_shipments).await;
    let (warmup, tracking) = all.split_at(warmup_shipments);
    settle(&stack).await;
    if warmup_events > 0 {
        // DynamoDB Local's JVM compiles its hot paths during the first seconds of load; a
        // long-running `make run` has done that long ago.
        eprintln!("{rate}/s: warming up for {} s", args.warmup_seconds);
        play(&stack, warmup, rate, warmup_events).await;
        settle(&stack).await;
    }
    let before = stack.devstack.capacity();
    let requests_before = stack.devstack.requests();
    let lambda_before = consumers_total(&stack, |s| &s.invocations);
    let busy_before = consumers_total(&stack, |s| &s.busy_micros);

    eprintln!("{rate}/s: playing {events} webhook events over {seconds} s");
    let ((results, achieved), ()) = tokio::join!(
        play(&stack, tracking, rate, events),
        neighbour(&stack, args.neighbour_history)
    );
    settle(&stack).await;
    let usage = stack.devstack.capacity().since(&before);
    let per_event: Vec<String> = stack
        .devstack
        .requests()
        .into_iter()
        .map(|(op, n)| {
            let n = n - requests_before.get(op).copied().unwrap_or(0);
            format!("{op} {:.2}", n as f64 / events as f64)
        })
        .collect();
    eprintln!(
        "{rate}/s: DynamoDB requests per webhook event: {}",
        per_event.join(", ")
    );
    let lambda_requests = consumers_total(&stack, |s| &s.invocations) - lambda_before;
    let busy = consumers_total(&stack, |s| &s.busy_micros) - busy_before;

    let mut posted_at: HashMap<(usize, usize), DateTime<Utc>> = HashMap::new();
    let mut webhook_ms = Vec::with_capacity(results.len());
    for (k, step, posted, ms) in &results {
        posted_at.insert((*k, *step), *posted);
        webhook_ms.push(*ms);
    }
    webhook_ms.sort_by(f64::total_cmp);

    let (mut notify_ms, mut sent, mut lost, mut superseded) = (Vec::new(), 0, 0, 0);
    let stored: Vec<_> = stream::iter(tracking.iter().enumerate())
        .map(|(k, tn)| {
            let stack = &stack;
            let merchant = info.merchant_id.clone();
            async move { (k, stack.devstack.store_notifications(&merchant, tn).await) }
        })
        .buffered(16)
        .collect()
        .await;
    for (k, notifications) in &stored {
        for (step, name) in STEPS.iter().enumerate() {
            // The run's last slots may not reach a shipment's last step.
            if !posted_at.contains_key(&(*k, step)) {
                continue;
            }
            for channel in [Channel::Email, Channel::Sms] {
                let found = notifications
                    .iter()
                    .find(|n| n.milestone.as_str() == *name && n.channel == channel);
                match found {
                    Some(n) if n.state == NotificationState::Sent => {
                        sent += 1;
                        if let Some(posted) = posted_at.get(&(*k, step)) {
                            let ms = (n.updated_at - *posted).num_milliseconds() as f64;
                            notify_ms.push(ms);
                        }
                    }
                    // The newest moment is what the customer hears; an older one not yet
                    // announced when a newer one arrived is superseded, not lost.
                    None if step + 1 < STEPS.len() => superseded += 1,
                    other => {
                        lost += 1;
                        let state = other.map_or("never created", |n| n.state.as_str());
                        eprintln!("lost: {name} {channel:?} of shipment {k}: {state}");
                    }
                }
            }
        }
    }
    notify_ms.sort_by(f64::total_cmp);

    // The measured shipments' messages only (the warm-up's customers are others).
    let addresses: std::collections::HashSet<String> = tracking
        .iter()
        .map(|t| format!("{}@customer.example", t.to_lowercase()))
        .chain((warmup_shipments..warmup_shipments + shipments).map(phone))
        .collect();
    let mut outbox = stack.outbox().await;
    outbox.emails.retain(|e| addresses.contains(&e.to));
    outbox.sms.retain(|s| addresses.contains(&s.to));
    let mut copies: HashMap<(String, String), usize> = HashMap::new();
    for e in &outbox.emails {
        *copies.entry((e.to.clone(), e.subject.clone())).or_default() += 1;
    }
    for s in &outbox.sms {
        *copies.entry((s.to.clone(), s.body.clone())).or_default() += 1;
    }
    let duplicated = copies.values().map(|n| n - 1).sum();
    let mut footprints = Vec::new();
    for function in FUNCTIONS {
        if let Some(host) = stack.devstack.function(function) {
            let mut init_ms: Vec<f64> = host
                .init_times()
                .await
                .iter()
                .map(|d| d.as_secs_f64() * 1000.0)
                .collect();
            init_ms.sort_by(f64::total_cmp);
            footprints.push(Footprint {
                function,
                starts: init_ms.len(),
                init_ms,
                peak_rss_mib: host.peak_rss_kib().unwrap_or(0) as f64 / 1024.0,
            });
        }
    }
    let outcome = Outcome {
        rate,
        neighbour_history: args.neighbour_history,
        achieved,
        shipments,
        webhook_ms,
        notify_ms,
        expected: results.len() * 2,
        sent,
        lost,
        duplicated,
        superseded,
        supersedable: results
            .iter()
            .filter(|(_, step, _, _)| step + 1 < STEPS.len())
            .count()
            * 2,
        usage,
        lambda_requests: lambda_requests + results.len() as u64,
        lambda_seconds: busy as f64 / 1e6,
        http_requests: results.len(),
        emails: outbox.emails.len(),
        sms: outbox.sms.len(),
        footprints,
    };
    stack.devstack.stop().await;
    outcome
}

fn report(outcomes: &[Outcome]) {
    println!("\n### Webhook → customer notification\n");
    println!(
        "| target/s | achieved/s | shipments | webhook p50 / p99 (ms) | notification p50 / p90 / p99 (s) | sent / expected | lost | duplicated | superseded |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for o in outcomes {
        let s = |p| percentile(&o.notify_ms, p) / 1000.0;
        let neighbour = if o.neighbour_history > 0 {
            format!(" (+ a {}-scan neighbour)", o.neighbour_history)
        } else {
            String::new()
        };
        println!(
            "| {}{neighbour} | {:.1} | {} | {:.0} / {:.0} | {:.2} / {:.2} / {:.2} | {} / {} | {} | {} | {} ({:.1}%) |",
            o.rate,
            o.achieved,
            o.shipments,
            percentile(&o.webhook_ms, 50.0),
            percentile(&o.webhook_ms, 99.0),
            s(50.0),
            s(90.0),
            s(99.0),
            o.sent,
            o.expected,
            o.lost,
            o.duplicated,
            o.superseded,
            100.0 * o.superseded as f64 / o.supersedable.max(1) as f64,
        );
    }
    let meeting = outcomes
        .iter()
        .filter(|o| percentile(&o.notify_ms, 99.0) <= 3000.0 && o.lost == 0 && o.duplicated == 0)
        .map(|o| o.rate)
        .max();
    match meeting {
        Some(rate) => {
            println!("\nHighest rate played with p99 ≤ 3 s, none lost or duplicated: {rate}/s")
        }
        None => println!("\nNo rate played met p99 ≤ 3 s with none lost or duplicated"),
    }

    println!("\n### Cost per 1,000 shipments (AWS list prices, us-east-1, on-demand)\n");
    println!(
        "| target/s | reads / writes per shipment | read units / shipment | write units / shipment | DynamoDB $ | Lambda $ | HTTP API $ | total $ | SES $ (apart) | SMS $ US (apart) |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for o in outcomes {
        let per = 1000.0 / o.shipments as f64;
        let reads = o.usage.read_units / o.shipments as f64;
        let writes = o.usage.billed_write_units() / o.shipments as f64;
        let dynamo = per
            * (o.usage.read_units * DYNAMODB_PER_MILLION_READ_UNITS
                + o.usage.billed_write_units() * DYNAMODB_PER_MILLION_WRITE_UNITS)
            / 1e6;
        let lambda = per
            * (o.lambda_requests as f64 * LAMBDA_PER_MILLION_REQUESTS / 1e6
                + (o.lambda_seconds + o.webhook_ms.iter().sum::<f64>() / 1000.0)
                    * LAMBDA_MEMORY_GB
                    * LAMBDA_PER_GB_SECOND);
        let http = per * o.http_requests as f64 * HTTP_API_PER_MILLION_REQUESTS / 1e6;
        println!(
            "| {} | {:.1} / {:.1} | {:.1} | {:.1} | {:.4} | {:.4} | {:.4} | {:.4} | {:.2} | {:.2} |",
            o.rate,
            o.usage.reads as f64 / o.shipments as f64,
            (o.usage.writes + o.usage.refused_writes) as f64 / o.shipments as f64,
            reads,
            writes,
            dynamo,
            lambda,
            http,
            dynamo + lambda + http,
            per * o.emails as f64 * SES_PER_THOUSAND_EMAILS / 1000.0,
            per * o.sms as f64 * SNS_SMS_US_PER_MESSAGE,
        );
    }
    for o in outcomes.iter().filter(|o| !o.footprints.is_empty()) {
        println!(
            "\n### The function binaries at {}/s (behind the local Runtime API)\n",
            o.rate
        );
        println!("| function | processes started | init p50 / max (ms) | peak RSS (MiB) |");
        println!("|---|---:|---:|---:|");
        for f in &o.footprints {
            println!(
                "| {} | {} | {:.1} / {:.1} | {:.1} |",
                f.function,
                f.starts,
                percentile(&f.init_ms, 50.0),
                f.init_ms.last().copied().unwrap_or(f64::NAN),
                f.peak_rss_mib
            );
        }
    }
    println!(
        "\nLambda time is the devstack's handler time on this machine (stream consumers) plus the webhook round trips, at {LAMBDA_MEMORY_GB} GB; \
         registration (before the timed run) is not counted. A refused conditional write is counted at one write unit."
    );
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    let mut outcomes = Vec::new();
    for rate in &args.rates {
        outcomes.push(run(*rate, args.seconds, &args).await);
    }
    report(&outcomes);
}
