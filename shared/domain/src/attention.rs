//! The merchant's watchlist: why a shipment needs someone to look at it, whether that was
//! already handled, and how a customer's contact is shown in lists (masked).
//!
//! Two questions with two answers: [`watch_reasons`] is what a stored shipment carries in
//! the sparse watch index (decided when it is written, so it includes every parcel waiting
//! at a pickup point); [`open_reasons`] is what the dashboard shows now (a pickup counts
//! once it has waited [`PICKUP_WAIT_DAYS`], a reason already handled does not).

use crate::Shipment;
use crate::listing::{is_delayed, is_trending_late};
use crate::milestone::{Milestone, Moment};
use crate::rules::awaiting_delivery;
use crate::status::Status;
use chrono::{DateTime, Duration, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};

/// A parcel at a pickup point needs attention once it has waited this long (carriers
/// return uncollected parcels after 5 to 14 days).
pub const PICKUP_WAIT_DAYS: i64 = 3;

/// Why a shipment is on the watchlist. The order is the order of urgency on the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    Exception,
    AttemptFailed,
    Delayed,
    Stalled,
    TrendingLate,
    AtPickup,
    Returning,
}

/// One row per reason: its name (URLs, stored sets, CSV) and the words the dashboard shows.
const REASONS: [(Reason, &str, &str); 7] = [
    (Reason::Exception, "exception", "Exception"),
    (Reason::AttemptFailed, "attempt_failed", "Failed attempt"),
    (Reason::Delayed, "delayed", "Delayed"),
    (Reason::Stalled, "stalled", "No scan for too long"),
    (Reason::TrendingLate, "trending_late", "Likely late"),
    (Reason::AtPickup, "at_pickup", "Waiting at pickup point"),
    (Reason::Returning, "returning", "Returning to sender"),
];

impl Reason {
    pub const ALL: [Reason; 7] = [
        Reason::Exception,
        Reason::AttemptFailed,
        Reason::Delayed,
        Reason::Stalled,
        Reason::TrendingLate,
        Reason::AtPickup,
        Reason::Returning,
    ];

    fn row(self) -> &'static (Reason, &'static str, &'static str) {
        // Every variant has its row (a unit test checks the table against ALL).
        REASONS
            .iter()
            .find(|(r, ..)| *r == self)
            .unwrap_or(&REASONS[0])
    }

    pub fn as_str(self) -> &'static str {
        self.row().1
    }

    pub fn label(self) -> &'static str {
        self.row().2
    }

    pub fn parse(name: &str) -> Option<Reason> {
        REASONS
            .iter()
            .find(|(_, n, _)| *n == name)
            .map(|(r, ..)| *r)
    }
}

/// A merchant marked the shipment as handled: by whom (an API key's name or id), when, and
/// for which reasons. A reason that appears later puts it back on the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Handled {
    pub by: String,
    pub at: DateTime<Utc>,
    pub reasons: Vec<Reason>,
}

/// No scan since the stall deadline passed: the `stalled` moment of the current quiet spell
/// was reached (a new scan starts a new spell, so this ends with it).
pub fn is_stalled(s: &Shipment) -> bool {
    let anchor = s.last_scan_at.unwrap_or(s.created_at);
    let moment = Moment::of(
        Milestone::Stalled,
        anchor.to_rfc3339_opts(SecondsFormat::Secs, true),
    );
    awaiting_delivery(s) && s.milestones.contains_key(&moment.key())
}

/// Every reason the shipment is on the watchlist as stored, most urgent first.
pub fn watch_reasons(s: &Shipment) -> Vec<Reason> {
    let checks: [(Reason, bool); 7] = [
        (Reason::Exception, s.status == Status::Exception),
        (Reason::AttemptFailed, s.status == Status::AttemptFailed),
        (Reason::Delayed, is_delayed(s)),
        (Reason::Stalled, is_stalled(s)),
        (Reason::TrendingLate, is_trending_late(s) && !is_delayed(s)),
        (Reason::AtPickup, s.status == Status::AvailableForPickup),
        (Reason::Returning, s.status == Status::ReturningToSender),
    ];
    checks
        .into_iter()
        .filter(|(_, holds)| *holds)
        .map(|(reason, _)| reason)
        .collect()
}

/// How long the parcel has been in its current status (none before the first scan).
pub fn in_status_for(s: &Shipment, now: DateTime<Utc>) -> Option<Duration> {
    s.status_at.map(|at| now - at)
}

/// When the current occurrence of a reason began: the newest moment of its milestone (a
/// new exception reason, a further failed attempt, a new stall or a later delay is a new
/// moment; another scan of the same status is not), else the status's time.
pub fn reason_since(s: &Shipment, reason: Reason) -> Option<DateTime<Utc>> {
    let milestone = match reason {
        Reason::Exception => Milestone::Exception,
        Reason::AttemptFailed => Milestone::AttemptFailed,
        Reason::AtPickup => Milestone::AvailableForPickup,
        Reason::Returning => Milestone::ReturningToSender,
        Reason::Delayed => Milestone::Delayed,
        Reason::Stalled => Milestone::Stalled,
        Reason::TrendingLate => Milestone::TrendingLate,
    };
    s.milestones
        .iter()
        .filter(|(key, _)| Moment::parse_key(key).is_some_and(|m| m.milestone == milestone))
        .map(|(_, reached)| reached.at)
        .max()
        .or(s.status_at)
}

/// Whether the merchant handled this occurrence of the reason: marked handled for it, and
/// it began no later than that (a new exception, stall or delay after it counts again).
fn is_handled(s: &Shipment, reason: Reason) -> bool {
    s.handled.as_ref().is_some_and(|h| {
        h.reasons.contains(&reason) && reason_since(s, reason).is_none_or(|since| since <= h.at)
    })
}

/// The reasons that count now: a pickup once it has waited [`PICKUP_WAIT_DAYS`], and none
/// whose current occurrence the merchant already handled.
pub fn open_reasons(s: &Shipment, now: DateTime<Utc>) -> Vec<Reason> {
    watch_reasons(s)
        .into_iter()
        .filter(|r| {
            *r != Reason::AtPickup
                || in_status_for(s, now).is_some_and(|d| d >= Duration::days(PICKUP_WAIT_DAYS))
        })
        .filter(|r| !is_handled(s, *r))
        .collect()
}

/// What "mark handled" records: the reasons shown now, and those handled before that
/// still hold (a pickup not yet shown is not handled by handling a delay).
pub fn handle(s: &Shipment, by: &str, now: DateTime<Utc>) -> Handled {
    let current = watch_reasons(s);
    let mut reasons: Vec<Reason> = open_reasons(s, now);
    if let Some(h) = &s.handled {
        reasons.extend(h.reasons.iter().filter(|r| current.contains(r)));
    }
    reasons.sort();
    reasons.dedup();
    Handled {
        by: by.to_owned(),
        at: now,
        reasons,
    }
}

/// `ada.lovelace@example.com` -> `a***@example.com`: enough to recognise, not to copy.
pub fn mask_email(email: &str) -> String {
    match email.split_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}***@{domain}")
        }
        None => "***".to_owned(),
    }
}

/// `+4915112345678` -> `*** 5678`: the last four digits only (country codes are one to
/// three digits; guessing where one ends would show part of the number).
pub fn mask_phone(phone: &str) -> String {
    let digits: Vec<char> = phone.chars().filter(char::is_ascii_digit).collect();
    if digits.len() < 6 {
        return "***".to_owned();
    }
    let tail: String = digits[digits.len() - 4..].iter().collect();
    format!("*** {tail}")
}

/// The newest moment the customer was told about, with when it happened.
pub fn last_told(s: &Shipment) -> Option<(Milestone, DateTime<Utc>)> {
    s.milestones
        .iter()
        .filter(|(_, reached)| reached.notified)
        .filter_map(|(key, reached)| Some((Moment::parse_key(key)?.milestone, reached.at)))
        .max_by_key(|(_, at)| *at)
}

/// The customer as a list shows them: a masked address, else a masked phone number.
pub fn masked_contact(s: &Shipment) -> String {
    if s.erased_at.is_some() {
        return "erased".to_owned();
    }
    match (&s.customer.email, &s.customer.phone) {
        (Some(email), _) => mask_email(email),
        (None, Some(phone)) => mask_phone(phone),
        (None, None) => String::new(),
    }
}

/// The watchlist as CSV (a header row, RFC 4180 quoting, formulas made inert), as of `now`.
pub fn watchlist_csv(shipments: &[Shipment], now: DateTime<Utc>) -> String {
    use crate::invoices::neutralise;
    let time = |t: Option<DateTime<Utc>>| {
        t.map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true))
            .unwrap_or_default()
    };
    let mut writer = csv::Writer::from_writer(Vec::new());
    let header = [
        "tracking_number",
        "carrier",
        "status",
        "reasons",
        "order_number",
        "customer",
        "created_at",
        "last_scan_at",
        "promised_delivery_date",
        "last_told",
        "handled_by",
        "handled_at",
    ];
    let mut rows = vec![header.map(str::to_owned).to_vec()];
    for s in shipments {
        let reasons: Vec<&str> = open_reasons(s, now).iter().map(|r| r.as_str()).collect();
        rows.push(vec![
            s.tracking_number.clone(),
            s.carrier.clone(),
            s.status.as_str().to_owned(),
            reasons.join(" "),
            s.order_number.clone(),
            masked_contact(s),
            time(Some(s.created_at)),
            time(s.last_scan_at),
            s.promised_delivery_date
                .map(|d| d.to_string())
                .unwrap_or_default(),
            last_told(s)
                .map(|(m, _)| m.as_str().to_owned())
                .unwrap_or_default(),
            s.handled.as_ref().map(|h| h.by.clone()).unwrap_or_default(),
            time(s.handled.as_ref().map(|h| h.at)),
        ]);
    }
    for row in rows {
        let cells: Vec<String> = row.iter().map(|c| neutralise(c)).collect();
        // Writing to a Vec cannot fail.
        let _ = writer.write_record(&cells);
    }
    writer
        .into_inner()
        .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::MilestoneReached;
    use chrono::TimeZone;

    fn at(day: u32, hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2031, 3, day, hour, 0, 0).unwrap()
    }

    fn shipment(status: Status) -> Shipment {
        let mut s = crate::fakes::shipment("m1", "1Z999", at(1, 9));
        s.status = status;
        s.status_at = Some(at(2, 9));
        s.last_scan_at = Some(at(2, 9));
        s
    }

    fn reach(s: &mut Shipment, key: &str, when: DateTime<Utc>, notified: bool) {
        s.milestones
            .insert(key.to_owned(), MilestoneReached { at: when, notified });
    }

    #[test]
    fn every_reason_has_its_row_and_round_trips() {
        for reason in Reason::ALL {
            assert_eq!(reason.row().0, reason);
            assert_eq!(Reason::parse(reason.as_str()), Some(reason));
        }
        assert_eq!(Reason::parse("lost"), None);
    }

    #[test]
    fn the_status_decides_exception_attempt_pickup_and_return() {
        let cases = [
            (Status::InTransit, vec![]),
            (Status::Exception, vec![Reason::Exception]),
            (Status::AttemptFailed, vec![Reason::AttemptFailed]),
            (Status::AvailableForPickup, vec![Reason::AtPickup]),
            (Status::ReturningToSender, vec![Reason::Returning]),
            (Status::Delivered, vec![]),
        ];
        for (status, reasons) in cases {
            assert_eq!(watch_reasons(&shipment(status)), reasons, "{status:?}");
        }
    }

    #[test]
    fn a_delay_counts_until_delivery_and_trending_late_only_without_one() {
        let mut s = shipment(Status::InTransit);
        reach(&mut s, "trending_late", at(3, 9), true);
        assert_eq!(watch_reasons(&s), vec![Reason::TrendingLate]);
        reach(&mut s, "delayed#overdue-2031-03-04", at(5, 0), true);
        assert_eq!(watch_reasons(&s), vec![Reason::Delayed]);
        s.status = Status::Delivered;
        reach(&mut s, "delivered", at(6, 9), true);
        assert!(watch_reasons(&s).is_empty());
    }

    #[test]
    fn stalled_holds_until_the_next_scan() {
        let mut s = shipment(Status::InTransit);
        reach(&mut s, "stalled#2031-03-02T09:00:00Z", at(5, 9), true);
        assert_eq!(watch_reasons(&s), vec![Reason::Stalled]);
        s.last_scan_at = Some(at(6, 9));
        assert!(watch_reasons(&s).is_empty());
    }

    #[test]
    fn a_pickup_counts_after_three_days_and_handled_reasons_do_not() {
        let s = shipment(Status::AvailableForPickup);
        assert!(open_reasons(&s, at(5, 8)).is_empty());
        assert_eq!(open_reasons(&s, at(5, 9)), vec![Reason::AtPickup]);

        let mut s = shipment(Status::Exception);
        reach(&mut s, "exception#address_issue", at(2, 9), true);
        s.handled = Some(handle(&s, "ops", at(3, 9)));
        assert_eq!(s.handled.as_ref().unwrap().reasons, vec![Reason::Exception]);
        assert!(open_reasons(&s, at(3, 10)).is_empty());
        // Another scan of the same exception changes nothing.
        s.status_at = Some(at(4, 9));
        assert!(open_reasons(&s, at(4, 10)).is_empty());
        reach(&mut s, "delayed#overdue-2031-03-04", at(5, 0), true);
        assert_eq!(open_reasons(&s, at(5, 1)), vec![Reason::Delayed]);
        // A new exception after the merchant handled the first one counts again.
        reach(&mut s, "exception#weather", at(6, 9), true);
        assert_eq!(
            open_reasons(&s, at(6, 10)),
            vec![Reason::Exception, Reason::Delayed]
        );
    }

    #[test]
    fn handling_a_delay_does_not_handle_a_pickup_not_yet_shown() {
        let mut s = shipment(Status::AvailableForPickup);
        reach(&mut s, "delayed#overdue-2031-03-01", at(2, 0), true);
        // Day one at the pickup point: only the delay is shown, and handled.
        s.handled = Some(handle(&s, "ops", at(3, 9)));
        assert_eq!(s.handled.as_ref().unwrap().reasons, vec![Reason::Delayed]);
        assert!(open_reasons(&s, at(3, 10)).is_empty());
        // Three days later the uncollected parcel is shown.
        assert_eq!(open_reasons(&s, at(5, 9)), vec![Reason::AtPickup]);
    }

    #[test]
    fn the_csv_masks_customers_and_defuses_formulas() {
        let mut s = shipment(Status::Exception);
        s.order_number = "=HYPERLINK(\"http://evil\")".into();
        s.customer.email = Some(crate::EmailAddress::parse("ada@example.com").unwrap());
        let csv = watchlist_csv(&[s], at(3, 9));
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines.len(), 2);
        assert!(lines[0].starts_with("tracking_number,carrier,status,reasons"));
        assert!(lines[1].contains(",exception,exception,"), "{}", lines[1]);
        assert!(
            lines[1].contains("\"'=HYPERLINK(\"\"http://evil\"\")\""),
            "{}",
            lines[1]
        );
        assert!(lines[1].contains("a***@example.com"));
        assert!(!csv.contains("ada@"));
    }

    #[test]
    fn contacts_are_masked() {
        assert_eq!(mask_email("ada.lovelace@example.com"), "a***@example.com");
        assert_eq!(mask_email("nonsense"), "***");
        assert_eq!(mask_phone("+4915112345678"), "*** 5678");
        assert_eq!(mask_phone("+12025550123"), "*** 0123");
        assert_eq!(mask_phone("+12"), "***");
    }

    #[test]
    fn the_newest_notified_moment_is_what_the_customer_was_told() {
        let mut s = shipment(Status::OutForDelivery);
        reach(&mut s, "in_transit", at(2, 9), true);
        reach(&mut s, "out_for_delivery", at(3, 7), true);
        reach(&mut s, "exception#weather", at(3, 8), false);
        assert_eq!(last_told(&s), Some((Milestone::OutForDelivery, at(3, 7))));
    }
}
