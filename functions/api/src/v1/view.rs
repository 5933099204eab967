//! JSON views of shipments as the API returns them.

use afterclick_domain::lanes::{Confidence, LaneLevel, Prediction};
use afterclick_domain::milestone::Moment;
use afterclick_domain::model::{Pickup, TimeBasis};
use afterclick_domain::ports::{EventPosition, TimelinePage};
use afterclick_domain::reason::Reason;
use afterclick_domain::{Customer, Milestone, Notification, Shipment, Status, TrackingEvent};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde::Serialize;

/// What both a listing item and the single shipment show.
#[derive(Debug, Serialize)]
pub struct ShipmentCore<'a> {
    pub id: &'a str,
    pub tracking_number: &'a str,
    pub carrier: &'a str,
    pub order_number: &'a str,
    pub status: Status,
    pub status_at: Option<DateTime<Utc>>,
    pub estimated_delivery: Option<NaiveDate>,
    pub promised_delivery_date: Option<NaiveDate>,
    pub customer: CustomerView<'a>,
    pub tracking_url: String,
    /// The channels this shipment may use (narrowing the merchant's); null: the merchant's.
    pub channels: Option<&'a [afterclick_domain::Channel]>,
    /// When the customer's personal data was erased.
    pub erased_at: Option<DateTime<Utc>>,
    /// The shop's estimate from its delivery history, for a parcel in transit.
    pub predicted_delivery: Option<PredictionView>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// `afterclick_domain::lanes::Prediction` as the API shows it.
#[derive(Debug, Serialize)]
pub struct PredictionView {
    pub earliest: NaiveDate,
    pub latest: NaiveDate,
    pub confidence: Confidence,
    /// The lane it came from: `region`, `country`, `service` or `carrier`.
    pub lane: LaneLevel,
    /// Deliveries of that lane it was computed from.
    pub samples: u64,
    /// Probability (0 to 1) of missing the promised date; null without a promise.
    pub late_probability: Option<f64>,
    /// Shown to the customer instead of the carrier's estimate.
    pub preferred: bool,
}

impl From<&Prediction> for PredictionView {
    fn from(p: &Prediction) -> Self {
        Self {
            earliest: p.earliest,
            latest: p.latest,
            confidence: p.confidence,
            lane: p.lane,
            samples: p.samples,
            late_probability: p.late_risk.map(|r| f64::from(r) / 100.0),
            preferred: p.preferred,
        }
    }
}

impl<'a> ShipmentCore<'a> {
    pub fn of(s: &'a Shipment, public_base_url: &str) -> Self {
        Self {
            id: &s.id,
            tracking_number: &s.tracking_number,
            carrier: &s.carrier,
            order_number: &s.order_number,
            status: s.status,
            status_at: s.status_at,
            estimated_delivery: s.estimated_delivery,
            promised_delivery_date: s.promised_delivery_date,
            customer: (&s.customer).into(),
            tracking_url: s.tracking_url(public_base_url),
            channels: s.channels.as_deref(),
            erased_at: s.erased_at,
            // An estimate of a parcel still on its way: a delivered one has its date.
            predicted_delivery: s
                .prediction
                .as_ref()
                .filter(|_| afterclick_domain::rules::awaiting_delivery(s))
                .map(PredictionView::from),
            created_at: s.created_at,
            updated_at: s.updated_at,
        }
    }
}

/// `GET /v1/shipments/{id}`: the shipment with its timeline and notifications.
#[derive(Debug, Serialize)]
pub struct ShipmentView<'a> {
    #[serde(flatten)]
    pub core: ShipmentCore<'a>,
    pub service: Option<&'a str>,
    pub destination_country: Option<&'a str>,
    pub origin_country: Option<&'a str>,
    /// Postal regions (`US-100`: a postal code's routing prefix), for lane statistics.
    pub origin_region: Option<&'a str>,
    pub destination_region: Option<&'a str>,
    pub milestones: Vec<MilestoneView>,
    /// The newest scans, oldest first.
    pub events: Vec<EventView<'a>>,
    /// The cursor of the page of earlier scans (`GET /v1/shipments/{id}/events?before=`).
    pub events_before: Option<String>,
    pub notifications: Vec<NotificationView<'a>>,
    /// The carrier as the store named it, when afterclick does not know that name.
    pub carrier_name: Option<&'a str>,
    /// The store order and the part of it this parcel carries (store platforms only).
    pub parcel: Option<ParcelView<'a>>,
}

/// Where a store platform's parcel sits in its order.
#[derive(Debug, Serialize)]
pub struct ParcelView<'a> {
    pub platform: &'a str,
    pub order_id: &'a str,
    pub parcel_id: &'a str,
    pub name: Option<&'a str>,
    pub items: Vec<LineItemView<'a>>,
    pub cancelled_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Serialize)]
pub struct LineItemView<'a> {
    pub title: &'a str,
    pub quantity: u32,
    pub sku: Option<&'a str>,
    pub product_id: Option<&'a str>,
    pub image_url: Option<&'a str>,
}

impl<'a> From<&'a afterclick_domain::model::LineItem> for LineItemView<'a> {
    fn from(l: &'a afterclick_domain::model::LineItem) -> Self {
        Self {
            title: &l.title,
            quantity: l.quantity,
            sku: l.sku.as_deref(),
            product_id: l.product_id.as_deref(),
            image_url: l.image_url.as_deref(),
        }
    }
}

impl<'a> From<&'a afterclick_domain::model::OrderParcel> for ParcelView<'a> {
    fn from(p: &'a afterclick_domain::model::OrderParcel) -> Self {
        Self {
            platform: &p.platform,
            order_id: &p.order_id,
            parcel_id: &p.parcel_id,
            name: p.name.as_deref(),
            items: p.items.iter().map(LineItemView::from).collect(),
            cancelled_at: p.cancelled_at,
        }
    }
}

/// One carrier scan as the API shows it. Like every view, an optional field is always
/// there, `null` when unknown (the stored event leaves them out to save space).
#[derive(Debug, Serialize)]
pub struct EventView<'a> {
    pub occurred_at: DateTime<Utc>,
    pub status: Status,
    pub description: &'a str,
    pub location: Option<&'a str>,
    pub estimated_delivery: Option<NaiveDate>,
    pub provider: &'a str,
    pub raw_status: Option<&'a str>,
    pub raw_substatus: Option<&'a str>,
    pub reason: Option<Reason>,
    pub local_time: Option<NaiveDateTime>,
    pub time_basis: TimeBasis,
    pub signed_by: Option<&'a str>,
    pub pickup: Option<PickupView<'a>>,
}

#[derive(Debug, Serialize)]
pub struct PickupView<'a> {
    pub name: Option<&'a str>,
    pub address: Option<&'a str>,
    pub hours: Option<&'a str>,
}

impl<'a> From<&'a Pickup> for PickupView<'a> {
    fn from(p: &'a Pickup) -> Self {
        Self {
            name: p.name.as_deref(),
            address: p.address.as_deref(),
            hours: p.hours.as_deref(),
        }
    }
}

impl<'a> From<&'a TrackingEvent> for EventView<'a> {
    fn from(e: &'a TrackingEvent) -> Self {
        Self {
            occurred_at: e.occurred_at,
            status: e.status,
            description: &e.description,
            location: e.location.as_deref(),
            estimated_delivery: e.estimated_delivery,
            provider: &e.provider,
            raw_status: e.raw_status.as_deref(),
            raw_substatus: e.raw_substatus.as_deref(),
            reason: e.reason,
            local_time: e.local_time,
            time_basis: e.time_basis,
            signed_by: e.signed_by.as_deref(),
            pickup: e.pickup.as_ref().map(PickupView::from),
        }
    }
}

/// The customer as the API shows them: what is unknown (or erased) is an explicit `null`.
#[derive(Debug, Serialize)]
pub struct CustomerView<'a> {
    pub name: &'a str,
    pub email: Option<&'a str>,
    pub phone: Option<&'a str>,
    pub locale: Option<&'a str>,
    pub timezone: &'a str,
}

impl<'a> From<&'a Customer> for CustomerView<'a> {
    fn from(c: &'a Customer) -> Self {
        Self {
            name: &c.name,
            email: c.email.as_deref(),
            phone: c.phone.as_deref(),
            locale: c.locale.as_deref(),
            timezone: &c.timezone,
        }
    }
}

#[derive(Debug, Serialize)]
pub struct MilestoneView {
    pub milestone: Milestone,
    /// Which occurrence: the attempt's time, the exception's reason, the delay's new date.
    pub instance: Option<String>,
    pub reached_at: DateTime<Utc>,
    pub notified: bool,
}

#[derive(Debug, Serialize)]
pub struct NotificationView<'a> {
    pub milestone: Milestone,
    pub instance: Option<&'a str>,
    pub channel: afterclick_domain::Channel,
    pub state: afterclick_domain::NotificationState,
    pub provider_message_id: Option<&'a str>,
    pub detail: Option<&'a str>,
    /// SMS: encoding and segment count of what was sent.
    pub segments: Option<afterclick_domain::sms::Segments>,
    /// Deferred SMS: when the customer's quiet hours end.
    pub deferred_until: Option<DateTime<Utc>>,
    /// Claimed: when the sender's lease ends; if the send is not recorded by then, the
    /// sweeper takes it over and sends again.
    pub claim_expires_at: Option<DateTime<Utc>>,
    /// How often a sender died holding the claim and it was sent again after the lease (the customer
    /// may have received it more than once).
    pub expired_claims: u32,
    /// Email: what SES reported after the send (first of each kind), in time order.
    pub email_events: Vec<EmailEventView<'a>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Serialize)]
pub struct EmailEventView<'a> {
    pub event: &'static str,
    pub at: DateTime<Utc>,
    pub detail: Option<&'a str>,
}

/// A notification's SES events, oldest first.
pub fn email_events(n: &Notification) -> Vec<EmailEventView<'_>> {
    use afterclick_domain::email_events::EmailEventKind;
    let mut events: Vec<EmailEventView<'_>> = n
        .email
        .events()
        .into_iter()
        .map(|(kind, at)| EmailEventView {
            event: kind.as_str(),
            at,
            detail: (kind == EmailEventKind::Bounced)
                .then_some(n.email.bounce.as_deref())
                .flatten(),
        })
        .collect();
    events.sort_by_key(|e| e.at);
    events
}

pub fn shipment<'a>(
    s: &'a Shipment,
    events: &'a TimelinePage,
    notifications: &'a [Notification],
    public_base_url: &str,
) -> ShipmentView<'a> {
    let mut milestones: Vec<MilestoneView> = s
        .milestones
        .iter()
        .filter_map(|(key, r)| {
            let moment = Moment::parse_key(key)?;
            Some(MilestoneView {
                milestone: moment.milestone,
                instance: moment.instance,
                reached_at: r.at,
                notified: r.notified,
            })
        })
        .collect();
    milestones.sort_by_key(|m| (m.reached_at, m.milestone));
    ShipmentView {
        core: ShipmentCore::of(s, public_base_url),
        service: s.service.as_deref(),
        destination_country: s.destination_country.as_deref(),
        origin_country: s.origin_country.as_deref(),
        origin_region: s.origin_region.as_deref(),
        destination_region: s.destination_region.as_deref(),
        milestones,
        events: events.events.iter().map(EventView::from).collect(),
        events_before: events.earlier.as_ref().map(EventPosition::cursor),
        notifications: notifications
            .iter()
            .map(|n| NotificationView {
                milestone: n.milestone,
                instance: n.instance.as_deref(),
                channel: n.channel,
                state: n.state,
                provider_message_id: n.provider_message_id.as_deref(),
                detail: n.detail.as_deref(),
                segments: n.segments,
                deferred_until: n.deferred_until,
                claim_expires_at: (n.state == afterclick_domain::NotificationState::Claimed)
                    .then(|| n.updated_at + afterclick_domain::model::NOTIFICATION_CLAIM_LEASE),
                expired_claims: n.expired_claims,
                email_events: email_events(n),
                created_at: n.created_at,
                updated_at: n.updated_at,
            })
            .collect(),
        carrier_name: s.carrier_name.as_deref(),
        parcel: s.parcel.as_ref().map(ParcelView::from),
    }
}
