//! Is a delivery really from the provider? Each provider's own scheme, checked on the raw
//! bytes before anything is parsed, in constant time, against every current secret of the
//! merchant for that provider (two during a rotation).
//!
//! | provider | proof | scheme |
//! |---|---|---|
//! | generic | `webhook-id`, `webhook-timestamp`, `webhook-signature` | Standard Webhooks (see `signature`) |
//! | easypost | `X-Hmac-Signature: hmac-sha256-hex=<hex>` | HMAC-SHA256 of the body; key = the secret NFKD-normalised, UTF-8 |
//! | aftership | `aftership-hmac-sha256: <base64>` (older: `am-webhook-signature: hmac-sha256=<base64>`) | HMAC-SHA256 of the body |
//! | shippo | `Shippo-Auth-Signature: t=<ts>,v1=<hex>`, or `?token=<secret>` in the URL | HMAC-SHA256 of `{t}.{body}`, 5-minute tolerance (unconfirmed by Shippo: both are accepted) |
//! | 17track | `sign: <hex>` | SHA-256 of `{body}/{secret}` (17TRACK's documented integrator practice; unconfirmed) |
//! | ups | `x-api-key: <secret>` (or `credential`) | the shared credential chosen at subscription |
//!
//! Most of these sign no timestamp: replay safety comes from event de-duplication, not
//! from the MAC.

use super::parsed::Provider;
use crate::signature::{self, SignatureError, SignedHeaders};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use unicode_normalization::UnicodeNormalization;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    #[error("the merchant has no {0} webhook secret configured")]
    NotConfigured(&'static str),
    #[error("the `{0}` header is missing")]
    Missing(&'static str),
    #[error("the `{0}` header is malformed")]
    Malformed(&'static str),
    #[error("the `{0}` timestamp is more than 5 minutes away from now")]
    Stale(&'static str),
    #[error("`{0}` does not match the body with any of the merchant's secrets")]
    Mismatch(&'static str),
}

impl AuthError {
    /// The header (or query parameter) at fault, for the problem document.
    pub fn header(&self) -> &'static str {
        match self {
            AuthError::NotConfigured(_) => "webhook-secret",
            AuthError::Missing(h)
            | AuthError::Malformed(h)
            | AuthError::Stale(h)
            | AuthError::Mismatch(h) => h,
        }
    }
}

impl From<SignatureError> for AuthError {
    fn from(err: SignatureError) -> Self {
        match err {
            SignatureError::MissingHeader(h) => AuthError::Missing(h),
            SignatureError::BadTimestamp => AuthError::Malformed("webhook-timestamp"),
            SignatureError::OutsideTolerance => AuthError::Stale("webhook-timestamp"),
            SignatureError::NoMatch | SignatureError::InvalidSecret => {
                AuthError::Mismatch("webhook-signature")
            }
        }
    }
}

/// One delivery as received: header lookup (case-insensitive), the URL's `token` query
/// parameter, and the raw body.
pub struct Delivery<'a> {
    pub header: &'a (dyn Fn(&str) -> Option<&'a str> + Sync),
    pub token: Option<&'a str>,
    pub body: &'a [u8],
}

/// HMAC-SHA256 over the parts. HMAC takes keys of any length, so `None` never happens in
/// practice; callers treat it as "no match" rather than panicking.
fn hmac_sha256(key: &[u8], parts: &[&[u8]]) -> Option<Hmac<Sha256>> {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).ok()?;
    for part in parts {
        mac.update(part);
    }
    Some(mac)
}

fn hmac_matches(key: &[u8], parts: &[&[u8]], given: &[u8]) -> bool {
    hmac_sha256(key, parts).is_some_and(|mac| mac.verify_slice(given).is_ok())
}

fn hmac_bytes(key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
    hmac_sha256(key, parts)
        .map(|mac| mac.finalize().into_bytes().to_vec())
        .unwrap_or_default()
}

fn any_secret(secrets: &[String], check: impl Fn(&str) -> bool) -> bool {
    // Every secret is tried (no early exit) so timing says nothing about which matched.
    secrets.iter().fold(false, |found, s| check(s) | found)
}

fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    a.ct_eq(b).into()
}

pub fn verify(
    provider: Provider,
    secrets: &[String],
    delivery: &Delivery<'_>,
    now: DateTime<Utc>,
) -> Result<(), AuthError> {
    if secrets.is_empty() {
        return Err(AuthError::NotConfigured(provider.as_str()));
    }
    match provider {
        Provider::Generic => generic(secrets, delivery, now),
        Provider::EasyPost => easypost(secrets, delivery),
        Provider::AfterShip => aftership(secrets, delivery),
        Provider::Shippo => shippo(secrets, delivery, now),
        Provider::SeventeenTrack => seventeen_track(secrets, delivery),
        Provider::Ups => ups(secrets, delivery),
    }
}

fn generic(secrets: &[String], d: &Delivery<'_>, now: DateTime<Utc>) -> Result<(), AuthError> {
    let headers = SignedHeaders {
        id: (d.header)("webhook-id"),
        timestamp: (d.header)("webhook-timestamp"),
        signature: (d.header)("webhook-signature"),
    };
    Ok(signature::verify(secrets, headers, d.body, now)?)
}

fn easypost(secrets: &[String], d: &Delivery<'_>) -> Result<(), AuthError> {
    const HEADER: &str = "x-hmac-signature";
    let value = (d.header)(HEADER).ok_or(AuthError::Missing(HEADER))?;
    let hex_sig = value
        .trim()
        .strip_prefix("hmac-sha256-hex=")
        .ok_or(AuthError::Malformed(HEADER))?;
    let given = hex::decode(hex_sig).map_err(|_| AuthError::Malformed(HEADER))?;
    let ok = any_secret(secrets, |secret| {
        let key: String = secret.nfkd().collect();
        hmac_matches(key.as_bytes(), &[d.body], &given)
    });
    ok.then_some(()).ok_or(AuthError::Mismatch(HEADER))
}

fn aftership(secrets: &[String], d: &Delivery<'_>) -> Result<(), AuthError> {
    const CURRENT: &str = "aftership-hmac-sha256";
    const LEGACY: &str = "am-webhook-signature";
    let (header, encoded) = match ((d.header)(CURRENT), (d.header)(LEGACY)) {
        (Some(v), _) => (CURRENT, v.trim()),
        (None, Some(v)) => (
            LEGACY,
            v.trim()
                .strip_prefix("hmac-sha256=")
                .ok_or(AuthError::Malformed(LEGACY))?,
        ),
        (None, None) => return Err(AuthError::Missing(CURRENT)),
    };
    let given = STANDARD
        .decode(encoded)
        .map_err(|_| AuthError::Malformed(header))?;
    let ok = any_secret(secrets, |secret| {
        hmac_matches(secret.as_bytes(), &[d.body], &given)
    });
    ok.then_some(()).ok_or(AuthError::Mismatch(header))
}

fn shippo(secrets: &[String], d: &Delivery<'_>, now: DateTime<Utc>) -> Result<(), AuthError> {
    const HEADER: &str = "shippo-auth-signature";
    let Some(value) = (d.header)(HEADER) else {
        let token = d.token.ok_or(AuthError::Missing(HEADER))?;
        let ok = any_secret(secrets, |secret| ct_eq(secret.as_bytes(), token.as_bytes()));
        return ok.then_some(()).ok_or(AuthError::Mismatch("token"));
    };
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for part in value.split(',') {
        match part.trim().split_once('=') {
            Some(("t", t)) => timestamp = Some(t),
            Some(("v1", sig)) => {
                signatures.push(hex::decode(sig).map_err(|_| AuthError::Malformed(HEADER))?)
            }
            _ => {}
        }
    }
    let timestamp = timestamp.ok_or(AuthError::Malformed(HEADER))?;
    let seconds: i64 = timestamp
        .parse()
        .map_err(|_| AuthError::Malformed(HEADER))?;
    if now.timestamp().abs_diff(seconds) > signature::TOLERANCE_SECONDS.unsigned_abs() {
        return Err(AuthError::Stale(HEADER));
    }
    let ok = any_secret(secrets, |secret| {
        signatures.iter().any(|sig| {
            hmac_matches(
                secret.as_bytes(),
                &[timestamp.as_bytes(), b".", d.body],
                sig,
            )
        })
    });
    ok.then_some(()).ok_or(AuthError::Mismatch(HEADER))
}

fn seventeen_track(secrets: &[String], d: &Delivery<'_>) -> Result<(), AuthError> {
    const HEADER: &str = "sign";
    let given = (d.header)(HEADER)
        .ok_or(AuthError::Missing(HEADER))?
        .trim()
        .to_ascii_lowercase();
    let ok = any_secret(secrets, |secret| {
        let mut digest = Sha256::new();
        digest.update(d.body);
        digest.update(b"/");
        digest.update(secret.as_bytes());
        ct_eq(hex::encode(digest.finalize()).as_bytes(), given.as_bytes())
    });
    ok.then_some(()).ok_or(AuthError::Mismatch(HEADER))
}

fn ups(secrets: &[String], d: &Delivery<'_>) -> Result<(), AuthError> {
    let (header, value) = ["x-api-key", "credential"]
        .into_iter()
        .find_map(|h| (d.header)(h).map(|v| (h, v.trim())))
        .ok_or(AuthError::Missing("x-api-key"))?;
    let ok = any_secret(secrets, |secret| ct_eq(secret.as_bytes(), value.as_bytes()));
    ok.then_some(()).ok_or(AuthError::Mismatch(header))
}

/// How a provider (or a test) signs: the headers (or token) a genuine delivery carries.
pub fn sign(
    provider: Provider,
    secret: &str,
    body: &[u8],
    now: DateTime<Utc>,
) -> Vec<(String, String)> {
    let h = |name: &str, value: String| vec![(name.to_owned(), value)];
    match provider {
        Provider::Generic => {
            let id = format!("msg_{}", hex::encode(&Sha256::digest(body)[..8]));
            let ts = now.timestamp();
            let sig = signature::sign(secret, &id, ts, body).unwrap_or_default();
            vec![
                ("webhook-id".into(), id),
                ("webhook-timestamp".into(), ts.to_string()),
                ("webhook-signature".into(), sig),
            ]
        }
        Provider::EasyPost => {
            let key: String = secret.nfkd().collect();
            let tag = hmac_bytes(key.as_bytes(), &[body]);
            h(
                "x-hmac-signature",
                format!("hmac-sha256-hex={}", hex::encode(tag)),
            )
        }
        Provider::AfterShip => {
            let tag = hmac_bytes(secret.as_bytes(), &[body]);
            h("aftership-hmac-sha256", STANDARD.encode(tag))
        }
        Provider::Shippo => {
            let t = now.timestamp().to_string();
            let tag = hmac_bytes(secret.as_bytes(), &[t.as_bytes(), b".", body]);
            h(
                "shippo-auth-signature",
                format!("t={t},v1={}", hex::encode(tag)),
            )
        }
        Provider::SeventeenTrack => {
            let mut digest = Sha256::new();
            digest.update(body);
            digest.update(b"/");
            digest.update(secret.as_bytes());
            h("sign", hex::encode(digest.finalize()))
        }
        Provider::Ups => h("x-api-key", secret.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const OLD: &str = "whsec_b2xkc2VjcmV0b2xkc2VjcmV0";
    const BODY: &[u8] = br#"{"tracking_number":"1Z999"}"#;

    fn now() -> DateTime<Utc> {
        Utc.timestamp_opt(1_800_000_000, 0).unwrap()
    }

    fn check(
        provider: Provider,
        secrets: &[&str],
        headers: &[(String, String)],
        token: Option<&str>,
        body: &[u8],
    ) -> Result<(), AuthError> {
        let lookup = |name: &str| {
            headers
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.as_str())
        };
        let secrets: Vec<String> = secrets.iter().map(|s| s.to_string()).collect();
        verify(
            provider,
            &secrets,
            &Delivery {
                header: &lookup,
                token,
                body,
            },
            now(),
        )
    }

    #[test]
    fn every_provider_signature_vector() {
        for provider in Provider::ALL {
            let signed = sign(provider, SECRET, BODY, now());
            // valid, and valid during a rotation with the old secret first
            assert_eq!(
                check(provider, &[SECRET], &signed, None, BODY),
                Ok(()),
                "{provider:?}"
            );
            assert_eq!(
                check(provider, &[OLD, SECRET], &signed, None, BODY),
                Ok(()),
                "{provider:?} rotated"
            );
            // tampered body
            if provider != Provider::Ups {
                assert!(
                    matches!(
                        check(provider, &[SECRET], &signed, None, b"{}"),
                        Err(AuthError::Mismatch(_))
                    ),
                    "{provider:?} tampered"
                );
            }
            // wrong secret
            assert!(
                matches!(
                    check(provider, &[OLD], &signed, None, BODY),
                    Err(AuthError::Mismatch(_))
                ),
                "{provider:?} wrong secret"
            );
            // missing header
            assert!(
                matches!(
                    check(provider, &[SECRET], &[], None, BODY),
                    Err(AuthError::Missing(_))
                ),
                "{provider:?} missing"
            );
            // nothing configured
            assert_eq!(
                check(provider, &[], &signed, None, BODY),
                Err(AuthError::NotConfigured(provider.as_str()))
            );
        }
    }

    #[test]
    fn easypost_normalises_the_secret_nfkd() {
        // "ﬁ" (U+FB01) decomposes to "fi" under NFKD: EasyPost signs with the normalised key.
        let signed = sign(Provider::EasyPost, "sup\u{FB01}ersecret", BODY, now());
        let with_plain = sign(Provider::EasyPost, "supfiersecret", BODY, now());
        assert_eq!(signed, with_plain);
        assert_eq!(
            check(
                Provider::EasyPost,
                &["sup\u{FB01}ersecret"],
                &with_plain,
                None,
                BODY
            ),
            Ok(())
        );
        let reference = hmac_bytes(b"supfiersecret", &[BODY]);
        assert_eq!(
            with_plain[0].1,
            format!("hmac-sha256-hex={}", hex::encode(reference))
        );
    }

    #[test]
    fn aftership_accepts_the_legacy_header() {
        let tag = STANDARD.encode(hmac_bytes(SECRET.as_bytes(), &[BODY]));
        let legacy = vec![(
            "am-webhook-signature".to_owned(),
            format!("hmac-sha256={tag}"),
        )];
        assert_eq!(
            check(Provider::AfterShip, &[SECRET], &legacy, None, BODY),
            Ok(())
        );
    }

    #[test]
    fn shippo_takes_a_url_token_and_rejects_stale_signatures() {
        assert_eq!(
            check(Provider::Shippo, &[SECRET], &[], Some(SECRET), BODY),
            Ok(())
        );
        assert_eq!(
            check(Provider::Shippo, &[SECRET], &[], Some("guess"), BODY),
            Err(AuthError::Mismatch("token"))
        );
        let stale = sign(
            Provider::Shippo,
            SECRET,
            BODY,
            now() - chrono::Duration::minutes(6),
        );
        assert_eq!(
            check(Provider::Shippo, &[SECRET], &stale, None, BODY),
            Err(AuthError::Stale("shippo-auth-signature"))
        );
    }

    #[test]
    fn seventeen_track_sign_is_sha256_of_body_slash_key() {
        let expected = hex::encode(Sha256::digest([BODY, b"/", SECRET.as_bytes()].concat()));
        assert_eq!(
            sign(Provider::SeventeenTrack, SECRET, BODY, now())[0].1,
            expected
        );
        let upper = vec![("sign".to_owned(), expected.to_uppercase())];
        assert_eq!(
            check(Provider::SeventeenTrack, &[SECRET], &upper, None, BODY),
            Ok(())
        );
    }
}
