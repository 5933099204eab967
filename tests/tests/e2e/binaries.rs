//! The real Lambda binaries in the loop: every function's `main.rs` runs as a process behind
//! a local Lambda Runtime API, configured from the environment as on Lambda, fed the events
//! AWS sends: HTTP API payload 2.0 (base64 bodies, `$default` stage, joined multi-value
//! headers, cookies), DynamoDB stream batches read from the table's real stream, and the
//! EventBridge Scheduler event, and SNS's event carrying an SES event. `make test` builds the binaries first (`cargo build --bins`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use afterclick_devstack::ses_events::{self, Kind, SentMail};
use afterclick_domain::ports::ShipmentStore;
use afterclick_e2e::fixtures::delivered_shipment;
use afterclick_e2e::{Stack, StackConfig, function_binaries, generic_event, unique};
use chrono::Utc;
use serde_json::json;

fn binary_mode() -> StackConfig {
    StackConfig {
        binaries: Some(function_binaries()),
        ..StackConfig::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_function_binary_answers_the_events_aws_sends() {
    let stack = Stack::start_with(binary_mode()).await;
    for f in [
        "api",
        "webhook",
        "milestones",
        "notify",
        "dispatch",
        "sweeper",
        "ses-events",
    ] {
        assert!(
            !stack.devstack.function(f).unwrap().pids().is_empty(),
            "{f} runs as a process"
        );
    }

    // API (JSON bodies as text), webhook (signed JSON), the stream consumers, SES and SNS.
    let delivered = delivered_shipment(&stack).await;
    // The scans arrive in quick succession: which older moments were still announced depends
    // on timing; the newest always is, by email and SMS, and each message once.
    let shipment = stack
        .wait_for_shipment(
            &stack.info().api_key,
            &delivered.id,
            "the delivered email and SMS",
            |s| {
                let n = s["notifications"].as_array().unwrap();
                n.iter().all(|n| n["state"] == "sent")
                    && n.iter().filter(|n| n["milestone"] == "delivered").count() == 2
            },
        )
        .await;
    let notifications = shipment["notifications"].as_array().unwrap().clone();
    let count = |channel: &str| {
        notifications
            .iter()
            .filter(|n| n["channel"] == channel)
            .count()
    };
    for channel in ["email", "sms"] {
        assert!(notifications.iter().any(|n| n["channel"] == channel
            && n["milestone"] == "delivered"
            && n["state"] == "sent"));
    }
    let (emails, sms) = (count("email"), count("sms"));
    let outbox = stack.outbox().await;
    assert_eq!((outbox.emails.len(), outbox.sms.len()), (emails, sms));

    // A page with cookies and a header sent twice (joined by commas in the event).
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let page = http
        .get(&delivered.tracking_url)
        .header("cookie", "seen=1; theme=dark")
        .header("accept-language", "de-DE")
        .header("accept-language", "en;q=0.5")
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    assert_eq!(page.headers()["cache-control"], "private, no-store");
    let html = page.text().await.unwrap();
    assert!(html.contains("<html lang=\"de\">") && html.contains("Zugestellt"));

    // A form post: the HTTP API hands it over base64-encoded.
    let rated = http
        .post(stack.url(&format!("/t/{}/rating", delivered.token)))
        .form(&[("stars", "4"), ("comment", "Pünktlich")])
        .send()
        .await
        .unwrap();
    assert_eq!(rated.status(), 303);
    assert_eq!(
        rated.headers()["location"],
        format!("/t/{}?rated=1#rating", delivered.token).as_str()
    );
    let counters = stack
        .devstack
        .store
        .outcome_counters(&stack.info().merchant_id)
        .await
        .unwrap();
    assert_eq!(
        counters
            .iter()
            .map(|c| c["rating_count"].as_u64().unwrap_or(0))
            .sum::<u64>(),
        1,
        "{counters:?}"
    );

    // Bytes that are not UTF-8 (a Latin-1 "Köln") reach the function base64-encoded and
    // are decoded exactly: the signature over the raw bytes verifies, and the body is then
    // refused as JSON (400), not as unsigned (401).
    let info = stack.info().clone();
    let body = b"{\"tracking_number\": \"K\xf6ln\", \"events\": []}".to_vec();
    let timestamp = Utc::now().timestamp();
    let signature = afterclick_domain::signature::sign(
        &info.webhook_secrets["generic"],
        "msg_b64",
        timestamp,
        &body,
    )
    .unwrap();
    let posted = stack
        .send(
            stack
                .http
                .post(stack.url(&format!("/webhooks/generic/{}", info.merchant_id)))
                .header("content-type", "application/json; charset=iso-8859-1")
                .header("webhook-id", "msg_b64")
                .header("webhook-timestamp", timestamp.to_string())
                .header("webhook-signature", signature)
                .body(body),
        )
        .await;
    assert_eq!(posted.status, 400, "{}", posted.body);
    assert_eq!(posted.content_type, "application/problem+json");
    // A bad signature is the function's problem+json, through the gateway unchanged.
    let refused = stack
        .post_generic(&info.merchant_id, "whsec_d3Jvbmc=", "msg_bad", b"{}")
        .await;
    assert_eq!(refused.status, 401);
    assert_eq!(refused.content_type, "application/problem+json");

    // The sweeper binary, invoked with the scheduler's event.
    let report = stack.devstack.sweep().await.unwrap();
    assert_eq!(report.failed, 0, "{report:?}");

    // The ses-events binary, invoked as SNS invokes it with SES's delivery report of the
    // delivered parcel's email: recorded once, however often it comes.
    let email = stack
        .devstack
        .store_notifications(&info.merchant_id, &delivered.tracking_number)
        .await
        .into_iter()
        .find_map(|n| SentMail::of(&n, "orders@shop.example", "ada@example.com").map(|m| (n, m)));
    let (email, mail) = email.expect("a sent email");
    let report = ses_events::event(
        Kind::Delivery,
        &mail,
        mail.sent_at + chrono::Duration::seconds(2),
    );
    for _ in 0..2 {
        stack.devstack.ses_event(&report).await.unwrap();
    }
    let recorded = stack
        .devstack
        .store_notifications(&info.merchant_id, &delivered.tracking_number)
        .await
        .into_iter()
        .find(|n| n.milestone == email.milestone && n.channel == email.channel)
        .unwrap();
    // SES stamps events to the millisecond.
    assert_eq!(
        recorded.email.delivered_at,
        Some(chrono::SubsecRound::trunc_subsecs(
            mail.sent_at + chrono::Duration::seconds(2),
            3
        ))
    );

    // Replaying the whole stream through the binaries (a restart without checkpoints)
    // changes nothing: no message twice, no notification changed.
    let before = stack
        .devstack
        .store_notifications(&info.merchant_id, &delivered.tracking_number)
        .await;
    let stack = stack.restart().await;
    let replayed = stack
        .wait_for_records("notify", (emails + sms) as u64)
        .await;
    assert_eq!(replayed, (emails + sms) as u64, "every intent was replayed");
    let outbox = stack.outbox().await;
    assert_eq!((outbox.emails.len(), outbox.sms.len()), (emails, sms));
    let after = stack
        .devstack
        .store_notifications(&info.merchant_id, &delivered.tracking_number)
        .await;
    assert_eq!(before, after);
    let shipment = stack
        .devstack
        .store
        .shipment(&info.merchant_id, &delivered.tracking_number)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(shipment.status.as_str(), "delivered");

    // A notify process killed while idle is replaced; the next batch is still served.
    let notify = stack.devstack.function("notify").unwrap().clone();
    let victim = notify.pids()[0];
    let killed = std::process::Command::new("kill")
        .args(["-9", &victim.to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let tracking = unique("1ZKIL");
    let registered = stack
        .register(
            &stack.info().api_key,
            &json!({"tracking_number": tracking, "carrier": "ups", "order_number": "K-1",
                    "customer": {"name": "Kim", "email": format!("{}@customer.example", unique("k"))}}),
        )
        .await;
    assert_eq!(registered.status, 201, "{}", registered.body);
    let id = registered.body["id"].as_str().unwrap().to_owned();
    let r = stack
        .post_generic(
            &stack.info().merchant_id,
            &stack.info().webhook_secrets["generic"],
            "msg_after_kill",
            &generic_event(&tracking, "out_for_delivery", Utc::now(), "out"),
        )
        .await;
    assert_eq!(r.status, 202, "{}", r.body);
    stack
        .wait_for_shipment(
            &stack.info().api_key,
            &id,
            "the email after the kill",
            |s| {
                s["notifications"]
                    .as_array()
                    .is_some_and(|n| n.iter().any(|n| n["state"] == "sent"))
            },
        )
        .await;
    assert!(
        notify
            .stats
            .starts
            .load(std::sync::atomic::Ordering::Relaxed)
            > 10,
        "ten instances, and one more after the kill"
    );
    stack.devstack.stop().await;
}
