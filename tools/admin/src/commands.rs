//! What each command does to the table, and what it tells the operator.

use crate::args::{Command, KeyCommand, MerchantCommand, SecretsCommand};
use afterclick_aws::DynamoStore;
use afterclick_aws::secrets::{hash_api_key, new_api_key};
use afterclick_domain::Merchant;
use afterclick_domain::ports::{ApiKey, ApiKeyStore, MerchantStore, StoreError};
use afterclick_domain::validate::{validate_email, validate_text};
use chrono::{DateTime, SecondsFormat, Utc};
use std::fmt::Write as _;

/// Why a command did not do its work; each maps to an exit code.
#[derive(Debug)]
pub enum Failure {
    /// The arguments are wrong (exit 2).
    Usage(String),
    /// The table says no: exists, unknown, already revoked (exit 1).
    Refused(String),
    /// The table could not be reached or read (exit 3).
    Store(StoreError),
}

impl From<StoreError> for Failure {
    fn from(err: StoreError) -> Self {
        Failure::Store(err)
    }
}

/// What a command prints: `stdout` is for scripts (a new key, alone), `note` for people.
#[derive(Debug, Default)]
pub struct Output {
    pub stdout: String,
    pub note: String,
}

fn valid_id(field: &str, id: &str) -> Result<(), Failure> {
    afterclick_domain::ids::valid_new_merchant_id(id)
        .then_some(())
        .ok_or_else(|| {
            Failure::Usage(format!(
                "--{field} must be 2 to 64 lowercase letters, digits, `_` or `-`"
            ))
        })
}

fn valid_domain(domain: &str) -> Result<String, Failure> {
    let domain = domain.trim().trim_end_matches('.').to_ascii_lowercase();
    let ok = domain.len() <= 253
        && domain.contains('.')
        && domain.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        });
    ok.then_some(domain.clone())
        .ok_or_else(|| Failure::Usage(format!("--sender-domain `{domain}` is not a domain name")))
}

fn time(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

async fn existing(store: &DynamoStore, id: &str) -> Result<Merchant, Failure> {
    store
        .merchant(id)
        .await?
        .ok_or_else(|| Failure::Refused(format!("there is no merchant `{id}`")))
}

pub async fn run(
    store: &DynamoStore,
    command: Command,
    now: DateTime<Utc>,
) -> Result<Output, Failure> {
    match command {
        Command::Merchant(MerchantCommand::Create {
            id,
            name,
            sender_email,
            sender_domains,
        }) => create_merchant(store, id, name, sender_email, sender_domains).await,
        Command::Merchant(MerchantCommand::Show { id }) => show_merchant(store, &id, now).await,
        Command::Secrets(SecretsCommand::Seal) => seal_secrets(store).await,
        Command::Key(KeyCommand::Issue { merchant, name }) => {
            issue_key(store, &merchant, name, now).await
        }
        Command::Key(KeyCommand::List { merchant }) => list_keys(store, &merchant, now).await,
        Command::Key(KeyCommand::Revoke { merchant, key_id }) => {
            existing(store, &merchant).await?;
            if store.revoke_api_key(&merchant, &key_id, now).await? {
                Ok(Output {
                    note: format!(
                        "Revoked key {key_id} of merchant {merchant}: it no longer works.\n"
                    ),
                    ..Output::default()
                })
            } else {
                Err(Failure::Refused(format!(
                    "merchant `{merchant}` has no unrevoked key `{key_id}` (see `key list`)"
                )))
            }
        }
    }
}

async fn create_merchant(
    store: &DynamoStore,
    id: String,
    name: String,
    sender_email: String,
    sender_domains: Vec<String>,
) -> Result<Output, Failure> {
    valid_id("id", &id)?;
    validate_text("name", &name, 80).map_err(|e| Failure::Usage(format!("--{e}")))?;
    validate_email("sender-email", &sender_email).map_err(|e| Failure::Usage(format!("--{e}")))?;
    let email_domain = sender_email
        .rsplit_once('@')
        .map(|(_, d)| d.to_owned())
        .unwrap_or_default();
    let sender_domains = if sender_domains.is_empty() {
        vec![valid_domain(&email_domain)?]
    } else {
        sender_domains
            .iter()
            .map(|d| valid_domain(d))
            .collect::<Result<Vec<_>, _>>()?
    };
    let merchant = Merchant {
        merchant_id: id.clone(),
        brand_name: name.trim().to_owned(),
        sender_email,
        reply_to: None,
        sms_sender_id: None,
        channels: Merchant::default_channels(),
        // None yet: the merchant creates each provider's with the rotate endpoint, which
        // is the only place a secret is ever shown.
        webhook_secrets: Default::default(),
        stall_after_hours: afterclick_domain::model::DEFAULT_STALL_HOURS,
        trending_late_percent: afterclick_domain::lanes::DEFAULT_TRENDING_LATE_PERCENT,
        branding: Default::default(),
        sender_domains,
        integrations: Default::default(),
        ga4: None,
    };
    if !merchant.owns_sender(&merchant.sender_email) {
        return Err(Failure::Usage(
            "--sender-email must be on one of the --sender-domain domains".into(),
        ));
    }
    if !store.create_merchant(&merchant).await? {
        return Err(Failure::Refused(format!(
            "merchant `{id}` already exists; nothing was changed"
        )));
    }
    Ok(Output {
        note: format!(
            "Created merchant {id} ({}), sending from {} (domains: {}).\n\
             Next: verify the sender in SES, then `key issue --merchant {id}`.\n",
            merchant.brand_name,
            merchant.sender_email,
            merchant.sender_domains.join(", ")
        ),
        ..Output::default()
    })
}

async fn seal_secrets(store: &DynamoStore) -> Result<Output, Failure> {
    let report = store.seal_plaintext_secrets().await?;
    Ok(Output {
        note: format!(
            "Sealed {} secret(s) stored in the clear; {} already sealed; {} changed meanwhile \
             (rotated: stored sealed by the rotation).\n",
            report.sealed, report.already, report.raced
        ),
        ..Output::default()
    })
}

fn describe(key: &ApiKey, now: DateTime<Utc>) -> String {
    match (key.revoked_at, key.expires_at) {
        (Some(at), _) => format!("revoked {}", time(at)),
        (None, Some(at)) if at <= now => format!("expired {}", time(at)),
        (None, Some(at)) => format!("expires {}", time(at)),
        (None, None) => "active".into(),
    }
}

async fn show_merchant(
    store: &DynamoStore,
    id: &str,
    now: DateTime<Utc>,
) -> Result<Output, Failure> {
    let m = existing(store, id).await?;
    let keys = store.api_keys(id).await?;
    let valid = keys.iter().filter(|k| k.is_valid_at(now)).count();
    let providers: Vec<&str> = m
        .webhook_secrets
        .iter()
        .filter(|(_, secrets)| !secrets.is_empty())
        .map(|(provider, _)| provider.as_str())
        .collect();
    let mut out = String::new();
    let _ = writeln!(out, "merchant      {}", m.merchant_id);
    let _ = writeln!(out, "brand         {}", m.brand_name);
    let _ = writeln!(out, "sender        {}", m.sender_email);
    let _ = writeln!(out, "domains       {}", m.sender_domains.join(", "));
    let webhooks = if providers.is_empty() {
        "none yet".to_owned()
    } else {
        providers.join(", ")
    };
    let _ = writeln!(out, "webhooks      {webhooks}");
    let _ = writeln!(out, "api keys      {valid} valid of {}", keys.len());
    Ok(Output {
        stdout: out,
        ..Output::default()
    })
}

async fn issue_key(
    store: &DynamoStore,
    merchant: &str,
    name: Option<String>,
    now: DateTime<Utc>,
) -> Result<Output, Failure> {
    if let Some(name) = &name {
        validate_text("name", name, 80).map_err(|e| Failure::Usage(format!("--{e}")))?;
    }
    existing(store, merchant).await?;
    let issued = new_api_key();
    let key = ApiKey {
        key_id: issued.key_id.clone(),
        merchant_id: merchant.to_owned(),
        name,
        created_at: now,
        expires_at: None,
        revoked_at: None,
    };
    store
        .create_api_key(&key, &hash_api_key(&issued.key))
        .await?;
    Ok(Output {
        stdout: format!("{}\n", issued.key),
        note: format!(
            "Issued key {} for merchant {merchant}. This is the only time it is shown: \
             store it now (afterclick keeps only its SHA-256).\n",
            issued.key_id
        ),
    })
}

async fn list_keys(
    store: &DynamoStore,
    merchant: &str,
    now: DateTime<Utc>,
) -> Result<Output, Failure> {
    existing(store, merchant).await?;
    let keys = store.api_keys(merchant).await?;
    let mut out = format!("{:<14} {:<20} {:<22} STATUS\n", "KEY ID", "NAME", "CREATED");
    for key in &keys {
        let _ = writeln!(
            out,
            "{:<14} {:<20} {:<22} {}",
            key.key_id,
            key.name.as_deref().unwrap_or("-"),
            time(key.created_at),
            describe(key, now)
        );
    }
    let note = if keys.is_empty() {
        format!("Merchant {merchant} has no keys yet.\n")
    } else {
        String::new()
    };
    Ok(Output { stdout: out, note })
}
