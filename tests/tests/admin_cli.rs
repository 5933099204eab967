//! The operator CLI against DynamoDB Local: create a merchant, issue a key, use it on the
//! API, revoke it, and see the API refuse it.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use afterclick_e2e::Stack;
use std::path::PathBuf;
use std::process::Command;

/// The CLI binary, built on demand: a test crate cannot depend on a binary crate.
fn admin_binary() -> PathBuf {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let built = Command::new(cargo)
        .args([
            "build",
            "--quiet",
            "-p",
            "afterclick-admin",
            "--bin",
            "afterclick-admin",
        ])
        .current_dir(root)
        .status()
        .unwrap();
    assert!(built.success(), "building afterclick-admin failed");
    // This test runs from `target/<profile>/deps/`; binaries sit one level up.
    let exe = std::env::current_exe().unwrap();
    exe.parent()
        .unwrap()
        .parent()
        .unwrap()
        .join("afterclick-admin")
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

struct Admin {
    binary: PathBuf,
    endpoint: String,
}

impl Admin {
    fn run(&self, args: &[&str]) -> Run {
        let out = Command::new(&self.binary)
            .args(["--endpoint", &self.endpoint, "--table", "afterclick"])
            .args(args)
            // No credentials: a local endpoint gets local ones by itself (DynamoDB Local
            // keeps tables per access key and region: the devstack's).
            .env_remove("AWS_ENDPOINT_URL")
            .env_remove("AWS_ENDPOINT_URL_DYNAMODB")
            .env_remove("AWS_PROFILE")
            .env_remove("AWS_ACCESS_KEY_ID")
            .env_remove("AWS_SECRET_ACCESS_KEY")
            .env_remove("AWS_SESSION_TOKEN")
            .env("AWS_REGION", afterclick_e2e::afterclick_devstack::REGION)
            .output()
            .unwrap();
        Run {
            code: out.status.code().unwrap(),
            stdout: String::from_utf8(out.stdout).unwrap(),
            stderr: String::from_utf8(out.stderr).unwrap(),
        }
    }
}

async fn api_keys_status(stack: &Stack, key: &str) -> (u16, serde_json::Value) {
    let r = stack
        .send(stack.http.get(stack.url("/v1/api-keys")).bearer_auth(key))
        .await;
    (r.status, r.body)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_operator_creates_a_merchant_issues_a_key_and_revokes_it() {
    let stack = Stack::start().await;
    let admin = Admin {
        binary: admin_binary(),
        endpoint: stack.dynamodb_endpoint.clone(),
    };
    let create = [
        "merchant",
        "create",
        "--id",
        "m_cli",
        "--name",
        "CLI Shop",
        "--sender-email",
        "orders@cli-shop.example",
    ];
    let created = admin.run(&create);
    assert_eq!(created.code, 0, "{}", created.stderr);
    assert!(created.stderr.contains("Created merchant m_cli"));
    let again = admin.run(&create);
    assert_eq!(again.code, 1);
    assert!(again.stderr.contains("already exists"), "{}", again.stderr);

    let shown = admin.run(&["merchant", "show", "--id", "m_cli"]);
    assert_eq!(shown.code, 0, "{}", shown.stderr);
    assert!(shown.stdout.contains("CLI Shop") && shown.stdout.contains("cli-shop.example"));
    assert!(shown.stdout.contains("0 valid of 0"), "{}", shown.stdout);

    let issued = admin.run(&["key", "issue", "--merchant", "m_cli", "--name", "ci"]);
    assert_eq!(issued.code, 0, "{}", issued.stderr);
    let key = issued.stdout.trim().to_owned();
    let key_id = key.split('_').nth(1).unwrap().to_owned();
    assert!(key.starts_with("ak_") && !issued.stderr.contains(&key));
    assert!(issued.stderr.contains(&key_id));

    let (status, body) = api_keys_status(&stack, &key).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["keys"][0]["key_id"], key_id.as_str());
    assert_eq!(body["keys"][0]["name"], "ci");
    assert_eq!(body["keys"][0]["current"], true);

    // A new merchant has no webhook secrets: it creates each with the rotate endpoint.
    for round in [false, true] {
        let r = stack
            .send(
                stack
                    .http
                    .post(stack.url("/v1/webhook-secrets/ups/rotate"))
                    .bearer_auth(&key),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.body["previous_secret_valid"], round);
    }
    let shown = admin.run(&["merchant", "show", "--id", "m_cli"]);
    assert!(
        shown.stdout.contains("webhooks      ups"),
        "{}",
        shown.stdout
    );

    let listed = admin.run(&["key", "list", "--merchant", "m_cli"]);
    assert_eq!(listed.code, 0, "{}", listed.stderr);
    assert!(listed.stdout.contains(&key_id) && listed.stdout.contains("active"));
    assert!(!listed.stdout.contains(&key));

    // Only the key's SHA-256 is in the table, never the key.
    let scan = stack
        .devstack
        .store
        .client()
        .scan()
        .table_name("afterclick")
        .send()
        .await
        .unwrap();
    assert!(!format!("{:?}", scan.items()).contains(&key));

    // Another merchant cannot revoke it; its own merchant can, once.
    let foreign = admin.run(&["key", "revoke", "--merchant", "m_demo", "--key-id", &key_id]);
    assert_eq!(foreign.code, 1, "{}", foreign.stderr);
    assert_eq!(api_keys_status(&stack, &key).await.0, 200);
    let revoked = admin.run(&["key", "revoke", "--merchant", "m_cli", "--key-id", &key_id]);
    assert_eq!(revoked.code, 0, "{}", revoked.stderr);
    let (status, body) = api_keys_status(&stack, &key).await;
    assert_eq!(status, 401, "{body}");
    assert_eq!(body["header"], "authorization");
    let twice = admin.run(&["key", "revoke", "--merchant", "m_cli", "--key-id", &key_id]);
    assert_eq!(twice.code, 1);
    let listed = admin.run(&["key", "list", "--merchant", "m_cli"]);
    assert!(listed.stdout.contains("revoked"), "{}", listed.stdout);

    let unknown = admin.run(&["key", "issue", "--merchant", "m_nobody"]);
    assert_eq!(unknown.code, 1);
    assert!(unknown.stderr.contains("no merchant `m_nobody`"));
    let usage = admin.run(&["key", "issue"]);
    assert_eq!(usage.code, 2);
    assert!(usage.stderr.contains("--merchant is required"));
    stack.devstack.stop().await;
}

/// On AWS (no endpoint) without credentials: one readable line, exit 3, no SDK dump.
#[test]
fn missing_credentials_are_one_line() {
    let home = std::env::temp_dir().join(afterclick_e2e::unique("admin-home"));
    std::fs::create_dir_all(&home).unwrap();
    let out = Command::new(admin_binary())
        .args([
            "--table",
            "afterclick",
            "key",
            "list",
            "--merchant",
            "m_demo",
        ])
        .env_clear()
        .env("HOME", &home)
        .env("AWS_REGION", "eu-west-1")
        // No instance metadata here: do not wait for it.
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("error: no AWS credentials found"),
        "{stderr}"
    );
}
