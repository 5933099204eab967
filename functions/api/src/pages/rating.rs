//! `POST /t/{token}/rating`: the delivery rating form, without JavaScript. A valid rating
//! is stored (and counted on the delivery outcome) and answered with a 303 to
//! `/t/{token}?rated=1#rating`; an invalid one re-renders the page with the message (422),
//! an undelivered shipment gets 409 (as does a post that kept losing races to other posts
//! of the same rating: the page then shows the rating that won), an oversized body 413.
//! Never a 5xx for bad input.

use crate::error::ApiError;
use crate::pages::tracking::{self, RatingForm};
use crate::pages::{self, ShipmentPage};
use crate::{App, Store};
use afterclick_domain::i18n::page::{PageWords, page_words};
use afterclick_domain::ports::{MAX_COMMENT_CHARS, Rating, SenderIdentities, StoreError};
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use std::sync::Arc;

/// What was posted, checked: the rating, or the form again with what was wrong.
pub fn parse(body: &[u8], now: DateTime<Utc>, words: &PageWords) -> Result<Rating, RatingForm> {
    let stars = pages::form_value(body, "stars").and_then(|s| s.trim().parse::<u8>().ok());
    let comment = pages::form_value(body, "comment").unwrap_or_default();
    let invalid = |error| RatingForm::Invalid {
        stars: stars.filter(|s| (1..=5).contains(s)),
        comment: comment.clone(),
        error,
    };
    let Some(stars) = stars.filter(|s| (1..=5).contains(s)) else {
        return Err(invalid(words.stars_required));
    };
    if comment.chars().count() > MAX_COMMENT_CHARS {
        return Err(invalid(words.comment_too_long));
    }
    let trimmed = comment.trim();
    Ok(Rating {
        stars,
        comment: (!trimmed.is_empty()).then(|| trimmed.to_owned()),
        rated_at: now,
    })
}

pub async fn rate<S: Store, V: SenderIdentities + 'static>(
    State(app): State<Arc<App<S, V>>>,
    page: ShipmentPage,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let ShipmentPage {
        shipment,
        merchant,
        asked,
        ..
    } = &page;
    let render =
        |form, status| tracking::render(&app, shipment, merchant, asked, form, status, None);
    if !tracking::delivered(shipment) {
        return render(RatingForm::NotDelivered, StatusCode::CONFLICT).await;
    }
    // A split order is rated once, on the page of the parcel that completed it.
    let split = tracking::split_order(&app, shipment).await?;
    let home = tracking::rating_home(shipment, &split.parcels, split.rating_asked_by.as_deref());
    if home != tracking::RatingHome::Here {
        let form = RatingForm::Current {
            rating: None,
            thanks: false,
        };
        return render(form, StatusCode::CONFLICT).await;
    }
    let words = page_words(page.locale());
    let Ok(body) = body else {
        let form = RatingForm::Invalid {
            stars: None,
            comment: String::new(),
            error: words.too_large,
        };
        return render(form, StatusCode::PAYLOAD_TOO_LARGE).await;
    };
    let rating = match parse(&body, (app.clock)(), words) {
        Ok(rating) => rating,
        Err(form) => return render(form, StatusCode::UNPROCESSABLE_ENTITY).await,
    };
    match app.store.rate(shipment, &rating).await {
        Ok(()) => {}
        // Other posts of this rating kept winning the race: show the rating that won.
        Err(StoreError::Conflict) => {
            let rating = app
                .store
                .rating(&shipment.merchant_id, &shipment.tracking_number)
                .await?;
            let form = RatingForm::Current {
                rating,
                thanks: false,
            };
            return render(form, StatusCode::CONFLICT).await;
        }
        Err(err) => return Err(err.into()),
    }
    tracing::info!(merchant_id = %shipment.merchant_id, stars = rating.stars, "delivery rated");
    pages::count(
        &app,
        merchant,
        afterclick_domain::page_stats::PageEvent::Rating,
        Some(&shipment.token),
    )
    .await;
    let location = format!("/t/{}?rated=1#rating", shipment.token);
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(value) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}
