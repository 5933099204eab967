//! `make bench` (history costs): what evaluating one more scan costs in DynamoDB units on top
//! of a history of 10, 100 and 2,600 scans, through the devstack on DynamoDB Local (which
//! reports consumed capacity like DynamoDB). "Before" is the same work plus the whole-timeline
//! Query every evaluation made until the shipment kept its history summary: measured here as
//! that Query on the same history. A benchmark: it prints figures, it asserts nothing.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use afterclick_aws::DynamoStore;
use afterclick_devstack::local_sdk_config;
use afterclick_domain::ports::EventStore;
use afterclick_e2e::{Stack, generic_event, generic_history, unique, wait_until_evaluated};
use chrono::{Duration, DurationRound, Utc};
use clap::Parser;
use serde_json::json;

#[derive(Parser, Debug)]
#[command(about = "DynamoDB units per evaluated scan as a shipment's history grows")]
struct Args {
    #[arg(long, value_delimiter = ',', default_value = "10,100,2600")]
    histories: Vec<usize>,
    /// Scans measured per history length (the figures are their mean).
    #[arg(long, default_value_t = 5)]
    samples: usize,
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    let stack = Stack::start().await;
    // Reads to learn when the stream is done go around the capacity meter.
    let own = DynamoStore::from_conf(
        &local_sdk_config(&stack.dynamodb_endpoint).await,
        stack.table(),
    );
    let info = stack.info().clone();
    let secret = info.webhook_secrets["generic"].clone();
    let newest = (Utc::now() - Duration::hours(3))
        .duration_trunc(Duration::minutes(1))
        .unwrap();
    println!("\n### DynamoDB units per evaluated scan, by history length\n");
    println!(
        "| history (scans) | read units / scan, before | read units / scan, after | write units / scan, after |"
    );
    println!("|---:|---:|---:|---:|");
    for &history in &args.histories {
        let tracking = unique("1ZHIST");
        let r = stack
            .register(
                &info.api_key,
                &json!({
                    "tracking_number": tracking, "carrier": "ups", "order_number": unique("H"),
                    "customer": {"name": "Bench", "email": "bench@customer.example", "timezone": "UTC"}
                }),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.body);
        for delivery in generic_history(&tracking, newest, history) {
            let r = stack
                .post_generic(&info.merchant_id, &secret, &unique("msg"), &delivery)
                .await;
            assert_eq!(r.status, 202, "{}", r.body);
        }
        wait_until_evaluated(&own, &info.merchant_id, &tracking, newest).await;

        let (mut read, mut written, mut timeline) = (0.0, 0.0, 0.0);
        for sample in 1..=args.samples {
            // A scan that announces nothing: the cost of judging it, not of a message.
            let at = newest + Duration::minutes(sample as i64);
            let before = stack.devstack.capacity();
            let body = generic_event(&tracking, "in_transit", at, "Sorted again");
            let r = stack
                .post_generic(&info.merchant_id, &secret, &unique("msg"), &body)
                .await;
            assert_eq!(r.body["stored"], 1, "{}", r.body);
            wait_until_evaluated(&own, &info.merchant_id, &tracking, at).await;
            let usage = stack.devstack.capacity().since(&before);
            read += usage.read_units;
            written += usage.billed_write_units();

            let before = stack.devstack.capacity();
            let events = stack
                .devstack
                .store
                .timeline(&info.merchant_id, &tracking)
                .await
                .unwrap();
            assert_eq!(events.len(), history + sample);
            timeline += stack.devstack.capacity().since(&before).read_units;
        }
        let n = args.samples as f64;
        println!(
            "| {history} | {:.1} | {:.1} | {:.1} |",
            (read + timeline) / n,
            read / n,
            written / n
        );
    }
    println!(
        "\nOne scan per webhook delivery, evaluated by the milestones consumer; the webhook's \
         and the evaluation's units together. \"Before\" adds the whole-timeline Query (strongly \
         consistent) each evaluation made."
    );
    stack.devstack.stop().await;
}
