//! The merchant's dashboard on the devstack: signed in over HTTP with an API key (the
//! session item in DynamoDB Local), and in headless Chromium (`tests/browser/dashboard.mjs`:
//! sign-in through the form, every page at 375 px and 1280 px, axe, no request to another
//! origin, "mark handled" through the page's own form).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use afterclick_e2e::{Stack, generic_event, unique, workspace_root};
use chrono::{Duration, Utc};
use serde_json::json;
use std::process::Command;

/// A browser-like client signed in to the dashboard: no redirects followed, the session
/// cookie and the form token kept by hand.
pub struct Dashboard {
    base: String,
    client: reqwest::Client,
    cookie: String,
    pub csrf: String,
}

pub struct Answer {
    pub status: u16,
    pub location: String,
    pub body: String,
}

async fn answer(response: reqwest::Response) -> Answer {
    let status = response.status().as_u16();
    let location = response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    Answer {
        status,
        location,
        body: response.text().await.unwrap(),
    }
}

fn set_cookie(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| c.strip_prefix(&format!("{name}=")))
        .map(|rest| format!("{name}={}", rest.split(';').next().unwrap_or_default()))
}

fn form_token(html: &str) -> String {
    let marker = "name=\"csrf\" value=\"";
    let at = html.find(marker).expect("a form token") + marker.len();
    html[at..at + html[at..].find('"').unwrap()].to_owned()
}

impl Dashboard {
    pub async fn sign_in(stack: &Stack, api_key: &str) -> Self {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let form = client.get(stack.url("/app/sign-in")).send().await.unwrap();
        let pre = set_cookie(&form, "afterclick_sign_in").expect("the form's cookie");
        let token = form_token(&form.text().await.unwrap());
        let signed = client
            .post(stack.url("/app/sign-in"))
            .header("cookie", pre)
            .form(&[("csrf", token.as_str()), ("api_key", api_key)])
            .send()
            .await
            .unwrap();
        assert_eq!(signed.status(), 303);
        let cookie = set_cookie(&signed, "afterclick_session").expect("a session cookie");
        let mut dashboard = Self {
            base: stack.url(""),
            client,
            cookie,
            csrf: String::new(),
        };
        let home = dashboard.get("/app").await;
        assert_eq!(home.status, 200, "{}", home.body);
        dashboard.csrf = form_token(&home.body);
        dashboard
    }

    pub async fn get(&self, path: &str) -> Answer {
        let response = self
            .client
            .get(format!("{}{path}", self.base))
            .header("cookie", &self.cookie)
            .send()
            .await
            .unwrap();
        answer(response).await
    }

    /// A form posted from the dashboard itself, with the session's token.
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Answer {
        let mut form = vec![("csrf", self.csrf.as_str())];
        form.extend_from_slice(fields);
        let response = self
            .client
            .post(format!("{}{path}", self.base))
            .header("cookie", &self.cookie)
            .header("sec-fetch-site", "same-origin")
            .form(&form)
            .send()
            .await
            .unwrap();
        answer(response).await
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_merchant_works_the_watchlist_in_a_browser() {
    let stack = Stack::start().await;
    let info = stack.info().clone();
    // An exception through the real pipeline, and a parcel on its way.
    let mut ids = Vec::new();
    for (status, description) in [
        ("exception", "Address <b>incomplete</b>"),
        ("in_transit", "Departed facility"),
    ] {
        let tracking_number = unique("1ZDASH");
        let registered = stack
            .register(
                &info.api_key,
                &json!({
                    "tracking_number": tracking_number,
                    "carrier": "ups",
                    "order_number": unique("ORD-"),
                    "customer": {"name": "Ada", "email": "ada@example.com", "locale": "en"}
                }),
            )
            .await;
        assert_eq!(registered.status, 201, "{}", registered.body);
        let id = registered.body["id"].as_str().unwrap().to_owned();
        let body = generic_event(
            &tracking_number,
            status,
            Utc::now() - Duration::hours(1),
            description,
        );
        let posted = stack
            .post_generic(
                &info.merchant_id,
                &info.webhook_secrets["generic"],
                &unique("msg_"),
                &body,
            )
            .await;
        assert_eq!(posted.status, 202, "{}", posted.body);
        stack
            .wait_for_shipment(&info.api_key, &id, status, |s| s["status"] == status)
            .await;
        ids.push((id, tracking_number));
    }
    let (exception_id, exception_tn) = &ids[0];
    let (_, on_its_way_tn) = &ids[1];
    // `make screenshots`: `make run`'s four weeks of history, so every picture has something
    // to show. Otherwise a few of them: the suite runs this beside the others on two cores.
    let history = if std::env::var_os("AFTERCLICK_SCREENSHOTS_DIR").is_some() {
        afterclick_devstack::demo::HISTORY
    } else {
        20
    };
    afterclick_devstack::demo::seed_history_of(&info, Utc::now(), history)
        .await
        .unwrap();
    stack.devstack.settle().await;
    afterclick_devstack::demo::seed_email_reports(&info, history)
        .await
        .unwrap();

    // An outgoing webhook endpoint, so the settings page links its delivery log.
    let endpoint = stack
        .send(
            stack
                .http
                .post(stack.url("/v1/webhook-endpoints"))
                .bearer_auth(&info.api_key)
                .json(&json!({"url": "https://hooks.example.com/afterclick"})),
        )
        .await;
    assert_eq!(endpoint.status, 201, "{}", endpoint.body);

    let dashboard = Dashboard::sign_in(&stack, &info.api_key).await;
    let home = dashboard.get("/app").await;
    assert!(home.body.contains(exception_tn.as_str()));
    assert!(!home.body.contains(on_its_way_tn.as_str()));

    let mut command = Command::new("node");
    command
        .arg(workspace_root().join("tests/browser/dashboard.mjs"))
        .args([
            stack.url(""),
            info.api_key.clone(),
            exception_id.clone(),
            exception_tn.clone(),
        ]);
    let output = tokio::task::spawn_blocking(move || command.output())
        .await
        .unwrap()
        .expect("node (Node.js) is required");
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "browser checks failed:\n{report}");
    println!("{report}");

    // The browser's "mark handled" reached the table: off the list, on it with handled.
    let home = dashboard.get("/app").await;
    assert!(!home.body.contains(exception_tn.as_str()), "{}", home.body);
    let all = dashboard.get("/app?handled=show").await;
    assert!(all.body.contains("Handled by"), "{}", all.body);
    stack.devstack.stop().await;
}
