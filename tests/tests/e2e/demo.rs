//! `make run` seeds demo shipments and prints their tracking pages: they must exist, tell
//! their story (delivered, with the rating form; late, with the carrier's new date and the
//! apology's discount code), finish it after a run interrupted halfway, and seeding again
//! (a kept database) must change nothing. The demo key is kept across restarts.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use afterclick_domain::ports::ApiKeyStore;
use afterclick_e2e::Stack;
use chrono::{Duration, Utc};
use serde_json::json;

#[tokio::test]
async fn demo_shipments_tell_their_story_and_seed_once() {
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
    assert_eq!(pages[0].story, "delivered: rate the delivery");
    let page = stack.http.get(&pages[0].url).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(
        page.text()
            .await
            .unwrap()
            .contains("How was your delivery?")
    );

    // Late: promised yesterday, the carrier now says today; the apology offers the code.
    let late = stack
        .wait_for_shipment(&info.api_key, &pages[1].shipment_id, "demo delay", |s| {
            s["milestones"]
                .as_array()
                .is_some_and(|m| m.iter().any(|m| m["milestone"] == "delayed"))
        })
        .await;
    assert_eq!(late["status"], "out_for_delivery");
    let registered: chrono::DateTime<Utc> = late["created_at"].as_str().unwrap().parse().unwrap();
    let new_date = registered.date_naive();
    assert_eq!(late["estimated_delivery"], new_date.to_string());
    let page = stack
        .text(stack.http.get(format!("{}?lang=en", pages[1].url)))
        .await;
    assert!(page.contains("SORRY10"), "{page}");
    let expected = page
        .split_once("Expected delivery: ")
        .map(|(_, rest)| rest.chars().take(40).collect::<String>())
        .unwrap_or_default();
    assert!(
        expected.contains(&new_date.format("%B %-d").to_string()),
        "the new date: {expected:?}"
    );

    let events_before = delivered["events"].as_array().unwrap().len();
    assert_eq!(events_before, 5);
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
    stack.devstack.stop().await;
}

/// A first run stopped after two of the delivered demo's five scans: the next start plays
/// the other three, so the page printed as "delivered" is delivered.
#[tokio::test]
async fn a_run_interrupted_halfway_is_finished_by_the_next() {
    let stack = Stack::start().await;
    let info = stack.info().clone();
    let r = stack
        .register(
            &info.api_key,
            &json!({
                "tracking_number": "1ZDEMO0000000001", "carrier": "ups",
                "order_number": "DEMO-1001", "promised_delivery_date": Utc::now().date_naive(),
                "customer": {"name": "Alex Demo", "email": "customer@example.com",
                             "phone": "+4915112345678", "locale": "en", "timezone": "Europe/Berlin"}
            }),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let id = r.body["id"].as_str().unwrap().to_owned();
    stack
        .scan(
            "1ZDEMO0000000001",
            "info_received",
            Utc::now() - Duration::hours(74),
        )
        .await;
    stack
        .scan(
            "1ZDEMO0000000001",
            "in_transit",
            Utc::now() - Duration::hours(50),
        )
        .await;

    let pages = afterclick_devstack::demo::seed(&info, Utc::now())
        .await
        .unwrap();
    assert_eq!(pages[0].shipment_id, id);
    let shipment = stack
        .wait_for_shipment(&info.api_key, &id, "the story finished", |s| {
            s["status"] == "delivered"
        })
        .await;
    let statuses: Vec<&str> = shipment["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses.len(), 5, "{statuses:?}");
    for status in [
        "info_received",
        "in_transit",
        "out_for_delivery",
        "delivered",
    ] {
        assert!(statuses.contains(&status), "{statuses:?}");
    }
    stack.devstack.stop().await;
}

/// `make run` offers the key it wrote to `.local/devstack.json`: kept while it works; else
/// a new one, and the devstack's older keys are revoked, so restarts leave none behind.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_key_is_kept_across_restarts_and_never_piles_up() {
    let stack = Stack::start().await;
    let first = stack.info().api_key.clone();
    let merchant = stack.info().merchant_id.clone();

    let stack = stack.restart().await;
    assert_eq!(stack.info().api_key, first, "a working key is used again");

    // Revoked meanwhile (by an operator): the next start issues another.
    let key_id = first.split('_').nth(1).unwrap().to_owned();
    assert!(
        stack
            .devstack
            .store
            .revoke_api_key(&merchant, &key_id, Utc::now())
            .await
            .unwrap()
    );
    let stack = stack.restart().await;
    let second = stack.info().api_key.clone();
    assert_ne!(second, first);
    let r = stack
        .send(
            stack
                .http
                .get(stack.url("/v1/api-keys"))
                .bearer_auth(&second),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let active: Vec<_> = r.body["keys"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|k| k["status"] == "active")
        .collect();
    assert_eq!(active.len(), 1, "{:#}", r.body);
    assert_eq!(active[0]["current"], true);
    assert_eq!(r.body["keys"].as_array().unwrap().len(), 2);

    // The merchant rotates the demo key (as the README shows): the next start issues its
    // own and retires the rotated one, and the key the merchant now holds keeps working.
    let rotated = stack
        .send(
            stack
                .http
                .post(stack.url("/v1/api-keys/rotate"))
                .bearer_auth(&second),
        )
        .await;
    assert_eq!(rotated.status, 201, "{}", rotated.body);
    let theirs = rotated.body["api_key"].as_str().unwrap().to_owned();
    let stack = stack.restart().await;
    let third = stack.info().api_key.clone();
    assert!(third != second && third != theirs);
    let r = stack
        .send(
            stack
                .http
                .get(stack.url("/v1/api-keys"))
                .bearer_auth(&theirs),
        )
        .await;
    assert_eq!(
        r.status, 200,
        "the merchant's rotated key works: {}",
        r.body
    );
    let status_of = |key: &str| {
        let id = key.split('_').nth(1).unwrap();
        r.body["keys"]
            .as_array()
            .unwrap()
            .iter()
            .find(|k| k["key_id"] == id)
            .map(|k| k["status"].clone())
            .unwrap()
    };
    assert_eq!(status_of(&second), "revoked");
    assert_eq!(status_of(&theirs), "active");
    assert_eq!(status_of(&third), "active");
    stack.devstack.stop().await;
}

/// `make run`'s weeks of history: every dashboard page has something to show, and seeding
/// it again (a kept database) adds nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_history_fills_the_dashboard_once() {
    let stack = Stack::start().await;
    let info = stack.info().clone();
    // The first 40 of `make run`'s 240: every kind of trouble (rows 0 to 4 of every 20) and
    // every carrier, light enough to run beside the rest of the suite.
    let seeded = afterclick_devstack::demo::seed_history_of(&info, Utc::now(), 40)
        .await
        .unwrap();
    assert_eq!(seeded, 40);
    stack.devstack.settle().await;
    let dashboard = crate::dashboard::Dashboard::sign_in(&stack, &info.api_key).await;

    let home = dashboard.get("/app").await;
    assert_eq!(home.status, 200);
    // One of each kind of trouble (the rule table's rows 0 to 3).
    for reason in ["Exception", "Failed attempt", "Returning to sender"] {
        assert!(home.body.contains(reason), "no {reason} on the watchlist");
    }
    let carriers = dashboard.get("/app/carriers").await;
    for name in [">UPS<", ">FedEx<", ">USPS<", ">DHL Paket<", ">DPD<"] {
        assert!(
            carriers.body.contains(name),
            "{name} missing from the carriers page"
        );
    }
    // SES's reports on the history's emails: the notifications page and the suppression list.
    let reported = afterclick_devstack::demo::seed_email_reports(&info, 40)
        .await
        .unwrap();
    assert!(reported >= 8, "only {reported} emails to report on");
    let notifications = dashboard.get("/app/notifications").await;
    assert_eq!(notifications.status, 200);
    for text in [
        "Hard bounce",
        "Delivered of sent emails",
        "c***@example.com",
    ] {
        assert!(notifications.body.contains(text), "{text} missing");
    }
    let count = |body: &str| body.matches("/app/shipments/shp_").count();
    let listed = count(&dashboard.get("/app/shipments?q=HIST-5007").await.body);
    assert_eq!(listed, 1);

    let events_before = stack
        .send(
            stack
                .http
                .get(stack.url("/v1/shipments?order_number=HIST-5030"))
                .bearer_auth(&info.api_key),
        )
        .await;
    afterclick_devstack::demo::seed_history_of(&info, Utc::now(), 40)
        .await
        .unwrap();
    stack.devstack.settle().await;
    let events_after = stack
        .send(
            stack
                .http
                .get(stack.url("/v1/shipments?order_number=HIST-5030"))
                .bearer_auth(&info.api_key),
        )
        .await;
    assert_eq!(
        events_before.body, events_after.body,
        "seeding again changed nothing"
    );
    let page_before = dashboard.get("/app/notifications").await.body;
    assert_eq!(
        afterclick_devstack::demo::seed_email_reports(&info, 40)
            .await
            .unwrap(),
        0,
        "every email has its reports already"
    );
    assert_eq!(dashboard.get("/app/notifications").await.body, page_before);
    stack.devstack.stop().await;
}
