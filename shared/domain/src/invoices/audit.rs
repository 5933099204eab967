//! The audit: an invoice's packages against the shipments afterclick tracked, and what the
//! merchant can claim back, each finding with its evidence, amount and deadline.

use super::{Charge, ChargeKind, GuaranteeTable, Invoice, InvoiceCarrier, Package, service_key};
use crate::lanes::calendar::Calendar;
use crate::lanes::postal_region;
use crate::model::{Shipment, TrackingEvent};
use crate::reason::Reason;
use crate::status::Status;
use chrono::{DateTime, Days, Duration, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap, HashSet};

/// UPS: a Guaranteed Service Refund is claimed within 15 calendar days of the scheduled
/// delivery date or the delivery date, whichever is later. FedEx's window is reported as 15
/// days too, from the invoice date or the delivery date (not confirmed which): afterclick
/// counts from the earlier of the two, so no claim it lists is already too late.
pub const LATE_CLAIM_DAYS: u64 = 15;
/// Billing errors (duplicates, unused labels, correction fees): no window is confirmed in
/// afterclick's sources; it counts 15 days from the invoice date, the shortest it knows of.
pub const BILLING_CLAIM_DAYS: u64 = 15;
/// A label billed and never scanned by the carrier this many days after its ship date was
/// never shipped.
pub const NEVER_SCANNED_DAYS: i64 = 7;

/// A package's shipment, and its timeline where [`needs_timeline`] says the audit reads it.
#[derive(Debug, Clone)]
pub struct Matched {
    pub shipment: Shipment,
    pub timeline: Vec<TrackingEvent>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    LateDelivery,
    DuplicateCharge,
    NeverScanned,
    AddressCorrection,
}

impl FindingKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FindingKind::LateDelivery => "late_delivery",
            FindingKind::DuplicateCharge => "duplicate_charge",
            FindingKind::NeverScanned => "never_scanned",
            FindingKind::AddressCorrection => "address_correction",
        }
    }
}

/// One claim the merchant can file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub id: String,
    pub kind: FindingKind,
    pub invoice_id: String,
    pub carrier: InvoiceCarrier,
    pub invoice_number: String,
    pub tracking_number: String,
    pub shipment_id: Option<String>,
    pub order_number: Option<String>,
    pub service: Option<String>,
    /// What to claim: transportation charges only for a late delivery (fuel is not
    /// refunded), the charges in error otherwise.
    pub amount: Decimal,
    pub currency: Option<String>,
    /// The last day to file.
    pub deadline: NaiveDate,
    pub evidence: Evidence,
}

/// Why: the charge lines, and the scans against the commitment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    /// One sentence a carrier's claim form can take.
    pub summary: String,
    pub charges: Vec<Charge>,
    pub shipped_on: Option<NaiveDate>,
    /// The carrier's commitment: its first scheduled date in tracking, else the ship date
    /// plus the service's business days.
    pub scheduled_on: Option<NaiveDate>,
    /// `HH:MM`, or none for the end of the day.
    pub commit_time: Option<String>,
    /// The first delivery attempt, in the carrier's local time.
    pub first_attempt: Option<NaiveDateTime>,
    /// Whether `first_attempt` is the carrier's local time, or UTC (the provider sent no
    /// local time; then only a whole day late counts).
    pub first_attempt_local: bool,
    pub last_scan_at: Option<DateTime<Utc>>,
}

/// An audit's result.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Audit {
    pub findings: Vec<Finding>,
    /// Tracking numbers billed that afterclick never registered.
    pub unmatched: Vec<String>,
    pub matched: usize,
    /// Late guaranteed deliveries not claimed, by why: `weather`, `address_correction`,
    /// `customs_shipper`, `no_scheduled_date`.
    pub excluded: BTreeMap<String, usize>,
}

/// Whether the audit of this package reads the shipment's timeline (late-delivery and
/// address-correction checks do; the rest need only the shipment).
pub fn needs_timeline(
    invoice: &Invoice,
    package: &Package,
    shipment: &Shipment,
    table: &GuaranteeTable,
) -> bool {
    if package.sum(ChargeKind::AddressCorrection) > Decimal::ZERO {
        return true;
    }
    let ship_date = package
        .ship_date
        .unwrap_or_else(|| shipment.created_at.date_naive());
    package
        .service
        .as_deref()
        .and_then(|s| table.terms(invoice.carrier, s, ship_date))
        .is_some()
}

pub fn audit(
    invoice: &Invoice,
    invoice_id: &str,
    matched: &HashMap<String, Matched>,
    table: &GuaranteeTable,
    now: DateTime<Utc>,
) -> Audit {
    let mut out = Audit::default();
    for package in &invoice.packages {
        let m = matched.get(&package.tracking_number);
        if m.is_some() {
            out.matched += 1;
        } else {
            out.unmatched.push(package.tracking_number.clone());
        }
        let found = |kind, amount, summary: String, charges: Vec<Charge>| {
            (amount > Decimal::ZERO).then(|| Finding {
                id: finding_id(invoice_id, kind, &package.tracking_number),
                kind,
                invoice_id: invoice_id.to_owned(),
                carrier: invoice.carrier,
                invoice_number: invoice.number.clone(),
                tracking_number: package.tracking_number.clone(),
                shipment_id: m.map(|m| m.shipment.id.clone()),
                order_number: m.map(|m| m.shipment.order_number.clone()),
                service: package.service.clone(),
                amount,
                currency: invoice.currency.clone(),
                deadline: plus_days(invoice.date, BILLING_CLAIM_DAYS),
                evidence: Evidence {
                    summary,
                    charges,
                    shipped_on: package.ship_date,
                    scheduled_on: None,
                    commit_time: None,
                    first_attempt: None,
                    first_attempt_local: false,
                    last_scan_at: m.and_then(|m| m.shipment.last_scan_at),
                },
            })
        };
        // Each charge line is claimed once: a duplicate's lines are its own, and the other
        // findings take what the invoice charged beside them, less its credits.
        let mut repeated: HashSet<usize> = HashSet::new();
        if let Some((amount, summary, charges)) = duplicate(package) {
            repeated.extend(charges.iter().map(|c| c.line));
            out.findings.extend(found(
                FindingKind::DuplicateCharge,
                amount,
                summary,
                charges,
            ));
        }
        let Some(m) = m else {
            continue;
        };
        let credits: Decimal = package
            .charges
            .iter()
            .filter(|c| c.kind == ChargeKind::Adjustment && c.amount < Decimal::ZERO)
            .map(|c| c.amount)
            .sum();
        let claimable = |keep: &dyn Fn(&Charge) -> bool| {
            let charges: Vec<Charge> = package
                .charges
                .iter()
                .filter(|c| !repeated.contains(&c.line) && keep(c))
                .cloned()
                .collect();
            let amount =
                (charges.iter().map(|c| c.amount).sum::<Decimal>() + credits).max(Decimal::ZERO);
            (amount, charges)
        };
        if let Some(summary) = never_scanned(package, &m.shipment, now) {
            let (amount, charges) = claimable(&|c| c.kind != ChargeKind::Adjustment);
            out.findings
                .extend(found(FindingKind::NeverScanned, amount, summary, charges));
            continue;
        }
        let invalid_correction = correction_invalid(package, m);
        if let Some(summary) = &invalid_correction {
            let charges = of_kind(package, ChargeKind::AddressCorrection);
            let amount = charges.iter().map(|c| c.amount).sum();
            out.findings.extend(found(
                FindingKind::AddressCorrection,
                amount,
                summary.clone(),
                charges,
            ));
        }
        match late(invoice, package, m, table, invalid_correction.is_some()) {
            Late::Claim(mut evidence, deadline) => {
                let (amount, charges) = claimable(&|c| c.kind == ChargeKind::Transportation);
                evidence.charges = charges;
                if let Some(mut f) = found(FindingKind::LateDelivery, amount, String::new(), vec![])
                {
                    f.deadline = deadline;
                    f.evidence = evidence;
                    out.findings.push(f);
                }
            }
            Late::Excluded(why) => *out.excluded.entry(why.to_owned()).or_default() += 1,
            Late::No => {}
        }
    }
    out
}

/// `date` plus `days`, saturating at the calendar's end (never a panic on odd input).
fn plus_days(date: NaiveDate, days: u64) -> NaiveDate {
    date.checked_add_days(Days::new(days))
        .unwrap_or(NaiveDate::MAX)
}

fn finding_id(invoice_id: &str, kind: FindingKind, tracking_number: &str) -> String {
    let mut hasher = Sha256::new();
    for part in [invoice_id, kind.as_str(), tracking_number] {
        hasher.update(part.as_bytes());
        hasher.update([0u8]);
    }
    format!("clm_{}", hex::encode(&hasher.finalize()[..12]))
}

fn of_kind(package: &Package, kind: ChargeKind) -> Vec<Charge> {
    package
        .charges
        .iter()
        .filter(|c| c.kind == kind)
        .cloned()
        .collect()
}

fn lines(charges: &[Charge]) -> String {
    let mut lines: Vec<String> = charges.iter().map(|c| c.line.to_string()).collect();
    lines.dedup();
    lines.join(", ")
}

/// The same service's transportation billed more than once for one tracking number: every
/// charge on the lines after the first is claimable.
fn duplicate(package: &Package) -> Option<(Decimal, String, Vec<Charge>)> {
    let mut seen: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for c in package
        .charges
        .iter()
        .filter(|c| c.kind == ChargeKind::Transportation)
    {
        seen.entry(service_key(&c.description))
            .or_default()
            .push(c.line);
    }
    let (service, repeated) = seen.into_iter().find(|(_, l)| l.len() > 1)?;
    let extra: HashSet<usize> = repeated[1..].iter().copied().collect();
    let charges: Vec<Charge> = package
        .charges
        .iter()
        .filter(|c| extra.contains(&c.line) && c.kind != ChargeKind::Adjustment)
        .cloned()
        .collect();
    let amount = charges.iter().map(|c| c.amount).sum();
    let name = if service.is_empty() {
        "the service".to_owned()
    } else {
        service
    };
    let summary = format!(
        "Transportation for {name} billed {} times for one tracking number (lines {}); \
         claimed: the repeats (lines {}).",
        repeated.len(),
        repeated
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", "),
        lines(&charges),
    );
    Some((amount, summary, charges))
}

fn never_scanned(package: &Package, shipment: &Shipment, now: DateTime<Utc>) -> Option<String> {
    if !matches!(shipment.status, Status::Pending | Status::InfoReceived) {
        return None;
    }
    let shipped = package
        .ship_date
        .unwrap_or_else(|| shipment.created_at.date_naive());
    let days = (now.date_naive() - shipped).num_days();
    (days >= NEVER_SCANNED_DAYS).then(|| {
        format!(
            "Label billed, but the carrier has not scanned the parcel in the {days} days since \
             its ship date {shipped}: it was never shipped."
        )
    })
}

const ADDRESS_REASONS: [Reason; 3] = [
    Reason::AddressIssue,
    Reason::AddressCorrected,
    Reason::RecipientMoved,
];

fn correction_invalid(package: &Package, m: &Matched) -> Option<String> {
    if package.sum(ChargeKind::AddressCorrection) <= Decimal::ZERO {
        return None;
    }
    if package.address_unchanged == Some(false) {
        // The carrier's own file shows the address changed: the fee may well be right.
        return None;
    }
    if package.address_unchanged == Some(true) {
        return Some(
            "Address correction billed, but the address billed is the address the shipper \
             entered (the invoice's original and billed recipient addresses are equal)."
                .to_owned(),
        );
    }
    let registered = m.shipment.destination_region.as_deref()?;
    let country = package.receiver_country.as_deref().or(m
        .shipment
        .destination_country
        .as_ref()
        .map(|c| c.as_str()))?;
    let billed = postal_region(country, package.receiver_postal.as_deref()?)?;
    let address_scan = m
        .timeline
        .iter()
        .any(|e| e.reason.is_some_and(|r| ADDRESS_REASONS.contains(&r)));
    (billed == registered && !address_scan).then(|| {
        format!(
            "Address correction billed, but the parcel went to {billed}, the destination \
             registered, and the carrier's tracking never reported an address problem."
        )
    })
}

enum Late {
    Claim(Evidence, NaiveDate),
    Excluded(&'static str),
    No,
}

/// A guaranteed service's first delivery attempt after the commitment.
/// `correction_invalid`: the invoice's address-correction fee was itself found invalid, so
/// it does not excuse the delay.
fn late(
    invoice: &Invoice,
    package: &Package,
    m: &Matched,
    table: &GuaranteeTable,
    correction_invalid: bool,
) -> Late {
    let (Some(service), Some(ship_date)) = (
        package.service.as_deref(),
        package
            .ship_date
            .or_else(|| first_carrier_scan(&m.timeline)),
    ) else {
        return Late::No;
    };
    let Some(terms) = table.terms(invoice.carrier, service, ship_date) else {
        return Late::No;
    };
    let calendar = Calendar::of(m.shipment.destination_country.as_ref().map(|c| c.as_str()));
    let scheduled = m.shipment.first_estimate.or_else(|| {
        terms
            .business_days
            .map(|d| calendar.add_business_days(ship_date, u32::from(d)))
    });
    let Some(Attempt {
        at: attempt_at,
        local,
        instant: attempt_utc,
        delivered_on,
    }) = first_attempt(&m.timeline, package.delivered)
    else {
        return Late::No;
    };
    let Some(scheduled) = scheduled else {
        return Late::Excluded("no_scheduled_date");
    };
    let commit = terms.commit.unwrap_or(END_OF_DAY);
    let is_late = if local {
        attempt_at > scheduled.and_time(commit)
    } else {
        // UTC only: the local date is at least the UTC date less 12 hours' offset.
        attempt_utc.is_some_and(|t| (t - Duration::hours(12)).date_naive() > scheduled)
    };
    if !is_late {
        return Late::No;
    }
    let before = |e: &&TrackingEvent| attempt_utc.is_none_or(|t| e.occurred_at <= t);
    let reasons: Vec<Reason> = m
        .timeline
        .iter()
        .filter(before)
        .filter_map(|e| e.reason)
        .collect();
    if reasons.contains(&Reason::WeatherDelay) {
        return Late::Excluded("weather");
    }
    if reasons.iter().any(|r| ADDRESS_REASONS.contains(r))
        || (package.sum(ChargeKind::AddressCorrection) > Decimal::ZERO && !correction_invalid)
    {
        return Late::Excluded("address_correction");
    }
    // A guaranteed-service refund (or any credit naming one) already on the invoice.
    if package.charges.iter().any(|c| {
        let d = c.description.to_lowercase();
        c.kind == ChargeKind::Adjustment
            && c.amount < Decimal::ZERO
            && ["guarantee", "refund", "gsr", "mbg"]
                .iter()
                .any(|w| d.contains(w))
    }) {
        return Late::Excluded("already_credited");
    }
    if reasons.contains(&Reason::MissingDocuments) {
        return Late::Excluded("customs_shipper");
    }
    // The delivery's date (the attempt's, if none yet), never later than it can be.
    let delivered_on = delivered_on.unwrap_or_else(|| earliest_local_date(attempt_at, local));
    let deadline = match invoice.carrier {
        InvoiceCarrier::Ups => plus_days(scheduled.max(delivered_on), LATE_CLAIM_DAYS),
        InvoiceCarrier::Fedex => plus_days(invoice.date.min(delivered_on), LATE_CLAIM_DAYS),
    };
    let by = terms.commit.map_or("the end of the day".to_owned(), |t| {
        t.format("%H:%M").to_string()
    });
    let zone = if local { "local time" } else { "UTC" };
    let summary = format!(
        "{service} shipped {ship_date}, guaranteed for {scheduled} by {by}; first delivery \
         attempt {} ({zone}).",
        attempt_at.format("%Y-%m-%d %H:%M")
    );
    Late::Claim(
        Evidence {
            summary,
            charges: Vec::new(),
            shipped_on: Some(ship_date),
            scheduled_on: Some(scheduled),
            commit_time: terms.commit.map(|t| t.format("%H:%M").to_string()),
            first_attempt: Some(attempt_at),
            first_attempt_local: local,
            last_scan_at: m.shipment.last_scan_at,
        },
        deadline,
    )
}

const END_OF_DAY: NaiveTime = match NaiveTime::from_hms_opt(23, 59, 59) {
    Some(t) => t,
    None => NaiveTime::MIN,
};

fn first_carrier_scan(timeline: &[TrackingEvent]) -> Option<NaiveDate> {
    timeline
        .iter()
        .filter(|e| !matches!(e.status, Status::Pending | Status::InfoReceived))
        .map(|e| {
            e.local_time
                .map_or(e.occurred_at.date_naive(), |l| l.date())
        })
        .min()
}

/// The first delivery attempt as the audit reads it.
struct Attempt {
    /// Local time where known, else UTC.
    at: NaiveDateTime,
    local: bool,
    /// The scan's instant, when tracking gave it.
    instant: Option<DateTime<Utc>>,
    /// The delivery's local date (a failed attempt may come first), at its earliest.
    delivered_on: Option<NaiveDate>,
}

/// The earliest local date an instant given in UTC can be: no place is more than 12 hours
/// behind UTC.
fn earliest_local_date(at: NaiveDateTime, local: bool) -> NaiveDate {
    if local {
        at.date()
    } else {
        (at - Duration::hours(12)).date()
    }
}

/// The earliest delivery or failed attempt, from tracking or the invoice's proof of
/// delivery (local time). A scan without local time is kept when it was certainly earlier
/// than the proof of delivery (its latest possible local date, 14 hours ahead of UTC, is
/// before the proof's day).
fn first_attempt(timeline: &[TrackingEvent], pod: Option<NaiveDateTime>) -> Option<Attempt> {
    let first = |statuses: &[Status]| {
        timeline
            .iter()
            .filter(|e| statuses.contains(&e.status))
            .min_by_key(|e| e.occurred_at)
    };
    let scan = first(&[Status::Delivered, Status::AttemptFailed]).map(|e| match e.local_time {
        Some(local) => (local, true, e.occurred_at),
        None => (e.occurred_at.naive_utc(), false, e.occurred_at),
    });
    let delivered_scan = first(&[Status::Delivered]).map(|e| {
        e.local_time.map_or_else(
            || earliest_local_date(e.occurred_at.naive_utc(), false),
            |l| l.date(),
        )
    });
    let delivered_on = pod.map(|p| p.date()).or(delivered_scan);
    let (at, local, instant) = match (scan, pod) {
        (Some((at, true, t)), Some(p)) if at <= p => (at, true, Some(t)),
        (Some((at, false, t)), Some(p)) if (t + Duration::hours(14)).date_naive() < p.date() => {
            (at, false, Some(t))
        }
        (scan, Some(p)) => (p, true, scan.map(|s| s.2)),
        (Some((at, local, t)), None) => (at, local, Some(t)),
        (None, None) => return None,
    };
    Some(Attempt {
        at,
        local,
        instant,
        delivered_on,
    })
}
