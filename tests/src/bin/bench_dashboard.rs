//! `make bench-dashboard`: the merchant dashboard's pages timed on the devstack with 10,000
//! shipments of one merchant on DynamoDB Local (weeks of registrations, five carriers, a
//! watchlist of more than a third: exceptions, failed attempts, pickups, delays, returns). Each page is requested signed in, one request at a time, after a warm-up; it
//! prints p50 / p95 / max per page. A benchmark: it prints figures, it asserts nothing.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use afterclick_aws::secrets::{new_shipment_id, new_token};
use afterclick_domain::model::{Customer, MilestoneReached, NewShipment};
use afterclick_domain::ports::{EventStore, ShipmentAdmin, ShipmentStore};
use afterclick_domain::{EmailAddress, Shipment, Status, TrackingEvent};
use afterclick_e2e::Stack;
use aws_sdk_dynamodb::types::AttributeValue;
use chrono::{Duration, Utc};
use clap::Parser;
use futures::stream::{self, StreamExt};
use std::time::Instant;

#[derive(Parser, Debug)]
#[command(about = "The dashboard's pages timed with many shipments")]
struct Args {
    #[arg(long, default_value_t = 10_000)]
    shipments: usize,
    /// Timed requests per page (after 10 untimed).
    #[arg(long, default_value_t = 100)]
    requests: usize,
}

const CARRIERS: [&str; 5] = ["ups", "dhl", "fedex", "usps", "dpd"];

/// The `i`-th shipment's final state: registered 8 minutes apart over weeks, five in twelve
/// on the watchlist for one reason or another.
fn shipment(merchant_id: &str, i: usize) -> (Shipment, Shipment) {
    let now = Utc::now();
    let created = now - Duration::minutes(i as i64 * 8);
    let carrier = CARRIERS[i % CARRIERS.len()];
    let registered = Shipment::registered(
        new_shipment_id(),
        merchant_id.to_owned(),
        new_token(),
        NewShipment {
            tracking_number: format!("BENCH{i:08}"),
            carrier: carrier.to_owned(),
            order_number: format!("B-{}", 100_000 + i / 2),
            customer: Customer {
                name: format!("Customer {i}"),
                email: EmailAddress::parse(&format!("c{}@example.com", i % 4_000)).ok(),
                phone: None,
                locale: None,
                timezone: "Europe/Berlin".into(),
            },
            promised_delivery_date: Some((created + Duration::days(4)).date_naive()),
            service: Some("GROUND".into()),
            destination_country: None,
            origin_country: None,
            origin_region: None,
            destination_region: None,
        },
        created,
    );
    let mut last = registered.clone();
    let scanned = created + Duration::hours(20);
    last.status = match i % 12 {
        0 => Status::Exception,
        1 => Status::AttemptFailed,
        2 => Status::AvailableForPickup,
        3 | 4 => Status::InTransit,
        5 => Status::ReturningToSender,
        _ => Status::Delivered,
    };
    last.status_at = Some(scanned);
    last.last_scan_at = Some(scanned);
    let reached = |at| MilestoneReached { at, notified: true };
    last.milestones
        .insert("in_transit".into(), reached(created + Duration::hours(6)));
    if last.status == Status::Delivered {
        last.milestones.insert("delivered".into(), reached(scanned));
    } else if i % 12 == 3 && i % 24 == 3 {
        let promise = last.promised_delivery_date.unwrap_or_default();
        last.milestones
            .insert(format!("delayed#overdue-{promise}"), reached(scanned));
    }
    last.updated_at = scanned;
    (registered, last)
}

async fn seed(stack: &Stack, merchant_id: &str, n: usize) {
    let store = &stack.devstack.store;
    let started = Instant::now();
    stream::iter(0..n)
        .for_each_concurrent(16, |i| async move {
            let (registered, last) = shipment(merchant_id, i);
            store.register(&registered).await.unwrap();
            // The milestones consumer may evaluate the registration meanwhile (a version
            // bump): write the final state over whatever version is stored.
            let mut version = registered.version;
            loop {
                match store.save_edit(version, &last).await {
                    Ok(()) => break,
                    Err(afterclick_domain::ports::StoreError::Conflict) => {
                        version = store
                            .shipment(merchant_id, &registered.tracking_number)
                            .await
                            .unwrap()
                            .unwrap()
                            .version;
                    }
                    Err(err) => panic!("{err}"),
                }
            }
            if i % 100 == 0 {
                // A timeline for the shipment pages among them.
                for h in 0..20 {
                    let mut e = TrackingEvent::new(
                        registered.created_at + Duration::hours(h),
                        Status::InTransit,
                        "bench",
                    );
                    e.description = format!("Scan {h}");
                    store
                        .record_event(merchant_id, &registered.tracking_number, &e, Utc::now())
                        .await
                        .unwrap();
                }
            }
        })
        .await;
    // Three months of counters for five carriers, as deliveries leave them.
    for months_ago in 0..3 {
        let month = (Utc::now() - Duration::days(30 * months_ago)).format("%Y-%m");
        for carrier in CARRIERS {
            store
                .client()
                .update_item()
                .table_name(stack.table())
                .key("PK", AttributeValue::S(format!("M#{merchant_id}")))
                .key("SK", AttributeValue::S(format!("OUTCOME#{month}#{carrier}#GROUND#DE")))
                .update_expression(
                    "SET #t = :t, #m = :m, carrier = :c, service = :s, destination_country = :d \
                     ADD shipments :n, delivered :n, promised :n, on_time :k, estimated :n, on_estimate :k",
                )
                .expression_attribute_names("#t", "type")
                .expression_attribute_names("#m", "month")
                .expression_attribute_values(":t", AttributeValue::S("outcome".into()))
                .expression_attribute_values(":m", AttributeValue::S(month.to_string()))
                .expression_attribute_values(":c", AttributeValue::S(carrier.into()))
                .expression_attribute_values(":s", AttributeValue::S("GROUND".into()))
                .expression_attribute_values(":d", AttributeValue::S("DE".into()))
                .expression_attribute_values(":n", AttributeValue::N("600".into()))
                .expression_attribute_values(":k", AttributeValue::N("540".into()))
                .send()
                .await
                .unwrap();
        }
    }
    // A month of notification counters, as notify and ses-events leave them, four shards
    // a day: every milestone (a busy shop reaches about eight a day), by email sent,
    // delivered, opened, clicked, bounced, suppressed as unsubscribed or bounced, and by
    // SMS sent, deferred and suppressed for want of a number: 120 counters per item. And
    // 200 suppressed addresses.
    use afterclick_domain::email_events::EmailEventKind;
    use afterclick_domain::notification_stats::{Counter, Measure};
    let email_measures = [
        Measure::Sent,
        Measure::Email(EmailEventKind::Delivered),
        Measure::Email(EmailEventKind::Opened),
        Measure::Email(EmailEventKind::Clicked),
        Measure::Email(EmailEventKind::Bounced),
        Measure::Suppressed("unsubscribed"),
        Measure::Suppressed("bounced"),
    ];
    let sms_measures = [
        Measure::Sent,
        Measure::Deferred,
        Measure::Suppressed("no_address"),
    ];
    for days_ago in 0..30 {
        let day = (Utc::now() - Duration::days(days_ago)).date_naive();
        for shard in 0..4 {
            let mut update = store
                .client()
                .update_item()
                .table_name(stack.table())
                .key("PK", AttributeValue::S(format!("M#{merchant_id}")))
                .key("SK", AttributeValue::S(format!("NSTATS#{day}#{shard}")))
                .expression_attribute_names("#t", "type")
                .expression_attribute_names("#d", "day")
                .expression_attribute_values(":t", AttributeValue::S("notification_stats".into()))
                .expression_attribute_values(":d", AttributeValue::S(day.to_string()))
                .expression_attribute_values(":n", AttributeValue::N("7".into()));
            let mut adds = Vec::new();
            let mut i = 0;
            for milestone in afterclick_domain::Milestone::ALL {
                let channels = [
                    (afterclick_domain::Channel::Email, &email_measures[..]),
                    (afterclick_domain::Channel::Sms, &sms_measures[..]),
                ];
                for (channel, measures) in channels {
                    for &measure in measures {
                        let counter = Counter {
                            milestone,
                            channel,
                            measure,
                        };
                        update =
                            update.expression_attribute_names(format!("#c{i}"), counter.name());
                        adds.push(format!("#c{i} :n"));
                        i += 1;
                    }
                }
            }
            update
                .update_expression(format!("SET #t = :t, #d = :d ADD {}", adds.join(", ")))
                .send()
                .await
                .unwrap();
        }
    }
    for i in 0..200 {
        afterclick_domain::ports::SuppressionList::suppress(
            store,
            &afterclick_domain::email_events::Suppression {
                merchant_id: merchant_id.to_owned(),
                email_hash: afterclick_domain::listing::email_hash(&format!(
                    "bounced{i}@example.com"
                )),
                masked: "b***@example.com".into(),
                reason: afterclick_domain::email_events::SuppressionReason::Bounced,
                at: Utc::now() - Duration::hours(i),
                tracking_number: format!("BENCH{i:08}"),
                detail: Some("Permanent (General): smtp; 550 5.1.1 user unknown".into()),
            },
        )
        .await
        .unwrap();
    }
    eprintln!(
        "seeded {n} shipments in {:.0} s",
        started.elapsed().as_secs_f64()
    );
}

/// Signs in through the form and returns the session's cookie.
async fn sign_in(stack: &Stack, client: &reqwest::Client, api_key: &str) -> String {
    let form = client.get(stack.url("/app/sign-in")).send().await.unwrap();
    let pre = cookie(&form, "afterclick_sign_in");
    let html = form.text().await.unwrap();
    let marker = "name=\"csrf\" value=\"";
    let at = html.find(marker).unwrap() + marker.len();
    let token = &html[at..at + html[at..].find('"').unwrap()];
    let signed = client
        .post(stack.url("/app/sign-in"))
        .header("cookie", pre)
        .form(&[("csrf", token), ("api_key", api_key)])
        .send()
        .await
        .unwrap();
    assert_eq!(signed.status(), 303);
    cookie(&signed, "afterclick_session")
}

fn cookie(response: &reqwest::Response, name: &str) -> String {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| c.strip_prefix(&format!("{name}=")))
        .map(|rest| format!("{name}={}", rest.split(';').next().unwrap_or_default()))
        .unwrap()
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let rank = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args = Args::parse();
    let stack = Stack::start().await;
    let info = stack.info().clone();
    seed(&stack, &info.merchant_id, args.shipments).await;
    // Whatever the registrations started in the pipeline is over before timing.
    stack.devstack.settle().await;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let session = sign_in(&stack, &client, &info.api_key).await;
    let one = stack
        .devstack
        .store
        .shipment(&info.merchant_id, "BENCH00000100")
        .await
        .unwrap()
        .unwrap();
    let pages = [
        ("needs attention", "/app".to_owned()),
        (
            "needs attention, one reason",
            "/app?reason=at_pickup".to_owned(),
        ),
        ("attention CSV", "/app/attention.csv".to_owned()),
        ("shipments", "/app/shipments".to_owned()),
        (
            "search by email",
            "/app/shipments?q=c100%40example.com".to_owned(),
        ),
        ("search by order", "/app/shipments?q=B-100050".to_owned()),
        ("shipment (20 scans)", format!("/app/shipments/{}", one.id)),
        ("carriers (3 months)", "/app/carriers".to_owned()),
        (
            "notifications (30 days, 200 suppressed)",
            "/app/notifications".to_owned(),
        ),
        (
            "notifications (1 day, 200 suppressed)",
            format!("/app/notifications?from={}", Utc::now().date_naive()),
        ),
        ("settings", "/app/settings".to_owned()),
        (
            "preview",
            "/app/settings/preview/delayed/email/de".to_owned(),
        ),
    ];
    println!("| page | rows or size | p50 ms | p95 ms | max ms |");
    println!("|---|---:|---:|---:|---:|");
    for (name, path) in pages {
        let mut times = Vec::with_capacity(args.requests);
        let mut size = 0;
        for i in 0..args.requests + 10 {
            let started = Instant::now();
            let response = client
                .get(stack.url(&path))
                .header("cookie", &session)
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 200, "{path}");
            let body = response.text().await.unwrap();
            let elapsed = started.elapsed().as_secs_f64() * 1000.0;
            size = body.len();
            if i >= 10 {
                times.push(elapsed);
            }
        }
        times.sort_by(f64::total_cmp);
        println!(
            "| {name} | {:.0} KB | {:.1} | {:.1} | {:.1} |",
            size as f64 / 1024.0,
            percentile(&times, 0.5),
            percentile(&times, 0.95),
            times[times.len() - 1]
        );
    }
    stack.devstack.stop().await;
}
