//! The document and the Router must agree: every served route is documented, every documented
//! operation is served, and the `Problem` schema is exactly what `afterclick_web::Problem`
//! serialises. (Whether responses match their schemas is schemathesis' job, in the e2e tests.)

use super::DOCUMENT;
use crate::{App, table};
use afterclick_domain::fakes::MemoryStore;
use afterclick_domain::ports::{SendError, SenderIdentities};
use afterclick_web::Problem;
use axum::http::StatusCode;
use serde_json::Value;
use std::collections::BTreeSet;

struct NoSenders;

impl SenderIdentities for NoSenders {
    async fn is_verified(&self, _address: &str) -> Result<bool, SendError> {
        Ok(false)
    }
}

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

fn document() -> Value {
    serde_json::from_str(DOCUMENT).expect("openapi.json is not JSON")
}

fn documented_operations(doc: &Value) -> BTreeSet<(String, String)> {
    let paths = doc["paths"].as_object().expect("paths");
    paths
        .iter()
        .flat_map(|(path, item)| {
            item.as_object()
                .expect("path item")
                .keys()
                .filter(|k| METHODS.contains(&k.as_str()))
                .map(move |method| (method.to_uppercase(), path.clone()))
        })
        .collect()
}

#[test]
fn every_route_is_documented_and_every_operation_is_served() {
    // The dashboard is HTML for browsers, documented in docs/dashboard.md.
    let served: BTreeSet<(String, String)> = table::<MemoryStore, NoSenders>()
        .iter()
        .filter(|r| !r.path.starts_with("/app"))
        .map(|r| (r.method.to_string(), r.path.to_owned()))
        .collect();
    let documented = documented_operations(&document());
    let undocumented: Vec<_> = served.difference(&documented).collect();
    let unserved: Vec<_> = documented.difference(&served).collect();
    assert!(
        undocumented.is_empty() && unserved.is_empty(),
        "functions/api/openapi.json and the route table in lib.rs disagree.\n\
         served but not documented: {undocumented:?}\n\
         documented but not served: {unserved:?}"
    );
}

#[test]
fn the_route_table_has_no_duplicates() {
    let rows = table::<MemoryStore, NoSenders>();
    let unique: BTreeSet<_> = rows.iter().map(|r| (r.method.clone(), r.path)).collect();
    assert_eq!(unique.len(), rows.len());
}

/// Walks the document and resolves every local `$ref`.
fn refs<'a>(value: &'a Value, out: &mut Vec<&'a str>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get("$ref") {
                out.push(r);
            }
            map.values().for_each(|v| refs(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}

#[test]
fn every_reference_resolves() {
    let doc = document();
    let mut found = Vec::new();
    refs(&doc, &mut found);
    assert!(!found.is_empty());
    for r in found {
        let pointer = r.strip_prefix('#').expect("only local references");
        assert!(doc.pointer(pointer).is_some(), "dangling $ref {r}");
    }
}

/// Errors are problem+json with the one `Problem` schema; authenticated operations say 401.
#[test]
fn every_operation_documents_its_errors_as_problems() {
    let doc = document();
    let public = Value::Array(Vec::new());
    for (method, path) in documented_operations(&doc) {
        let op = &doc["paths"][&path][method.to_lowercase()];
        let responses = op["responses"].as_object().expect("responses");
        assert!(!responses.is_empty(), "{method} {path}: no responses");
        let authenticated = op.get("security") != Some(&public);
        assert_eq!(
            responses.contains_key("401"),
            authenticated,
            "{method} {path}: 401 must be documented exactly when the operation needs a key"
        );
        for (status, response) in responses {
            let response = match response.get("$ref").and_then(Value::as_str) {
                Some(r) => doc.pointer(&r[1..]).expect("response ref"),
                None => response,
            };
            let is_public_page = response["content"].get("text/html").is_some();
            if status.starts_with('4') && !is_public_page || status.starts_with('5') {
                let schema = &response["content"]["application/problem+json"]["schema"]["$ref"];
                assert_eq!(
                    schema, "#/components/schemas/Problem",
                    "{method} {path} {status} must be application/problem+json with Problem"
                );
            }
        }
    }
}

#[test]
fn the_problem_schema_is_what_problem_serialises() {
    let doc = document();
    let schema = &doc["components"]["schemas"]["Problem"];
    let keys = |v: &Value| -> BTreeSet<String> {
        v.as_object().expect("object").keys().cloned().collect()
    };
    let bare = Problem::new(StatusCode::BAD_REQUEST, "invalid-body", "Invalid", "detail");
    let full = bare.clone().with_field("a").with_header("b").at(1, 2);
    let bare = serde_json::to_value(&bare).expect("problem");
    let full = serde_json::to_value(&full).expect("problem");
    assert_eq!(keys(&schema["properties"]), keys(&full));
    let required: BTreeSet<String> = schema["required"]
        .as_array()
        .expect("required")
        .iter()
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect();
    assert_eq!(required, keys(&bare));
    assert_eq!(schema["additionalProperties"], Value::Bool(false));
    assert_eq!(bare["type"], "/problems/invalid-body");
}

#[tokio::test]
async fn the_document_is_served() {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let app = crate::router(App::new(MemoryStore::default(), NoSenders, "http://t"));
    let request = axum::http::Request::get("/v1/openapi.json")
        .body(axum::body::Body::empty())
        .expect("request");
    let response = app.oneshot(request).await.expect("response");
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/json");
    let body = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    let served: Value = serde_json::from_slice(&body).expect("json");
    assert_eq!(served, document());
    assert_eq!(served["openapi"], "3.1.0");
}

/// One rule for optional fields in what the API returns: always present, `null` when not
/// known. Every object a JSON response can contain lists all its properties as required
/// (the contract test then checks each response has them); problem+json is RFC 9457's.
#[test]
fn every_response_field_is_always_present() {
    let doc = document();
    let mut pending = Vec::new();
    for op in doc["paths"].as_object().unwrap().values() {
        for op in op.as_object().unwrap().values() {
            if let Some(responses) = op.get("responses").and_then(Value::as_object) {
                for response in responses.values() {
                    if let Some(schema) = response.pointer("/content/application~1json/schema") {
                        pending.push(schema);
                    }
                }
            }
        }
    }
    let mut seen = BTreeSet::new();
    let mut objects = 0;
    while let Some(schema) = pending.pop() {
        let mut found = Vec::new();
        refs(schema, &mut found);
        for r in found {
            if seen.insert(r) {
                pending.push(doc.pointer(r.strip_prefix('#').unwrap()).unwrap());
            }
        }
        let mut stack = vec![schema];
        while let Some(value) = stack.pop() {
            match value {
                Value::Object(map) => {
                    if let Some(Value::Object(props)) = map.get("properties") {
                        objects += 1;
                        let required: BTreeSet<&str> = map
                            .get("required")
                            .and_then(Value::as_array)
                            .map(|r| r.iter().filter_map(Value::as_str).collect())
                            .unwrap_or_default();
                        for name in props.keys() {
                            assert!(
                                required.contains(name.as_str()),
                                "`{name}` is optional in a response schema: {value:#}"
                            );
                        }
                    }
                    stack.extend(map.values());
                }
                Value::Array(items) => stack.extend(items),
                _ => {}
            }
        }
    }
    assert!(objects > 20, "{objects} response objects");
    assert!(seen.contains("#/components/schemas/TrackingEvent"));
}

/// Adding a locale: its files, its `LOCALES` entry and this one enum (the API documents the
/// locales a merchant may choose).
#[test]
fn the_documented_locales_are_the_built_in_ones() {
    let doc = document();
    let documented: Vec<&str> = doc["components"]["schemas"]["BuiltinLocale"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(documented, afterclick_domain::i18n::LOCALES);
}
