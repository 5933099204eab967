//! Demo shipments for `make run`: registered through the API and moved along by signed
//! webhooks, exactly as a merchant and a carrier would, so the printed tracking pages show
//! real timelines. Every start converges on the story: a kept database (`.local/data`)
//! keeps its demo shipments, and a run interrupted halfway is finished by the next one.

use crate::StackInfo;
use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};

/// A scan: status, hours before the shipment was registered, description, location, and
/// the carrier's new estimate (days after the registration day) when it gives one.
type Scan = (&'static str, i64, &'static str, &'static str, Option<i64>);

/// A demo shipment's story: the statuses it went through, hours before its registration.
struct Story {
    tracking_number: &'static str,
    order_number: &'static str,
    customer: &'static str,
    /// Days from today; in the past makes the shipment late.
    promised_in_days: i64,
    scans: &'static [Scan],
}

const STORIES: [Story; 2] = [
    Story {
        tracking_number: "1ZDEMO0000000001",
        order_number: "DEMO-1001",
        customer: "Alex Demo",
        promised_in_days: 0,
        scans: &[
            (
                "info_received",
                74,
                "Shipping label created",
                "Leipzig, DE",
                None,
            ),
            ("in_transit", 50, "Departed facility", "Leipzig, DE", None),
            ("in_transit", 28, "Arrived at facility", "Cologne, DE", None),
            (
                "out_for_delivery",
                6,
                "Out for delivery",
                "Cologne, DE",
                None,
            ),
            (
                "delivered",
                2,
                "Delivered, left at front door",
                "Cologne, DE",
                None,
            ),
        ],
    },
    Story {
        tracking_number: "1ZDEMO0000000002",
        order_number: "DEMO-1002",
        customer: "Sam Demo",
        promised_in_days: -1,
        // Promised yesterday; the carrier's new date (today) comes with a late scan, so the
        // page and the delay email show the new date and the apology with the discount code.
        scans: &[
            (
                "info_received",
                96,
                "Shipping label created",
                "Leipzig, DE",
                None,
            ),
            ("in_transit", 70, "Departed facility", "Leipzig, DE", None),
            (
                "in_transit",
                30,
                "Arrived at facility",
                "Cologne, DE",
                Some(0),
            ),
            (
                "out_for_delivery",
                3,
                "Out for delivery",
                "Cologne, DE",
                Some(0),
            ),
        ],
    },
];

/// A demo shipment's tracking page, and what it shows.
pub struct DemoPage {
    pub shipment_id: String,
    pub url: String,
    pub story: &'static str,
}

/// Registers the demo shipments and plays the scans they do not have yet; returns their
/// tracking pages.
pub async fn seed(info: &StackInfo, now: DateTime<Utc>) -> Result<Vec<DemoPage>, String> {
    let http = reqwest::Client::new();
    let secret = info
        .webhook_secrets
        .get("generic")
        .ok_or("the demo merchant has no generic webhook secret")?;
    let mut pages = Vec::new();
    for story in &STORIES {
        // 200: registered by an earlier run on this database, maybe one stopped halfway
        // through the story: it goes on from the scans already stored.
        let shipment = register(&http, info, story, now).await?;
        let registered: DateTime<Utc> = shipment["created_at"]
            .as_str()
            .and_then(|t| t.parse().ok())
            .ok_or("the registration response has no created_at")?;
        let stored = shipment["events"].as_array().map_or(0, Vec::len);
        for (i, scan) in story.scans.iter().enumerate().skip(stored) {
            post_scan(&http, info, secret, story, i, scan, registered).await?;
        }
        let url = shipment["tracking_url"]
            .as_str()
            .ok_or("the registration response has no tracking_url")?;
        let shipment_id = shipment["id"]
            .as_str()
            .ok_or("the registration response has no id")?;
        pages.push(DemoPage {
            shipment_id: shipment_id.to_owned(),
            url: url.to_owned(),
            story: if story.promised_in_days < 0 {
                "late, out for delivery"
            } else {
                "delivered: rate the delivery"
            },
        });
    }
    Ok(pages)
}

async fn register(
    http: &reqwest::Client,
    info: &StackInfo,
    story: &Story,
    now: DateTime<Utc>,
) -> Result<Value, String> {
    let promised = (now + Duration::days(story.promised_in_days)).date_naive();
    let response = http
        .post(format!("{}/v1/shipments", info.api_url))
        .bearer_auth(&info.api_key)
        .json(&json!({
            "tracking_number": story.tracking_number,
            "carrier": "ups",
            "order_number": story.order_number,
            "promised_delivery_date": promised.to_string(),
            "customer": {
                "name": story.customer,
                "email": "customer@example.com",
                "phone": "+4915112345678",
                "locale": "en",
                "timezone": "Europe/Berlin"
            }
        }))
        .send()
        .await
        .map_err(|e| format!("registering a demo shipment: {e}"))?;
    let status = response.status().as_u16();
    let body: Value = response.json().await.map_err(|e| e.to_string())?;
    if status != 201 && status != 200 {
        return Err(format!("registering a demo shipment: {status} {body}"));
    }
    Ok(body)
}

async fn post_scan(
    http: &reqwest::Client,
    info: &StackInfo,
    secret: &str,
    story: &Story,
    index: usize,
    (status, hours_before, description, location, estimate): &Scan,
    registered: DateTime<Utc>,
) -> Result<(), String> {
    let mut event = json!({
        "occurred_at": (registered - Duration::hours(*hours_before)).to_rfc3339(),
        "status": status,
        "description": description,
        "location": location
    });
    if let Some(days) = estimate {
        let date = (registered + Duration::days(*days)).date_naive();
        event["estimated_delivery"] = json!(date.to_string());
    }
    let body = serde_json::to_vec(&json!({
        "tracking_number": story.tracking_number,
        "carrier": "ups",
        "events": [event]
    }))
    .map_err(|e| e.to_string())?;
    let id = format!("msg_demo_{}_{index}", story.tracking_number);
    post_signed(http, info, secret, &id, body)
        .await
        .map_err(|e| format!("posting a demo scan: {e}"))?;
    // One scan at a time, so each milestone is evaluated and announced in order.
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    Ok(())
}

/// How many shipments the demo history has: enough for every dashboard page and chart.
pub const HISTORY: usize = 240;
const HISTORY_CARRIERS: [(&str, &str, i64); 5] = [
    // carrier, service, usual transit days
    ("ups", "UPS_GROUND", 3),
    ("dhl_paket", "PAKET", 2),
    ("fedex", "FEDEX_GROUND", 3),
    ("usps", "PRIORITY", 4),
    ("dpd", "CLASSIC", 2),
];
const HISTORY_COUNTRIES: [&str; 4] = ["DE", "FR", "NL", "US"];

/// The `i`-th history shipment's scans (status, hours after it left, description), where
/// it is going and when it was promised, from one rule table: most are delivered (one in
/// seven late), the rest are the kinds of trouble a merchant watches for.
fn history_scans(i: usize) -> (Vec<(&'static str, i64, &'static str)>, i64) {
    let (_, _, usual) = HISTORY_CARRIERS[i % HISTORY_CARRIERS.len()];
    // On the promised day or the day before; one in seven three days later.
    let transit = usual + (i % 2) as i64 + if i.is_multiple_of(7) { 3 } else { 0 };
    let promise_days = usual + 1;
    let mut scans = vec![
        ("info_received", -6, "Shipping label created"),
        ("in_transit", 0, "Departed facility"),
        ("in_transit", 20, "Arrived at facility"),
    ];
    let last_hours = transit * 24;
    match i % 20 {
        0 => scans.push(("exception", 30, "Address incomplete: contact the sender")),
        1 => scans.push(("attempt_failed", 44, "Recipient not at home")),
        2 => scans.push(("available_for_pickup", 40, "Ready at the pickup point")),
        3 => scans.push(("returning_to_sender", 50, "Refused by recipient, returning")),
        // Left, then nothing more: stalled once the quiet hours pass.
        4 => {}
        _ => {
            scans.push(("out_for_delivery", last_hours - 6, "Out for delivery"));
            scans.push(("delivered", last_hours, "Delivered"));
        }
    }
    (scans, promise_days)
}

/// A few weeks of history for the demo merchant: [`HISTORY`] shipments registered through
/// the API and scanned through signed generic webhooks (one delivery each, back-dated over
/// the last four weeks), across five carriers and four countries. Idempotent: the same
/// tracking numbers and webhook ids again change nothing. Returns how many it posted.
pub async fn seed_history(info: &StackInfo, now: DateTime<Utc>) -> Result<usize, String> {
    seed_history_of(info, now, HISTORY).await
}

/// The first `count` shipments of the history (tests take fewer than `make run`).
pub async fn seed_history_of(
    info: &StackInfo,
    now: DateTime<Utc>,
    count: usize,
) -> Result<usize, String> {
    let http = reqwest::Client::new();
    let secret = info
        .webhook_secrets
        .get("generic")
        .ok_or("the demo merchant has no generic webhook secret")?;
    for i in 0..count.min(HISTORY) {
        let (carrier, service, _) = HISTORY_CARRIERS[i % HISTORY_CARRIERS.len()];
        let tracking_number = format!("DEMOHIST{i:04}");
        // The oldest left four weeks ago, the newest today. The promise is the day after
        // (at most 30 days back, as registration requires).
        let (scans, promise_days) = history_scans(i);
        let promised = (now - Duration::minutes(((HISTORY - i) * 160) as i64)
            + Duration::days(promise_days))
        .date_naive();
        let locale = ["en", "de", "fr"][i % 3];
        let response = http
            .post(format!("{}/v1/shipments", info.api_url))
            .bearer_auth(&info.api_key)
            .json(&json!({
                "tracking_number": tracking_number,
                "carrier": carrier,
                "service": service,
                "destination_country": HISTORY_COUNTRIES[i % HISTORY_COUNTRIES.len()],
                "order_number": format!("HIST-{}", 5000 + i),
                "promised_delivery_date": promised.to_string(),
                "customer": {
                    "name": format!("Demo Customer {i}"),
                    "email": format!("customer{i}@example.com"),
                    "locale": locale,
                    "timezone": "Europe/Berlin"
                }
            }))
            .send()
            .await
            .map_err(|e| format!("registering a history shipment: {e}"))?;
        if !response.status().is_success() {
            return Err(format!(
                "registering a history shipment: {}",
                response.status()
            ));
        }
        // Times from the stored registration: a kept database gets the same scans again.
        let shipment: Value = response.json().await.map_err(|e| e.to_string())?;
        let registered: DateTime<Utc> = shipment["created_at"]
            .as_str()
            .and_then(|t| t.parse().ok())
            .ok_or("the registration response has no created_at")?;
        let left = registered - Duration::minutes(((HISTORY - i) * 160) as i64);
        // The carrier's own estimate: its usual transit, a day sooner than the promise.
        let (_, _, usual) = HISTORY_CARRIERS[i % HISTORY_CARRIERS.len()];
        let estimate = (left + Duration::days(usual)).date_naive().to_string();
        let events: Vec<Value> = scans
            .iter()
            .filter(|(_, hours, _)| left + Duration::hours(*hours) < registered)
            .map(|(status, hours, description)| {
                json!({
                    "occurred_at": (left + Duration::hours(*hours)).to_rfc3339(),
                    "status": status,
                    "description": description,
                    "location": "Hub",
                    "estimated_delivery": estimate,
                })
            })
            .collect();
        let body = serde_json::to_vec(&json!({
            "tracking_number": tracking_number,
            "carrier": carrier,
            "events": events
        }))
        .map_err(|e| e.to_string())?;
        let id = format!("msg_demo_history_{tracking_number}");
        post_signed(&http, info, secret, &id, body)
            .await
            .map_err(|e| format!("posting a history delivery: {e}"))?;
    }
    Ok(count.min(HISTORY))
}

/// What SES reports about the emails the first `count` history shipments got, played
/// through the devstack's SES stand-in (`POST /_dev/ses-events`): most delivered, half of
/// those opened, some clicked, a few soft bounces, and a hard bounce and a complaint now and
/// then, so the notifications page and the suppression list have something to show. Emails
/// that have reports already are left alone, so a second run (a kept database) changes
/// nothing, not even a suppression the merchant lifted. Returns how many emails it reported on.
pub async fn seed_email_reports(info: &StackInfo, count: usize) -> Result<usize, String> {
    use crate::ses_events::{Kind, SentMail, event};
    let http = reqwest::Client::new();
    let get = |path: String| {
        let http = http.clone();
        let url = format!("{}{path}", info.api_url);
        let key = info.api_key.clone();
        async move {
            let response = http
                .get(url)
                .bearer_auth(key)
                .send()
                .await
                .map_err(|e| e.to_string())?;
            response.json::<Value>().await.map_err(|e| e.to_string())
        }
    };
    let settings = get("/v1/settings".into()).await?;
    let from = settings["sender_email"]
        .as_str()
        .unwrap_or("orders@shop.example")
        .to_owned();
    let mut reported = 0;
    for i in 0..count.min(HISTORY) {
        let listed = get(format!("/v1/shipments?order_number=HIST-{}", 5000 + i)).await?;
        let Some(id) = listed["items"][0]["id"].as_str() else {
            continue;
        };
        // The history's emails are sent as it is seeded: wait (a little) for them.
        let mut shipment = Value::Null;
        for _ in 0..40 {
            shipment = get(format!("/v1/shipments/{id}")).await?;
            let busy = shipment["notifications"].as_array().is_some_and(|n| {
                n.iter()
                    .any(|n| n["state"] == "pending" || n["state"] == "claimed")
            });
            if !busy {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(250)).await;
        }
        let (Some(tracking), Some(to)) = (
            shipment["tracking_number"].as_str(),
            shipment["customer"]["email"].as_str(),
        ) else {
            continue;
        };
        for n in shipment["notifications"].as_array().into_iter().flatten() {
            let fresh = n["email_events"].as_array().is_some_and(Vec::is_empty);
            let (Some(message_id), Some(milestone), Some(sent_at), true, true, true) = (
                n["provider_message_id"].as_str(),
                n["milestone"]
                    .as_str()
                    .and_then(afterclick_domain::Milestone::parse),
                n["updated_at"]
                    .as_str()
                    .and_then(|t| t.parse::<DateTime<Utc>>().ok()),
                n["channel"] == "email",
                n["state"] == "sent",
                fresh,
            ) else {
                continue;
            };
            let key = afterclick_domain::ports::NotificationKey {
                merchant_id: info.merchant_id.clone(),
                tracking_number: tracking.to_owned(),
                milestone,
                instance: n["instance"].as_str().map(str::to_owned),
                channel: afterclick_domain::Channel::Email,
            };
            let mail = SentMail {
                message_id: message_id.to_owned(),
                sent_at,
                from: from.clone(),
                to: to.to_owned(),
                tags: afterclick_domain::email_events::tags(&key),
            };
            let kinds: &[(Kind, i64)] = match reported % 20 {
                7 => &[(Kind::HardBounce, 4)],
                13 => &[
                    (Kind::Delivery, 3),
                    (Kind::Open, 600),
                    (Kind::Complaint, 900),
                ],
                17 => &[(Kind::SoftBounce, 5)],
                k if k % 5 == 0 => &[(Kind::Delivery, 3), (Kind::Open, 1800), (Kind::Click, 1900)],
                k if k % 2 == 0 => &[(Kind::Delivery, 2), (Kind::Open, 3600)],
                _ => &[(Kind::Delivery, 2)],
            };
            for (kind, after) in kinds {
                let posted = http
                    .post(format!("{}/_dev/ses-events", info.api_url))
                    .json(&event(*kind, &mail, sent_at + Duration::seconds(*after)))
                    .send()
                    .await
                    .map_err(|e| e.to_string())?;
                if !posted.status().is_success() {
                    return Err(format!("an SES report was refused: {}", posted.status()));
                }
            }
            reported += 1;
        }
    }
    Ok(reported)
}

/// A generic-format delivery to the demo merchant's webhook, signed as a carrier would
/// (Standard Webhooks); anything but a 2xx is an error.
async fn post_signed(
    http: &reqwest::Client,
    info: &StackInfo,
    secret: &str,
    id: &str,
    body: Vec<u8>,
) -> Result<(), String> {
    // Signed now: a delivery's timestamp must be within 5 minutes of the receiver's clock.
    let timestamp = Utc::now().timestamp();
    let signature = afterclick_domain::signature::sign(secret, id, timestamp, &body)
        .map_err(|e| e.to_string())?;
    let response = http
        .post(format!(
            "{}/webhooks/generic/{}",
            info.api_url, info.merchant_id
        ))
        .header("content-type", "application/json")
        .header("webhook-id", id)
        .header("webhook-timestamp", timestamp.to_string())
        .header("webhook-signature", signature)
        .body(body)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    if response.status().is_success() {
        Ok(())
    } else {
        Err(response.status().to_string())
    }
}
