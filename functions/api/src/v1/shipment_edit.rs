//! `PATCH /v1/shipments/{id}` (JSON merge patch of the customer's contact, locale, time
//! zone, the promise and the shipment's channels) and `DELETE /v1/shipments/{id}` (erasure
//! of the customer's personal data). Both write guarded by the shipment's version.

use crate::error::ApiError;
use crate::v1::{AuthedMerchant, shipments};
use crate::{App, BODY_LIMIT, Store};
use afterclick_domain::Channel;
use afterclick_domain::Shipment;
use afterclick_domain::ports::{Scrubbed, StoreError};
use afterclick_domain::validate::{
    FieldError, parse_json, validate_locale, validate_promise, validate_text, validate_timezone,
};
use afterclick_domain::{EmailAddress, PhoneNumber};
use afterclick_web::ApiPath;
use afterclick_web::{Problem, require_json};
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Deserializer, Serialize};
use std::sync::Arc;

/// Reads of a shipment that lost a race against another writer, before answering 409.
const EDIT_ATTEMPTS: usize = 3;

/// Merge patch: an absent member is left alone, `null` removes an optional one.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Patch {
    #[serde(default)]
    customer: Option<CustomerPatch>,
    #[serde(default, deserialize_with = "present")]
    promised_delivery_date: Option<Option<String>>,
    /// `null`: the merchant's channels again.
    #[serde(default, deserialize_with = "present")]
    channels: Option<Option<Vec<Channel>>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct CustomerPatch {
    #[serde(default)]
    name: Option<String>,
    #[serde(default, deserialize_with = "present")]
    email: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    phone: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    locale: Option<Option<String>>,
    #[serde(default)]
    timezone: Option<String>,
}

/// Tells `null` (Some(None)) from absent (None, via `default`).
fn present<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// Like `parse_json`, and an unknown member is named in `field` too.
fn parse_patch(body: &[u8]) -> Result<Patch, FieldError> {
    parse_json(body).map_err(|mut err: FieldError| {
        if let Some(name) = err
            .detail
            .strip_prefix("unknown field `")
            .and_then(|rest| rest.split('`').next())
        {
            // The path may or may not end with the unknown member already.
            let named = err.field == name || err.field.ends_with(&format!(".{name}"));
            if !named {
                err.field = if err.field.is_empty() {
                    name.to_owned()
                } else {
                    format!("{}.{name}", err.field)
                };
            }
            err.detail = "is not a member that can be patched".into();
        }
        err
    })
}

fn trimmed(value: Option<String>) -> Option<String> {
    value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

/// The shipment with the patch applied, validated as registration validates.
fn apply(mut s: Shipment, patch: Patch, today: NaiveDate) -> Result<Shipment, FieldError> {
    if let Some(c) = patch.customer {
        if let Some(name) = c.name {
            validate_text("customer.name", &name, 200)?;
            s.customer.name = name.trim().to_owned();
        }
        if let Some(email) = c.email {
            s.customer.email = trimmed(email)
                .map(|e| EmailAddress::parse(&e).map_err(|err| err.at("customer.email")))
                .transpose()?;
        }
        if let Some(phone) = c.phone {
            s.customer.phone = trimmed(phone)
                .map(|p| PhoneNumber::parse(&p).map_err(|err| err.at("customer.phone")))
                .transpose()?;
        }
        if let Some(locale) = c.locale {
            s.customer.locale = locale
                .map(|l| validate_locale("customer.locale", &l))
                .transpose()?;
        }
        if let Some(timezone) = c.timezone {
            validate_timezone("customer.timezone", &timezone)?;
            s.customer.timezone = timezone;
        }
        if s.customer.email.is_none() && s.customer.phone.is_none() {
            return Err(FieldError::new(
                "customer.email",
                "or customer.phone is required: the customer must be reachable",
            ));
        }
    }
    if let Some(date) = patch.promised_delivery_date {
        s.promised_delivery_date = date
            .map(|raw| {
                let date = NaiveDate::parse_from_str(&raw, "%Y-%m-%d").map_err(|_| {
                    FieldError::new("promised_delivery_date", "must be a date, YYYY-MM-DD")
                })?;
                // Only a new promise is judged: sending back the stored one is no change.
                if s.promised_delivery_date != Some(date) {
                    validate_promise("promised_delivery_date", date, today)?;
                }
                Ok(date)
            })
            .transpose()?;
    }
    if let Some(channels) = patch.channels {
        s.channels = channels.map(|mut list| {
            list.sort();
            list.dedup();
            list
        });
    }
    Ok(s)
}

fn conflict(detail: &str) -> ApiError {
    ApiError::Problem(Problem::new(
        StatusCode::CONFLICT,
        "conflict",
        "The shipment changed",
        detail,
    ))
}

#[tracing::instrument(skip_all, fields(merchant_id = %merchant_id, shipment_id = %id))]
pub async fn patch<S: Store, V>(
    State(app): State<Arc<App<S, V>>>,
    headers: HeaderMap,
    ApiPath(id): ApiPath<String>,
    AuthedMerchant(merchant_id): AuthedMerchant,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let body = body.map_err(|r| Problem::from_body_rejection(&r, BODY_LIMIT))?;
    require_json(&headers)?;
    // Parsed before the shipment is read: a bad body is a 400 whatever the id.
    parse_patch(&body).map_err(ApiError::InvalidBody)?;
    let edited = edit(&app, &merchant_id, &id, &body).await?;
    shipments::respond(&app, StatusCode::OK, edited).await
}

/// Applies a JSON merge patch (the body of `PATCH`) to the merchant's shipment, on the
/// version it read (read again on a lost race); the dashboard's edit form sends the same.
pub(crate) async fn edit<S: Store, V>(
    app: &App<S, V>,
    merchant_id: &str,
    id: &str,
    body: &[u8],
) -> Result<Shipment, ApiError> {
    for _ in 0..EDIT_ATTEMPTS {
        let current = shipments::owned(app, merchant_id, id).await?;
        let patch = parse_patch(body).map_err(ApiError::InvalidBody)?;
        if current.erased_at.is_some() && patch.customer.is_some() {
            return Err(ApiError::Problem(
                Problem::new(
                    StatusCode::CONFLICT,
                    "erased",
                    "The customer's data was erased",
                    "this shipment's personal data was erased; it takes no new contact details",
                )
                .with_field("customer"),
            ));
        }
        let today = (app.clock)().date_naive();
        let mut next = apply(current.clone(), patch, today).map_err(ApiError::Unprocessable)?;
        if next == current {
            return Ok(current);
        }
        next.updated_at = (app.clock)();
        match app.store.save_edit(current.version, &next).await {
            Ok(()) => {
                next.version = current.version + 1;
                tracing::info!("shipment edited");
                return Ok(next);
            }
            Err(StoreError::Conflict) => continue,
            Err(err) => return Err(err.into()),
        }
    }
    Err(conflict(
        "the shipment kept changing while it was edited; retry",
    ))
}

/// What `DELETE` did: precisely what was erased, and what was kept.
#[derive(Debug, Serialize)]
struct Erasure<'a> {
    id: &'a str,
    erased_at: DateTime<Utc>,
    erased: &'static [&'static str],
    kept: &'static [&'static str],
    /// Items this request changed; all zero when repeated.
    scrubbed: ScrubbedView,
}

#[derive(Debug, Serialize)]
struct ScrubbedView {
    shipment: bool,
    notifications: usize,
    events: usize,
    stored_responses: usize,
    rating_comments: usize,
}

const ERASED: &[&str] = &[
    "customer.name",
    "customer.email",
    "customer.phone",
    "events[].signed_by",
    "notifications[].details.signed_by",
    "notifications[].detail (of failed sends: provider text that can name the recipient)",
    "stored idempotent responses that repeat the registration",
    "rating.comment (the customer's own words)",
];
const KEPT: &[&str] = &[
    "shipment (tracking number, carrier, order number, status, dates)",
    "customer.locale",
    "customer.timezone",
    "events",
    "milestones",
    "notifications (their states, without personal data)",
    "delivery outcome counters",
    "rating.stars (anonymous, still counted)",
    "opt-outs (hashed addresses only)",
];

fn erased(mut s: Shipment, now: DateTime<Utc>) -> Shipment {
    s.customer.name = String::new();
    s.customer.email = None;
    s.customer.phone = None;
    s.erased_at = Some(now);
    s.updated_at = now;
    s
}

#[tracing::instrument(skip_all, fields(merchant_id = %merchant_id, shipment_id = %id))]
pub async fn erase<S: Store, V>(
    State(app): State<Arc<App<S, V>>>,
    ApiPath(id): ApiPath<String>,
    AuthedMerchant(merchant_id): AuthedMerchant,
) -> Result<Response, ApiError> {
    let (shipment, erased_now, scrubbed) = erase_customer(&app, &merchant_id, &id).await?;
    let Scrubbed {
        notifications,
        events,
        stored_responses,
        rating_comments,
    } = scrubbed;
    tracing::info!(erased_now, notifications, events, "customer data erased");
    let body = Erasure {
        id: &shipment.id,
        erased_at: shipment.erased_at.unwrap_or_else(|| (app.clock)()),
        erased: ERASED,
        kept: KEPT,
        scrubbed: ScrubbedView {
            shipment: erased_now,
            notifications,
            events,
            stored_responses,
            rating_comments,
        },
    };
    Ok((StatusCode::OK, Json(body)).into_response())
}

/// Erases the customer's personal data from the merchant's shipment (the shipment first,
/// so nothing more is sent, then what refers to it); repeating it finishes an erasure that
/// failed half-way. The dashboard's erase form does the same.
pub(crate) async fn erase_customer<S: Store, V>(
    app: &App<S, V>,
    merchant_id: &str,
    id: &str,
) -> Result<(Shipment, bool, Scrubbed), ApiError> {
    let mut erased_now = false;
    let mut shipment = None;
    for _ in 0..EDIT_ATTEMPTS {
        let current = shipments::owned(app, merchant_id, id).await?;
        if current.erased_at.is_some() {
            shipment = Some(current);
            break;
        }
        let next = erased(current.clone(), (app.clock)());
        match app.store.save_edit(current.version, &next).await {
            Ok(()) => {
                erased_now = true;
                shipment = Some(next);
                break;
            }
            Err(StoreError::Conflict) => continue,
            Err(err) => return Err(err.into()),
        }
    }
    let shipment =
        shipment.ok_or_else(|| conflict("the shipment kept changing during the erasure; retry"))?;
    let scrubbed = app.store.scrub_personal_data(&shipment).await?;
    Ok((shipment, erased_now, scrubbed))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use afterclick_domain::fakes::shipment;

    fn patched(json: &str) -> Result<Shipment, FieldError> {
        let s = shipment("m1", "1Z1", Utc::now());
        // The pinned day the fixed dates below are near.
        let today = NaiveDate::from_ymd_opt(2026, 11, 18).unwrap();
        apply(s, parse_patch(json.as_bytes())?, today)
    }

    #[test]
    fn invalid_values_name_their_field() {
        for (body, field) in [
            (r#"{"customer":{"email":"nope"}}"#, "customer.email"),
            (r#"{"customer":{"phone":"0151"}}"#, "customer.phone"),
            (r#"{"customer":{"name":" "}}"#, "customer.name"),
            (r#"{"customer":{"locale":"english"}}"#, "customer.locale"),
            (
                r#"{"customer":{"timezone":"Mars/Base"}}"#,
                "customer.timezone",
            ),
            (
                r#"{"promised_delivery_date":"soon"}"#,
                "promised_delivery_date",
            ),
            (
                r#"{"customer":{"email":null,"phone":null}}"#,
                "customer.email",
            ),
            (r#"{"channels":["pigeon"]}"#, "channels[0]"),
            (r#"{"colour":"red"}"#, "colour"),
            (r#"{"customer":{"address":"x"}}"#, "customer.address"),
        ] {
            assert_eq!(patched(body).unwrap_err().field, field, "{body}");
        }
    }

    #[test]
    fn null_removes_absent_keeps() {
        let s =
            patched(r#"{"customer":{"phone":null},"channels":["sms","email","email"]}"#).unwrap();
        assert_eq!(s.customer.phone, None);
        assert_eq!(s.customer.email.as_deref(), Some("ada@example.com"));
        assert_eq!(s.channels, Some(vec![Channel::Email, Channel::Sms]));
        let s = patched(r#"{"channels":[],"promised_delivery_date":"2026-11-20"}"#).unwrap();
        assert_eq!(s.channels, Some(vec![]));
        assert_eq!(
            s.promised_delivery_date,
            NaiveDate::from_ymd_opt(2026, 11, 20)
        );
        let s = patched(r#"{"channels":null,"promised_delivery_date":null}"#).unwrap();
        assert_eq!((s.channels, s.promised_delivery_date), (None, None));
        assert_eq!(s.customer.locale.as_deref(), Some("en"));
        let s = patched(r#"{"customer":{"locale":null}}"#).unwrap();
        assert_eq!(s.customer.locale, None);
        let s = patched(r#"{"customer":{"locale":"de-DE"}}"#).unwrap();
        assert_eq!(s.customer.locale.as_deref(), Some("de-DE"));
    }
}
