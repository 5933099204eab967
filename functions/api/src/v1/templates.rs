//! Merchant templates: `PUT`, `GET`, `DELETE /v1/templates/{milestone}/{channel}/{locale}`
//! and `POST .../preview`. A template is checked on save against sample data: a syntax error
//! or an unknown variable is a 422 naming the part, line and column; an SMS over two
//! segments saves with a warning.

use crate::error::ApiError;
use crate::v1::AuthedMerchant;
use crate::{App, BODY_LIMIT, Store};
use afterclick_domain::i18n::LOCALES;
use afterclick_domain::message::{self, Override, Preview, TemplateError};
use afterclick_domain::ports::{SenderIdentities, TemplateKey};
use afterclick_domain::validate::{FieldError, parse_json};
use afterclick_domain::{Channel, Milestone};
use afterclick_web::ApiPath;
use afterclick_web::{Problem, require_json};
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use std::sync::Arc;

/// A template as the API shows it: every part there, `null` when the merchant left it
/// out (email) or it does not apply (SMS has only `body`).
#[derive(Serialize)]
struct TemplateView<'a> {
    subject: Option<&'a str>,
    html: Option<&'a str>,
    text: Option<&'a str>,
    body: Option<&'a str>,
}

impl<'a> From<&'a Override> for TemplateView<'a> {
    fn from(o: &'a Override) -> Self {
        Self {
            subject: o.subject.as_deref(),
            html: o.html.as_deref(),
            text: o.text.as_deref(),
            body: o.body.as_deref(),
        }
    }
}

#[derive(Serialize)]
struct PreviewView<'a> {
    rendered: TemplateView<'a>,
    segments: Option<afterclick_domain::sms::Segments>,
    warnings: &'a [String],
}

#[derive(Serialize)]
struct Saved<'a> {
    template: TemplateView<'a>,
    preview: PreviewView<'a>,
}

impl<'a> Saved<'a> {
    fn of(template: &'a Override, preview: &'a Preview) -> Self {
        Self {
            template: template.into(),
            preview: PreviewView {
                rendered: (&preview.rendered).into(),
                segments: preview.segments,
                warnings: &preview.warnings,
            },
        }
    }
}

fn key(
    merchant_id: String,
    (milestone, channel, locale): (String, String, String),
) -> Result<TemplateKey, ApiError> {
    let milestone = Milestone::parse(&milestone).ok_or(ApiError::NotFound("milestone"))?;
    let channel = Channel::parse(&channel).ok_or(ApiError::NotFound("channel"))?;
    if !LOCALES.contains(&locale.as_str()) {
        return Err(ApiError::NotFound("locale"));
    }
    Ok(TemplateKey {
        merchant_id,
        milestone,
        channel,
        locale,
    })
}

fn template_problem(err: TemplateError) -> ApiError {
    ApiError::Problem(
        Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "template",
            "The template is invalid",
            format!(
                "{}: line {}, column {}: {}",
                err.part, err.line, err.column, err.message
            ),
        )
        .with_field(err.part)
        .at(err.line, err.column),
    )
}

fn parts_fit(channel: Channel, t: &Override) -> Result<(), FieldError> {
    let (allowed, wrong): (&[&str], _) = match channel {
        Channel::Email => (
            &["subject", "html", "text"],
            t.body.is_some().then_some("body"),
        ),
        Channel::Sms => (
            &["body"],
            [
                ("subject", &t.subject),
                ("html", &t.html),
                ("text", &t.text),
            ]
            .into_iter()
            .find_map(|(n, p)| p.is_some().then_some(n)),
        ),
    };
    if let Some(part) = wrong {
        return Err(FieldError::new(
            part,
            format!(
                "is not a part of this channel's template (use {})",
                allowed.join(", ")
            ),
        ));
    }
    let empty = [&t.subject, &t.html, &t.text, &t.body]
        .iter()
        .all(|p| p.is_none());
    if empty {
        return Err(FieldError::new(allowed[0], "is required"));
    }
    if [&t.subject, &t.html, &t.text, &t.body]
        .iter()
        .any(|p| p.as_ref().is_some_and(|s| s.len() > 100_000))
    {
        return Err(FieldError::new(allowed[0], "must be at most 100000 bytes"));
    }
    Ok(())
}

async fn checked<S: Store, V>(
    app: &App<S, V>,
    headers: &HeaderMap,
    merchant_id: String,
    path: (String, String, String),
    body: Result<Bytes, BytesRejection>,
) -> Result<(TemplateKey, Override, Preview), ApiError> {
    let key = key(merchant_id, path)?;
    let body = body.map_err(|r| Problem::from_body_rejection(&r, BODY_LIMIT))?;
    require_json(headers)?;
    let template: Override = parse_json(&body).map_err(ApiError::InvalidBody)?;
    let preview = check(app, &key, &template).await?;
    Ok((key, template, preview))
}

/// A template checked against sample data before it is saved or previewed: its parts fit
/// the channel, and it renders (a 422 naming the part, line and column otherwise). The
/// dashboard's template form checks the same way.
pub(crate) async fn check<S: Store, V>(
    app: &App<S, V>,
    key: &TemplateKey,
    template: &Override,
) -> Result<Preview, ApiError> {
    parts_fit(key.channel, template).map_err(ApiError::Unprocessable)?;
    let merchant = app
        .store
        .merchant(&key.merchant_id)
        .await?
        .ok_or(ApiError::NotFound("merchant"))?;
    let vars = message::sample_vars(key.milestone, &merchant, &key.locale, (app.clock)());
    // Rendering is CPU work bounded by the template's fuel: off the async workers, so a
    // heavy preview never stalls other requests.
    let template = template.clone();
    let checked = tokio::task::spawn_blocking(move || message::check(&template, &vars))
        .await
        .map_err(|_| ApiError::Internal("rendering the template stopped"))?;
    checked.map_err(template_problem)
}

pub async fn put<S: Store, V: SenderIdentities + 'static>(
    State(app): State<Arc<App<S, V>>>,
    headers: HeaderMap,
    ApiPath(path): ApiPath<(String, String, String)>,
    AuthedMerchant(merchant_id): AuthedMerchant,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let (key, template, preview) = checked(&app, &headers, merchant_id, path, body).await?;
    app.store.save_template(&key, &template).await?;
    Ok(Json(Saved::of(&template, &preview)).into_response())
}

pub async fn preview<S: Store, V: SenderIdentities + 'static>(
    State(app): State<Arc<App<S, V>>>,
    headers: HeaderMap,
    ApiPath(path): ApiPath<(String, String, String)>,
    AuthedMerchant(merchant_id): AuthedMerchant,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let (_, template, preview) = checked(&app, &headers, merchant_id, path, body).await?;
    Ok(Json(Saved::of(&template, &preview)).into_response())
}

pub async fn get<S: Store, V: SenderIdentities + 'static>(
    State(app): State<Arc<App<S, V>>>,
    ApiPath(path): ApiPath<(String, String, String)>,
    AuthedMerchant(merchant_id): AuthedMerchant,
) -> Result<Response, ApiError> {
    let key = key(merchant_id, path)?;
    let template = app
        .store
        .template(&key)
        .await?
        .ok_or(ApiError::NotFound("template"))?;
    Ok(Json(TemplateView::from(&template)).into_response())
}

pub async fn delete<S: Store, V: SenderIdentities + 'static>(
    State(app): State<Arc<App<S, V>>>,
    ApiPath(path): ApiPath<(String, String, String)>,
    AuthedMerchant(merchant_id): AuthedMerchant,
) -> Result<Response, ApiError> {
    let key = key(merchant_id, path)?;
    app.store.delete_template(&key).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
