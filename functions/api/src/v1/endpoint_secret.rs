//! `POST /v1/webhook-endpoints/{id}/rotate-secret`: a new signing secret for one endpoint,
//! shown once. For [`SECRET_GRACE`] every delivery is signed with the new and the replaced
//! secret (two `v1,` signatures), so the merchant can deploy the new one without a
//! delivery failing verification; then only the new one signs. The endpoint keeps its id
//! and delivery log.

use crate::error::ApiError;
use crate::v1::AuthedMerchant;
use crate::v1::api_keys::secret_response;
use crate::v1::outgoing_endpoints::{EndpointView, owned};
use crate::{App, Store};
use afterclick_aws::secrets::new_webhook_secret;
use afterclick_domain::outgoing::SECRET_GRACE;
use afterclick_web::{ApiPath, Problem};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::sync::Arc;

#[derive(Debug, Serialize)]
struct RotatedEndpointSecret {
    #[serde(flatten)]
    endpoint: EndpointView,
    /// `whsec_...`: shown this once.
    secret: String,
    /// Until then deliveries carry the replaced secret's signature too.
    previous_secret_valid_until: DateTime<Utc>,
}

pub async fn rotate<S: Store, V>(
    State(app): State<Arc<App<S, V>>>,
    ApiPath(id): ApiPath<String>,
    AuthedMerchant(merchant_id): AuthedMerchant,
) -> Result<Response, ApiError> {
    let endpoint = owned(&app, &merchant_id, &id).await?;
    let now = (app.clock)();
    // Shown once, stored sealed; the replaced one stays as stored (sealed or, if it predates
    // sealing, as it was) for its grace period.
    let secret = new_webhook_secret();
    let rotated = endpoint.rotated(app.store.seal(&merchant_id, &secret).await?, now);
    if !app
        .store
        .replace_endpoint_secret(&rotated, &endpoint.secret)
        .await?
    {
        // Deleted meanwhile: unknown, like any other id. Otherwise a concurrent rotation
        // won; retrying here would silently retire the secret it just handed out.
        owned(&app, &merchant_id, &id).await?;
        return Err(Problem::new(
            StatusCode::CONFLICT,
            "conflict",
            "Conflict",
            "another rotation of this endpoint's secret came first; nothing was changed, \
             use the secret it returned or rotate again",
        )
        .into());
    }
    tracing::info!(%merchant_id, endpoint_id = %rotated.id, "webhook endpoint secret rotated");
    let body = RotatedEndpointSecret {
        endpoint: rotated.into(),
        secret,
        previous_secret_valid_until: now + SECRET_GRACE,
    };
    Ok(secret_response(StatusCode::OK, Json(body)))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use crate::v1::api_keys::tests::{api, call, now, two_merchants};
    use afterclick_domain::Milestone;
    use afterclick_domain::outgoing::{SECRET_GRACE, WebhookEndpoint};
    use afterclick_domain::ports::{EndpointStore, SecretBox};
    use axum::http::StatusCode;

    const OLD: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    async fn with_endpoint() -> (afterclick_domain::fakes::MemoryStore, String, String) {
        let (store, a, b) = two_merchants().await;
        let endpoint = WebhookEndpoint {
            id: "we_a1".into(),
            merchant_id: "m_a".into(),
            url: "https://hooks.example/in".into(),
            milestones: Milestone::ALL.to_vec(),
            description: None,
            secret: OLD.into(),
            previous_secret: None,
            created_at: now(),
        };
        store.create_endpoint(&endpoint, 10).await.unwrap();
        (store, a, b)
    }

    #[tokio::test]
    async fn a_rotation_returns_the_new_secret_once_and_keeps_the_old_one_for_the_grace() {
        let (store, a, _) = with_endpoint().await;
        let api = api(&store, now);
        let (status, body) = call(
            &api,
            "POST",
            "/v1/webhook-endpoints/we_a1/rotate-secret",
            &a,
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let secret = body["secret"].as_str().unwrap();
        assert!(secret.starts_with("whsec_") && secret != OLD);
        assert_eq!(body["id"], "we_a1");
        let until = (now() + SECRET_GRACE).to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true);
        assert_eq!(body["previous_secret_valid_until"], until);
        let stored = store.endpoint("m_a", "we_a1").await.unwrap().unwrap();
        // The new secret is stored sealed, for its merchant only; the old one as it was.
        assert!(!stored.secret.contains(secret), "{}", stored.secret);
        let opened = store
            .open_all(
                "m_a",
                &stored
                    .signing_secrets(now())
                    .into_iter()
                    .map(str::to_owned)
                    .collect::<Vec<_>>(),
            )
            .await
            .unwrap();
        assert_eq!(opened, [secret, OLD]);
        assert!(store.open("m_b", &stored.secret).await.is_err());
        let (_, shown) = call(&api, "GET", "/v1/webhook-endpoints/we_a1", &a).await;
        assert!(shown.get("secret").is_none(), "shown once: {shown}");
    }

    #[tokio::test]
    async fn another_merchants_or_an_unknown_endpoint_is_a_404_and_changes_nothing() {
        let (store, a, b) = with_endpoint().await;
        let api = api(&store, now);
        for (key, uri) in [
            (&b, "/v1/webhook-endpoints/we_a1/rotate-secret"),
            (&a, "/v1/webhook-endpoints/we_nope/rotate-secret"),
            (&a, "/v1/webhook-endpoints/%FF/rotate-secret"),
        ] {
            let (status, body) = call(&api, "POST", uri, key).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{uri}: {body}");
        }
        let (status, _) = call(
            &api,
            "POST",
            "/v1/webhook-endpoints/we_a1/rotate-secret",
            "x",
        )
        .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        let stored = store.endpoint("m_a", "we_a1").await.unwrap().unwrap();
        assert_eq!(
            (stored.secret.as_str(), stored.previous_secret),
            (OLD, None)
        );
    }
}
