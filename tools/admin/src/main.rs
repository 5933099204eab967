//! `afterclick-admin`: the operator's CLI for merchants and API keys, against the real
//! table (or DynamoDB Local with `--endpoint`). Keys are printed once and stored as SHA-256.
//!
//! Exit codes: 0 done, 1 refused by the table (exists, unknown, already revoked), 2 bad
//! arguments, 3 the table could not be reached.

mod args;
mod commands;

use afterclick_aws::DynamoStore;
use aws_config::BehaviorVersion;
use aws_config::environment::EnvironmentVariableRegionProvider;
use aws_config::meta::region::RegionProviderChain;
use aws_sdk_dynamodb::config::{Credentials, ProvideCredentials};
use commands::Failure;
use std::process::ExitCode;

/// DynamoDB Local (the devstack's) takes any credentials; the operator should not have to
/// invent some. The devstack's own, so tables kept per access key are the same ones.
fn is_local(endpoint: &str) -> bool {
    let authority = endpoint
        .split_once("://")
        .map_or(endpoint, |(_, rest)| rest)
        .split('/')
        .next()
        .unwrap_or_default();
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => authority
            .rsplit_once(':')
            .map_or(authority, |(host, _)| host),
    };
    matches!(host, "localhost" | "127.0.0.1" | "::1")
}

async fn store(endpoint: Option<String>, table: String) -> Result<DynamoStore, String> {
    let mut loader =
        aws_config::defaults(BehaviorVersion::latest()).http_client(afterclick_aws::https_client());
    if let Some(endpoint) = endpoint {
        let configured = ["AWS_ACCESS_KEY_ID", "AWS_PROFILE"]
            .iter()
            .any(|name| std::env::var_os(name).is_some());
        if is_local(&endpoint) && !configured {
            loader = loader
                .credentials_provider(Credentials::new("local", "local", None, None, "local"));
        }
        // DynamoDB Local ignores the region, but the SDK insists on one. The environment's
        // or a fixed one: the default chain would build an IMDS client of its own, outside
        // the loader's HTTPS client.
        loader = loader.endpoint_url(endpoint).region(
            RegionProviderChain::first_try(EnvironmentVariableRegionProvider::new())
                .or_else("us-east-1"),
        );
    }
    let conf = loader.load().await;
    // Asked once up front: without credentials every request fails with a long SDK error,
    // and the operator needs one line saying what is missing.
    let provider = conf
        .credentials_provider()
        .ok_or("no AWS credentials provider")?;
    if let Err(err) = provider.provide_credentials().await {
        return Err(format!(
            "no AWS credentials found ({}): set AWS_PROFILE or AWS_ACCESS_KEY_ID and \
             AWS_SECRET_ACCESS_KEY (or point --endpoint at DynamoDB Local)",
            one_line(&err.to_string())
        ));
    }
    let store = DynamoStore::from_conf(&conf, table);
    // Only `secrets seal` needs the key; the other commands never touch a secret.
    let Ok(key) = afterclick_aws::config::secrets_key_id() else {
        return Ok(store);
    };
    let mut kms = aws_sdk_kms::config::Builder::from(&conf);
    if let Ok(url) = std::env::var("AWS_ENDPOINT_URL_KMS") {
        // `--endpoint` points every service at DynamoDB; KMS has its own.
        kms = kms.endpoint_url(url);
    }
    Ok(store.with_sealer(afterclick_aws::sealing::KmsSealer::new(
        aws_sdk_kms::Client::from_conf(kms.build()),
        key,
    )))
}

/// An SDK error without the debug dump the SDK appends (` (DispatchFailure(…` and such):
/// the operator gets the cause in one line.
fn one_line(message: &str) -> &str {
    let dump = message
        .match_indices(" (")
        .find(|(at, _)| message[at + 2..].starts_with(|c: char| c.is_ascii_uppercase()))
        .map_or(message.len(), |(at, _)| at);
    message[..dump].lines().next().unwrap_or_default()
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    // clap prints `--help` (exit 0) and usage errors (exit 2) itself.
    let invocation = match <args::Invocation as clap::Parser>::try_parse() {
        Ok(invocation) => invocation,
        Err(err) => {
            let _ = err.print();
            return ExitCode::from(u8::try_from(err.exit_code()).unwrap_or(2));
        }
    };
    // clap has read `AWS_ENDPOINT_URL_DYNAMODB`; an empty one counts as unset, as for the SDK.
    let endpoint = invocation.endpoint.filter(|v| !v.is_empty()).or_else(|| {
        std::env::var("AWS_ENDPOINT_URL")
            .ok()
            .filter(|v| !v.is_empty())
    });
    let Some(table) = invocation.table else {
        let missing = <args::Invocation as clap::CommandFactory>::command().error(
            clap::error::ErrorKind::MissingRequiredArgument,
            "name the table with --table or AFTERCLICK_TABLE",
        );
        let _ = missing.print();
        return ExitCode::from(2);
    };
    let store = match store(endpoint, table).await {
        Ok(store) => store,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(3);
        }
    };
    match commands::run(&store, invocation.command, chrono::Utc::now()).await {
        Ok(output) => {
            print!("{}", output.stdout);
            eprint!("{}", output.note);
            ExitCode::SUCCESS
        }
        Err(Failure::Usage(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
        Err(Failure::Refused(message)) => {
            eprintln!("refused: {message}");
            ExitCode::from(1)
        }
        Err(Failure::Store(err)) => {
            eprintln!(
                "error: the table could not be used: {}",
                one_line(&err.to_string())
            );
            ExitCode::from(3)
        }
    }
}
