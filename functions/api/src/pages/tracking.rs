//! The customer's tracking page, `GET /t/{token}`: server-rendered HTML in the merchant's
//! brand and the customer's language, with the progress over the milestones, the expected
//! date (and the broken promise, with an apology), the carrier's timeline in the
//! customer's time zone, the pickup point, the merchant's recommendations and, once
//! delivered, the delivery rating form. No JavaScript; an unknown token gets a neutral 404.

mod timeline;
mod view;

use crate::error::ApiError;
use crate::pages::{self, Asked, Brand, Chrome, ShipmentPage, locale};
use crate::{App, Store};
use afterclick_domain::message::headline;
use afterclick_domain::page_stats::{PageEvent, Target};
use afterclick_domain::ports::{EventPosition, Rating, SenderIdentities};
use afterclick_domain::{Merchant, Milestone, Shipment};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Serialize;
use std::sync::Arc;

pub use view::{RatingHome, delivered, rating_home};

/// What the rating part of the page shows.
pub enum RatingForm {
    /// The stored rating (if any), with the thank-you after a post.
    Current {
        rating: Option<Rating>,
        thanks: bool,
    },
    /// A post that did not validate: what was sent, and why not.
    Invalid {
        stars: Option<u8>,
        comment: String,
        error: &'static str,
    },
    /// Not delivered yet: nothing to rate.
    NotDelivered,
}

#[derive(Serialize)]
struct Labels {
    order: &'static str,
    carrier: &'static str,
    tracking_number: &'static str,
    recommendations: &'static str,
}

#[derive(Serialize)]
struct TrackingPage {
    #[serde(flatten)]
    chrome: Chrome,
    labels: Labels,
    headline: &'static str,
    late: Option<view::Late>,
    expected: Option<String>,
    delivered_on: Option<String>,
    progress: Option<view::Progress>,
    pickup: Option<view::PickupView>,
    rating: Option<view::RatingView>,
    events: Vec<view::EventView>,
    older_events: Option<timeline::Earlier>,
    times_in: String,
    order_number: String,
    carrier: view::CarrierView,
    recommendations: Vec<view::ProductView>,
    order: Option<view::OrderView>,
}

/// A store parcel's order: every shipment registered under its order number (itself
/// included), and which parcel's email asked for the order's rating. Other shipments are
/// alone as far as the page is concerned.
pub struct SplitOrder {
    pub parcels: Vec<Shipment>,
    pub rating_asked_by: Option<String>,
}

pub async fn split_order<S: Store, V>(
    app: &App<S, V>,
    shipment: &Shipment,
) -> Result<SplitOrder, ApiError> {
    let Some(parcel) = &shipment.parcel else {
        return Ok(SplitOrder {
            parcels: Vec::new(),
            rating_asked_by: None,
        });
    };
    let parcels = app
        .store
        .shipments_by_order(&shipment.merchant_id, &shipment.order_number)
        .await?;
    let order = app
        .store
        .order(
            &shipment.merchant_id,
            &parcel.platform,
            &shipment.order_number,
        )
        .await?;
    Ok(SplitOrder {
        parcels,
        rating_asked_by: order.and_then(|o| o.rating_asked_by),
    })
}

/// Renders the page for a loaded shipment (also after a rating post).
pub async fn render<S: Store, V>(
    app: &App<S, V>,
    shipment: &Shipment,
    merchant: &Merchant,
    asked: &Asked,
    form: RatingForm,
    status: StatusCode,
    before: Option<&EventPosition>,
) -> Result<Response, ApiError> {
    let locale = locale(asked, shipment, merchant);
    let page = app
        .store
        .timeline_page(
            &shipment.merchant_id,
            &shipment.tracking_number,
            before,
            timeline::SHOWN_EVENTS,
        )
        .await?;
    let earlier = page.earlier;
    let mut events = page.events;
    events.reverse();
    let tz: chrono_tz::Tz = shipment.customer.timezone.parse().unwrap_or(chrono_tz::UTC);
    let ctx = view::Context {
        shipment,
        merchant,
        locale,
        words: afterclick_domain::i18n::page::page_words(locale),
        tz,
        today: (app.clock)().with_timezone(&tz).date_naive(),
    };
    let late = view::late(&ctx);
    let moment = if late.is_some() {
        Milestone::Delayed
    } else {
        view::moment(shipment.status)
    };
    let split = split_order(app, shipment).await?;
    let parcels = split.parcels;
    let rating = match rating_home(shipment, &parcels, split.rating_asked_by.as_deref()) {
        RatingHome::Here => view::rating(&ctx, form),
        RatingHome::NotYet => None,
        RatingHome::Elsewhere(token) => delivered(shipment).then(|| view::rating_elsewhere(token)),
    };
    let mut brand = Brand::of(merchant).framed_by_shop(merchant);
    let mut recommendations = view::recommendations(merchant, shipment, &mut brand);
    // Links out go through this site's redirects, which count the click (no script, no
    // cookie); the redirect resolves the same destination from the stored data.
    let go = |target: Target| format!("/t/{}/go/{}", shipment.token, target.path());
    for (i, p) in recommendations.iter_mut().enumerate() {
        p.url = p.url.as_ref().map(|_| go(Target::Product(i)));
    }
    if brand.support_link.is_some() {
        brand.support_link = Some(go(Target::Support));
    }
    let mut carrier = view::carrier(shipment);
    carrier.url = carrier.url.map(|_| go(Target::Carrier));
    let title = format!("{} · {}", ctx.words.track_title, merchant.brand_name);
    let here = format!("/t/{}", shipment.token);
    let l = &locale.labels;
    let timeline = timeline::timeline(&ctx, &events, earlier.as_ref(), asked);
    let page = TrackingPage {
        labels: Labels {
            order: l.order,
            carrier: l.carrier,
            tracking_number: l.tracking_number,
            recommendations: l.recommendations,
        },
        headline: headline(locale, moment),
        late,
        expected: view::expected(&ctx),
        delivered_on: view::delivered_on(&ctx),
        progress: view::progress(&ctx),
        // Where to collect the parcel is current news: on the newest page only.
        pickup: view::pickup(&ctx, &events).filter(|_| before.is_none()),
        rating,
        order: view::order(&ctx, &parcels),
        times_in: ctx.words.times_in.replace("{zone}", tz.name()),
        events: timeline.events,
        older_events: timeline.older,
        order_number: shipment.order_number.clone(),
        carrier,
        recommendations,
        chrome: Chrome::new(locale, title, brand, Some(here)),
    };
    pages::respond(status, "tracking.html", &page.chrome, &page)
}

pub async fn show<S: Store, V: SenderIdentities + 'static>(
    State(app): State<Arc<App<S, V>>>,
    ShipmentPage {
        shipment,
        merchant,
        asked,
        query,
    }: ShipmentPage,
) -> Result<Response, ApiError> {
    let rating = if delivered(&shipment) {
        app.store
            .rating(&shipment.merchant_id, &shipment.tracking_number)
            .await?
    } else {
        None
    };
    let thanks = pages::query_value(query.as_deref(), "rated").as_deref() == Some("1");
    // A view is the page opened: not an older page of its timeline, not the return
    // after a rating.
    let before = pages::query_value(query.as_deref(), "before");
    if before.is_none() && !thanks {
        pages::count(&app, &merchant, PageEvent::View, Some(&shipment.token)).await;
    }
    render(
        &app,
        &shipment,
        &merchant,
        &asked,
        RatingForm::Current { rating, thanks },
        StatusCode::OK,
        // A malformed cursor is just the newest page: the customer followed an old link.
        pages::query_value(query.as_deref(), "before")
            .and_then(|c| EventPosition::parse(&c))
            .as_ref(),
    )
    .await
}

#[cfg(test)]
mod tests;
