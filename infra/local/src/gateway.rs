//! Stands in for the API Gateway HTTP API in binary mode: each route the template gives a
//! function becomes an invocation with the payload format 2.0 event AWS sends (route key,
//! `$default` stage, lower-cased headers with repeated values joined by commas, cookies
//! apart, query parameters, path parameters, a base64 body for non-text media types), and
//! the function's answer (status, headers, multi-value headers, cookies, base64 body)
//! becomes the HTTP response.

use crate::lambda::FunctionHost;
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{RawPathParams, Request, State};
use axum::http::{HeaderName, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodFilter, MethodRouter, on};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use std::sync::Arc;

/// API Gateway's payload limit for HTTP APIs.
const MAX_BODY: usize = 10 * 1024 * 1024;

#[derive(Clone)]
struct Route {
    key: String,
    host: Arc<FunctionHost>,
}

/// Every (method, path, function) the template routes, as one Router.
pub fn routes(table: Vec<(String, String, Arc<FunctionHost>)>) -> Router {
    let mut by_path: BTreeMap<String, MethodRouter> = BTreeMap::new();
    for (method, path, host) in table {
        let Ok(parsed) = method.parse::<Method>() else {
            continue;
        };
        let Ok(filter) = MethodFilter::try_from(parsed) else {
            continue;
        };
        let route = Route {
            key: format!("{method} {path}"),
            host,
        };
        let handler = on(filter, proxy).with_state(route);
        let merged = match by_path.remove(&path) {
            Some(existing) => existing.merge(handler),
            None => handler,
        };
        by_path.insert(path, merged);
    }
    by_path
        .into_iter()
        .fold(Router::new(), |router, (path, methods)| {
            router.route(&path, methods)
        })
}

/// Text media types arrive as text; everything else (forms, octet streams, no type at all)
/// base64-encoded, as the HTTP API does.
fn is_text(content_type: Option<&str>) -> bool {
    let Some(value) = content_type else {
        return false;
    };
    let media = value
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    media.starts_with("text/")
        || media == "application/json"
        || media.ends_with("+json")
        || media == "application/xml"
        || media.ends_with("+xml")
        || media == "application/javascript"
}

fn problem(status: StatusCode, detail: String) -> Response {
    afterclick_web::Problem::new(status, "gateway", "Gateway error", detail).into_response()
}

async fn proxy(State(route): State<Route>, params: RawPathParams, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let body = match axum::body::to_bytes(body, MAX_BODY).await {
        Ok(b) => b,
        Err(_) => {
            return problem(
                StatusCode::PAYLOAD_TOO_LARGE,
                "the body exceeds the HTTP API's 10 MB".into(),
            );
        }
    };
    let path_parameters: Map<String, Value> = params
        .iter()
        .map(|(k, v)| (k.to_owned(), Value::from(v)))
        .collect();
    let event = event(&route.key, &parts, &body, path_parameters);
    let payload = match serde_json::to_vec(&event) {
        Ok(p) => p,
        Err(err) => return problem(StatusCode::INTERNAL_SERVER_ERROR, err.to_string()),
    };
    match route.host.invoke(payload).await {
        Ok(answer) => response(&answer),
        // API Gateway's answer to a function that failed or timed out.
        Err(err) => {
            tracing::error!(route = %route.key, error = %err, "function invocation failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                axum::Json(json!({"message": "Internal Server Error"})),
            )
                .into_response()
        }
    }
}

/// The payload format 2.0 event for one request.
fn event(
    route_key: &str,
    parts: &axum::http::request::Parts,
    body: &Bytes,
    path_parameters: Map<String, Value>,
) -> Value {
    let mut headers: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut cookies = Vec::new();
    for (name, value) in &parts.headers {
        let Ok(value) = value.to_str() else { continue };
        if name == header::COOKIE {
            cookies.extend(
                value
                    .split(';')
                    .map(|c| c.trim().to_owned())
                    .filter(|c| !c.is_empty()),
            );
        } else {
            headers
                .entry(name.as_str().to_ascii_lowercase())
                .or_default()
                .push(value.to_owned());
        }
    }
    let headers: Map<String, Value> = headers
        .into_iter()
        .map(|(k, v)| (k, Value::from(v.join(","))))
        .collect();
    let raw_query = parts.uri.query().unwrap_or_default().to_owned();
    let mut query: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (k, v) in form_urlencoded::parse(raw_query.as_bytes()) {
        query
            .entry(k.into_owned())
            .or_default()
            .push(v.into_owned());
    }
    let now = chrono::Utc::now();
    let content_type = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    let mut event = json!({
        "version": "2.0",
        "routeKey": route_key,
        "rawPath": parts.uri.path(),
        "rawQueryString": raw_query,
        "headers": headers,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "local",
            "domainName": parts.headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("localhost"),
            "domainPrefix": "local",
            "http": {
                "method": parts.method.as_str(),
                "path": parts.uri.path(),
                "protocol": "HTTP/1.1",
                "sourceIp": "127.0.0.1",
                "userAgent": parts.headers.get(header::USER_AGENT).and_then(|h| h.to_str().ok()).unwrap_or_default(),
            },
            "requestId": crate::unique_suffix(),
            "routeKey": route_key,
            "stage": "$default",
            "time": now.format("%d/%b/%Y:%H:%M:%S %z").to_string(),
            "timeEpoch": now.timestamp_millis(),
        },
        "isBase64Encoded": false,
    });
    if !cookies.is_empty() {
        event["cookies"] = json!(cookies);
    }
    if !query.is_empty() {
        event["queryStringParameters"] = query
            .into_iter()
            .map(|(k, v)| (k, Value::from(v.join(","))))
            .collect::<Map<_, _>>()
            .into();
    }
    if !path_parameters.is_empty() {
        event["pathParameters"] = path_parameters.into();
    }
    if !body.is_empty() {
        match std::str::from_utf8(body) {
            Ok(text) if is_text(content_type) => event["body"] = json!(text),
            _ => {
                event["body"] = json!(STANDARD.encode(body));
                event["isBase64Encoded"] = json!(true);
            }
        }
    }
    event
}

/// The function's payload format 2.0 answer as an HTTP response.
fn response(answer: &[u8]) -> Response {
    let Ok(value) = serde_json::from_slice::<Value>(answer) else {
        return problem(
            StatusCode::BAD_GATEWAY,
            "the function's answer is not JSON".into(),
        );
    };
    let status = value["statusCode"]
        .as_u64()
        .and_then(|s| u16::try_from(s).ok())
        .and_then(|s| StatusCode::from_u16(s).ok())
        .unwrap_or(StatusCode::OK);
    let body = match value["body"].as_str() {
        None => Vec::new(),
        Some(b) if value["isBase64Encoded"].as_bool() == Some(true) => {
            STANDARD.decode(b).unwrap_or_default()
        }
        Some(b) => b.as_bytes().to_vec(),
    };
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    let out = response.headers_mut();
    let mut put = |name: &str, value: &str| {
        if let (Ok(n), Ok(v)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            out.append(n, v);
        }
    };
    if let Some(multi) = value["multiValueHeaders"].as_object() {
        for (name, values) in multi {
            for v in values
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
            {
                put(name, v);
            }
        }
    }
    if let Some(single) = value["headers"].as_object() {
        for (name, v) in single {
            let already = value["multiValueHeaders"].get(name).is_some();
            if let (Some(v), false) = (v.as_str(), already) {
                put(name, v);
            }
        }
    }
    for cookie in value["cookies"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
    {
        put("set-cookie", cookie);
    }
    response
}
