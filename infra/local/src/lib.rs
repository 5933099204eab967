//! The devstack: the local stand-in for API Gateway, the stream event source mappings and
//! the sweeper's schedule. It starts nothing but Routers and pollers; DynamoDB Local and moto
//! are started by `make run` (or by the end-to-end tests) and passed in as endpoints.

pub mod capacity;
pub mod demo;
pub mod faults;
pub mod filter;
pub mod gateway;
pub mod kms;
pub mod lambda;
pub mod limit;
pub mod outbox;
pub mod seed;
pub mod ses_events;
pub mod streams;
pub mod table;
pub mod template;

use afterclick_aws::{DynamoStore, SesIdentities, SesMailer, SnsTexter};
use afterclick_dispatch::{BIGCOMMERCE_API_URL, Dispatch, HttpSender, HttpStoreApi};
use afterclick_milestones::Milestones;
use afterclick_notify::Notify;
use afterclick_sweeper::{SweepReport, Sweeper};
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_lambda_events::event::dynamodb::Event;
use aws_sdk_dynamodb::config::Credentials;
use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Serialize;
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;
use streams::InProcess;
use streams::{DeadLetters, HandlerFuture, Poller, StreamHandler};
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub const REGION: &str = "us-east-1";

/// Re-exported so tests can seed merchants without depending on the SDK themselves.
pub use aws_sdk_sesv2::Client as SesClient;

/// A random uppercase alphanumeric suffix (tracking numbers are compared upper-case) for names that must not collide.
pub fn unique_suffix() -> String {
    afterclick_aws::secrets::new_token()[..12].to_uppercase()
}

#[derive(Debug, thiserror::Error)]
pub enum DevstackError {
    #[error(transparent)]
    Template(#[from] template::TemplateError),
    #[error("table: {0}")]
    Table(String),
    #[error("seeding: {0}")]
    Seed(String),
    #[error("no handler for the stream consumer binary `{0}`")]
    UnknownFunction(String),
    #[error("webhook HTTP client: {0}")]
    Http(String),
    #[error("cannot listen: {0}")]
    Listen(#[from] std::io::Error),
    #[error("function binary: {0}")]
    Binary(String),
    #[error(transparent)]
    Kms(#[from] kms::KmsError),
}

#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    #[error(transparent)]
    Store(#[from] afterclick_domain::ports::StoreError),
    #[error("the sweeper function: {0}")]
    Invoke(#[from] lambda::InvokeError),
    #[error("the sweeper's answer: {0}")]
    Answer(#[from] serde_json::Error),
}

/// A stream consumer run as its real binary: the event as JSON in, the partial-failure
/// response out.
struct BinaryFn(Arc<lambda::FunctionHost>);

impl StreamHandler for BinaryFn {
    fn invoke(&self, event: Event) -> HandlerFuture<'_> {
        Box::pin(async move {
            let payload = serde_json::to_vec(&event).map_err(|e| e.to_string())?;
            let answer = self.0.invoke(payload).await.map_err(|e| e.to_string())?;
            serde_json::from_slice(&answer).map_err(|e| format!("not a batch response: {e}"))
        })
    }
}

/// The event EventBridge Scheduler sends a Lambda target that sets no `Input` (the SAM
/// `ScheduleV2` event sets none): its default notification, `detail` a JSON string.
pub fn scheduler_event() -> serde_json::Value {
    serde_json::json!({
        "version": "0",
        "id": unique_suffix().to_lowercase(),
        "detail-type": "Scheduled Event",
        "source": "aws.scheduler",
        "account": "123456789012",
        "time": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "region": REGION,
        "resources": [format!("arn:aws:scheduler:{REGION}:123456789012:schedule/default/SweeperFunctionEvery15Minutes")],
        "detail": "{}"
    })
}

#[derive(Debug, Clone)]
pub struct Options {
    pub template: PathBuf,
    pub table_name: String,
    pub dynamodb_endpoint: String,
    /// moto server, standing in for SES v2 and SNS.
    pub moto_endpoint: String,
    pub bind: SocketAddr,
    pub poll_interval: Duration,
    pub dead_letter_file: Option<PathBuf>,
    /// Run the functions' real binaries from this directory (`target/debug`) behind a local
    /// Lambda Runtime API, instead of linking their handlers in process.
    pub binaries: Option<PathBuf>,
    /// Where each mapping keeps its stream position across restarts (none: start from the
    /// trim horizon, right for a fresh in-memory table).
    pub checkpoint_dir: Option<PathBuf>,
    /// How often the sweeper runs (EventBridge's `rate(15 minutes)` on AWS).
    pub sweep_interval: Duration,
    /// Binary mode: environment variables set for one function's processes only, by binary
    /// name (a test points one function at an endpoint that never answers).
    pub function_env: BTreeMap<String, BTreeMap<String, String>>,
    /// The demo merchant's API key from an earlier run (`.local/devstack.json`): kept while
    /// it works, so a restart does not mint another.
    pub demo_api_key: Option<String>,
    /// The local KMS key's material, kept with the data so sealed secrets open after a
    /// restart (created on first use; none: a key for this process only).
    pub secrets_key_file: Option<PathBuf>,
    /// Where dispatch fetches BigCommerce shipments (tests: a local server playing
    /// BigCommerce's documented answers); none: BigCommerce's own API.
    pub bigcommerce_api_url: Option<String>,
    /// Where dispatch sends GA4 hits (tests: a local server playing the Measurement
    /// Protocol's documented answers); none: Google's endpoint.
    pub ga4_endpoint: Option<String>,
}

/// What a person (or a test) needs to talk to the running stack.
#[derive(Debug, Clone, Serialize)]
pub struct StackInfo {
    pub api_url: String,
    pub merchant_id: String,
    pub api_key: String,
    pub webhook_secrets: BTreeMap<String, String>,
}

impl StackInfo {
    /// `.local/devstack.env`: shell exports for the README's examples, the operator CLI
    /// included (pointed at DynamoDB Local and the table).
    pub fn shell_env(&self, dynamodb_endpoint: &str, table: &str, kms_endpoint: &str) -> String {
        format!(
            "export AFTERCLICK_API_URL={}\n\
             export AFTERCLICK_MERCHANT_ID={}\n\
             export AFTERCLICK_API_KEY={}\n\
             export AWS_ENDPOINT_URL_DYNAMODB={dynamodb_endpoint}\n\
             export AFTERCLICK_TABLE={table}\n\
             export AWS_ENDPOINT_URL_KMS={kms_endpoint}\n\
             export SECRETS_KEY_ID={}\n",
            self.api_url,
            self.merchant_id,
            self.api_key,
            kms::LOCAL_KEY_ID
        )
    }
}

pub struct Devstack {
    pub info: StackInfo,
    pub store: DynamoStore,
    /// The local KMS (see [`kms`]) the store and the function binaries seal secrets with.
    pub kms_endpoint: String,
    sweeper: Arc<Sweeper<DynamoStore>>,
    /// The notify function as its stream mapping runs it in process.
    notify: Arc<Notify<DynamoStore, SesMailer, SnsTexter>>,
    /// The ses-events function, as SES's configuration set reaches it through SNS.
    ses_events: ses_events::Target,
    /// Each stream mapping's progress, for the sweep hooks' wait.
    progress: Vec<Arc<streams::Progress>>,
    pub dead_letters: DeadLetters,
    pub moto_endpoint: String,
    stats: BTreeMap<String, Arc<streams::FunctionStats>>,
    meter: capacity::Meter,
    faults: faults::Faults,
    /// Each stream consumer's `ParallelizationFactor`, by binary.
    lanes: BTreeMap<String, usize>,
    /// Binary mode: the running functions, by binary name.
    hosts: BTreeMap<String, Arc<lambda::FunctionHost>>,
    shutdown: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

/// Requests one SDK configuration keeps in flight to a local engine (see [`limit`]).
const LOCAL_IN_FLIGHT: usize = 24;

/// Static local credentials: DynamoDB Local and moto accept any.
pub async fn local_sdk_config(endpoint: &str) -> SdkConfig {
    let in_flight = std::env::var("AFTERCLICK_LOCAL_IN_FLIGHT")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(LOCAL_IN_FLIGHT);
    aws_config::defaults(BehaviorVersion::latest())
        .http_client(limit::Limited::shared(
            afterclick_aws::https_client(),
            in_flight,
        ))
        .region(Region::new(REGION))
        .credentials_provider(Credentials::new("local", "local", None, None, "devstack"))
        .endpoint_url(endpoint)
        .load()
        .await
}

/// Serves the devstack's HTTP API until shutdown. Not `axum::serve`: hyper's own header
/// limits (100 fields) would answer an empty 431 before the app's problem+json limit
/// (`afterclick_web::MAX_HEADERS`) is reached, so hyper's are set well above it.
async fn serve(
    listener: tokio::net::TcpListener,
    app: axum::Router,
    mut shutdown: watch::Receiver<bool>,
) {
    use hyper_util::rt::{TokioExecutor, TokioIo};
    let mut builder = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
    builder.http1().max_headers(1000).max_buf_size(1 << 20);
    let mut connections = tokio::task::JoinSet::new();
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(err) => {
                    // Out of file descriptors and the like: give it a moment, as axum does.
                    tracing::warn!(error = %err, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    continue;
                }
            },
            _ = shutdown.changed() => break,
        };
        let service = hyper_util::service::TowerToHyperService::new(app.clone());
        let builder = builder.clone();
        let mut closing = shutdown.clone();
        connections.spawn(async move {
            let connection = builder.serve_connection_with_upgrades(TokioIo::new(stream), service);
            tokio::pin!(connection);
            tokio::select! {
                _ = connection.as_mut() => {}
                // Requests in flight finish; idle keep-alive connections close.
                _ = closing.changed() => {
                    connection.as_mut().graceful_shutdown();
                    let _ = connection.await;
                }
            }
        });
        // Forget the connections that ended, so the set stays small.
        while connections.try_join_next().is_some() {}
    }
    drop(listener);
    while connections.join_next().await.is_some() {}
}

/// A browser (Accept: text/html) gets the page; everything else the JSON.
async fn outbox(State(state): State<DevState>, headers: axum::http::HeaderMap) -> Response {
    let wants_html = headers
        .get(axum::http::header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"));
    if !wants_html {
        return outbox_json(State(state)).await;
    }
    match state.outbox().await {
        Ok(outbox) => match outbox::page(&outbox) {
            Ok(page) => axum::response::Html(page).into_response(),
            Err(err) => (
                axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                err.to_string(),
            )
                .into_response(),
        },
        Err(err) => (axum::http::StatusCode::BAD_GATEWAY, err.to_string()).into_response(),
    }
}

/// One email's HTML alone, as the customer's mail client would show it.
async fn outbox_email(
    State(state): State<DevState>,
    axum::extract::Path(index): axum::extract::Path<usize>,
) -> Response {
    match outbox::fetch(&state.http, &state.moto_endpoint).await {
        Ok(outbox) => match outbox.emails.get(index) {
            // An email's HTML is the merchant's (their template) and the carrier's text:
            // served on the API's origin, it must not run there. `sandbox` gives it an
            // opaque origin with no scripts, forms or cookies of ours.
            Some(e) => (
                [
                    (axum::http::header::CONTENT_SECURITY_POLICY, "sandbox"),
                    (axum::http::header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
                ],
                axum::response::Html(e.html.clone()),
            )
                .into_response(),
            None => afterclick_web::Problem::not_found("no such email").into_response(),
        },
        Err(err) => (axum::http::StatusCode::BAD_GATEWAY, err.to_string()).into_response(),
    }
}

#[derive(Clone)]
struct DevState {
    http: reqwest::Client,
    moto_endpoint: String,
    store: DynamoStore,
    ses_events: ses_events::Target,
}

/// Plays SES: one event in SES's event-publishing JSON, delivered to ses-events as SNS
/// would (`make run`: try a bounce by hand; see the README).
async fn post_ses_event(
    State(state): State<DevState>,
    axum::Json(event): axum::Json<serde_json::Value>,
) -> Response {
    match state.ses_events.deliver(&event).await {
        Ok(()) => axum::http::StatusCode::NO_CONTENT.into_response(),
        Err(err) => afterclick_web::Problem::new(
            axum::http::StatusCode::BAD_GATEWAY,
            "ses-events-failed",
            "the ses-events function failed",
            err,
        )
        .into_response(),
    }
}

impl DevState {
    /// What moto sent, and the SMS the table still holds back for quiet hours.
    async fn outbox(&self) -> Result<outbox::Outbox, String> {
        let mut sent = outbox::fetch(&self.http, &self.moto_endpoint)
            .await
            .map_err(|e| e.to_string())?;
        sent.waiting_for_quiet_hours = outbox::waiting(&self.store).await?;
        Ok(sent)
    }
}

async fn outbox_json(State(state): State<DevState>) -> Response {
    match state.outbox().await {
        Ok(outbox) => axum::Json(outbox).into_response(),
        Err(err) => afterclick_web::Problem::new(
            axum::http::StatusCode::BAD_GATEWAY,
            "outbox-unavailable",
            "moto or the table did not answer",
            err,
        )
        .into_response(),
    }
}

impl Devstack {
    pub async fn start(options: Options) -> Result<Self, DevstackError> {
        let template = template::Template::load(&options.template)?;
        let dynamo_conf = local_sdk_config(&options.dynamodb_endpoint).await;
        let moto_conf = local_sdk_config(&options.moto_endpoint).await;
        let meter = capacity::Meter::default();
        let faults = faults::Faults::default();
        let (shutdown, watcher) = watch::channel(false);
        let mut tasks = Vec::new();
        let kms_listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
        let kms_endpoint = format!("http://{}", kms_listener.local_addr()?);
        let local_kms = kms::LocalKms::open(options.secrets_key_file.as_deref())?;
        tasks.push(tokio::spawn(serve(
            kms_listener,
            local_kms.router(),
            watcher.clone(),
        )));
        let sealer = afterclick_aws::sealing::KmsSealer::from_conf(
            &local_sdk_config(&kms_endpoint).await,
            kms::LOCAL_KEY_ID,
        );
        let store = DynamoStore::new(
            aws_sdk_dynamodb::Client::from_conf(
                aws_sdk_dynamodb::config::Builder::from(&dynamo_conf)
                    .interceptor(meter.clone())
                    .interceptor(faults.clone())
                    .build(),
            ),
            &options.table_name,
        )
        .with_sealer(sealer);
        let stream_arn = table::ensure(store.client(), &options.table_name, &template.table)
            .await
            .map_err(DevstackError::Table)?;

        let listener = tokio::net::TcpListener::bind(options.bind).await?;
        let api_url = format!("http://{}", listener.local_addr()?);
        let sesv2 = aws_sdk_sesv2::Client::new(&moto_conf);
        let info = seed::demo_merchant(&store, &sesv2, &api_url, options.demo_api_key.as_deref())
            .await
            .map_err(DevstackError::Seed)?;

        let hosts = match &options.binaries {
            Some(dir) => {
                start_hosts(&template.functions, dir, &options, &api_url, &kms_endpoint).await?
            }
            None => BTreeMap::new(),
        };
        let dead_letters = options
            .dead_letter_file
            .clone()
            .map(DeadLetters::with_file)
            .unwrap_or_default();
        let streams_client = aws_sdk_dynamodbstreams::Client::new(&dynamo_conf);
        let notify = Arc::new(Notify::new(
            store.clone(),
            SesMailer::from_conf(&moto_conf),
            SnsTexter::from_conf(&moto_conf),
            api_url.clone(),
        ));
        // The API below accepts local receivers' URLs; the sender must be able to reach them.
        let http =
            HttpSender::allowing_loopback().map_err(|e| DevstackError::Http(e.to_string()))?;
        let store_api = HttpStoreApi::new().map_err(|e| DevstackError::Http(e.to_string()))?;
        let bigcommerce = options
            .bigcommerce_api_url
            .clone()
            .unwrap_or_else(|| BIGCOMMERCE_API_URL.to_owned());
        let dispatch = Arc::new(
            Dispatch::new(store.clone(), http, store_api, bigcommerce)
                .with_ga4_endpoint(options.ga4_endpoint.clone()),
        );
        let mut progress = Vec::new();
        let mut stats: BTreeMap<String, Arc<streams::FunctionStats>> = BTreeMap::new();
        let mut lanes = BTreeMap::new();
        for mapping in template.mappings {
            lanes.insert(
                mapping.binary.clone(),
                mapping.parallelization_factor.max(1),
            );
            let handler: Arc<dyn StreamHandler> = match mapping.binary.as_str() {
                binary if hosts.contains_key(binary) => Arc::new(BinaryFn(hosts[binary].clone())),
                "milestones" => Arc::new(InProcess(Arc::new(Milestones::new(store.clone())))),
                "notify" => Arc::new(InProcess(notify.clone())),
                "dispatch" => Arc::new(InProcess(dispatch.clone())),
                other => return Err(DevstackError::UnknownFunction(other.to_owned())),
            };
            let poller = Poller {
                client: streams_client.clone(),
                stream_arn: stream_arn.clone(),
                region: REGION.to_owned(),
                handler,
                dead_letters: dead_letters.clone(),
                interval: options.poll_interval,
                checkpoints: options
                    .checkpoint_dir
                    .as_deref()
                    .map(|dir| streams::Checkpoints::new(dir, &mapping.function)),
                stats: stats.entry(mapping.binary.clone()).or_default().clone(),
                progress: {
                    let p = Arc::new(streams::Progress::default());
                    progress.push(p.clone());
                    p
                },
                mapping,
            };
            tasks.push(tokio::spawn(poller.run(watcher.clone())));
        }

        let ses_events = ses_events::Target {
            in_process: Arc::new(afterclick_ses_events::SesEvents::new(store.clone())),
            binary: hosts.get("ses-events").cloned(),
        };

        // As its binary builds it: the store alone, no sender.
        let sweeper = Arc::new(Sweeper::new(store.clone()));
        let timer = SweepTarget {
            sweeper: sweeper.clone(),
            binary: hosts.get("sweeper").cloned(),
        };
        let mut timer_shutdown = watcher.clone();
        let interval = options.sweep_interval;
        tasks.push(tokio::spawn(async move {
            loop {
                tokio::select! {
                    _ = tokio::time::sleep(interval) => {}
                    _ = timer_shutdown.changed() => return,
                }
                if let Err(err) = timer.run().await {
                    tracing::warn!(error = %err, "sweep failed");
                }
            }
        }));

        let dev = Router::new()
            .route("/_dev/outbox", get(outbox))
            .route("/_dev/outbox.json", get(outbox_json))
            .route("/_dev/outbox/email/{index}", get(outbox_email))
            .route("/_dev/ses-events", axum::routing::post(post_ses_event))
            .with_state(DevState {
                http: reqwest::Client::new(),
                moto_endpoint: options.moto_endpoint.clone(),
                store: store.clone(),
                ses_events: ses_events.clone(),
            });
        let mut api = afterclick_api::App::new(
            store.clone(),
            SesIdentities::from_conf(&moto_conf),
            api_url.clone(),
        );
        // Local receivers (`make run`, the end-to-end tests) listen on plain http.
        api.allow_local_webhook_urls = true;
        let functions = if hosts.is_empty() {
            afterclick_api::routes(api).merge(afterclick_webhook::routes(
                afterclick_webhook::Webhooks::new(store.clone()),
            ))
        } else {
            let yaml = std::fs::read_to_string(&options.template)
                .map_err(template::TemplateError::from)?;
            let mut table = Vec::new();
            for def in &template.functions {
                let Some(host) = hosts.get(&def.binary) else {
                    continue;
                };
                for (method, path) in
                    template::http_api_routes(&yaml, &def.name).unwrap_or_default()
                {
                    table.push((method, path, host.clone()));
                }
            }
            gateway::routes(table)
        };
        let app = afterclick_web::with_fallbacks(functions.merge(dev));
        tasks.push(tokio::spawn(serve(listener, app, watcher.clone())));

        Ok(Self {
            info,
            store,
            kms_endpoint,
            sweeper,
            notify,
            ses_events,
            progress,
            dead_letters,
            moto_endpoint: options.moto_endpoint,
            stats,
            meter,
            faults,
            lanes,
            hosts,
            shutdown,
            tasks,
        })
    }

    /// DynamoDB capacity consumed through the store since this devstack started.
    pub fn capacity(&self) -> capacity::Usage {
        self.meter.usage()
    }

    /// The lane of the stream consumer `function` (by binary) that records with this
    /// partition key go to: records in one lane can share a batch, others never do.
    pub fn lane(&self, function: &str, pk: &str) -> Option<usize> {
        self.lanes.get(function).map(|&n| streams::lane(pk, n))
    }

    /// Faults to inject into the in-process functions' DynamoDB requests (tests only).
    pub fn faults(&self) -> &faults::Faults {
        &self.faults
    }

    /// DynamoDB requests through the store since this devstack started, by operation.
    pub fn requests(&self) -> std::collections::BTreeMap<&'static str, u64> {
        self.meter.requests()
    }

    /// Stream records each function (by binary) was handed since this devstack started.
    pub fn records_delivered(&self, function: &str) -> u64 {
        self.function_stats(function)
            .map_or(0, |s| s.records.load(Ordering::Relaxed))
    }

    /// Stream records each function (by binary) was handed again after a failed invocation.
    pub fn records_redelivered(&self, function: &str) -> u64 {
        self.function_stats(function)
            .map_or(0, |s| s.redelivered.load(Ordering::Relaxed))
    }

    /// What a stream consumer (by binary) was handed and how long it worked.
    pub fn function_stats(&self, function: &str) -> Option<&streams::FunctionStats> {
        self.stats.get(function).map(Arc::as_ref)
    }

    pub async fn outbox(&self) -> Result<outbox::Outbox, reqwest::Error> {
        outbox::fetch(&reqwest::Client::new(), &self.moto_endpoint).await
    }

    /// Delivers one SES event (event-publishing JSON, see [`ses_events::event`]) to the
    /// ses-events function as the configuration set's SNS topic would.
    pub async fn ses_event(&self, event: &serde_json::Value) -> Result<(), String> {
        self.ses_events.deliver(event).await
    }

    /// The notify function, to replay stream records at it (exactly-once tests).
    pub fn notify(&self) -> Arc<Notify<DynamoStore, SesMailer, SnsTexter>> {
        self.notify.clone()
    }

    pub async fn store_notifications(
        &self,
        merchant_id: &str,
        tracking_number: &str,
    ) -> Vec<afterclick_domain::Notification> {
        use afterclick_domain::ports::ShipmentStore;
        self.store
            .notifications(merchant_id, tracking_number)
            .await
            .unwrap_or_default()
    }

    /// The stream event Lambda would deliver for this notification's INSERT.
    pub fn notification_record(&self, n: &afterclick_domain::Notification) -> Event {
        let image: std::collections::HashMap<String, aws_sdk_dynamodb::types::AttributeValue> =
            serde_dynamo::to_item(n).unwrap_or_default();
        let image: serde_dynamo::Item = image.into();
        let record = serde_json::json!({
            "eventID": "replay", "eventName": "INSERT", "eventSource": "aws:dynamodb", "awsRegion": REGION,
            "dynamodb": {"NewImage": image, "SequenceNumber": "1", "SizeBytes": 1, "StreamViewType": "NEW_AND_OLD_IMAGES"}
        });
        serde_json::from_value(serde_json::json!({ "Records": [record] })).unwrap_or_default()
    }

    /// One sweep now, as the schedule would run it (in binary mode, the sweeper binary),
    /// returning once the stream mappings have handled what it wrote (see [`Self::settle`]).
    pub async fn sweep(&self) -> Result<SweepReport, SweepError> {
        let report = SweepTarget {
            sweeper: self.sweeper.clone(),
            binary: self.hosts.get("sweeper").cloned(),
        }
        .run()
        .await?;
        self.settle().await;
        Ok(report)
    }

    /// A devstack convenience for tests, not how AWS behaves: waits until every stream
    /// mapping has handled the records written so far (a sweep's wake-ups reach notify and
    /// dispatch through the stream, asynchronously, on AWS), so a test can read the outbox
    /// or a delivery log right after a sweep. Gives up after a minute with a warning.
    pub async fn settle(&self) {
        let waits = self
            .progress
            .iter()
            .map(|p| p.caught_up(Duration::from_secs(60)));
        if !futures::future::join_all(waits)
            .await
            .into_iter()
            .all(|done| done)
        {
            tracing::warn!("the stream mappings did not catch up within a minute");
        }
    }

    /// Binary mode: a running function by binary name (its process ids, its counters).
    pub fn function(&self, binary: &str) -> Option<&Arc<lambda::FunctionHost>> {
        self.hosts.get(binary)
    }

    /// One sweep with the clock pinned (tests: "three days later"), run in process (the
    /// sweeper binary cannot be given a clock); its wake-ups carry the pinned time, so notify
    /// and dispatch (in process, or their binaries) act as of it. Returns once the stream
    /// mappings have handled what it wrote ([`Self::settle`]).
    pub async fn sweep_at(
        &self,
        clock: fn() -> chrono::DateTime<chrono::Utc>,
    ) -> Result<SweepReport, afterclick_domain::ports::StoreError> {
        let sweeper = Sweeper {
            store: self.store.clone(),
            clock,
        };
        let report = sweeper.run_at(clock()).await?;
        self.settle().await;
        Ok(report)
    }

    pub async fn stop(self) {
        let _ = self.shutdown.send(true);
        for task in self.tasks {
            let _ = task.await;
        }
        for host in self.hosts.values() {
            host.stop().await;
        }
    }
}

/// The scheduled sweep: in process, or the sweeper binary invoked with the scheduler's event.
struct SweepTarget {
    sweeper: Arc<Sweeper<DynamoStore>>,
    binary: Option<Arc<lambda::FunctionHost>>,
}

impl SweepTarget {
    async fn run(&self) -> Result<SweepReport, SweepError> {
        match &self.binary {
            None => Ok(self.sweeper.run().await?),
            Some(host) => {
                let payload = serde_json::to_vec(&scheduler_event())?;
                Ok(serde_json::from_slice(&host.invoke(payload).await?)?)
            }
        }
    }
}

/// Starts every function of the template from its binary in `dir`, configured the way the
/// template and Lambda configure it (the template's environment, Lambda's reserved
/// variables), pointed at DynamoDB Local and moto.
async fn start_hosts(
    functions: &[template::FunctionDef],
    dir: &std::path::Path,
    options: &Options,
    api_url: &str,
    kms_endpoint: &str,
) -> Result<BTreeMap<String, Arc<lambda::FunctionHost>>, DevstackError> {
    let template = template::Template::load(&options.template)?;
    let mut env = BTreeMap::new();
    for (k, v) in [
        ("TABLE_NAME", options.table_name.as_str()),
        ("PUBLIC_BASE_URL", api_url),
        ("AWS_REGION", REGION),
        ("AWS_DEFAULT_REGION", REGION),
        ("AWS_ACCESS_KEY_ID", "local"),
        ("AWS_SECRET_ACCESS_KEY", "local"),
        (
            "AWS_ENDPOINT_URL_DYNAMODB",
            options.dynamodb_endpoint.as_str(),
        ),
        ("AWS_ENDPOINT_URL_SESV2", options.moto_endpoint.as_str()),
        ("AWS_ENDPOINT_URL_SNS", options.moto_endpoint.as_str()),
        ("AWS_ENDPOINT_URL_KMS", kms_endpoint),
        ("SECRETS_KEY_ID", kms::LOCAL_KEY_ID),
        ("AWS_EC2_METADATA_DISABLED", "true"),
    ] {
        env.insert(k.to_owned(), v.to_owned());
    }
    if let Some(url) = &options.bigcommerce_api_url {
        env.insert("BIGCOMMERCE_API_URL".to_owned(), url.clone());
    }
    if let Some(url) = &options.ga4_endpoint {
        env.insert("GA4_ENDPOINT".to_owned(), url.clone());
    }
    // What the template's generated secret is on AWS: one per stack, shared by instances.
    env.insert(
        "RATE_LIMIT_PEPPER".to_owned(),
        afterclick_aws::secrets::new_token(),
    );
    env.insert(
        "RUST_LOG".to_owned(),
        std::env::var("RUST_LOG").unwrap_or_else(|_| "warn".to_owned()),
    );
    let mut hosts = BTreeMap::new();
    for def in functions {
        // Lambda runs as many batches of a shard at once as the parallelization factor; the
        // HTTP functions scale with requests (a few instances are plenty locally).
        let instances = template
            .mappings
            .iter()
            .find(|m| m.function == def.name)
            .map_or(if def.binary == "sweeper" { 1 } else { 4 }, |m| {
                m.parallelization_factor
            });
        let host = lambda::FunctionHost::start(lambda::FunctionSpec {
            name: def.name.clone(),
            // `target/debug/notify`, or `target/lambda/notify/bootstrap` as `make build` lays it out.
            binary: if dir.join(&def.binary).is_file() {
                dir.join(&def.binary)
            } else {
                dir.join(&def.binary).join("bootstrap")
            },
            env: {
                let mut env = env.clone();
                if let Some(extra) = options.function_env.get(&def.binary) {
                    env.extend(extra.clone());
                }
                env
            },
            memory_mb: def.memory_mb,
            timeout: Duration::from_secs(def.timeout_seconds),
            instances,
        })
        .await
        .map_err(|e| DevstackError::Binary(e.to_string()))?;
        hosts.insert(def.binary.clone(), host);
    }
    Ok(hosts)
}
