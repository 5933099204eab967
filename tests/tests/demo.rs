//! `make run` seeds demo shipments and prints their tracking pages: they must exist, have
//! gone through several milestones, and seeding again (a kept database) must change nothing.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use afterclick_e2e::Stack;
use chrono::Utc;

#[tokio::test]
async fn demo_shipments_go_through_several_milestones_and_seed_once() {
    let stack = Stack::start().await;
    let info = stack.info().clone();
    let pages = afterclick_devstack::demo::seed(&info, Utc::now())
        .await
        .unwrap();
    assert_eq!(pages.len(), 2);

    let delivered = stack
        .wait_for_shipment(&info.api_key, &pages[0].shipment_id, "demo delivery", |s| {
            s["status"] == "delivered"
        })
        .await;
    let reached: Vec<&str> = delivered["milestones"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["milestone"].as_str().unwrap())
        .collect();
    assert!(reached.len() >= 3, "{reached:?}");
    assert!(reached.contains(&"delivered"), "{reached:?}");
    let late = stack
        .wait_for_shipment(&info.api_key, &pages[1].shipment_id, "demo delay", |s| {
            s["milestones"]
                .as_array()
                .is_some_and(|m| m.iter().any(|m| m["milestone"] == "delayed"))
        })
        .await;
    assert_eq!(late["status"], "out_for_delivery");

    for page in &pages {
        let response = stack.http.get(&page.url).send().await.unwrap();
        assert_eq!(response.status(), 200, "{}", page.url);
    }

    let events_before = delivered["events"].as_array().unwrap().len();
    let again = afterclick_devstack::demo::seed(&info, Utc::now())
        .await
        .unwrap();
    assert_eq!(
        again.iter().map(|p| &p.url).collect::<Vec<_>>(),
        pages.iter().map(|p| &p.url).collect::<Vec<_>>()
    );
    let after = stack.shipment(&info.api_key, &pages[0].shipment_id).await;
    assert_eq!(
        after.body["events"].as_array().unwrap().len(),
        events_before
    );
}
