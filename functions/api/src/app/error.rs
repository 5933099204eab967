//! The dashboard's errors, each answered with an HTML page in one place: a browser gets
//! a page it can act on, never a JSON problem.

use afterclick_domain::ports::StoreError;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// No valid session on a page: go and sign in.
    #[error("not signed in")]
    SignIn,
    /// A form that cannot be trusted: posted from another site, without the session's
    /// token, or after the session ended. Nothing was changed.
    #[error("refused: {0}")]
    Forbidden(&'static str),
    /// Unknown, malformed, or another merchant's: the same answer for all three.
    #[error("not found")]
    NotFound,
    #[error("bad request: {0}")]
    BadRequest(&'static str),
    #[error("too many attempts")]
    TooMany { retry_after_secs: i64 },
    #[error("the body is too large")]
    TooLarge,
    #[error("store: {0}")]
    Store(#[from] StoreError),
    #[error("a page template failed")]
    Render,
}

#[derive(Serialize)]
struct Notice {
    title: &'static str,
    message: &'static str,
    link: &'static str,
    link_text: &'static str,
    css: minijinja::Value,
}

impl AppError {
    fn parts(&self) -> (StatusCode, &'static str, &'static str) {
        match self {
            AppError::SignIn => (StatusCode::SEE_OTHER, "", ""),
            AppError::Forbidden(why) => (StatusCode::FORBIDDEN, "Not allowed", why),
            AppError::NotFound => (
                StatusCode::NOT_FOUND,
                "Not found",
                "There is nothing here for this shop.",
            ),
            AppError::BadRequest(why) => (StatusCode::BAD_REQUEST, "Bad request", why),
            AppError::TooMany { .. } => (
                StatusCode::TOO_MANY_REQUESTS,
                "Too many attempts",
                "Too many sign-in attempts from this address. Wait a few minutes and try again.",
            ),
            AppError::TooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "Too large",
                "The form sent more than a form of this page can hold.",
            ),
            // Conditional writes kept losing: another change came first.
            AppError::Store(StoreError::Conflict) => (
                StatusCode::CONFLICT,
                "Changed meanwhile",
                "The shipment changed while you were editing it. Go back, reload and try again.",
            ),
            AppError::Store(_) | AppError::Render => (
                StatusCode::SERVICE_UNAVAILABLE,
                "Unavailable",
                "The dashboard cannot answer right now. Try again in a moment.",
            ),
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let AppError::SignIn = self {
            return super::see_other(super::session::SIGN_IN);
        }
        if let AppError::Store(err) = &self {
            tracing::error!(error = %err, "dashboard request failed in the store");
        }
        let (status, title, message) = self.parts();
        let (link, link_text) = match self {
            AppError::Forbidden(_) => (super::session::SIGN_IN, "Sign in"),
            _ => ("/app", "Back to the dashboard"),
        };
        let Ok((css, hash)) = super::stylesheet() else {
            return (status, message).into_response();
        };
        let notice = Notice {
            title,
            message,
            link,
            link_text,
            css,
        };
        let html =
            crate::pages::render("app_notice.html", &notice).unwrap_or_else(|_| message.to_owned());
        let mut response = super::secured((status, html).into_response(), &hash);
        let headers = response.headers_mut();
        if let AppError::TooMany { retry_after_secs } = self
            && let Ok(v) = HeaderValue::from_str(&retry_after_secs.to_string())
        {
            headers.insert(header::RETRY_AFTER, v);
        }
        response
    }
}
