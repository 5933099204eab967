//! Notifications end to end: the customer's language, settings and templates a merchant
//! controls, consent, quiet hours, and exactly-once sending under concurrency.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use afterclick_e2e::{Stack, generic_event, unique};
use chrono::{Datelike, Duration, Timelike, Utc};
use futures::future::join_all;
use serde_json::{Value, json};

fn registration(tracking: &str, email: &str, phone: &str, locale: &str, timezone: &str) -> Value {
    json!({
        "tracking_number": tracking, "carrier": "dhl", "order_number": "A-1001",
        "customer": {"name": "Erika Mustermann", "email": email, "phone": phone, "locale": locale, "timezone": timezone}
    })
}

fn scan_with_eta(tracking: &str, status: &str, eta: &str) -> Vec<u8> {
    serde_json::to_vec(
        &json!({"tracking_number": tracking, "carrier": "dhl", "events": [{
            "occurred_at": (Utc::now() - Duration::minutes(30)).to_rfc3339(),
            "status": status, "description": "scan", "estimated_delivery": eta
        }]}),
    )
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_german_customer_reads_german_and_a_japanese_one_gets_ucs2_sms_with_segments() {
    let stack = Stack::start().await;
    let info = stack.info().clone();
    let secret = &info.webhook_secrets["generic"];

    let de_tn = unique("DE");
    let de_mail = format!("{}@kunde.example", unique("erika"));
    let r = stack
        .register(
            &info.api_key,
            &registration(&de_tn, &de_mail, "+4915112345678", "de-DE", "Europe/Berlin"),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let ja_tn = unique("JA");
    let ja_mail = format!("{}@example.jp", unique("hanako"));
    let r = stack
        .register(
            &info.api_key,
            &registration(&ja_tn, &ja_mail, "+819012345678", "ja-JP", "Asia/Tokyo"),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let ja_id = r.body["id"].as_str().unwrap().to_owned();

    // The carrier's estimate: the first Thursday at least two days after the test's clock.
    let today = Utc::now().date_naive();
    let eta = (2..9)
        .map(|d| today + Duration::days(d))
        .find(|d| d.weekday() == chrono::Weekday::Thu)
        .unwrap();
    const GERMAN_MONTHS: [&str; 12] = [
        "Januar",
        "Februar",
        "März",
        "April",
        "Mai",
        "Juni",
        "Juli",
        "August",
        "September",
        "Oktober",
        "November",
        "Dezember",
    ];
    let german_date = format!(
        "Donnerstag, {}. {}",
        eta.day(),
        GERMAN_MONTHS[eta.month0() as usize]
    );
    let japanese_date = format!("{}月{}日", eta.month(), eta.day());
    for (tn, id) in [(&de_tn, "m-de"), (&ja_tn, "m-ja")] {
        let r = stack
            .post_generic(
                &info.merchant_id,
                secret,
                id,
                &scan_with_eta(tn, "in_transit", &eta.to_string()),
            )
            .await;
        assert_eq!(r.status, 202);
    }
    let outbox = stack
        .wait_for_outbox("German and Japanese messages", |o| {
            o.emails.iter().any(|e| e.to == de_mail)
                && o.emails.iter().any(|e| e.to == ja_mail)
                && o.sms.iter().any(|s| s.to == "+4915112345678")
                && o.sms.iter().any(|s| s.to == "+819012345678")
        })
        .await;
    let de = outbox.emails.iter().find(|e| e.to == de_mail).unwrap();
    let de_copy = afterclick_domain::i18n::locale("de")
        .unwrap()
        .copy
        .iter()
        .find(|(m, _)| m.as_str() == "in_transit")
        .unwrap()
        .1;
    assert_eq!(
        de.subject,
        de_copy
            .subject
            .replace("{order}", "A-1001")
            .replace("{brand}", "Demo Shop")
    );
    assert!(de.text.contains(&german_date), "German date: {}", de.text);
    assert!(de.html.contains("lang=\"de\""));
    let de_sms = outbox
        .sms
        .iter()
        .find(|s| s.to == "+4915112345678")
        .unwrap();
    assert!(
        de_sms.body.starts_with(
            &de_copy
                .sms
                .replace("{order}", "A-1001")
                .replace("{brand}", "Demo Shop")
        ),
        "{}",
        de_sms.body
    );

    let ja = outbox.emails.iter().find(|e| e.to == ja_mail).unwrap();
    assert!(
        ja.text.contains(&japanese_date),
        "Japanese date: {}",
        ja.text
    );
    let ja_sms = outbox.sms.iter().find(|s| s.to == "+819012345678").unwrap();
    assert_eq!(format!("{:?}", ja_sms.segments.encoding), "Ucs2");
    let shipment = stack
        .wait_for_shipment(&info.api_key, &ja_id, "the SMS to be recorded", |s| {
            s["notifications"]
                .as_array()
                .unwrap()
                .iter()
                .any(|n| n["channel"] == "sms" && n["state"] == "sent")
        })
        .await;
    let sms = shipment["notifications"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["channel"] == "sms")
        .unwrap();
    assert_eq!(sms["segments"]["encoding"], "ucs2");
    assert_eq!(sms["segments"]["count"], ja_sms.segments.count);
    assert!(sms["segments"]["units"].as_u64().unwrap() > 0);
    stack.devstack.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_concurrent_deliveries_of_one_intent_send_one_message() {
    let stack = Stack::start().await;
    let info = stack.info().clone();
    let tn = unique("RACE");
    let email = format!("{}@customer.example", unique("race"));
    let r = stack
        .register(
            &info.api_key,
            &registration(&tn, &email, "+447700900555", "en", "UTC"),
        )
        .await;
    assert_eq!(r.status, 201);
    let r = stack
        .post_generic(
            &info.merchant_id,
            &info.webhook_secrets["generic"],
            "m1",
            &generic_event(&tn, "out_for_delivery", Utc::now(), "Out"),
        )
        .await;
    assert_eq!(r.status, 202);
    // The stream delivers the intent once; replay that same record twenty times at once.
    let id = r.body["tracking_number"].as_str().unwrap().to_owned();
    let notification = loop {
        let n = stack
            .devstack
            .store_notifications(&info.merchant_id, &id)
            .await;
        if let Some(n) = n.into_iter().find(|n| n.channel.as_str() == "email") {
            break n;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    };
    let record = stack.devstack.notification_record(&notification);
    let notify = stack.devstack.notify();
    let results = join_all((0..20).map(|_| notify.handle(record.clone()))).await;
    assert!(
        results
            .iter()
            .all(|r| r.as_ref().is_ok_and(|r| r.batch_item_failures.is_empty()))
    );
    // All twenty replays have returned; once the email is visible nothing else can send.
    stack
        .wait_for_outbox("the email", |o| o.emails.iter().any(|e| e.to == email))
        .await;
    let outbox = stack
        .outbox()
        .await
        .emails
        .iter()
        .filter(|e| e.to == email)
        .count();
    assert_eq!(
        outbox, 1,
        "21 deliveries of one intent (stream + 20 replays), one email"
    );
    stack.devstack.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn settings_and_templates_are_validated_and_used() {
    let stack = Stack::start().await;
    let info = stack.info().clone();
    let key = &info.api_key;
    for (field, patch) in [
        ("primary_color", json!({"primary_color": "red"})),
        (
            "logo_url",
            json!({"logo_url": "http://insecure.example.com/logo.png"}),
        ),
        (
            "sender_email",
            json!({"sender_email": "someone@unverified.example"}),
        ),
        ("default_locale", json!({"default_locale": "tlh"})),
        (
            "recommendations[0].url",
            json!({"recommendations": [{"name": "Mug", "image_url": "https://x.example/m.png", "url": "ftp://x.example", "price": "€9"}]}),
        ),
        (
            "channels.teleported",
            json!({"channels": {"teleported": ["email"]}}),
        ),
    ] {
        let r = stack.put_settings(key, &patch).await;
        assert_eq!(r.status, 422, "{field}: {}", r.body);
        assert_eq!(r.content_type, "application/problem+json");
        assert_eq!(r.body["field"], field);
    }
    // Another tenant's sender is verified in SES, but it is not this merchant's domain.
    let other = stack.another_merchant(&unique("m_rival")).await;
    let rival_sender = format!("orders@{}.example.com", other.merchant_id.replace('_', "-"));
    let stolen = stack
        .put_settings(key, &json!({"sender_email": rival_sender}))
        .await;
    assert_eq!(
        (stolen.status, stolen.body["field"].as_str()),
        (422, Some("sender_email")),
        "{}",
        stolen.body
    );
    let ok = stack.put_settings(key, &json!({
        "brand_name": "Acme Outdoor", "primary_color": "#0F766E", "discount_code": "SORRY10",
        "recommendations": [{"name": "Trail <Mug>", "image_url": "https://cdn.acme.example/mug.png", "url": "https://acme.example/mug", "price": "€19.00"}]
    }))
    .await;
    assert_eq!(ok.status, 200, "{}", ok.body);
    assert_eq!(ok.body["primary_color"], "#0f766e");
    let read = stack
        .send(stack.http.get(stack.url("/v1/settings")).bearer_auth(key))
        .await;
    assert_eq!(read.body, ok.body);

    let tpl = |path: &str| stack.url(&format!("/v1/templates/{path}"));
    let broken = stack
        .send(
            stack
                .http
                .put(tpl("delivered/sms/en"))
                .bearer_auth(key)
                .json(&json!({"body": "Hi\n{% if %}"})),
        )
        .await;
    assert_eq!(broken.status, 422, "{}", broken.body);
    assert_eq!(
        (broken.body["field"].as_str(), broken.body["line"].as_u64()),
        (Some("body"), Some(2))
    );
    assert!(broken.body["column"].as_u64().is_some());
    let unknown = stack
        .send(
            stack
                .http
                .put(tpl("delivered/sms/en"))
                .bearer_auth(key)
                .json(&json!({"body": "{{ coupon }}"})),
        )
        .await;
    assert_eq!(unknown.status, 422);
    assert!(unknown.body["detail"].as_str().unwrap().contains("coupon"));
    let wrong_part = stack
        .send(
            stack
                .http
                .put(tpl("delivered/sms/en"))
                .bearer_auth(key)
                .json(&json!({"html": "<p>x</p>"})),
        )
        .await;
    assert_eq!(
        (wrong_part.status, wrong_part.body["field"].as_str()),
        (422, Some("html"))
    );
    let nowhere = stack
        .send(
            stack
                .http
                .put(tpl("teleported/sms/en"))
                .bearer_auth(key)
                .json(&json!({"body": "x"})),
        )
        .await;
    assert_eq!(nowhere.status, 404);
    let long = stack
        .send(stack.http.put(tpl("delivered/sms/en")).bearer_auth(key).json(&json!({"body": format!("{} {{{{ tracking_url }}}}", "Very long text. ".repeat(22))})))
        .await;
    assert_eq!(long.status, 200, "{}", long.body);
    assert_eq!(
        long.body["preview"]["warnings"].as_array().unwrap().len(),
        1
    );
    let saved = stack
        .send(
            stack
                .http
                .put(tpl("delivered/sms/en"))
                .bearer_auth(key)
                .json(&json!({"body": "{{ brand.name }}: {{ customer.first_name }}, order {{ order_number }} is here! {{ tracking_url }}"})),
        )
        .await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    assert!(
        saved.body["preview"]["rendered"]["body"]
            .as_str()
            .unwrap()
            .starts_with("Acme Outdoor: Alex, order #1001 is here!")
    );
    assert_eq!(saved.body["preview"]["segments"]["count"], 1);

    let tn = unique("TPL");
    let email = format!("{}@customer.example", unique("tpl"));
    let r = stack
        .register(
            key,
            &registration(&tn, &email, "+447700900666", "en-GB", "UTC"),
        )
        .await;
    assert_eq!(r.status, 201);
    stack
        .post_generic(
            &info.merchant_id,
            &info.webhook_secrets["generic"],
            "m1",
            &generic_event(&tn, "delivered", Utc::now(), "Delivered"),
        )
        .await;
    let outbox = stack
        .wait_for_outbox("the override SMS", |o| {
            o.sms.iter().any(|s| s.to == "+447700900666") && o.emails.iter().any(|e| e.to == email)
        })
        .await;
    let sms = outbox.sms.iter().find(|s| s.to == "+447700900666").unwrap();
    assert!(
        sms.body
            .starts_with("Acme Outdoor: Erika, order A-1001 is here!"),
        "{}",
        sms.body
    );
    let mail = outbox.emails.iter().find(|e| e.to == email).unwrap();
    assert!(mail.html.contains("#0f766e"), "brand colour in the email");
    assert!(
        mail.html.contains("Trail &lt;Mug&gt;"),
        "recommendations, escaped"
    );
    stack.devstack.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_click_unsubscribe_and_sms_opt_out_suppress_with_a_reason() {
    let stack = Stack::start().await;
    let info = stack.info().clone();
    let secret = &info.webhook_secrets["generic"];
    let tn = unique("UNSUB");
    let email = format!("{}@customer.example", unique("u"));
    // SNS (moto) treats numbers ending in 99 as opted out.
    let r = stack
        .register(
            &info.api_key,
            &registration(&tn, &email, "+447700900199", "en", "UTC"),
        )
        .await;
    assert_eq!(r.status, 201);
    let id = r.body["id"].as_str().unwrap().to_owned();
    let token = r.body["tracking_url"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned();
    stack
        .post_generic(
            &info.merchant_id,
            secret,
            "m1",
            &generic_event(
                &tn,
                "in_transit",
                Utc::now() - Duration::hours(2),
                "Picked up",
            ),
        )
        .await;
    let outbox = stack
        .wait_for_outbox("the first email", |o| {
            o.emails.iter().any(|e| e.to == email)
        })
        .await;
    let mail = outbox.emails.iter().find(|e| e.to == email).unwrap();
    let header = |name: &str| {
        mail.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
    };
    assert_eq!(
        header("List-Unsubscribe"),
        Some(format!("<{}/u/{token}>", info.api_url))
    );
    assert_eq!(
        header("List-Unsubscribe-Post").as_deref(),
        Some("List-Unsubscribe=One-Click")
    );
    assert!(
        mail.text.contains(&format!("/u/{token}")),
        "and a visible link"
    );

    let page = stack
        .http
        .get(stack.url(&format!("/u/{token}")))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("method=\"post\""));
    let one_click = stack
        .http
        .post(stack.url(&format!("/u/{token}")))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .unwrap();
    assert_eq!(one_click.status(), 200);
    assert_eq!(
        stack
            .http
            .get(stack.url("/u/0000"))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );

    stack
        .post_generic(
            &info.merchant_id,
            secret,
            "m2",
            &generic_event(&tn, "out_for_delivery", Utc::now(), "Out"),
        )
        .await;
    let shipment = stack
        .wait_for_shipment(&info.api_key, &id, "the suppressed notifications", |s| {
            s["notifications"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|n| n["milestone"] == "out_for_delivery" && n["state"] == "suppressed")
                .count()
                == 2
        })
        .await;
    for n in shipment["notifications"].as_array().unwrap() {
        if n["milestone"] == "out_for_delivery" {
            assert_eq!(n["detail"], "unsubscribed from this shipment");
        }
        if n["milestone"] == "in_transit" && n["channel"] == "sms" {
            assert_eq!(
                (n["state"].as_str(), n["detail"].as_str()),
                (Some("suppressed"), Some("the number opted out of SMS"))
            );
        }
    }
    let outbox = stack.outbox().await;
    assert_eq!(
        outbox.emails.iter().filter(|e| e.to == email).count(),
        1,
        "nothing after unsubscribing"
    );
    assert!(
        !outbox.sms.iter().any(|s| s.to == "+447700900199"),
        "nothing to an opted-out number"
    );
    stack.devstack.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sms_in_quiet_hours_waits_for_the_morning_while_email_goes_now() {
    let stack = Stack::start().await;
    let info = stack.info().clone();
    let hour = Utc::now().hour();
    let quiet = json!({"start": format!("{:02}:00", (hour + 23) % 24), "end": format!("{:02}:00", (hour + 2) % 24)});
    let r = stack
        .put_settings(&info.api_key, &json!({"quiet_hours": quiet}))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let tn = unique("QUIET");
    let email = format!("{}@customer.example", unique("q"));
    let r = stack
        .register(
            &info.api_key,
            &registration(&tn, &email, "+447700900777", "en", "UTC"),
        )
        .await;
    let id = r.body["id"].as_str().unwrap().to_owned();
    stack
        .post_generic(
            &info.merchant_id,
            &info.webhook_secrets["generic"],
            "m1",
            &generic_event(&tn, "out_for_delivery", Utc::now(), "Out"),
        )
        .await;
    let shipment = stack
        .wait_for_shipment(&info.api_key, &id, "email sent, SMS deferred", |s| {
            let n = s["notifications"].as_array().unwrap();
            n.iter()
                .any(|n| n["channel"] == "email" && n["state"] == "sent")
                && n.iter()
                    .any(|n| n["channel"] == "sms" && n["state"] == "deferred")
        })
        .await;
    assert!(
        !stack
            .outbox()
            .await
            .sms
            .iter()
            .any(|s| s.to == "+447700900777")
    );
    let _ = shipment;
    // The devstack's outbox says the SMS waits for the quiet hours, not just "0 SMS".
    let waiting = |o: &serde_json::Value| {
        o["waiting_for_quiet_hours"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w["tracking_number"] == tn.as_str() && w["moment"] == "out_for_delivery")
    };
    let outbox_json = || async {
        let r = stack.http.get(stack.url("/_dev/outbox.json")).send().await;
        r.unwrap().json::<serde_json::Value>().await.unwrap()
    };
    assert!(waiting(&outbox_json().await));
    let page = stack
        .text(
            stack
                .http
                .get(stack.url("/_dev/outbox"))
                .header("accept", "text/html"),
        )
        .await;
    assert!(
        page.contains("1 SMS wait for the customer&#39;s quiet hours to end")
            || page.contains("1 SMS wait for the customer's quiet hours to end"),
        "{page}"
    );
    assert!(page.contains(&tn), "{page}");
    let early = stack.devstack.sweep().await.unwrap();
    assert_eq!(early.resumed, 0, "still quiet: {early:?}");
    let morning = stack
        .devstack
        .sweep_at(|| Utc::now() + Duration::hours(3))
        .await
        .unwrap();
    assert_eq!(morning.resumed, 1, "{morning:?}");
    stack
        .wait_for_outbox("the SMS in the morning", |o| {
            o.sms.iter().any(|s| s.to == "+447700900777")
        })
        .await;
    stack
        .wait_for_shipment(&info.api_key, &id, "the SMS sent", |s| {
            s["notifications"]
                .as_array()
                .unwrap()
                .iter()
                .any(|n| n["channel"] == "sms" && n["state"] == "sent")
        })
        .await;
    assert!(!waiting(&outbox_json().await));
    stack.devstack.stop().await;
}
