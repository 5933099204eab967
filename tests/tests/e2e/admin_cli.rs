//! The operator CLI against DynamoDB Local: create a merchant, issue a key, use it on the
//! API, revoke it, and see the API refuse it.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use afterclick_domain::ports::EventStore;
use afterclick_e2e::Stack;
use std::path::PathBuf;
use std::process::Command;

/// The CLI binary, built on demand: a test crate cannot depend on a binary crate. Built
/// as `make test` builds every binary (`--workspace --bins`), so there it is already done:
/// `-p afterclick-admin` alone resolves other features for shared dependencies and rebuilt
/// 48 crates (minutes, with dependencies optimised), then the next workspace build again.
fn admin_binary() -> PathBuf {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let built = Command::new(cargo)
        .args(["build", "--quiet", "--workspace", "--bins"])
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
    /// The stack's table.
    table: String,
    /// `(name, value)` set for the command (the KMS key and its local endpoint).
    env: Vec<(String, String)>,
}

impl Admin {
    fn run(&self, args: &[&str]) -> Run {
        let out = Command::new(&self.binary)
            .args(["--endpoint", &self.endpoint, "--table", &self.table])
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
            .env_remove("SECRETS_KEY_ID")
            .env_remove("AWS_ENDPOINT_URL_KMS")
            .envs(self.env.iter().map(|(k, v)| (k, v)))
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
        table: stack.table().to_owned(),
        env: Vec::new(),
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
        .table_name(stack.table())
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
    assert!(
        usage
            .stderr
            .contains("the following required arguments were not provided:\n  --merchant <ID>"),
        "{}",
        usage.stderr
    );
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

/// The raw item, as DynamoDB holds it (what a table export or a stolen backup shows).
async fn raw_item(
    stack: &Stack,
    pk: &str,
    sk: &str,
) -> std::collections::HashMap<String, aws_sdk_dynamodb::types::AttributeValue> {
    let conf =
        afterclick_e2e::afterclick_devstack::local_sdk_config(&stack.dynamodb_endpoint).await;
    aws_sdk_dynamodb::Client::new(&conf)
        .get_item()
        .table_name(stack.table())
        .key("PK", aws_sdk_dynamodb::types::AttributeValue::S(pk.into()))
        .key("SK", aws_sdk_dynamodb::types::AttributeValue::S(sk.into()))
        .consistent_read(true)
        .send()
        .await
        .unwrap()
        .item
        .unwrap()
}

fn strings(value: &aws_sdk_dynamodb::types::AttributeValue) -> Vec<String> {
    use aws_sdk_dynamodb::types::AttributeValue as A;
    match value {
        A::S(s) => vec![s.clone()],
        A::L(l) => l.iter().flat_map(strings).collect(),
        A::M(m) => m.values().flat_map(strings).collect(),
        _ => Vec::new(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secrets_are_sealed_at_rest_bound_to_their_merchant_and_old_ones_get_sealed() {
    use aws_sdk_dynamodb::types::AttributeValue as A;
    use serde_json::json;
    let stack = Stack::start().await;
    let info = stack.info().clone();
    let settings_pk = format!("M#{}", info.merchant_id);

    // The demo merchant's provider secrets: sealed in the table, none in the clear.
    let item = raw_item(&stack, &settings_pk, "SETTINGS").await;
    let stored = strings(&item["webhook_secrets"]);
    assert_eq!(stored.len(), info.webhook_secrets.len());
    assert!(stored.iter().all(|s| s.starts_with("kms1:")), "{stored:?}");
    for plain in info.webhook_secrets.values() {
        assert!(!format!("{item:?}").contains(plain.as_str()));
    }
    // ... and they still verify deliveries.
    let tracking = afterclick_e2e::unique("1ZSEAL");
    stack
        .scan(&tracking, "in_transit", chrono::Utc::now())
        .await;

    // An endpoint's secret: shown once, stored sealed.
    let created = stack
        .send(
            stack
                .http
                .post(stack.url("/v1/webhook-endpoints"))
                .bearer_auth(&info.api_key)
                .json(&json!({"url": "https://hooks.example.com/in"})),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let secret = created.body["secret"].as_str().unwrap().to_owned();
    let endpoint_sk = format!("WH#{}", created.body["id"].as_str().unwrap());
    let endpoint = raw_item(&stack, &settings_pk, &endpoint_sk).await;
    assert!(strings(&endpoint["secret"])[0].starts_with("kms1:"));
    assert!(!format!("{endpoint:?}").contains(&secret));

    // A sealed secret copied onto another merchant's item does not open there: the
    // delivery signed with it is not accepted, and nothing is stored.
    let other = stack.another_merchant("m_copycat").await;
    let conf =
        afterclick_e2e::afterclick_devstack::local_sdk_config(&stack.dynamodb_endpoint).await;
    let ddb = aws_sdk_dynamodb::Client::new(&conf);
    let generic = match &item["webhook_secrets"] {
        A::M(m) => m["generic"].clone(),
        other => panic!("{other:?}"),
    };
    ddb.update_item()
        .table_name(stack.table())
        .key("PK", A::S("M#m_copycat".into()))
        .key("SK", A::S("SETTINGS".into()))
        .update_expression("SET webhook_secrets.generic = :copied")
        .expression_attribute_values(":copied", generic)
        .send()
        .await
        .unwrap();
    let stolen = afterclick_e2e::unique("1ZSTOLEN");
    let r = stack
        .post_generic(
            &other.merchant_id,
            &info.webhook_secrets["generic"],
            &afterclick_e2e::unique("msg"),
            &afterclick_e2e::generic_event(&stolen, "in_transit", chrono::Utc::now(), "x"),
        )
        .await;
    assert_ne!(r.status, 202, "{}", r.body);
    assert_eq!(r.content_type, "application/problem+json");
    assert!(
        stack
            .devstack
            .store
            .timeline("m_copycat", &stolen)
            .await
            .unwrap()
            .is_empty()
    );

    // Secrets stored before sealing existed: `secrets seal` seals them, and they still work.
    let legacy = "whsec_bGVnYWN5LXNlY3JldC1ieXRlcy0wMTIzNDU2Nzg5";
    ddb.update_item()
        .table_name(stack.table())
        .key("PK", A::S("M#m_copycat".into()))
        .key("SK", A::S("SETTINGS".into()))
        .update_expression("SET webhook_secrets.generic = :plain")
        .expression_attribute_values(":plain", A::L(vec![A::S(legacy.into())]))
        .send()
        .await
        .unwrap();
    ddb.update_item()
        .table_name(stack.table())
        .key("PK", A::S(settings_pk.clone()))
        .key("SK", A::S(endpoint_sk.clone()))
        .update_expression("SET secret = :plain")
        .expression_attribute_values(":plain", A::S(legacy.into()))
        .send()
        .await
        .unwrap();
    let admin = Admin {
        binary: admin_binary(),
        endpoint: stack.dynamodb_endpoint.clone(),
        table: stack.table().to_owned(),
        env: vec![
            ("SECRETS_KEY_ID".into(), "alias/afterclick-secrets".into()),
            (
                "AWS_ENDPOINT_URL_KMS".into(),
                stack.devstack.kms_endpoint.clone(),
            ),
        ],
    };
    let sealed = admin.run(&["secrets", "seal"]);
    assert_eq!(sealed.code, 0, "{}", sealed.stderr);
    assert!(
        sealed.stderr.contains("Sealed 2 secret(s)"),
        "{}",
        sealed.stderr
    );
    let copycat = raw_item(&stack, "M#m_copycat", "SETTINGS").await;
    assert!(
        strings(&copycat["webhook_secrets"])
            .iter()
            .all(|s| s.starts_with("kms1:"))
    );
    let endpoint = raw_item(&stack, &settings_pk, &endpoint_sk).await;
    assert!(strings(&endpoint["secret"])[0].starts_with("kms1:"));
    let r = stack
        .post_generic(
            &other.merchant_id,
            legacy,
            &afterclick_e2e::unique("msg"),
            &afterclick_e2e::generic_event(&stolen, "in_transit", chrono::Utc::now(), "x"),
        )
        .await;
    assert_eq!(r.status, 202, "{}", r.body);
    let again = admin.run(&["secrets", "seal"]);
    assert!(
        again.stderr.contains("Sealed 0 secret(s)"),
        "{}",
        again.stderr
    );
}
