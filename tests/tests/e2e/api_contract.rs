//! The API against its contract: schemathesis fuzzes every operation in
//! `functions/api/openapi.json` (200 generated cases each in the fuzzing phase, after its
//! examples and coverage phases) against the devstack on real DynamoDB Local and moto, and
//! fails on any 5xx, any response that does not match the document (status, content type,
//! headers, schema), any accepted schema-invalid input, unenforced auth, and any error that
//! is not RFC 9457 problem+json (`tests/contract/hooks.py`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use afterclick_e2e::fixtures::delivered_shipment;
use afterclick_e2e::{Stack, unique, workspace_root};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Generated cases per operation in the fuzzing phase.
const MAX_EXAMPLES: &str = "200";
/// Fixed so CI is reproducible; set `AFTERCLICK_SCHEMATHESIS_SEED` to explore other inputs.
const DEFAULT_SEED: &str = "20261123";

/// A real value for a path parameter, on the paths starting with `prefix`.
struct Seed {
    prefix: &'static str,
    name: &'static str,
    value: String,
}

/// Gives each seeded path parameter an `example`, so the examples phase (and schemathesis'
/// mutations of it) hit real items; fuzzing still tries random ones.
fn with_examples(document: &mut Value, seeds: &[Seed]) {
    let apply = |path: &str, parameter: &mut Value| {
        let name = parameter["name"].as_str().unwrap_or_default().to_owned();
        let seed = seeds
            .iter()
            .find(|s| s.name == name && path.starts_with(s.prefix));
        if let (Some(seed), Some(p)) = (seed, parameter.as_object_mut())
            && p.get("in") == Some(&json!("path"))
        {
            p.insert("example".into(), json!(seed.value));
        }
    };
    for (path, item) in document["paths"].as_object_mut().unwrap() {
        let item = item.as_object_mut().unwrap();
        for operation in item.values_mut() {
            // Path-level `parameters` is an array; operations hold theirs under the key.
            let parameters = match operation {
                Value::Array(_) => Some(operation),
                _ => operation.get_mut("parameters"),
            };
            for parameter in parameters
                .and_then(Value::as_array_mut)
                .into_iter()
                .flatten()
            {
                apply(path, parameter);
            }
        }
    }
    // Shared parameters (`$ref`'d) are seeded when every path using them wants the same.
    if let Some(shared) = document["components"]["parameters"].as_object_mut() {
        for parameter in shared.values_mut() {
            apply("", parameter);
        }
    }
}

async fn authed(stack: &Stack, request: reqwest::RequestBuilder) -> Value {
    let response = stack.send(request.bearer_auth(&stack.info().api_key)).await;
    assert!((200..300).contains(&response.status), "{}", response.body);
    response.body
}

fn schemathesis() -> PathBuf {
    std::env::var("AFTERCLICK_SCHEMATHESIS")
        .map(PathBuf::from)
        .unwrap_or_else(|_| workspace_root().join(".local/venv/bin/schemathesis"))
}

fn run_schemathesis(document: &Path, api_url: &str, api_key: &str, seed: &str) -> Output {
    let mut command = Command::new(schemathesis());
    command
        .current_dir(document.parent().unwrap())
        .env("SCHEMATHESIS_HOOKS", "hooks")
        .env("PYTHONPATH", workspace_root().join("tests/contract"))
        .env(
            "AFTERCLICK_CONTRACT_AUTHORIZATION",
            format!("Bearer {api_key}"),
        )
        .env("NO_COLOR", "1")
        .arg("run")
        .arg(document)
        .args(["--url", api_url])
        .args(["--header", &format!("Authorization: Bearer {api_key}")])
        .args(["--checks", "all"])
        // Valid-looking input is often still refused with a 422 on purpose (an unverified
        // sender, an unknown time zone): semantics no schema can express.
        .args(["--exclude-checks", "positive_data_acceptance"])
        .args(["--phases", "examples,coverage,fuzzing"])
        .args(["--max-examples", MAX_EXAMPLES])
        // One worker: with two, schemathesis generates in threads, and CPython 3.11's
        // `ast.parse` (which Hypothesis calls to describe strategies) can then fail with
        // "AST constructor recursion depth mismatch" (cpython#106905), a runtime error.
        .args(["--workers", "1"])
        .args(["--seed", seed])
        .args(["--generation-database", "none"])
        .args(["--request-timeout", "30"])
        .arg("--no-color");
    command
        .output()
        .unwrap_or_else(|e| panic!("{}: {e}; run `make tools` first", schemathesis().display()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_honours_its_openapi_document() {
    let stack = Stack::start().await;
    let info = stack.info().clone();
    let shipment = delivered_shipment(&stack).await;
    // Something behind every path parameter, so the examples phase reaches the handlers'
    // success paths and not only their 404s.
    authed(
        &stack,
        stack
            .http
            .put(stack.url("/v1/templates/delivered/sms/en"))
            .json(&json!({"body": "Order {{ order_number }} has arrived"})),
    )
    .await;
    let endpoint = authed(
        &stack,
        stack
            .http
            .post(stack.url("/v1/webhook-endpoints"))
            .json(&json!({"url": "https://hooks.example.com/afterclick"})),
    )
    .await;
    let settings = authed(&stack, stack.http.get(stack.url("/v1/settings"))).await;
    let invoice = authed(
        &stack,
        stack
            .http
            .post(stack.url("/v1/invoices"))
            .header("content-type", "text/csv")
            .body(
                "Express or Ground Tracking ID,Invoice Number,Invoice Date,Net Charge Amount\n\
                 794600000002,CONTRACT-1,2026-11-09,9.10\n",
            ),
    )
    .await;

    let document = std::fs::read_to_string(workspace_root().join("functions/api/openapi.json"))
        .expect("functions/api/openapi.json");
    let mut document: Value = serde_json::from_str(&document).unwrap();
    with_examples(
        &mut document,
        &[
            Seed {
                prefix: "/v1/shipments/",
                name: "id",
                value: shipment.id.clone(),
            },
            Seed {
                prefix: "/v1/webhook-endpoints/",
                name: "id",
                value: endpoint["id"].as_str().unwrap().to_owned(),
            },
            Seed {
                prefix: "/v1/invoices/",
                name: "id",
                value: invoice["id"].as_str().unwrap().to_owned(),
            },
            Seed {
                prefix: "",
                name: "token",
                value: shipment.token.clone(),
            },
            Seed {
                prefix: "",
                name: "merchant_id",
                value: info.merchant_id.clone(),
            },
            Seed {
                prefix: "",
                name: "provider",
                value: "generic".into(),
            },
        ],
    );
    // Bodies that succeed: the merchant's own settings (a verified sender on its domain), a
    // rating of the delivered shipment, a lookup of its order.
    let mut example = |path: &str, method: &str, media_type: &str, value: Value| {
        document["paths"][path][method]["requestBody"]["content"][media_type]["example"] = value;
    };
    example("/v1/settings", "put", "application/json", settings);
    let form = "application/x-www-form-urlencoded";
    example(
        "/t/{token}/rating",
        "post",
        form,
        json!({"stars": "5", "comment": "Fast"}),
    );
    example(
        "/lookup/{merchant_id}",
        "post",
        form,
        json!({
            "order_number": shipment.shipment["order_number"],
            "email": shipment.shipment["customer"]["email"],
        }),
    );

    let dir = std::env::temp_dir().join(unique("afterclick-contract-"));
    std::fs::create_dir_all(&dir).unwrap();
    let document_path = dir.join("openapi.json");
    std::fs::write(&document_path, serde_json::to_vec(&document).unwrap()).unwrap();
    let seed =
        std::env::var("AFTERCLICK_SCHEMATHESIS_SEED").unwrap_or_else(|_| DEFAULT_SEED.into());
    let (url, key, run_seed) = (info.api_url.clone(), info.api_key.clone(), seed.clone());
    // Blocking, off the runtime: the devstack serves the requests on this test's runtime.
    let output = tokio::task::spawn_blocking(move || {
        run_schemathesis(&document_path, &url, &key, &run_seed)
    })
    .await
    .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        output.status.success(),
        "schemathesis found contract violations (seed {seed}):\n{report}"
    );
    println!("{report}");
}
