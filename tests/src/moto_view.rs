//! One stack's view of the moto server the whole test binary shares: a pass-through proxy
//! that remembers the message ids moto answered this stack's sends with, and serves moto's
//! model data (what the devstack's outbox reads) filtered to them. A test sees every email
//! and SMS its own stack sent, duplicates included, and none of another test's.

use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderName, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

/// Headers that belong to one hop, not to the request or response forwarded.
const HOP: [HeaderName; 4] = [
    header::HOST,
    header::CONTENT_LENGTH,
    header::CONNECTION,
    header::TRANSFER_ENCODING,
];

/// moto's model data, this stack's part of it: sent messages never change, so it is fetched
/// again only when this stack sent something the cached copy lacks.
#[derive(Default)]
struct Cached {
    ids: usize,
    data: Value,
}

#[derive(Clone)]
struct ViewState {
    upstream: String,
    http: reqwest::Client,
    sent: Arc<Mutex<BTreeSet<String>>>,
    cache: Arc<tokio::sync::Mutex<Cached>>,
}

/// Runs while it lives (the stack's lifetime, across its restarts).
pub(crate) struct MotoView {
    pub endpoint: String,
    _stop: tokio::sync::oneshot::Sender<()>,
}

impl MotoView {
    pub async fn start(upstream: &str) -> MotoView {
        let state = ViewState {
            upstream: upstream.trim_end_matches('/').to_owned(),
            http: reqwest::Client::new(),
            sent: Arc::default(),
            cache: Arc::default(),
        };
        let app = axum::Router::new()
            .route("/moto-api/data.json", axum::routing::get(model_data))
            .fallback(forward)
            .with_state(state);
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
            .await
            .unwrap();
        let endpoint = format!("http://{}", listener.local_addr().unwrap());
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await
                .unwrap();
        });
        MotoView {
            endpoint,
            _stop: stop,
        }
    }
}

/// The message id in an SES v2 (JSON) or SNS (XML) answer.
fn message_id(body: &[u8]) -> Option<String> {
    if let Ok(json) = serde_json::from_slice::<Value>(body) {
        return json.get("MessageId")?.as_str().map(str::to_owned);
    }
    let text = std::str::from_utf8(body).ok()?;
    let (_, rest) = text.split_once("<MessageId>")?;
    let (id, _) = rest.split_once("</MessageId>")?;
    Some(id.trim().to_owned())
}

async fn forward(State(state): State<ViewState>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let Ok(body) = axum::body::to_bytes(body, usize::MAX).await else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let path = parts.uri.path_and_query().map_or("/", |p| p.as_str());
    let mut headers = parts.headers;
    for name in &HOP {
        headers.remove(name);
    }
    let answer = state
        .http
        .request(parts.method, format!("{}{path}", state.upstream))
        .headers(headers)
        .body(body)
        .send()
        .await;
    let answer = match answer {
        Ok(answer) => answer,
        Err(err) => return (StatusCode::BAD_GATEWAY, err.to_string()).into_response(),
    };
    let status = answer.status();
    let mut headers: HeaderMap = answer.headers().clone();
    for name in &HOP {
        headers.remove(name);
    }
    let bytes: Bytes = match answer.bytes().await {
        Ok(bytes) => bytes,
        Err(err) => return (StatusCode::BAD_GATEWAY, err.to_string()).into_response(),
    };
    if status.is_success()
        && let Some(id) = message_id(&bytes)
    {
        state.sent.lock().unwrap().insert(id);
    }
    (status, headers, bytes).into_response()
}

/// moto's sent emails and SMS, only those this stack sent.
async fn model_data(State(state): State<ViewState>) -> Response {
    let sent = state.sent.lock().unwrap().clone();
    let mut cache = state.cache.lock().await;
    if cache.ids == sent.len() && !cache.data.is_null() {
        return axum::Json(cache.data.clone()).into_response();
    }
    let data: Value = match state
        .http
        .get(format!("{}/moto-api/data.json", state.upstream))
        .send()
        .await
        .and_then(reqwest::Response::error_for_status)
    {
        Ok(answer) => match answer.json().await {
            Ok(data) => data,
            Err(err) => return (StatusCode::BAD_GATEWAY, err.to_string()).into_response(),
        },
        Err(err) => return (StatusCode::BAD_GATEWAY, err.to_string()).into_response(),
    };
    let mine = |service: &str, model: &str, id: &str| -> Vec<Value> {
        data[service][model]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|m| m[id].as_str().is_some_and(|id| sent.contains(id)))
            .cloned()
            .collect()
    };
    let emails = mine("ses", "RawMessage", "id");
    let sms = mine("sns", "SMS", "message_id");
    let found = emails.len() + sms.len();
    let view = json!({"ses": {"RawMessage": emails}, "sns": {"SMS": sms}});
    // Cached only once it holds everything sent so far.
    if found == sent.len() {
        *cache = Cached {
            ids: found,
            data: view.clone(),
        };
    }
    axum::Json(view).into_response()
}
