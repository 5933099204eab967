//! A notify process that dies between claiming a notification and recording its send does
//! not lose the message: the claim is a lease, the sweeper finds the expired claim through
//! the due index and wakes it, and notify takes it over, sends again and counts the
//! takeover. On the real stack: the notify binary behind the local Lambda Runtime API, its
//! SES calls sent to an address that never answers until the process is killed, then
//! passed on to moto.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use afterclick_domain::NotificationState;
use afterclick_domain::ports::ShipmentStore;
use afterclick_e2e::{Stack, StackConfig, function_binaries, unique};
use chrono::{DateTime, Duration, Utc};
use serde_json::json;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

/// An SES endpoint that accepts connections and never answers (a send that hangs until its
/// process dies) until it is told where to pass them on.
struct Hole {
    url: String,
    to: Arc<Mutex<Option<String>>>,
}

impl Hole {
    async fn open() -> Hole {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let to: Arc<Mutex<Option<String>>> = Arc::default();
        let target = to.clone();
        tokio::spawn(async move {
            let mut held = Vec::new();
            while let Ok((mut socket, _)) = listener.accept().await {
                let Some(address) = target.lock().unwrap().clone() else {
                    held.push(socket);
                    continue;
                };
                tokio::spawn(async move {
                    if let Ok(mut upstream) = tokio::net::TcpStream::connect(address).await {
                        let _ = tokio::io::copy_bidirectional(&mut socket, &mut upstream).await;
                    }
                });
            }
        });
        Hole { url, to }
    }

    /// From now on, connections reach `endpoint` (`http://host:port`).
    fn pass_to(&self, endpoint: &str) {
        let address = endpoint.trim_start_matches("http://").to_owned();
        *self.to.lock().unwrap() = Some(address);
    }
}

fn after_the_lease() -> DateTime<Utc> {
    Utc::now() + Duration::minutes(6)
}

fn much_later() -> DateTime<Utc> {
    Utc::now() + Duration::minutes(30)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sender_killed_after_its_claim_loses_nothing_notify_sends_again_after_the_lease() {
    let ses = Hole::open().await;
    let stack = Stack::start_with(StackConfig {
        binaries: Some(function_binaries()),
        function_env: BTreeMap::from([(
            "notify".to_owned(),
            BTreeMap::from([("AWS_ENDPOINT_URL_SESV2".to_owned(), ses.url.clone())]),
        )]),
        ..StackConfig::default()
    })
    .await;
    let info = stack.info().clone();
    let tracking = unique("1ZCL");
    let email = format!("{}@customer.example", tracking.to_lowercase());
    let created = stack
        .register(
            &info.api_key,
            &json!({
                "tracking_number": tracking, "carrier": "ups", "order_number": "CL-1",
                "customer": {"name": "Ada", "email": email, "locale": "en-GB"}
            }),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let id = created.body["id"].as_str().unwrap().to_owned();
    stack
        .scan(&tracking, "in_transit", Utc::now() - Duration::hours(1))
        .await;

    // The email is claimed and its send hangs: kill every notify process now.
    let claimed = stack
        .wait_for_shipment(&info.api_key, &id, "the email claimed", |s| {
            s["notifications"]
                .as_array()
                .unwrap()
                .iter()
                .any(|n| n["channel"] == "email" && n["state"] == "claimed")
        })
        .await;
    let email_of = |shipment: &serde_json::Value| {
        shipment["notifications"]
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["channel"] == "email")
            .cloned()
            .unwrap()
    };
    assert!(
        email_of(&claimed)["claim_expires_at"].is_string(),
        "the API shows when the claim's lease ends: {claimed:#}"
    );
    let notify = stack.devstack.function("notify").unwrap();
    for pid in notify.pids() {
        let killed = std::process::Command::new("kill")
            .args(["-9", &pid.to_string()])
            .status()
            .unwrap();
        assert!(killed.success());
    }
    // The batch is retried by a fresh process, which finds the claim taken: nothing is sent,
    // and without the lease nothing ever would be.
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    let shipment = stack.shipment(&info.api_key, &id).await.body;
    assert_eq!(email_of(&shipment)["state"], "claimed", "{shipment:#}");
    assert!(stack.outbox().await.emails.iter().all(|e| e.to != email));
    let sweep = stack.devstack.sweep_at(Utc::now).await.unwrap();
    assert_eq!(sweep.resumed, 0, "a live lease is nobody's to take over");

    // After the lease: the sweeper wakes the claim, a notify process takes it over and the
    // customer hears (its SES calls reach moto now).
    ses.pass_to(&stack.devstack.moto_endpoint);
    let sweep = stack.devstack.sweep_at(after_the_lease).await.unwrap();
    assert_eq!(sweep.resumed, 1, "{sweep:?}");
    let sent: Vec<_> = stack
        .outbox()
        .await
        .emails
        .into_iter()
        .filter(|e| e.to == email)
        .collect();
    assert_eq!(sent.len(), 1, "{sent:#?}");
    let shipment = stack.shipment(&info.api_key, &id).await.body;
    let notification = email_of(&shipment);
    assert_eq!(notification["state"], "sent", "{shipment:#}");
    assert_eq!(notification["expired_claims"], 1);
    assert_eq!(
        notification["provider_message_id"],
        sent[0].message_id.as_str()
    );
    assert!(
        notification["claim_expires_at"].is_null(),
        "{notification:#}"
    );

    // Done is done: off the due list, never sent again.
    stack.devstack.sweep_at(much_later).await.unwrap();
    let stored = stack
        .devstack
        .store
        .notifications(&info.merchant_id, &tracking)
        .await
        .unwrap();
    assert!(stored.iter().all(|n| n.state != NotificationState::Claimed));
    let again = stack.outbox().await.emails;
    assert_eq!(again.iter().filter(|e| e.to == email).count(), 1);
}
