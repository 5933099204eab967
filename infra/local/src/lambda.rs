//! A local Lambda Runtime API host: runs a function's real binary (its `main.rs`, its
//! environment configuration, `lambda_runtime`/`lambda_http` decoding AWS's events) the way a
//! `provided.al2023` sandbox does. Each instance is one process with its own Runtime API
//! endpoint; an instance takes one invocation at a time, so concurrency is the number of
//! instances, as on Lambda. A process that dies mid-invocation fails that invocation
//! (`Runtime.ExitError`) and is started again, as Lambda starts a new sandbox.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;
use tokio::sync::{Mutex, mpsc, oneshot, watch};

const API: &str = "/2018-06-01/runtime";

/// Why an invocation has no response.
#[derive(Debug, Clone, thiserror::Error)]
pub enum InvokeError {
    /// The function answered on `/error` (`errorType`, `errorMessage`).
    #[error("function error {kind}: {message}")]
    Function { kind: String, message: String },
    /// The process exited (or failed to start) before answering.
    #[error("Runtime.ExitError: {0}")]
    Exited(String),
    #[error("the function host is stopped")]
    Stopped,
}

/// One function: its binary, its environment, how many instances may run at once.
#[derive(Debug, Clone)]
pub struct FunctionSpec {
    /// The template's resource name (`NotifyFunction`).
    pub name: String,
    pub binary: PathBuf,
    pub env: BTreeMap<String, String>,
    pub memory_mb: u32,
    pub timeout: Duration,
    pub instances: usize,
}

type Responder = oneshot::Sender<Result<Bytes, InvokeError>>;

struct Invocation {
    payload: Bytes,
    respond: Responder,
}

/// What one instance is working on.
struct Instance {
    /// The request id handed out and whom to answer.
    current: Mutex<Option<(String, Responder)>>,
    queue: Arc<Mutex<mpsc::Receiver<Invocation>>>,
    function_arn: String,
    timeout: Duration,
    /// When the process was started, until its first `/next` (its init time).
    spawned: std::sync::Mutex<Option<std::time::Instant>>,
    stats: Arc<HostStats>,
}

/// Counters for tests and benchmarks.
#[derive(Debug, Default)]
pub struct HostStats {
    pub invocations: AtomicU64,
    pub starts: AtomicU64,
    /// Microseconds from a process's start to its first `/invocation/next` (its init time).
    pub init_micros: Mutex<Vec<u64>>,
}

/// A running function: invoke it, or stop it.
pub struct FunctionHost {
    pub spec: FunctionSpec,
    queue: mpsc::Sender<Invocation>,
    pub stats: Arc<HostStats>,
    /// The process ids of the instances, for tests that kill one.
    pids: Arc<std::sync::Mutex<Vec<Option<u32>>>>,
    stopping: Arc<AtomicBool>,
    /// Stops the processes first, then (`shutdown`) their Runtime API servers, so no process
    /// sees its API vanish mid-poll.
    kill: watch::Sender<bool>,
    shutdown: watch::Sender<bool>,
    supervisors: std::sync::Mutex<Vec<tokio::task::JoinHandle<()>>>,
    servers: std::sync::Mutex<Vec<tokio::task::JoinHandle<()>>>,
}

impl FunctionHost {
    pub async fn start(spec: FunctionSpec) -> Result<Arc<Self>, std::io::Error> {
        if !spec.binary.exists() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::NotFound,
                format!(
                    "{} is not built (cargo build --bins)",
                    spec.binary.display()
                ),
            ));
        }
        let (queue, receiver) = mpsc::channel(1024);
        let receiver = Arc::new(Mutex::new(receiver));
        let (shutdown, watcher) = watch::channel(false);
        let (kill, killer) = watch::channel(false);
        let host = Arc::new(Self {
            queue,
            stats: Arc::default(),
            pids: Arc::new(std::sync::Mutex::new(vec![None; spec.instances.max(1)])),
            stopping: Arc::default(),
            kill,
            shutdown,
            supervisors: std::sync::Mutex::default(),
            servers: std::sync::Mutex::default(),
            spec,
        });
        for slot in 0..host.spec.instances.max(1) {
            let instance = Arc::new(Instance {
                current: Mutex::new(None),
                queue: receiver.clone(),
                function_arn: format!(
                    "arn:aws:lambda:{}:123456789012:function:{}",
                    crate::REGION,
                    host.spec.name
                ),
                timeout: host.spec.timeout,
                spawned: std::sync::Mutex::new(None),
                stats: host.stats.clone(),
            });
            let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
            let address = listener.local_addr()?;
            let app = Router::new()
                .route(&format!("{API}/invocation/next"), get(next))
                .route(&format!("{API}/invocation/{{id}}/response"), post(respond))
                .route(&format!("{API}/invocation/{{id}}/error"), post(error))
                .route(&format!("{API}/init/error"), post(init_error))
                .with_state(instance.clone());
            let mut server_shutdown = watcher.clone();
            let server = tokio::spawn(async move {
                let _ = axum::serve(listener, app)
                    .with_graceful_shutdown(async move {
                        let _ = server_shutdown.changed().await;
                    })
                    .await;
            });
            let supervisor = tokio::spawn(supervise(
                host.clone(),
                slot,
                instance,
                address.to_string(),
                killer.clone(),
            ));
            if let Ok(mut tasks) = host.servers.lock() {
                tasks.push(server);
            }
            if let Ok(mut tasks) = host.supervisors.lock() {
                tasks.push(supervisor);
            }
            // One cold start at a time, as separate sandboxes would have them: the init time
            // measured is the function's, not a queue for the machine's two cores.
            for _ in 0..200 {
                if host.stats.init_micros.lock().await.len() > slot {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        }
        Ok(host)
    }

    /// One invocation, as the Lambda service makes it: the payload in, the response out.
    pub async fn invoke(&self, payload: impl Into<Bytes>) -> Result<Bytes, InvokeError> {
        let (respond, answer) = oneshot::channel();
        self.queue
            .send(Invocation {
                payload: payload.into(),
                respond,
            })
            .await
            .map_err(|_| InvokeError::Stopped)?;
        self.stats.invocations.fetch_add(1, Ordering::Relaxed);
        answer.await.unwrap_or(Err(InvokeError::Stopped))
    }

    /// The running processes' ids.
    pub fn pids(&self) -> Vec<u32> {
        self.pids
            .lock()
            .map(|p| p.iter().flatten().copied().collect())
            .unwrap_or_default()
    }

    /// The highest peak resident set (`VmHWM`, KiB) of the running instances (Linux).
    pub fn peak_rss_kib(&self) -> Option<u64> {
        self.pids()
            .into_iter()
            .filter_map(|pid| {
                let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
                status
                    .lines()
                    .find_map(|l| l.strip_prefix("VmHWM:"))
                    .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            })
            .max()
    }

    /// Each process start's init time so far: from exec to its first `/invocation/next`.
    pub async fn init_times(&self) -> Vec<Duration> {
        self.stats
            .init_micros
            .lock()
            .await
            .iter()
            .map(|m| Duration::from_micros(*m))
            .collect()
    }

    pub async fn stop(&self) {
        self.stopping.store(true, Ordering::SeqCst);
        let _ = self.kill.send(true);
        let take = |tasks: &std::sync::Mutex<Vec<tokio::task::JoinHandle<()>>>| {
            tasks
                .lock()
                .map(|mut t| std::mem::take(&mut *t))
                .unwrap_or_default()
        };
        for task in take(&self.supervisors) {
            let _ = task.await;
        }
        let _ = self.shutdown.send(true);
        for task in take(&self.servers) {
            let _ = task.await;
        }
    }
}

/// Keeps one instance's process running: start it, wait for it to exit, fail what it was
/// doing, start it again, until the host stops.
async fn supervise(
    host: Arc<FunctionHost>,
    slot: usize,
    instance: Arc<Instance>,
    runtime_api: String,
    mut shutdown: watch::Receiver<bool>,
) {
    loop {
        if host.stopping.load(Ordering::SeqCst) {
            return;
        }
        let mut command = tokio::process::Command::new(&host.spec.binary);
        command
            .envs(&host.spec.env)
            .env("AWS_LAMBDA_RUNTIME_API", &runtime_api)
            .env("AWS_LAMBDA_FUNCTION_NAME", &host.spec.name)
            .env(
                "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
                host.spec.memory_mb.to_string(),
            )
            .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
            .env(
                "AWS_LAMBDA_LOG_GROUP_NAME",
                format!("/aws/lambda/{}", host.spec.name),
            )
            .env("AWS_LAMBDA_LOG_STREAM_NAME", format!("local/{slot}"))
            .env("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand")
            .env("LAMBDA_TASK_ROOT", "/var/task")
            .stdin(Stdio::null())
            .kill_on_drop(true);
        let started = std::time::Instant::now();
        let mut child = match command.spawn() {
            Ok(child) => child,
            Err(err) => {
                tracing::error!(function = %host.spec.name, error = %err, "cannot start the function");
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            }
        };
        host.stats.starts.fetch_add(1, Ordering::Relaxed);
        if let Ok(mut pids) = host.pids.lock() {
            pids[slot] = child.id();
        }
        if let Ok(mut spawned) = instance.spawned.lock() {
            *spawned = Some(started);
        }
        let status = tokio::select! {
            status = child.wait() => status.map(|s| s.to_string()).unwrap_or_else(|e| e.to_string()),
            _ = shutdown.changed() => {
                let _ = child.kill().await;
                return;
            }
        };
        if let Ok(mut pids) = host.pids.lock() {
            pids[slot] = None;
        }
        if let Some((_, respond)) = instance.current.lock().await.take() {
            let _ = respond.send(Err(InvokeError::Exited(status.clone())));
        }
        if !host.stopping.load(Ordering::SeqCst) {
            tracing::warn!(function = %host.spec.name, %status, "function process exited; starting a new one");
        }
    }
}

async fn next(State(instance): State<Arc<Instance>>) -> Response {
    let spawned = instance.spawned.lock().ok().and_then(|mut s| s.take());
    if let Some(at) = spawned {
        let micros = u64::try_from(at.elapsed().as_micros()).unwrap_or(u64::MAX);
        instance.stats.init_micros.lock().await.push(micros);
    }
    let invocation = {
        let mut queue = instance.queue.lock().await;
        queue.recv().await
    };
    let Some(invocation) = invocation else {
        return StatusCode::GONE.into_response();
    };
    let id = crate::unique_suffix().to_lowercase();
    let deadline = chrono::Utc::now()
        + chrono::Duration::from_std(instance.timeout).unwrap_or(chrono::Duration::seconds(10));
    *instance.current.lock().await = Some((id.clone(), invocation.respond));
    let mut headers = HeaderMap::new();
    let mut put = |name: &'static str, value: String| {
        if let Ok(v) = HeaderValue::from_str(&value) {
            headers.insert(name, v);
        }
    };
    put("lambda-runtime-aws-request-id", id.clone());
    put(
        "lambda-runtime-deadline-ms",
        deadline.timestamp_millis().to_string(),
    );
    put(
        "lambda-runtime-invoked-function-arn",
        instance.function_arn.clone(),
    );
    put(
        "lambda-runtime-trace-id",
        format!("Root=1-00000000-{id};Sampled=0"),
    );
    put("content-type", "application/json".to_owned());
    (headers, invocation.payload).into_response()
}

async fn finish(instance: &Instance, id: &str, result: Result<Bytes, InvokeError>) -> StatusCode {
    let mut current = instance.current.lock().await;
    match current.take() {
        Some((current_id, respond)) if current_id == id => {
            let _ = respond.send(result);
            StatusCode::ACCEPTED
        }
        other => {
            *current = other;
            StatusCode::BAD_REQUEST
        }
    }
}

async fn respond(
    State(instance): State<Arc<Instance>>,
    Path(id): Path<String>,
    body: Bytes,
) -> StatusCode {
    finish(&instance, &id, Ok(body)).await
}

fn function_error(body: &[u8]) -> InvokeError {
    let value: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
    InvokeError::Function {
        kind: value["errorType"].as_str().unwrap_or("Unknown").to_owned(),
        message: value["errorMessage"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
    }
}

async fn error(
    State(instance): State<Arc<Instance>>,
    Path(id): Path<String>,
    body: Bytes,
) -> StatusCode {
    finish(&instance, &id, Err(function_error(&body))).await
}

async fn init_error(body: Bytes) -> StatusCode {
    tracing::error!(error = %function_error(&body), "function init failed");
    StatusCode::ACCEPTED
}
