//! A restarted devstack resumes each stream mapping after its kept checkpoint, as Lambda's
//! event source mapping keeps its position: nothing already handled is handed over again.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use afterclick_e2e::{Stack, StackConfig, unique};
use chrono::{Duration, Utc};
use serde_json::json;

async fn sent(stack: &Stack, id: &str, n: usize) {
    let key = stack.info().api_key.clone();
    stack
        .wait_for_shipment(&key, id, &format!("{n} sent notifications"), |s| {
            let list = s["notifications"].as_array().unwrap();
            list.len() == n && list.iter().all(|n| n["state"] == "sent")
        })
        .await;
}

async fn scan(stack: &Stack, tracking: &str, status: &str, hours_ago: i64) {
    stack
        .scan(tracking, status, Utc::now() - Duration::hours(hours_ago))
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_resumes_after_the_kept_checkpoint_and_replays_nothing() {
    let dir = std::env::temp_dir().join(unique("afterclick-checkpoints-"));
    let stack = Stack::start_with(StackConfig {
        checkpoint_dir: Some(dir.clone()),
        ..StackConfig::default()
    })
    .await;
    let tracking = unique("1ZRS");
    let created = stack
        .register(
            &stack.info().api_key,
            &json!({
                "tracking_number": tracking, "carrier": "ups", "order_number": "R-1",
                "customer": {"name": "Ada", "email": format!("{}@customer.example", unique("r")),
                             "phone": "+447700900321"}
            }),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let id = created.body["id"].as_str().unwrap().to_owned();
    scan(&stack, &tracking, "in_transit", 2).await;
    sent(&stack, &id, 2).await;
    assert_eq!(stack.devstack.records_delivered("notify"), 2);
    // DynamoDB Local answers with the capacity each request consumed (what bench-load prices).
    let used = stack.devstack.capacity();
    assert!(used.read_units > 0.0 && used.write_units > 0.0, "{used:?}");
    assert!(
        dir.join("NotifyFunction.json").exists(),
        "the notify mapping kept its position"
    );

    let stack = stack.restart().await;
    scan(&stack, &tracking, "out_for_delivery", 1).await;
    sent(&stack, &id, 4).await;
    // The stream is read in order: had the old records been replayed, they would have been
    // handed over before the new ones were sent.
    assert_eq!(
        stack.devstack.records_delivered("notify"),
        2,
        "only the two new intents"
    );
    assert_eq!(
        stack.devstack.records_delivered("milestones"),
        1,
        "only the new scan"
    );

    // Without the checkpoint, a restart replays the stream from its trim horizon.
    let stack = stack
        .restart_after(|| std::fs::remove_dir_all(&dir).unwrap())
        .await;
    let replayed = stack.wait_for_records("notify", 4).await;
    assert_eq!(replayed, 4, "every intent still in the stream, again");
    assert_eq!(
        stack.outbox().await.emails.len(),
        2,
        "a replay sends nothing twice"
    );
    stack.devstack.stop().await;
    let _ = std::fs::remove_dir_all(&dir);
}
