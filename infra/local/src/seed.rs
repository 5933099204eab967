//! The demo merchant every devstack starts with: notifies every milestone by email and SMS.

use crate::StackInfo;
use afterclick_aws::DynamoStore;
use afterclick_aws::secrets::{hash_api_key, new_api_key, new_shared_secret, new_webhook_secret};
use afterclick_domain::Merchant;
use afterclick_domain::ports::{ApiKey, ApiKeyStore, MerchantStore, SecretBox};
use afterclick_domain::providers::Provider;
use aws_sdk_sesv2::error::DisplayErrorContext;
use std::collections::BTreeMap;

pub const DEMO_MERCHANT_ID: &str = "m_demo";

/// The name of the keys the devstack issues (the key list shows where a key came from).
const KEY_NAME: &str = "devstack";

/// Creates (or, on a restart with kept data, reuses) a merchant, gives it an API key and
/// verifies its sender identity in SES (moto). The key is `previous_key` (the one a kept
/// `.local/devstack.json` holds) while it still works; else a new one, and that previous
/// key is revoked, so restarts never leave keys behind.
pub async fn merchant(
    store: &DynamoStore,
    sesv2: &aws_sdk_sesv2::Client,
    api_url: &str,
    merchant_id: &str,
    brand_name: &str,
    previous_key: Option<&str>,
) -> Result<StackInfo, String> {
    let existing = store
        .merchant(merchant_id)
        .await
        .map_err(|e| e.to_string())?;
    let sender_domain = format!("{}.example.com", merchant_id.replace('_', "-"));
    let merchant = match existing {
        // A database kept from before merchants had sender domains: give it its own.
        Some(mut m) if m.sender_domains.is_empty() => {
            m.sender_domains = vec![sender_domain];
            store.put_merchant(&m).await.map_err(|e| e.to_string())?;
            m
        }
        Some(m) => m,
        None => {
            // Stored sealed, like every secret the API issues.
            let mut webhook_secrets = BTreeMap::new();
            for p in Provider::ALL {
                let secret = match p {
                    Provider::Generic => new_webhook_secret(),
                    _ => new_shared_secret(),
                };
                let sealed = store
                    .seal(merchant_id, &secret)
                    .await
                    .map_err(|e| e.to_string())?;
                webhook_secrets.insert(p.as_str().to_owned(), vec![sealed]);
            }
            let merchant = Merchant {
                merchant_id: merchant_id.to_owned(),
                brand_name: brand_name.to_owned(),
                sender_email: format!("orders@{}.example.com", merchant_id.replace('_', "-")),
                reply_to: None,
                sms_sender_id: None,
                channels: Merchant::default_channels(),
                stall_after_hours: afterclick_domain::model::DEFAULT_STALL_HOURS,
                trending_late_percent: afterclick_domain::lanes::DEFAULT_TRENDING_LATE_PERCENT,
                branding: if merchant_id == DEMO_MERCHANT_ID {
                    demo_branding(&sender_domain)
                } else {
                    Default::default()
                },
                sender_domains: vec![sender_domain],
                webhook_secrets,
                integrations: Default::default(),
                ga4: None,
            };
            store
                .put_merchant(&merchant)
                .await
                .map_err(|e| e.to_string())?;
            merchant
        }
    };
    let verified = sesv2
        .create_email_identity()
        .email_identity(&merchant.sender_email)
        .send()
        .await;
    if let Err(err) = verified {
        let message = DisplayErrorContext(&err).to_string();
        if !message.contains("AlreadyExists") {
            return Err(message);
        }
    }
    let api_key = api_key(store, merchant_id, previous_key).await?;
    let mut webhook_secrets = BTreeMap::new();
    for (provider, secrets) in &merchant.webhook_secrets {
        if let Some(current) = secrets.first() {
            let opened = store
                .open(merchant_id, current)
                .await
                .map_err(|e| format!("{provider}'s webhook secret: {e}"))?;
            webhook_secrets.insert(provider.clone(), opened);
        }
    }
    Ok(StackInfo {
        api_url: api_url.to_owned(),
        merchant_id: merchant_id.to_owned(),
        api_key,
        webhook_secrets,
    })
}

/// `previous` while it is a working key of this merchant; else a new key, and `previous`
/// (rotated, or expired) is revoked, so restarts never leave the keys they minted behind.
/// Only that key: one the merchant made by rotating it is theirs to keep.
async fn api_key(
    store: &DynamoStore,
    merchant_id: &str,
    previous: Option<&str>,
) -> Result<String, String> {
    let now = chrono::Utc::now();
    let stored = match previous {
        Some(key) => store
            .api_key(&hash_api_key(key))
            .await
            .map_err(|e| e.to_string())?
            .filter(|k| k.merchant_id == merchant_id),
        None => None,
    };
    // Still active and never rotated: a rotated key stops working within a day.
    if let (Some(key), Some(stored)) = (previous, &stored)
        && stored.revoked_at.is_none()
        && stored.expires_at.is_none()
    {
        return Ok(key.to_owned());
    }
    let issued = new_api_key();
    let key = ApiKey {
        key_id: issued.key_id.clone(),
        merchant_id: merchant_id.to_owned(),
        name: Some(KEY_NAME.into()),
        created_at: now,
        expires_at: None,
        revoked_at: None,
    };
    store
        .create_api_key(&key, &hash_api_key(&issued.key))
        .await
        .map_err(|e| e.to_string())?;
    if let Some(old) = stored.filter(|k| k.revoked_at.is_none()) {
        store
            .revoke_api_key(merchant_id, &old.key_id, now)
            .await
            .map_err(|e| e.to_string())?;
    }
    Ok(issued.key)
}

pub async fn demo_merchant(
    store: &DynamoStore,
    sesv2: &aws_sdk_sesv2::Client,
    api_url: &str,
    previous_key: Option<&str>,
) -> Result<StackInfo, String> {
    merchant(
        store,
        sesv2,
        api_url,
        DEMO_MERCHANT_ID,
        "Demo Shop",
        previous_key,
    )
    .await
}

/// The demo shop looks like a shop: its own colour and a way to reach it.
fn demo_branding(domain: &str) -> afterclick_domain::model::Branding {
    afterclick_domain::model::Branding {
        primary_color: "#0f766e".into(),
        accent_color: "#b45309".into(),
        support_url: Some(format!("https://{domain}/help")),
        support_email: Some(format!("help@{domain}")),
        // The late demo's apology offers it.
        discount_code: Some("SORRY10".into()),
        ..Default::default()
    }
}
