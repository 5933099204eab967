//! Signing in to the dashboard: an API key is exchanged for a session (a random token in an
//! `HttpOnly` cookie, stored as its SHA-256), valid for [`SESSION_LIFETIME`] and only while
//! the key is: every request re-reads the key, so revoking or rotating it out ends its
//! sessions. Forms are protected twice: the browser must say the form came from this
//! site, and the form must carry the session's own token (the sign-in form, before any
//! session, a token from its own cookie).

use super::{AppError, Frame, see_other};
use crate::pages::{self, form_value, lookup::client_ip};
use crate::{App, Store};
use afterclick_aws::secrets::{hash_api_key, new_token};
use afterclick_domain::ports::{
    Admission, ApiKeyStore, Limit, SESSION_LIFETIME, Session, SessionStore,
};
use afterclick_web::{CookieJar, same_origin};
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use serde::Serialize;
use std::sync::Arc;
use subtle::ConstantTimeEq;

pub const SIGN_IN: &str = "/app/sign-in";
const SESSION_COOKIE: &str = "afterclick_session";
/// The sign-in form's own token (login CSRF: a forged sign-in would put the victim in the
/// attacker's shop).
const SIGN_IN_COOKIE: &str = "afterclick_sign_in";
/// Guessing keys from one address stops after a few tries.
const SIGN_IN_LIMIT: Limit = Limit {
    limit: 10,
    window_secs: 600,
};
const SESSION_ENDED: &str = "This form was not accepted: your session has ended or the form did not come from this \
     dashboard. Nothing was changed. Sign in and try again.";

fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

/// Session tokens are 256 random bits in lowercase hex.
fn well_formed(token: &str) -> bool {
    token.len() == 64
        && token
            .bytes()
            .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

impl<S, V> App<S, V> {
    /// Cookies are `Secure` wherever the pages are served over HTTPS (everywhere but the
    /// devstack).
    pub fn cookie_jar(&self) -> CookieJar {
        CookieJar {
            secure: self.public_base_url.starts_with("https://"),
        }
    }
}

/// A signed-in merchant: a live session whose key is still valid.
pub struct SignedIn {
    pub merchant_id: String,
    pub session: Session,
    token_hash: String,
}

impl<S, V> FromRequestParts<Arc<App<S, V>>> for SignedIn
where
    S: SessionStore + ApiKeyStore + Send + Sync,
    V: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        app: &Arc<App<S, V>>,
    ) -> Result<Self, Self::Rejection> {
        let token = app
            .cookie_jar()
            .get(&parts.headers, SESSION_COOKIE)
            .filter(|t| well_formed(t))
            .ok_or(AppError::SignIn)?;
        let token_hash = hash_api_key(token);
        let now = (app.clock)();
        let session = app
            .store
            .session(&token_hash)
            .await?
            .filter(|s| s.is_valid_at(now))
            .ok_or(AppError::SignIn)?;
        let key_valid = app
            .store
            .api_key(&session.key_hash)
            .await?
            .is_some_and(|k| k.is_valid_at(now) && k.merchant_id == session.merchant_id);
        if !key_valid {
            return Err(AppError::SignIn);
        }
        Ok(SignedIn {
            merchant_id: session.merchant_id.clone(),
            session,
            token_hash,
        })
    }
}

/// A form's fields, `application/x-www-form-urlencoded`.
pub struct Form(Bytes);

impl Form {
    /// The field trimmed, empty as none.
    pub fn get(&self, name: &str) -> Option<String> {
        form_value(&self.0, name)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    }

    /// Whether the form had the field at all (an emptied field is there, and empty).
    pub fn has(&self, name: &str) -> bool {
        form_value(&self.0, name).is_some()
    }
}

/// A form posted by a signed-in merchant from this dashboard: same origin, live session,
/// the session's token. Anything else is a 403 that changes nothing.
pub struct Posted {
    pub who: SignedIn,
    pub form: Form,
}

impl<S, V> FromRequest<Arc<App<S, V>>> for Posted
where
    S: SessionStore + ApiKeyStore + Send + Sync,
    V: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request(req: Request, app: &Arc<App<S, V>>) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = req.into_parts();
        if !same_origin(&parts.headers) {
            return Err(AppError::Forbidden(SESSION_ENDED));
        }
        let who = match SignedIn::from_request_parts(&mut parts, app).await {
            Ok(who) => who,
            Err(AppError::SignIn) => return Err(AppError::Forbidden(SESSION_ENDED)),
            Err(other) => return Err(other),
        };
        let bytes = Bytes::from_request(Request::from_parts(parts, body), app)
            .await
            .map_err(|_| AppError::TooLarge)?;
        let form = Form(bytes);
        let token_ok = form
            .get("csrf")
            .is_some_and(|sent| same(&sent, &who.session.csrf));
        if !token_ok {
            return Err(AppError::Forbidden(SESSION_ENDED));
        }
        Ok(Posted { who, form })
    }
}

#[derive(Serialize)]
struct SignInPage<'a> {
    csrf: &'a str,
    error: Option<&'static str>,
}

fn sign_in_page(
    status: StatusCode,
    csrf: &str,
    error: Option<&'static str>,
    set_cookie: Option<String>,
) -> Result<Response, AppError> {
    let frame = Frame {
        title: "Sign in".into(),
        merchant_id: String::new(),
        signed_in_as: String::new(),
        csrf: String::new(),
        section: "sign-in",
    };
    let mut response = super::respond(
        status,
        "app_sign_in.html",
        &frame,
        &SignInPage { csrf, error },
    )?;
    if let Some(cookie) = set_cookie.and_then(|c| HeaderValue::from_str(&c).ok()) {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    Ok(response)
}

/// `GET /app/sign-in`: the form, with a fresh form token in its own cookie.
pub async fn form<S: Store, V>(
    State(app): State<Arc<App<S, V>>>,
    headers: HeaderMap,
    signed_in: Result<SignedIn, AppError>,
) -> Result<Response, AppError> {
    if signed_in.is_ok() {
        return Ok(see_other("/app"));
    }
    // Another sign-in tab's form keeps working: its token is reused while it lasts.
    let jar = app.cookie_jar();
    if let Some(csrf) = jar
        .get(&headers, SIGN_IN_COOKIE)
        .filter(|t| t.len() == 32 && t.bytes().all(|b| b.is_ascii_hexdigit()))
    {
        // Its cookie gets the full hour again, so a form shown now does not expire early.
        let cookie = jar.set(SIGN_IN_COOKIE, csrf, 3600);
        return sign_in_page(StatusCode::OK, csrf, None, Some(cookie));
    }
    let csrf = new_token();
    let cookie = jar.set(SIGN_IN_COOKIE, &csrf, 3600);
    sign_in_page(StatusCode::OK, &csrf, None, Some(cookie))
}

fn set_cookie(response: &mut Response, cookie: &str) {
    if let Ok(value) = HeaderValue::from_str(cookie) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
}

/// `POST /app/sign-in`: an API key in, a session cookie out.
pub async fn sign_in<S: Store, V>(
    State(app): State<Arc<App<S, V>>>,
    headers: HeaderMap,
    context: Option<axum::Extension<lambda_http::request::RequestContext>>,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> Result<Response, AppError> {
    let jar = app.cookie_jar();
    let expected = jar.get(&headers, SIGN_IN_COOKIE).map(str::to_owned);
    let body = body.map_err(|_| AppError::TooLarge)?;
    let form = Form(body);
    let token_ok = matches!(
        (&expected, form.get("csrf")),
        (Some(cookie), Some(sent)) if same(cookie, &sent)
    );
    if !same_origin(&headers) || !token_ok {
        return Err(AppError::Forbidden(SESSION_ENDED));
    }
    let now = (app.clock)();
    let ip = client_ip(context.as_ref().map(|c| &c.0), &headers);
    let limited = app
        .store
        .hit(
            &pages::lookup::peppered(&app.rate_limit_pepper, &format!("sign-in#ip#{ip}")),
            SIGN_IN_LIMIT,
            now,
        )
        .await?;
    if let Admission::Limited { retry_after_secs } = limited {
        return Err(AppError::TooMany { retry_after_secs });
    }
    let csrf = expected.unwrap_or_default();
    let Some(api_key) = form.get("api_key") else {
        return sign_in_page(
            StatusCode::UNPROCESSABLE_ENTITY,
            &csrf,
            Some("Enter an API key."),
            None,
        );
    };
    let key_hash = hash_api_key(&api_key);
    let Some(key) = app
        .store
        .api_key(&key_hash)
        .await?
        .filter(|k| k.is_valid_at(now))
    else {
        tracing::info!("dashboard sign-in refused: unknown or invalid key");
        return sign_in_page(
            StatusCode::UNAUTHORIZED,
            &csrf,
            Some("That API key is not valid. Use a current key of your shop."),
            None,
        );
    };
    // 256 bits: two of the platform's 128-bit tokens.
    let token = format!("{}{}", new_token(), new_token());
    let session = Session {
        merchant_id: key.merchant_id.clone(),
        key_hash,
        signed_in_as: key.name.clone().unwrap_or_else(|| key.key_id.clone()),
        csrf: new_token(),
        created_at: now,
        expires_at: now + SESSION_LIFETIME,
    };
    app.store
        .create_session(&hash_api_key(&token), &session)
        .await?;
    // A session this browser still had ends: one browser, one session.
    if let Some(old) = jar.get(&headers, SESSION_COOKIE).filter(|t| well_formed(t))
        && let Err(err) = app.store.end_session(&hash_api_key(old)).await
    {
        // The new session stands; the old one ends with its TTL at the latest.
        tracing::warn!(error = %err, "the previous dashboard session was not ended");
    }
    tracing::info!(merchant_id = %key.merchant_id, key_id = %key.key_id, "dashboard sign-in");
    let mut response = see_other("/app");
    set_cookie(
        &mut response,
        &jar.set(SESSION_COOKIE, &token, SESSION_LIFETIME.num_seconds()),
    );
    set_cookie(&mut response, &jar.clear(SIGN_IN_COOKIE));
    Ok(response)
}

/// `POST /app/sign-out`: the session is deleted, the cookie cleared.
pub async fn sign_out<S: Store, V>(
    State(app): State<Arc<App<S, V>>>,
    posted: Posted,
) -> Result<Response, AppError> {
    app.store.end_session(&posted.who.token_hash).await?;
    let mut response = see_other(SIGN_IN);
    set_cookie(&mut response, &app.cookie_jar().clear(SESSION_COOKIE));
    Ok(response)
}
