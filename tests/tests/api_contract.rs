//! The API against its contract: schemathesis fuzzes every operation in
//! `functions/api/openapi.json` (at least 200 generated cases each, plus its coverage and
//! examples phases) against the devstack on real DynamoDB Local and moto, and fails on any
//! 5xx, any response that does not match the document (status, content type, headers,
//! schema), any accepted schema-invalid input, unenforced auth, and any error that is not
//! RFC 9457 problem+json (`tests/contract/hooks.py`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use afterclick_e2e::fixtures::delivered_shipment;
use afterclick_e2e::{Stack, workspace_root};
use serde_json::{Value, json};
use std::path::PathBuf;
use std::process::Command;

/// Generated cases per operation in the fuzzing phase.
const MAX_EXAMPLES: &str = "200";
/// Fixed so CI is reproducible; set `AFTERCLICK_SCHEMATHESIS_SEED` to explore other inputs.
const DEFAULT_SEED: &str = "20261123";

fn schemathesis() -> PathBuf {
    std::env::var("AFTERCLICK_SCHEMATHESIS")
        .map(PathBuf::from)
        .unwrap_or_else(|_| workspace_root().join(".local/venv/bin/schemathesis"))
}

/// Gives every path parameter with a seeded value an `example`, so the examples phase hits
/// real items (fuzzing still tries random ones).
fn with_examples(node: &mut Value, seeds: &[(&str, &str)]) {
    match node {
        Value::Object(map) => {
            let seeded = (map.get("in") == Some(&json!("path")))
                .then(|| map.get("name").and_then(Value::as_str))
                .flatten()
                .and_then(|name| seeds.iter().find(|(n, _)| *n == name));
            if let Some((_, value)) = seeded {
                map.insert("example".into(), json!(value));
            }
            map.values_mut().for_each(|v| with_examples(v, seeds));
        }
        Value::Array(items) => items.iter_mut().for_each(|v| with_examples(v, seeds)),
        _ => {}
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_honours_its_openapi_document() {
    let stack = Stack::start().await;
    let info = stack.info().clone();
    let shipment = delivered_shipment(&stack).await;
    // A stored template, so the template GET has something to return.
    let saved = stack
        .send(
            stack
                .http
                .put(stack.url("/v1/templates/delivered/sms/en"))
                .bearer_auth(&info.api_key)
                .json(&json!({"body": "Order {{ order_number }} has arrived"})),
        )
        .await;
    assert_eq!(saved.status, 200, "{}", saved.body);

    let document = std::fs::read_to_string(workspace_root().join("functions/api/openapi.json"))
        .expect("functions/api/openapi.json");
    let mut document: Value = serde_json::from_str(&document).unwrap();
    with_examples(
        &mut document,
        &[
            ("id", &shipment.id),
            ("token", &shipment.token),
            ("merchant_id", &info.merchant_id),
        ],
    );
    // The merchant's own settings are a PUT that succeeds (a verified sender on its domain).
    let settings = stack
        .send(
            stack
                .http
                .get(stack.url("/v1/settings"))
                .bearer_auth(&info.api_key),
        )
        .await;
    assert_eq!(settings.status, 200, "{}", settings.body);
    document["paths"]["/v1/settings"]["put"]["requestBody"]["content"]["application/json"]["example"] =
        settings.body;
    let dir = std::env::temp_dir().join(afterclick_e2e::unique("afterclick-contract-"));
    std::fs::create_dir_all(&dir).unwrap();
    let document_path = dir.join("openapi.json");
    std::fs::write(&document_path, serde_json::to_vec(&document).unwrap()).unwrap();

    let seed =
        std::env::var("AFTERCLICK_SCHEMATHESIS_SEED").unwrap_or_else(|_| DEFAULT_SEED.into());
    let mut command = Command::new(schemathesis());
    command
        .current_dir(&dir)
        .env("SCHEMATHESIS_HOOKS", "hooks")
        .env("PYTHONPATH", workspace_root().join("tests/contract"))
        .env("NO_COLOR", "1")
        .arg("run")
        .arg(&document_path)
        .args(["--url", &info.api_url])
        .args([
            "--header",
            &format!("Authorization: Bearer {}", info.api_key),
        ])
        .args(["--checks", "all"])
        // Valid-looking input is often still refused with a 422 on purpose (an unverified
        // sender, an unknown time zone): semantics no schema can express.
        .args(["--exclude-checks", "positive_data_acceptance"])
        .args(["--phases", "examples,coverage,fuzzing"])
        .args(["--max-examples", MAX_EXAMPLES])
        .args(["--workers", "2"])
        .args(["--seed", &seed])
        .args(["--generation-database", "none"])
        .args(["--request-timeout", "30"])
        .arg("--no-color");
    let output = tokio::task::spawn_blocking(move || command.output())
        .await
        .unwrap()
        .unwrap_or_else(|e| panic!("{}: {e}; run `make tools` first", schemathesis().display()));
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        output.status.success(),
        "schemathesis found contract violations (seed {seed}):\n{report}"
    );
    println!("{report}");
}
