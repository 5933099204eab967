//! `devstack run`: serve the API and webhooks, poll the stream, seed the demo merchant.
//! `devstack sign <provider> <body-file>`: print Standard Webhooks headers for a body, signed
//! with the demo merchant's secret, for `curl -H @file`.
//!
//! Endpoints come from `AWS_ENDPOINT_URL_DYNAMODB` and `AWS_ENDPOINT_URL_SESV2` (moto serves
//! SES v2 and SNS on one port), as the Makefile sets them.

use afterclick_devstack::{Devstack, Options};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

const STATE_FILE: &str = ".local/devstack.json";

fn env_or(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_owned())
}

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        None | Some("run") => run().await,
        Some("sign") => sign(&args[1..]),
        Some(other) => Err(format!("unknown command `{other}`; use `run` or `sign`")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("devstack: {err}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), String> {
    afterclick_aws::init_tracing();
    let port: u16 = env_or("AFTERCLICK_PORT", "3000")
        .parse()
        .map_err(|_| "AFTERCLICK_PORT must be a port number".to_owned())?;
    let table_name = env_or("TABLE_NAME", "afterclick");
    let dynamodb_endpoint = env_or("AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:8000");
    let options = Options {
        template: PathBuf::from(env_or("AFTERCLICK_TEMPLATE", "infra/template.yaml")),
        table_name: table_name.clone(),
        dynamodb_endpoint: dynamodb_endpoint.clone(),
        moto_endpoint: env_or("AWS_ENDPOINT_URL_SESV2", "http://127.0.0.1:5000"),
        bind: ([127, 0, 0, 1], port).into(),
        poll_interval: Duration::from_millis(250),
        dead_letter_file: Some(PathBuf::from(".local/dead-letters.jsonl")),
        // Kept with the data in .local/data: a restart resumes where the stream was left.
        checkpoint_dir: Some(PathBuf::from(".local/checkpoints")),
        // `AFTERCLICK_BINARIES=target/debug make run`: the real function binaries behind a
        // local Lambda Runtime API (slower to start; what `make test` checks too).
        binaries: std::env::var_os("AFTERCLICK_BINARIES").map(PathBuf::from),
        sweep_interval: Duration::from_secs(
            env_or("AFTERCLICK_SWEEP_SECONDS", "60")
                .parse()
                .map_err(|_| "AFTERCLICK_SWEEP_SECONDS must be a number".to_owned())?,
        ),
        function_env: Default::default(),
        demo_api_key: previous_api_key(),
        secrets_key_file: Some(PathBuf::from(".local/kms-secrets.key")),
        bigcommerce_api_url: std::env::var("BIGCOMMERCE_API_URL").ok(),
        ga4_endpoint: std::env::var("GA4_ENDPOINT").ok(),
    };
    let stack = Devstack::start(options).await.map_err(|e| e.to_string())?;
    let info = serde_json::to_string_pretty(&stack.info).map_err(|e| e.to_string())?;
    std::fs::create_dir_all(".local").map_err(|e| e.to_string())?;
    std::fs::write(STATE_FILE, format!("{info}\n")).map_err(|e| e.to_string())?;
    let env = stack
        .info
        .shell_env(&dynamodb_endpoint, &table_name, &stack.kms_endpoint);
    std::fs::write(".local/devstack.env", env).map_err(|e| e.to_string())?;
    // The API key and webhook secrets stay in the files above: the terminal (and any log
    // it is redirected to) gets where to find them, not the secrets themselves.
    println!(
        "demo merchant {} at {}; its API key and webhook secrets are in {STATE_FILE} and .local/devstack.env",
        stack.info.merchant_id, stack.info.api_url
    );
    let demos = afterclick_devstack::demo::seed(&stack.info, chrono::Utc::now()).await?;
    for demo in &demos {
        println!("demo tracking page ({}): {}", demo.story, demo.url);
    }
    // Weeks of history for the dashboard, in the background: the stack is usable meanwhile.
    let history_info = stack.info.clone();
    tokio::spawn(async move {
        match afterclick_devstack::demo::seed_history(&history_info, chrono::Utc::now()).await {
            Ok(n) => println!(
                "demo history: {n} shipments over four weeks, five carriers (see the dashboard)"
            ),
            Err(err) => eprintln!("demo history not seeded: {err}"),
        }
        match afterclick_devstack::demo::seed_email_reports(
            &history_info,
            afterclick_devstack::demo::HISTORY,
        )
        .await
        {
            Ok(n) => println!("demo email reports: SES's delivery reports for {n} emails"),
            Err(err) => eprintln!("demo email reports not seeded: {err}"),
        }
    });
    println!(
        "merchant dashboard: {}/app (sign in with the demo API key: $AFTERCLICK_API_KEY in .local/devstack.env)",
        stack.info.api_url
    );
    println!(
        "afterclick devstack is up: API and webhooks at {url}, outbox at {url}/_dev/outbox\n\
         (written to {STATE_FILE}; `source .local/devstack.env` for the README walkthrough). Ctrl-C stops.",
        url = stack.info.api_url
    );
    tokio::signal::ctrl_c().await.map_err(|e| e.to_string())?;
    stack.stop().await;
    Ok(())
}

/// The demo key an earlier run wrote down, if any (the devstack checks it still works).
fn previous_api_key() -> Option<String> {
    let state: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(STATE_FILE).ok()?).ok()?;
    state["api_key"].as_str().map(str::to_owned)
}

fn sign(args: &[String]) -> Result<(), String> {
    let [provider, file] = args else {
        return Err("usage: devstack sign <provider> <body-file>".into());
    };
    let state: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(STATE_FILE)
            .map_err(|e| format!("{STATE_FILE}: {e} (is `make run` running?)"))?,
    )
    .map_err(|e| format!("{STATE_FILE}: {e}"))?;
    let secret = state["webhook_secrets"][provider.as_str()]
        .as_str()
        .ok_or_else(|| format!("no webhook secret for `{provider}` in {STATE_FILE}"))?;
    let body = std::fs::read(file).map_err(|e| format!("{file}: {e}"))?;
    let id = format!("msg_{}", afterclick_aws::secrets::new_token());
    let timestamp = chrono::Utc::now().timestamp();
    let signature = afterclick_domain::signature::sign(secret, &id, timestamp, &body)
        .map_err(|e| e.to_string())?;
    println!("webhook-id: {id}\nwebhook-timestamp: {timestamp}\nwebhook-signature: {signature}");
    Ok(())
}
