//! Standard Webhooks (standardwebhooks.com) signatures: HMAC-SHA256 over
//! `{webhook-id}.{webhook-timestamp}.{body}`, keyed with the base64 part of a `whsec_` secret.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use sha2::Sha256;

pub const TOLERANCE_SECONDS: i64 = 5 * 60;
const SECRET_PREFIX: &str = "whsec_";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("the `{0}` header is missing")]
    MissingHeader(&'static str),
    #[error("the `webhook-timestamp` header is not a Unix timestamp in seconds")]
    BadTimestamp,
    #[error("the `webhook-timestamp` is more than 5 minutes away from now")]
    OutsideTolerance,
    #[error("no `webhook-signature` matches the body with any of the merchant's secrets")]
    NoMatch,
    #[error("the webhook secret is not a `whsec_` base64 secret")]
    InvalidSecret,
}

/// The headers of one delivery, as received.
#[derive(Debug, Clone, Copy)]
pub struct SignedHeaders<'a> {
    pub id: Option<&'a str>,
    pub timestamp: Option<&'a str>,
    pub signature: Option<&'a str>,
}

fn key_bytes(secret: &str) -> Result<Vec<u8>, SignatureError> {
    let encoded = secret.strip_prefix(SECRET_PREFIX).unwrap_or(secret);
    STANDARD
        .decode(encoded)
        .map_err(|_| SignatureError::InvalidSecret)
}

fn mac(key: &[u8], id: &str, timestamp: &str, body: &[u8]) -> Result<Hmac<Sha256>, SignatureError> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).map_err(|_| SignatureError::InvalidSecret)?;
    mac.update(id.as_bytes());
    mac.update(b".");
    mac.update(timestamp.as_bytes());
    mac.update(b".");
    mac.update(body);
    Ok(mac)
}

/// Checks a delivery against every current secret (two during a rotation). The comparison is
/// constant-time (`Mac::verify_slice`); the timestamp bounds replays to five minutes.
pub fn verify(
    secrets: &[String],
    headers: SignedHeaders<'_>,
    body: &[u8],
    now: DateTime<Utc>,
) -> Result<(), SignatureError> {
    let keys: Vec<Vec<u8>> = secrets.iter().filter_map(|s| key_bytes(s).ok()).collect();
    verify_keys(&keys, headers, body, now)
}

/// [`verify`] with the HMAC keys themselves: for senders such as BigCommerce that key the
/// MAC with a client secret's raw bytes rather than a `whsec_` secret's decoded ones.
pub fn verify_keys(
    keys: &[Vec<u8>],
    headers: SignedHeaders<'_>,
    body: &[u8],
    now: DateTime<Utc>,
) -> Result<(), SignatureError> {
    let id = headers
        .id
        .ok_or(SignatureError::MissingHeader("webhook-id"))?;
    let timestamp = headers
        .timestamp
        .ok_or(SignatureError::MissingHeader("webhook-timestamp"))?;
    let signatures = headers
        .signature
        .ok_or(SignatureError::MissingHeader("webhook-signature"))?;
    let seconds: i64 = timestamp
        .trim()
        .parse()
        .map_err(|_| SignatureError::BadTimestamp)?;
    // abs_diff: a hostile i64::MIN must not overflow.
    if now.timestamp().abs_diff(seconds) > TOLERANCE_SECONDS.unsigned_abs() {
        return Err(SignatureError::OutsideTolerance);
    }
    let candidates: Vec<Vec<u8>> = signatures
        .split_whitespace()
        .filter_map(|s| s.strip_prefix("v1,"))
        .filter_map(|b64| STANDARD.decode(b64).ok())
        .collect();
    for key in keys {
        for candidate in &candidates {
            if mac(key, id, timestamp, body)?
                .verify_slice(candidate)
                .is_ok()
            {
                return Ok(());
            }
        }
    }
    Err(SignatureError::NoMatch)
}

/// [`sign`] with the HMAC key itself (see [`verify_keys`]).
pub fn sign_with_key(
    key: &[u8],
    id: &str,
    timestamp: i64,
    body: &[u8],
) -> Result<String, SignatureError> {
    let tag = mac(key, id, &timestamp.to_string(), body)?
        .finalize()
        .into_bytes();
    Ok(format!("v1,{}", STANDARD.encode(tag)))
}

/// The `webhook-signature` value for a delivery: what senders (and tests) put on the wire.
pub fn sign(secret: &str, id: &str, timestamp: i64, body: &[u8]) -> Result<String, SignatureError> {
    sign_with_key(&key_bytes(secret)?, id, timestamp, body)
}

/// A fresh `whsec_` secret from 24 random bytes supplied by the caller (the domain reads no
/// entropy itself).
pub fn secret_from_bytes(bytes: &[u8; 24]) -> String {
    format!("{SECRET_PREFIX}{}", STANDARD.encode(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    fn now() -> DateTime<Utc> {
        Utc.timestamp_opt(1_700_000_000, 0).unwrap()
    }

    fn headers<'a>(ts: &'a str, sig: &'a str) -> SignedHeaders<'a> {
        SignedHeaders {
            id: Some("msg_1"),
            timestamp: Some(ts),
            signature: Some(sig),
        }
    }

    #[test]
    fn matches_the_standard_webhooks_reference_vector() {
        // Vector from the Standard Webhooks specification's reference libraries.
        let body = br#"{"test": 2432232314}"#;
        let sig = sign(SECRET, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body).unwrap();
        assert_eq!(sig, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    #[test]
    fn what_we_sign_for_outgoing_webhooks_verifies_and_only_with_its_own_secret() {
        let secret = secret_from_bytes(&[7u8; 24]);
        let body = br#"{"type":"shipment.delivered","data":{}}"#;
        let ts = now().timestamp();
        let sig = sign(&secret, "msg_abc", ts, body).unwrap();
        let ts = ts.to_string();
        let on_the_wire = SignedHeaders {
            id: Some("msg_abc"),
            timestamp: Some(&ts),
            signature: Some(&sig),
        };
        assert_eq!(
            verify(std::slice::from_ref(&secret), on_the_wire, body, now()),
            Ok(())
        );
        let other = secret_from_bytes(&[8u8; 24]);
        assert_eq!(
            verify(&[other], on_the_wire, body, now()),
            Err(SignatureError::NoMatch)
        );
        let replayed_as = SignedHeaders {
            id: Some("msg_other"),
            ..on_the_wire
        };
        assert_eq!(
            verify(&[secret], replayed_as, body, now()),
            Err(SignatureError::NoMatch)
        );
    }

    #[test]
    fn accepts_a_valid_signature_among_several_and_either_rotation_secret() {
        let body = b"{}";
        let good = sign(SECRET, "msg_1", now().timestamp(), body).unwrap();
        let header = format!("v1,AAAA {good}");
        let secrets = vec![
            "whsec_b2xkc2VjcmV0b2xkc2VjcmV0".to_string(),
            SECRET.to_string(),
        ];
        let ts = now().timestamp().to_string();
        assert_eq!(verify(&secrets, headers(&ts, &header), body, now()), Ok(()));
    }

    #[test]
    fn rejects_tampering_wrong_secrets_stale_timestamps_and_missing_headers() {
        let body = b"{\"a\":1}";
        let ts = now().timestamp().to_string();
        let good = sign(SECRET, "msg_1", now().timestamp(), body).unwrap();
        let secrets = vec![SECRET.to_string()];
        assert_eq!(
            verify(&secrets, headers(&ts, &good), b"{\"a\":2}", now()),
            Err(SignatureError::NoMatch)
        );
        let other = vec!["whsec_b3RoZXJzZWNyZXRvdGhlcnNlY3JldA==".to_string()];
        assert_eq!(
            verify(&other, headers(&ts, &good), body, now()),
            Err(SignatureError::NoMatch)
        );
        let old = (now().timestamp() - 301).to_string();
        let old_sig = sign(SECRET, "msg_1", now().timestamp() - 301, body).unwrap();
        assert_eq!(
            verify(&secrets, headers(&old, &old_sig), body, now()),
            Err(SignatureError::OutsideTolerance)
        );
        let missing = SignedHeaders {
            signature: None,
            ..headers(&ts, &good)
        };
        assert_eq!(
            verify(&secrets, missing, body, now()),
            Err(SignatureError::MissingHeader("webhook-signature"))
        );
        assert_eq!(
            verify(&secrets, headers("yesterday", &good), body, now()),
            Err(SignatureError::BadTimestamp)
        );
        assert_eq!(
            verify(
                &secrets,
                headers("-9223372036854775808", &good),
                body,
                now()
            ),
            Err(SignatureError::OutsideTolerance)
        );
    }
}
