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
use commands::Failure;
use std::process::ExitCode;

async fn store(endpoint: Option<String>, table: String) -> DynamoStore {
    let mut loader =
        aws_config::defaults(BehaviorVersion::latest()).http_client(afterclick_aws::https_client());
    if let Some(endpoint) = endpoint {
        // DynamoDB Local ignores the region, but the SDK insists on one. The environment's
        // or a fixed one: the default chain would build an IMDS client of its own, outside
        // the loader's HTTPS client.
        loader = loader.endpoint_url(endpoint).region(
            RegionProviderChain::first_try(EnvironmentVariableRegionProvider::new())
                .or_else("us-east-1"),
        );
    }
    DynamoStore::from_conf(&loader.load().await, table)
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    if argv.iter().any(|a| a == "--help" || a == "-h") {
        println!("{}", args::USAGE);
        return ExitCode::SUCCESS;
    }
    let invocation = match args::parse(&argv) {
        Ok(invocation) => invocation,
        Err(message) => {
            eprintln!("error: {message}\n\n{}", args::USAGE);
            return ExitCode::from(2);
        }
    };
    let endpoint = invocation
        .endpoint
        .or_else(|| std::env::var("AWS_ENDPOINT_URL").ok());
    let Some(table) = invocation
        .table
        .or_else(|| std::env::var("AFTERCLICK_TABLE").ok())
    else {
        eprintln!("error: name the table with --table or AFTERCLICK_TABLE");
        return ExitCode::from(2);
    };
    let store = store(endpoint, table).await;
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
            eprintln!("error: the table could not be used: {err}");
            ExitCode::from(3)
        }
    }
}
