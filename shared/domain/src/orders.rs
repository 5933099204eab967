//! Orders from store platforms: what afterclick keeps of an order's parts, and how a new
//! delivery from the platform changes them. Pure: [`merge`] compares a delivery with what is
//! stored and says what to do to the shipments; the app does it.
//!
//! The rules, so that retries, duplicates and late deliveries change nothing:
//! - every part carries the platform time of the update that last changed it (`as_of`); a
//!   delivery older than a part leaves that part alone (Shopify retries for 4 hours and may
//!   deliver a day late);
//! - a delivery equal to what is stored changes nothing (duplicates);
//! - a part listed in a delivery that describes it completely, and no longer listed, was
//!   removed: its shipment is cancelled;
//! - a part without a tracking number is kept as order lines waiting for one;
//! - a tracking number already registered for another order stays with that order (the
//!   carrier reuses numbers only years apart; a number shared by two open orders is a
//!   merchant's typo more often than one box for two orders): the part is recorded as
//!   conflicting and no shipment changes.

use crate::model::{LineItem, Shipment};
use crate::platforms::{Completeness, OrderUpdate, StoreParcel};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// An order as afterclick knows it from its platform.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Order {
    pub merchant_id: String,
    pub order_number: String,
    pub platform: String,
    pub order_id: String,
    #[serde(default)]
    pub parts: Vec<OrderPart>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancelled_at: Option<DateTime<Utc>>,
    /// The parcel whose delivery email asked for the order's rating (claimed once by
    /// notify): its page holds the rating form.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rating_asked_by: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Optimistic concurrency: every save expects the version it read.
    pub version: u64,
}

/// One parcel of the order, or a part still waiting for its tracking number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderPart {
    pub parcel_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tracking_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub items: Vec<LineItem>,
    #[serde(default)]
    pub cancelled: bool,
    /// The tracking number belongs to this other order already.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conflicts_with: Option<String>,
    pub as_of: DateTime<Utc>,
}

impl OrderPart {
    fn same_parcel(&self, p: &StoreParcel) -> bool {
        self.parcel_id == p.parcel_id && self.tracking_number == p.tracking_number
    }

    /// Lines shipped without a tracking number yet.
    pub fn waiting(&self) -> bool {
        self.tracking_number.is_none() && !self.cancelled
    }
}

/// What the shipments must undergo for a delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// A new parcel: register its shipment.
    Register(StoreParcel),
    /// A known parcel's items or name changed.
    Update(StoreParcel),
    /// The store cancelled or removed the parcel.
    Cancel {
        parcel_id: String,
        tracking_number: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Merged {
    pub order: Order,
    pub effects: Vec<Effect>,
    /// Parts of the delivery older than what is stored, left alone.
    pub stale: usize,
}

impl Merged {
    pub fn changed(&self, before: Option<&Order>) -> bool {
        before.is_none_or(|b| {
            b.parts != self.order.parts || b.cancelled_at != self.order.cancelled_at
        })
    }
}

/// Applies one delivery (as of the platform's `as_of`) to the stored order.
pub fn merge(
    merchant_id: &str,
    stored: Option<&Order>,
    update: &OrderUpdate,
    as_of: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Merged {
    let mut order = stored.cloned().unwrap_or_else(|| Order {
        merchant_id: merchant_id.to_owned(),
        order_number: update.order_number.clone(),
        platform: update.platform.as_str().to_owned(),
        order_id: update.order_id.clone(),
        parts: Vec::new(),
        cancelled_at: None,
        rating_asked_by: None,
        created_at: now,
        updated_at: now,
        version: 0,
    });
    let mut effects = Vec::new();
    let mut stale = 0;
    let cancel = |part: &mut OrderPart, effects: &mut Vec<Effect>| {
        if !part.cancelled {
            part.cancelled = true;
            part.as_of = as_of;
            if let Some(tn) = &part.tracking_number
                && part.conflicts_with.is_none()
            {
                effects.push(Effect::Cancel {
                    parcel_id: part.parcel_id.clone(),
                    tracking_number: tn.clone(),
                });
            }
        }
    };
    // A cancelled order stays cancelled for every delivery from before its cancellation.
    let order_cancelled = order.cancelled_at.is_some_and(|at| at >= as_of);
    for incoming in &update.parcels {
        let cancelled = incoming.cancelled || update.cancelled || order_cancelled;
        // The newest update of this part of the order, whatever number it carried: an
        // older delivery never brings back a number a newer one replaced or removed.
        let newest = order
            .parts
            .iter()
            .filter(|p| p.parcel_id == incoming.parcel_id)
            .map(|p| p.as_of)
            .max();
        if let Some(part) = order.parts.iter_mut().find(|p| p.same_parcel(incoming)) {
            if part.as_of > as_of {
                stale += 1;
                continue;
            }
            if cancelled {
                cancel(part, &mut effects);
                continue;
            }
            if part.cancelled {
                // Cancelled stays cancelled: a shipment cannot be un-cancelled by a retry.
                continue;
            }
            if part.items != incoming.items || part.name != incoming.name {
                part.items = incoming.items.clone();
                part.name = incoming.name.clone();
                part.as_of = as_of;
                if part.tracking_number.is_some() && part.conflicts_with.is_none() {
                    effects.push(Effect::Update(incoming.clone()));
                }
            }
            continue;
        }
        if newest.is_some_and(|newest| newest > as_of) {
            stale += 1;
            continue;
        }
        // A number for a part that was waiting for one: the waiting lines are now this parcel.
        order
            .parts
            .retain(|p| !(p.parcel_id == incoming.parcel_id && p.waiting() && p.as_of <= as_of));
        order.parts.push(OrderPart {
            parcel_id: incoming.parcel_id.clone(),
            tracking_number: incoming.tracking_number.clone(),
            name: incoming.name.clone(),
            items: incoming.items.clone(),
            cancelled,
            conflicts_with: None,
            as_of,
        });
        match (&incoming.tracking_number, cancelled) {
            (Some(_), false) => effects.push(Effect::Register(incoming.clone())),
            // Known to the order or not, a shipment may exist: an earlier attempt registered
            // it and crashed before the order was saved. Cancelling one that does not exist
            // does nothing.
            (Some(tn), true) => effects.push(Effect::Cancel {
                parcel_id: incoming.parcel_id.clone(),
                tracking_number: tn.clone(),
            }),
            (None, _) => {}
        }
    }
    // Parts the delivery describes completely but no longer lists were removed.
    let in_scope = |parcel_id: &str| match &update.complete {
        Completeness::Order => true,
        Completeness::Parts(ids) => ids.iter().any(|id| id == parcel_id),
    };
    for part in &mut order.parts {
        let listed = update.parcels.iter().any(|p| part.same_parcel(p));
        let removed = !listed && in_scope(&part.parcel_id) && part.as_of <= as_of;
        if removed || update.cancelled {
            cancel(part, &mut effects);
        }
    }
    if update.cancelled && order.cancelled_at.is_none() {
        order.cancelled_at = Some(as_of);
    }
    let mut merged = Merged {
        order,
        effects,
        stale,
    };
    if merged.changed(stored) {
        merged.order.updated_at = now;
    }
    merged
}

/// A registration was answered with a shipment of another order: record the conflict so
/// that nothing acts on that parcel for this order again.
pub fn mark_conflict(order: &mut Order, tracking_number: &str, other_order: &str) {
    for part in &mut order.parts {
        if part.tracking_number.as_deref() == Some(tracking_number) {
            part.conflicts_with = Some(other_order.to_owned());
        }
    }
}

/// Are two shipments parcels of one order? Store parcels: the same order of the same
/// platform (an order number alone may be another platform's, or an API registration's for
/// another customer); shipments registered through the API: the same order number.
pub fn same_order(a: &Shipment, b: &Shipment) -> bool {
    match (&a.parcel, &b.parcel) {
        (Some(x), Some(y)) => x.platform == y.platform && x.order_id == y.order_id,
        (None, None) => a.order_number == b.order_number,
        _ => false,
    }
}

/// The order's parcels that count: the same order, not cancelled by the store.
pub fn live<'a>(shipment: &Shipment, parcels: &'a [Shipment]) -> Vec<&'a Shipment> {
    parcels
        .iter()
        .filter(|s| same_order(s, shipment) && !s.cancelled_by_store())
        .collect()
}

/// The parcels of one order in a stable order (first registered first) and this one's
/// position: "Parcel 1 of 2".
pub fn position(shipment: &Shipment, siblings: &[Shipment]) -> Option<(usize, usize)> {
    let mut all = live(shipment, siblings);
    if all.len() < 2 {
        return None;
    }
    all.sort_by(|a, b| (a.created_at, &a.tracking_number).cmp(&(b.created_at, &b.tracking_number)));
    let index = all
        .iter()
        .position(|s| s.tracking_number == shipment.tracking_number)?;
    Some((index + 1, all.len()))
}

/// What a message about one parcel of a split order says about the order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OrderContext {
    /// "Parcel {n} of {total}" (parcels the store cancelled aside).
    pub position: usize,
    pub parcels: usize,
    /// Items in this parcel, and in all of the order's parcels (0 when the store does not
    /// say which items travel in which parcel).
    pub items_here: u32,
    pub items_in_order: u32,
    /// Every other parcel has been delivered: the order is complete with this one, and the
    /// delivery rating is asked now (once per order).
    pub others_delivered: bool,
}

/// The order around a parcel, when it is one of several: `parcels` are every shipment
/// registered under its order number (itself included).
pub fn context(shipment: &Shipment, parcels: &[Shipment]) -> Option<OrderContext> {
    let (position, count) = position(shipment, parcels)?;
    let live = live(shipment, parcels);
    let items = |s: &Shipment| -> u32 {
        s.parcel
            .as_ref()
            .map_or(0, |p| p.items.iter().map(|i| i.quantity).sum())
    };
    // Several tracking numbers of one fulfilment share its items: count each part once.
    let mut seen = std::collections::BTreeSet::new();
    let items_in_order = live
        .iter()
        .filter(|s| {
            let part = s.parcel.as_ref().map(|p| p.parcel_id.clone());
            seen.insert(part.unwrap_or_else(|| s.tracking_number.clone()))
        })
        .map(|s| items(s))
        .sum();
    let delivered = |s: &Shipment| {
        s.status == crate::Status::Delivered
            || s.milestones
                .contains_key(crate::Milestone::Delivered.as_str())
    };
    Some(OrderContext {
        position,
        parcels: count,
        items_here: items(shipment),
        items_in_order,
        others_delivered: live
            .iter()
            .filter(|s| s.tracking_number != shipment.tracking_number)
            .all(|s| delivered(s)),
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::platforms::carriers::CarrierGuess;
    use crate::platforms::{Platform, StoreCustomer};
    use chrono::{Duration, TimeZone};

    fn t(minutes: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 2, 10, 0, 0).unwrap() + Duration::minutes(minutes)
    }

    fn parcel(id: &str, tn: Option<&str>) -> StoreParcel {
        StoreParcel {
            parcel_id: id.into(),
            name: None,
            tracking_number: tn.map(str::to_owned),
            carrier: CarrierGuess {
                slug: "ups".into(),
                name: None,
            },
            items: vec![LineItem {
                title: "Shirt".into(),
                quantity: 1,
                sku: None,
                product_id: None,
                image_url: None,
            }],
            cancelled: false,
        }
    }

    fn update(parcels: Vec<StoreParcel>, complete: Completeness) -> OrderUpdate {
        OrderUpdate {
            platform: Platform::WooCommerce,
            order_id: "77".into(),
            order_number: "1077".into(),
            customer: StoreCustomer::default(),
            destination_country: None,
            destination_region: None,
            destination_postal_code: None,
            parcels,
            complete,
            cancelled: false,
            as_of: None,
        }
    }

    fn apply(stored: Option<&Order>, u: &OrderUpdate, at: i64) -> Merged {
        let mut m = merge("m1", stored, u, t(at), t(at));
        m.order.version += 1;
        m
    }

    #[test]
    fn a_new_tracked_part_registers_once_and_a_duplicate_changes_nothing() {
        let u = update(vec![parcel("f1", Some("TN1"))], Completeness::Order);
        let first = apply(None, &u, 0);
        assert_eq!(
            first.effects,
            vec![Effect::Register(parcel("f1", Some("TN1")))]
        );
        let again = apply(Some(&first.order), &u, 0);
        assert!(again.effects.is_empty());
        assert!(!again.changed(Some(&first.order)));
    }

    #[test]
    fn an_older_delivery_never_overwrites_a_newer_one() {
        let newer = update(vec![parcel("f1", Some("TN1"))], Completeness::Order);
        let stored = apply(None, &newer, 10).order;
        let mut cancelled = parcel("f1", Some("TN1"));
        cancelled.cancelled = true;
        let older = update(vec![cancelled], Completeness::Order);
        let late = apply(Some(&stored), &older, 5);
        assert!(late.effects.is_empty());
        assert_eq!(late.stale, 1);
        assert!(!late.order.parts[0].cancelled);
    }

    #[test]
    fn a_removed_or_replaced_number_cancels_its_parcel() {
        let two = update(
            vec![parcel("t1", Some("TN1")), parcel("t2", Some("TN2"))],
            Completeness::Order,
        );
        let stored = apply(None, &two, 0).order;
        let one = update(vec![parcel("t1", Some("TN1"))], Completeness::Order);
        let removed = apply(Some(&stored), &one, 1);
        assert_eq!(
            removed.effects,
            vec![Effect::Cancel {
                parcel_id: "t2".into(),
                tracking_number: "TN2".into()
            }]
        );
        // Shopify: a fulfilment's number corrected: the old parcel cancelled, the new one
        // registered; other fulfilments untouched.
        let shopify = |tn: &str, id: &str| {
            update(
                vec![parcel(id, Some(tn))],
                Completeness::Parts(vec![id.into()]),
            )
        };
        let stored = apply(None, &shopify("TN1", "f1"), 0).order;
        let stored = apply(Some(&stored), &shopify("TN9", "f2"), 1).order;
        let fixed = apply(Some(&stored), &shopify("TN1X", "f1"), 2);
        assert_eq!(
            fixed.effects,
            vec![
                Effect::Register(parcel("f1", Some("TN1X"))),
                Effect::Cancel {
                    parcel_id: "f1".into(),
                    tracking_number: "TN1".into()
                }
            ]
        );
    }

    #[test]
    fn a_part_without_tracking_waits_and_its_number_later_registers_it() {
        let waiting = update(
            vec![parcel("f1", None)],
            Completeness::Parts(vec!["f1".into()]),
        );
        let stored = apply(None, &waiting, 0);
        assert!(stored.effects.is_empty());
        assert!(stored.order.parts[0].waiting());
        let tracked = update(
            vec![parcel("f1", Some("TN1"))],
            Completeness::Parts(vec!["f1".into()]),
        );
        let shipped = apply(Some(&stored.order), &tracked, 1);
        assert_eq!(
            shipped.effects,
            vec![Effect::Register(parcel("f1", Some("TN1")))]
        );
        assert_eq!(
            shipped.order.parts.len(),
            1,
            "the waiting lines became the parcel"
        );
    }

    #[test]
    fn a_cancelled_order_cancels_every_parcel_once_and_for_good() {
        let two = update(
            vec![parcel("t1", Some("TN1")), parcel("t2", Some("TN2"))],
            Completeness::Order,
        );
        let stored = apply(None, &two, 0).order;
        let mut cancel = update(Vec::new(), Completeness::Parts(Vec::new()));
        cancel.cancelled = true;
        let cancelled = apply(Some(&stored), &cancel, 1);
        assert_eq!(cancelled.effects.len(), 2);
        assert!(cancelled.order.cancelled_at.is_some());
        let retry = apply(Some(&cancelled.order), &cancel, 1);
        assert!(retry.effects.is_empty());
        let revived = apply(Some(&cancelled.order), &two, 2);
        assert!(revived.effects.is_empty(), "{:?}", revived.effects);
    }

    #[test]
    fn a_conflicting_number_is_left_alone_afterwards() {
        let u = update(vec![parcel("t1", Some("TN1"))], Completeness::Order);
        let mut stored = apply(None, &u, 0).order;
        mark_conflict(&mut stored, "TN1", "999");
        let removed = apply(Some(&stored), &update(Vec::new(), Completeness::Order), 1);
        assert!(removed.effects.is_empty());
    }

    /// The review's scenarios: a retried delivery older than a correction, a fulfilment
    /// older than the order's cancellation, a creation older than a deletion.
    #[test]
    fn nothing_older_than_a_correction_a_cancellation_or_a_deletion_comes_back() {
        let fulfilment = |tn: &str| {
            update(
                vec![parcel("f1", Some(tn))],
                Completeness::Parts(vec!["f1".into()]),
            )
        };
        let stored = apply(None, &fulfilment("TN_A"), 10).order;
        let corrected = apply(Some(&stored), &fulfilment("TN_B"), 20);
        assert_eq!(corrected.effects.len(), 2, "{:?}", corrected.effects);
        let retried = apply(Some(&corrected.order), &fulfilment("TN_A"), 10);
        assert!(retried.effects.is_empty(), "{:?}", retried.effects);
        assert_eq!(retried.stale, 1);

        let mut cancel = update(Vec::new(), Completeness::Parts(Vec::new()));
        cancel.cancelled = true;
        let cancelled = apply(None, &cancel, 30).order;
        let late = apply(Some(&cancelled), &fulfilment("TN_C"), 25);
        assert!(
            late.effects
                .iter()
                .all(|e| matches!(e, Effect::Cancel { .. })),
            "{:?}",
            late.effects
        );
        assert!(late.order.parts.iter().all(|p| p.cancelled));

        let mut deleted = parcel("31", None);
        deleted.cancelled = true;
        let gone = apply(
            None,
            &update(vec![deleted], Completeness::Parts(vec!["31".into()])),
            40,
        )
        .order;
        let fetched_late = update(
            vec![parcel("31", Some("TN_D"))],
            Completeness::Parts(vec!["31".into()]),
        );
        let r = apply(Some(&gone), &fetched_late, 35);
        assert!(r.effects.is_empty(), "{:?}", r.effects);
    }

    /// A new part that arrives cancelled still cancels its shipment: one may exist from an
    /// attempt that registered it and crashed before the order was saved.
    #[test]
    fn a_part_first_seen_cancelled_cancels_any_shipment_it_has() {
        let mut p = parcel("t1", Some("TN1"));
        p.cancelled = true;
        let r = apply(None, &update(vec![p], Completeness::Order), 0);
        assert_eq!(
            r.effects,
            vec![Effect::Cancel {
                parcel_id: "t1".into(),
                tracking_number: "TN1".into()
            }]
        );
    }
}
