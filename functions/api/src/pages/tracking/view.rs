//! The tracking page's parts, computed from the shipment: pure functions, no I/O.

use super::RatingForm;
use crate::pages::{Brand, safe_link};
use afterclick_domain::i18n::Locale;
use afterclick_domain::i18n::page::PageWords;
use afterclick_domain::message::{date_range, headline, long_date};
use afterclick_domain::milestone::milestone_for;
use afterclick_domain::model::TimeBasis;
use afterclick_domain::providers::carriers;
use afterclick_domain::{Merchant, Milestone, Shipment, Status, TrackingEvent};
use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;

pub struct Context<'a> {
    pub shipment: &'a Shipment,
    pub merchant: &'a Merchant,
    pub locale: &'static Locale,
    pub words: &'static PageWords,
    pub tz: chrono_tz::Tz,
    /// Today in the customer's time zone.
    pub today: NaiveDate,
}

/// Reached the delivered milestone: the delivery was counted, so it can be rated.
pub fn delivered(shipment: &Shipment) -> bool {
    shipment
        .milestones
        .contains_key(Milestone::Delivered.as_str())
}

/// The milestone whose headline says where the parcel is.
pub fn moment(status: Status) -> Milestone {
    milestone_for(status)
        .map(|(m, _)| m)
        .or_else(|| status.is_carrier_scan().then_some(Milestone::InTransit))
        .unwrap_or(Milestone::LabelCreated)
}

#[derive(Debug, Serialize)]
pub struct Late {
    pub apology: &'static str,
    pub promised: String,
    pub discount: Option<String>,
}

/// The promise is broken (or about to be): the carrier's date is after it, or it passed.
pub fn late(ctx: &Context<'_>) -> Option<Late> {
    let s = ctx.shipment;
    let promised = s.promised_delivery_date?;
    let broken = s.estimated_delivery.is_some_and(|e| e > promised) || ctx.today > promised;
    (broken && !delivered(s)).then(|| Late {
        apology: ctx.words.late_apology,
        promised: ctx
            .words
            .promised
            .replace("{date}", &long_date(promised, ctx.locale, ctx.today)),
        discount: ctx
            .merchant
            .branding
            .discount_code
            .as_ref()
            .map(|code| ctx.locale.labels.discount.replace("{code}", code)),
    })
}

/// The delivery date to expect: the shop's estimate where it is the better one (labelled as
/// the shop's, from past deliveries), else the carrier's.
pub fn expected(ctx: &Context<'_>) -> Option<String> {
    if delivered(ctx.shipment) {
        return None;
    }
    let shop = ctx
        .shipment
        .prediction
        .as_ref()
        .filter(|p| p.preferred && p.latest >= ctx.today);
    if let Some(p) = shop {
        let range = date_range(ctx.locale, p.earliest.max(ctx.today), p.latest, ctx.today);
        return Some(afterclick_domain::message::substitute(
            ctx.words.shop_estimate,
            |slot| match slot {
                "brand" => Some(ctx.merchant.brand_name.clone()),
                "range" => Some(range.clone()),
                _ => None,
            },
        ));
    }
    let date = ctx.shipment.estimated_delivery?;
    Some(format!(
        "{}: {}",
        ctx.locale.labels.expected_delivery,
        long_date(date, ctx.locale, ctx.today)
    ))
}

pub fn delivered_on(ctx: &Context<'_>) -> Option<String> {
    let at = ctx
        .shipment
        .milestones
        .get(Milestone::Delivered.as_str())?
        .at;
    let day = at.with_timezone(&ctx.tz).date_naive();
    Some(
        ctx.words
            .delivered_on
            .replace("{date}", &long_date(day, ctx.locale, ctx.today)),
    )
}

#[derive(Debug, Serialize)]
pub struct Step {
    pub label: &'static str,
    /// `done`, `current` or `todo`.
    pub state: &'static str,
}

#[derive(Debug, Serialize)]
pub struct Progress {
    pub steps: Vec<Step>,
    /// The text equivalent: "Step 2 of 4: On its way".
    pub text: String,
}

/// Label created, on its way, out for delivery (or ready for pickup), delivered. Returns
/// and cancellations leave the path, so they get no bar: the headline says what happened.
pub fn progress(ctx: &Context<'_>) -> Option<Progress> {
    let current = match ctx.shipment.status {
        Status::Pending | Status::InfoReceived => 0,
        Status::InTransit | Status::Exception => 1,
        Status::OutForDelivery | Status::AttemptFailed | Status::AvailableForPickup => 2,
        Status::Delivered => 3,
        Status::ReturningToSender
        | Status::ReturnedToSender
        | Status::Expired
        | Status::Cancelled => return None,
    };
    let mut labels = ctx.words.steps;
    if ctx.shipment.status == Status::AvailableForPickup {
        labels[2] = ctx.words.pickup_step;
    }
    let steps = labels
        .iter()
        .enumerate()
        .map(|(i, label)| Step {
            label,
            state: match i.cmp(&current) {
                std::cmp::Ordering::Less => "done",
                std::cmp::Ordering::Equal => "current",
                std::cmp::Ordering::Greater => "todo",
            },
        })
        .collect();
    let text = ctx
        .words
        .progress_text
        .replace("{n}", &(current + 1).to_string())
        .replace("{total}", &labels.len().to_string())
        .replace("{step}", labels[current]);
    Some(Progress { steps, text })
}

#[derive(Debug, Serialize)]
pub struct Row {
    pub label: &'static str,
    pub value: String,
}

#[derive(Debug, Serialize)]
pub struct PickupView {
    pub title: &'static str,
    pub rows: Vec<Row>,
}

/// Where the parcel waits, while it does (newest event that names a pickup point).
pub fn pickup(ctx: &Context<'_>, newest_first: &[TrackingEvent]) -> Option<PickupView> {
    if !matches!(
        ctx.shipment.status,
        Status::AvailableForPickup | Status::AttemptFailed
    ) {
        return None;
    }
    let p = newest_first.iter().find_map(|e| e.pickup.as_ref())?;
    let l = &ctx.locale.labels;
    let rows: Vec<Row> = [
        (l.pickup_point, &p.name),
        (l.pickup_address, &p.address),
        (l.pickup_hours, &p.hours),
    ]
    .into_iter()
    .filter_map(|(label, value)| value.clone().map(|value| Row { label, value }))
    .collect();
    (!rows.is_empty()).then_some(PickupView {
        title: l.pickup_point,
        rows,
    })
}

#[derive(Debug, Serialize)]
pub struct EventView {
    pub when: String,
    /// Machine-readable instant; none when only the carrier's local wall time is known.
    pub datetime: Option<String>,
    pub text: String,
    pub location: Option<String>,
}

fn wall_time(t: NaiveDateTime, locale: &Locale, today: NaiveDate) -> String {
    format!(
        "{} {}",
        long_date(t.date(), locale, today),
        t.format("%H:%M")
    )
}

/// A carrier scan at the customer's local time, or at the carrier's local wall time when
/// its zone is unknown (converting that would be hours off).
pub fn event(ctx: &Context<'_>, e: &TrackingEvent) -> EventView {
    let (when, datetime) = match e.time_basis {
        TimeBasis::LocalUnresolved => (
            wall_time(
                e.local_time.unwrap_or_else(|| e.occurred_at.naive_utc()),
                ctx.locale,
                ctx.today,
            ),
            None,
        ),
        TimeBasis::Instant | TimeBasis::LocalResolved => (
            wall_time(
                e.occurred_at.with_timezone(&ctx.tz).naive_local(),
                ctx.locale,
                ctx.today,
            ),
            Some(e.occurred_at.to_rfc3339()),
        ),
    };
    let text = match e.description.trim() {
        "" => headline(ctx.locale, moment(e.status)).to_owned(),
        described => described.to_owned(),
    };
    EventView {
        when,
        datetime,
        text,
        location: e.location.clone().filter(|l| !l.trim().is_empty()),
    }
}

#[derive(Debug, Serialize)]
pub struct CarrierView {
    pub name: String,
    pub tracking_number: String,
    pub url: Option<String>,
}

pub fn carrier(s: &Shipment) -> CarrierView {
    let known = carriers::carrier(&s.carrier);
    CarrierView {
        name: known.map_or_else(|| s.carrier.to_uppercase(), |c| c.name.to_owned()),
        tracking_number: s.tracking_number.clone(),
        url: known.map(|c| c.tracking_url_for(&s.tracking_number)),
    }
}

#[derive(Debug, Serialize)]
pub struct ProductView {
    pub name: String,
    pub image_url: String,
    pub url: Option<String>,
    pub price: String,
}

/// The merchant's products for this parcel whose images the page may load (https), at
/// most four.
pub fn recommendations(
    merchant: &Merchant,
    shipment: &Shipment,
    brand: &mut Brand,
) -> Vec<ProductView> {
    merchant
        .branding
        .recommendations_for(shipment)
        .iter()
        .filter(|p| brand.allow_image(&p.image_url))
        .take(4)
        .map(|p| ProductView {
            name: p.name.clone(),
            image_url: p.image_url.clone(),
            url: safe_link(&p.url),
            price: p.price.clone(),
        })
        .collect()
}

#[derive(Debug, Serialize)]
pub struct StarOption {
    pub value: u8,
    pub label: &'static str,
    pub glyphs: String,
    pub checked: bool,
}

#[derive(Debug, Serialize)]
pub struct RatingView {
    pub action: String,
    pub stars: Vec<StarOption>,
    pub comment: String,
    /// Whether a comment is asked for: not once the customer's data is erased.
    pub comments: bool,
    /// "Your rating: 4 of 5"
    pub current: Option<String>,
    pub thanks: bool,
    pub error: Option<&'static str>,
    /// Why there is no form (not delivered yet).
    pub blocked: Option<&'static str>,
    /// The order's rating is asked on another parcel's page: the link there.
    pub elsewhere: Option<String>,
}

/// The rating part for a parcel of a split order whose rating is asked elsewhere.
pub fn rating_elsewhere(token: &str) -> RatingView {
    RatingView {
        action: String::new(),
        stars: Vec::new(),
        comment: String::new(),
        comments: false,
        current: None,
        thanks: false,
        error: None,
        blocked: None,
        elsewhere: Some(format!("/t/{token}#rating")),
    }
}

pub fn rating(ctx: &Context<'_>, form: RatingForm) -> Option<RatingView> {
    let w = ctx.words;
    let mut view = RatingView {
        action: format!("/t/{}/rating", ctx.shipment.token),
        stars: Vec::new(),
        comment: String::new(),
        comments: ctx.shipment.erased_at.is_none(),
        current: None,
        thanks: false,
        error: None,
        blocked: None,
        elsewhere: None,
    };
    let checked = match form {
        RatingForm::NotDelivered => {
            view.blocked = Some(w.not_delivered);
            return Some(view);
        }
        _ if !delivered(ctx.shipment) => return None,
        RatingForm::Current { rating, thanks } => {
            view.thanks = thanks && rating.is_some();
            let stars = rating.as_ref().map(|r| r.stars);
            view.current = stars.map(|s| w.your_rating.replace("{stars}", &s.to_string()));
            view.comment = rating.and_then(|r| r.comment).unwrap_or_default();
            stars
        }
        RatingForm::Invalid {
            stars,
            comment,
            error,
        } => {
            view.comment = comment;
            view.error = Some(error);
            stars
        }
    };
    view.stars = (1..=5u8)
        .zip(w.star_labels)
        .map(|(value, label)| StarOption {
            value,
            label,
            glyphs: "★".repeat(usize::from(value)) + &"☆".repeat(usize::from(5 - value)),
            checked: checked == Some(value),
        })
        .collect();
    Some(view)
}

/// Where an order's delivery rating is asked: on the page of the parcel that completed the
/// order (its delivery email links there), once per order.
#[derive(Debug, PartialEq, Eq)]
pub enum RatingHome<'a> {
    Here,
    /// Another parcel's page (its token).
    Elsewhere(&'a str),
    /// Other parcels are still on their way.
    NotYet,
}

pub fn rating_home<'a>(
    shipment: &Shipment,
    parcels: &'a [Shipment],
    asked_by: Option<&str>,
) -> RatingHome<'a> {
    let live = afterclick_domain::orders::live(shipment, parcels);
    if live.len() < 2 {
        return RatingHome::Here;
    }
    if !live.iter().all(|s| delivered(s)) {
        return RatingHome::NotYet;
    }
    // The parcel whose email asked (notify claimed it on the order), else the last one
    // delivered: where that email links.
    if let Some(asker) = asked_by.and_then(|tn| live.iter().find(|s| s.tracking_number == tn)) {
        return if asker.tracking_number == shipment.tracking_number {
            RatingHome::Here
        } else {
            RatingHome::Elsewhere(&asker.token)
        };
    }
    let delivered_at = |s: &Shipment| {
        s.milestones
            .get(Milestone::Delivered.as_str())
            .map(|m| m.at)
    };
    match live
        .iter()
        .max_by_key(|s| (delivered_at(s), s.tracking_number.clone()))
    {
        Some(last) if last.tracking_number != shipment.tracking_number => {
            RatingHome::Elsewhere(&last.token)
        }
        _ => RatingHome::Here,
    }
}

#[derive(Debug, Serialize)]
pub struct ItemView {
    pub title: String,
    pub quantity: u32,
    pub image_url: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct OtherParcel {
    /// "Parcel 2 of 2"
    pub label: String,
    /// Where it is: the headline of its status.
    pub status: &'static str,
    pub href: String,
}

/// "Parcel 1 of 2", what is in it, and the order's other parcels with their status.
#[derive(Debug, Serialize)]
pub struct OrderView {
    pub title: Option<String>,
    pub share: Option<String>,
    pub contents: &'static str,
    pub items: Vec<ItemView>,
    pub others_title: &'static str,
    pub others: Vec<OtherParcel>,
}

pub fn order(ctx: &Context<'_>, parcels: &[Shipment]) -> Option<OrderView> {
    let s = ctx.shipment;
    let l = &ctx.locale.labels;
    let count = |template: &str, n: String, total: String| {
        template.replace("{n}", &n).replace("{total}", &total)
    };
    let context = afterclick_domain::orders::context(s, parcels);
    let items: Vec<ItemView> = s
        .parcel
        .iter()
        .flat_map(|p| &p.items)
        .map(|i| ItemView {
            title: i.title.clone(),
            quantity: i.quantity,
            image_url: i.image_url.as_deref().and_then(safe_link),
        })
        .collect();
    if context.is_none() && items.is_empty() {
        return None;
    }
    let mut others: Vec<(usize, OtherParcel)> = afterclick_domain::orders::live(s, parcels)
        .into_iter()
        .filter(|o| o.tracking_number != s.tracking_number)
        .filter_map(|o| {
            let (n, total) = afterclick_domain::orders::position(o, parcels)?;
            let other = OtherParcel {
                label: count(l.parcel_position, n.to_string(), total.to_string()),
                status: headline(ctx.locale, moment(o.status)),
                href: format!("/t/{}", o.token),
            };
            Some((n, other))
        })
        .collect();
    others.sort_by_key(|(n, _)| *n);
    let others = others.into_iter().map(|(_, o)| o).collect();
    Some(OrderView {
        title: context.map(|c| {
            count(
                l.parcel_position,
                c.position.to_string(),
                c.parcels.to_string(),
            )
        }),
        share: context
            .filter(|c| c.items_here > 0 && c.items_here < c.items_in_order)
            .map(|c| {
                count(
                    l.parcel_share,
                    c.items_here.to_string(),
                    c.items_in_order.to_string(),
                )
            }),
        contents: l.parcel_contents,
        items,
        others_title: l.other_parcels,
        others,
    })
}
