//! Taking an order update from a store platform: merge it with the stored order (pure, in
//! the domain), make the shipments follow (register, update, cancel), then save the order.
//!
//! The shipments are changed before the order is saved, and each change is idempotent
//! (registration by tracking number, updates and cancellations guarded by the parcel's
//! `as_of` and the shipment's version): a crash in between leaves the order unsaved, so the
//! platform's retry finds the same differences and repeats the same, harmless, changes.

use afterclick_domain::contact::{CountryCode, EmailAddress, PhoneNumber};
use afterclick_domain::model::{Customer, NewShipment, OrderParcel, Shipment};
use afterclick_domain::orders::{Effect, Order, mark_conflict, merge};
use afterclick_domain::platforms::{OrderUpdate, StoreParcel};
pub use afterclick_domain::ports::NewIds;
use afterclick_domain::ports::{
    OrderStore, Registration, ShipmentAdmin, ShipmentStore, StoreError,
};
use afterclick_domain::providers::time::zone_for;
use afterclick_domain::validate::validate_locale;
use chrono::{DateTime, Utc};
use serde::Serialize;

/// Attempts when another delivery for the same order saves first.
const ATTEMPTS: usize = 5;

#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("store: {0}")]
    Store(#[from] StoreError),
    #[error("gave up after {ATTEMPTS} conflicting writes")]
    Contended,
}

/// What one delivery did, as the webhook answers it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Ingested {
    pub order_number: String,
    /// Shipments registered for new parcels.
    pub registered: usize,
    /// Known parcels whose items changed.
    pub updated: usize,
    pub cancelled: usize,
    /// Parts of the order shipped without a tracking number yet.
    pub waiting_for_tracking: usize,
    /// Parts of the delivery older than what is stored, left alone.
    pub stale: usize,
    /// Tracking numbers already registered for another order (left with that order).
    pub conflicts: Vec<String>,
}

pub async fn ingest<S>(
    store: &S,
    ids: &impl NewIds,
    merchant_id: &str,
    update: &OrderUpdate,
    as_of: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Ingested, IngestError>
where
    S: OrderStore + ShipmentStore + ShipmentAdmin,
{
    for _ in 0..ATTEMPTS {
        let stored = store
            .order(merchant_id, update.platform.as_str(), &update.order_number)
            .await?;
        let merged = merge(merchant_id, stored.as_ref(), update, as_of, now);
        let mut order = merged.order.clone();
        let mut done = Ingested {
            order_number: update.order_number.clone(),
            stale: merged.stale,
            ..Ingested::default()
        };
        for effect in &merged.effects {
            match effect {
                Effect::Register(parcel) => {
                    let shipment = new_shipment(ids, merchant_id, update, parcel, as_of, now);
                    register(store, &shipment, &mut order, &mut done).await?;
                }
                Effect::Update(parcel) => {
                    let tn = parcel.tracking_number.as_deref().unwrap_or_default();
                    let change = |p: &mut OrderParcel| {
                        p.items = parcel.items.clone();
                        p.name = parcel.name.clone();
                    };
                    if edit(
                        store,
                        merchant_id,
                        tn,
                        &parcel.parcel_id,
                        change,
                        update,
                        as_of,
                    )
                    .await?
                    {
                        done.updated += 1;
                    }
                }
                Effect::Cancel {
                    parcel_id,
                    tracking_number,
                } => {
                    let cancel = |p: &mut OrderParcel| p.cancelled_at = Some(as_of);
                    if edit(
                        store,
                        merchant_id,
                        tracking_number,
                        parcel_id,
                        cancel,
                        update,
                        as_of,
                    )
                    .await?
                    {
                        done.cancelled += 1;
                    }
                }
            }
        }
        done.waiting_for_tracking = order.parts.iter().filter(|p| p.waiting()).count();
        if order == merged.order && !merged.changed(stored.as_ref()) {
            return Ok(done);
        }
        order.version = stored.as_ref().map_or(0, |o| o.version) + 1;
        match store.save_order(&order).await {
            Ok(()) => return Ok(done),
            Err(StoreError::Conflict) => continue,
            Err(err) => return Err(err.into()),
        }
    }
    Err(IngestError::Contended)
}

async fn register<S: ShipmentStore + ShipmentAdmin>(
    store: &S,
    shipment: &Shipment,
    order: &mut Order,
    done: &mut Ingested,
) -> Result<(), IngestError> {
    match store.register(shipment).await? {
        Registration::Created(_) => done.registered += 1,
        Registration::Existing(existing) if existing.order_number != shipment.order_number => {
            tracing::warn!(
                other_order = %existing.order_number,
                "the tracking number belongs to another order; left with it"
            );
            mark_conflict(order, &shipment.tracking_number, &existing.order_number);
            done.conflicts.push(shipment.tracking_number.clone());
        }
        Registration::Existing(existing) if existing.parcel.is_none() => {
            // Registered through the API under the same order first: the store's
            // parcel details join it.
            let mut next = existing.clone();
            next.parcel = shipment.parcel.clone();
            next.carrier_name = next.carrier_name.or(shipment.carrier_name.clone());
            next.updated_at = shipment.updated_at;
            match store.save_edit(existing.version, &next).await {
                Ok(()) | Err(StoreError::Conflict) => {}
                Err(err) => return Err(err.into()),
            }
        }
        // A retry of this very registration.
        Registration::Existing(_) => {}
    }
    Ok(())
}

/// Changes a registered parcel unless a newer update already did; true if it changed.
async fn edit<S: ShipmentStore + ShipmentAdmin>(
    store: &S,
    merchant_id: &str,
    tracking_number: &str,
    parcel_id: &str,
    change: impl Fn(&mut OrderParcel),
    update: &OrderUpdate,
    as_of: DateTime<Utc>,
) -> Result<bool, IngestError> {
    for _ in 0..ATTEMPTS {
        let Some(current) = store.shipment(merchant_id, tracking_number).await? else {
            return Ok(false);
        };
        if current.order_number != update.order_number {
            return Ok(false);
        }
        // Another part of the order (two fulfilments sharing a box) owns this shipment: a
        // change to this part is not its change.
        if current.parcel.as_ref().is_some_and(|p| {
            p.parcel_id != parcel_id
                || p.platform != update.platform.as_str()
                || p.order_id != update.order_id
        }) {
            return Ok(false);
        }
        let mut next = current.clone();
        let mut part = current.parcel.clone().unwrap_or_else(|| OrderParcel {
            platform: update.platform.as_str().to_owned(),
            order_id: update.order_id.clone(),
            parcel_id: parcel_id.to_owned(),
            name: None,
            items: Vec::new(),
            as_of,
            cancelled_at: None,
        });
        if part.as_of > as_of || part.cancelled_at.is_some() {
            return Ok(false);
        }
        change(&mut part);
        part.as_of = as_of;
        if Some(&part) == current.parcel.as_ref() {
            return Ok(false);
        }
        next.parcel = Some(part);
        next.updated_at = as_of.max(current.updated_at);
        match store.save_edit(current.version, &next).await {
            Ok(()) => return Ok(true),
            Err(StoreError::Conflict) => continue,
            Err(err) => return Err(err.into()),
        }
    }
    Err(IngestError::Contended)
}

/// The shipment a new parcel registers. The store's values are checked here, once: what
/// does not parse (a phone number not in E.164, an unknown locale) is left out rather than
/// refusing the parcel.
fn new_shipment(
    ids: &impl NewIds,
    merchant_id: &str,
    update: &OrderUpdate,
    parcel: &StoreParcel,
    as_of: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Shipment {
    let c = &update.customer;
    let email = c.email.as_deref().and_then(|e| EmailAddress::parse(e).ok());
    let phone = c.phone.as_deref().and_then(|p| PhoneNumber::parse(p).ok());
    let locale = c
        .locale
        .as_deref()
        .and_then(|l| validate_locale("locale", l).ok());
    let country = update
        .destination_country
        .as_deref()
        .and_then(|c| CountryCode::parse(&c.trim().to_ascii_uppercase()).ok());
    let destination_region = update
        .destination_postal_code
        .as_deref()
        .zip(country.as_deref())
        .and_then(|(code, country)| afterclick_domain::lanes::postal_region(country, code));
    let timezone = zone_for(
        update.destination_country.as_deref(),
        update.destination_region.as_deref(),
    )
    .map_or_else(|| "UTC".to_owned(), |tz| tz.name().to_owned());
    // A name to greet: the store's, else the address's local part.
    let name = c
        .name
        .clone()
        .or_else(|| {
            c.email
                .as_deref()
                .and_then(|e| e.split('@').next())
                .map(str::to_owned)
        })
        .unwrap_or_default();
    let tracking_number = parcel.tracking_number.clone().unwrap_or_default();
    let mut shipment = Shipment::registered(
        ids.shipment_id(),
        merchant_id.to_owned(),
        ids.token(),
        NewShipment {
            tracking_number,
            carrier: parcel.carrier.slug.clone(),
            order_number: update.order_number.clone(),
            customer: Customer {
                name: name.chars().take(200).collect(),
                email,
                phone,
                locale,
                timezone,
            },
            promised_delivery_date: None,
            service: None,
            destination_country: country,
            // Store deliveries name no origin; the region lane needs one, the country lane
            // and the ones after it apply.
            origin_country: None,
            origin_region: None,
            destination_region,
        },
        now,
    );
    shipment.carrier_name = parcel.carrier.name.clone();
    shipment.parcel = Some(OrderParcel {
        platform: update.platform.as_str().to_owned(),
        order_id: update.order_id.clone(),
        parcel_id: parcel.parcel_id.clone(),
        name: parcel.name.clone(),
        items: parcel.items.clone(),
        as_of,
        cancelled_at: None,
    });
    shipment
}

#[cfg(test)]
mod tests;
