//! Rotating an endpoint's signing secret without dropping a delivery: for
//! [`SECRET_GRACE`] after a rotation every delivery carries two `v1,` signatures (the new
//! secret's and the replaced one's; Standard Webhooks receivers accept any one that
//! verifies), so the merchant can deploy the new secret at leisure. Afterwards only the new
//! secret signs.

use super::WebhookEndpoint;
use crate::signature::{SignatureError, sign};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// How long the replaced secret keeps signing deliveries after a rotation.
pub const SECRET_GRACE: Duration = Duration::hours(24);

/// The secret a rotation replaced, still signing until `valid_until`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetiringSecret {
    pub secret: String,
    pub valid_until: DateTime<Utc>,
}

impl WebhookEndpoint {
    /// The secrets a delivery sent at `now` is signed with: the current one first, then the
    /// replaced one while its grace period lasts (the expiry is checked here, not by TTL).
    pub fn signing_secrets(&self, now: DateTime<Utc>) -> Vec<&str> {
        let retiring = self
            .previous_secret
            .as_ref()
            .filter(|p| now < p.valid_until)
            .map(|p| p.secret.as_str());
        std::iter::once(self.secret.as_str())
            .chain(retiring)
            .collect()
    }

    /// The endpoint signing with `secret` from `now` on; the current secret keeps signing for
    /// [`SECRET_GRACE`]. A secret replaced earlier stops at once: rotating twice ends a
    /// leaked secret's life immediately.
    pub fn rotated(&self, secret: String, now: DateTime<Utc>) -> WebhookEndpoint {
        WebhookEndpoint {
            previous_secret: Some(RetiringSecret {
                secret: self.secret.clone(),
                valid_until: now + SECRET_GRACE,
            }),
            secret,
            ..self.clone()
        }
    }

    /// The `webhook-signature` header of a delivery sent at `now`: one `v1,` signature per
    /// signing secret, space-separated.
    pub fn signature_header(
        &self,
        webhook_id: &str,
        sent_at: DateTime<Utc>,
        body: &[u8],
    ) -> Result<String, SignatureError> {
        let signatures = self
            .signing_secrets(sent_at)
            .into_iter()
            .map(|secret| sign(secret, webhook_id, sent_at.timestamp(), body))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(signatures.join(" "))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::milestone::Milestone;
    use crate::signature::{SignedHeaders, secret_from_bytes, verify};
    use chrono::TimeZone;

    fn rotated_at() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 20, 12, 0, 0).unwrap()
    }

    fn endpoint(secret: &str) -> WebhookEndpoint {
        WebhookEndpoint {
            id: "we_1".into(),
            merchant_id: "m1".into(),
            url: "https://hooks.example/afterclick".into(),
            milestones: Milestone::ALL.to_vec(),
            description: None,
            secret: secret.into(),
            previous_secret: None,
            created_at: rotated_at() - Duration::days(30),
        }
    }

    /// Which of `secrets` verify the header a delivery sent at `sent_at` carries.
    fn verifying(e: &WebhookEndpoint, sent_at: DateTime<Utc>, secrets: &[&String]) -> Vec<bool> {
        let body = br#"{"type":"shipment.delivered"}"#;
        let header = e.signature_header("msg_1", sent_at, body).unwrap();
        let ts = sent_at.timestamp().to_string();
        let headers = SignedHeaders {
            id: Some("msg_1"),
            timestamp: Some(&ts),
            signature: Some(&header),
        };
        secrets
            .iter()
            .map(|s| verify(std::slice::from_ref(*s), headers, body, sent_at).is_ok())
            .collect()
    }

    #[test]
    fn deliveries_carry_both_signatures_during_the_grace_period_and_only_the_new_after() {
        let old = secret_from_bytes(&[1u8; 24]);
        let new = secret_from_bytes(&[2u8; 24]);
        let unrelated = secret_from_bytes(&[3u8; 24]);
        let e = endpoint(&old).rotated(new.clone(), rotated_at());
        let secrets = [&old, &new, &unrelated];
        let end = rotated_at() + SECRET_GRACE;
        for (sent_at, expected, signatures) in [
            (rotated_at(), [true, true, false], 2),
            (end - Duration::seconds(1), [true, true, false], 2),
            (end, [false, true, false], 1),
            (end + Duration::days(3), [false, true, false], 1),
        ] {
            assert_eq!(verifying(&e, sent_at, &secrets), expected, "{sent_at}");
            let header = e.signature_header("msg_1", sent_at, b"{}").unwrap();
            assert_eq!(header.split(' ').count(), signatures, "{header}");
            assert!(header.split(' ').all(|s| s.starts_with("v1,")));
        }
    }

    #[test]
    fn an_endpoint_never_rotated_signs_once_and_a_second_rotation_retires_the_oldest() {
        let first = secret_from_bytes(&[1u8; 24]);
        let second = secret_from_bytes(&[2u8; 24]);
        let third = secret_from_bytes(&[3u8; 24]);
        let e = endpoint(&first);
        assert_eq!(e.signing_secrets(rotated_at()), [first.as_str()]);
        let later = rotated_at() + Duration::hours(1);
        let twice = e
            .rotated(second.clone(), rotated_at())
            .rotated(third.clone(), later);
        assert_eq!(
            twice.signing_secrets(later),
            [third.as_str(), second.as_str()]
        );
        assert_eq!(
            twice.previous_secret.map(|p| p.valid_until),
            Some(later + SECRET_GRACE)
        );
    }

    #[test]
    fn stored_endpoints_without_a_previous_secret_still_read() {
        let json = r#"{"id":"we_1","merchant_id":"m1","url":"https://x.example/","milestones":["delivered"],"secret":"whsec_AAAA","created_at":"2026-11-20T12:00:00Z"}"#;
        let e: WebhookEndpoint = serde_json::from_str(json).unwrap();
        assert_eq!(e.previous_secret, None);
    }
}
