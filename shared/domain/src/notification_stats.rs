//! What customers received, counted: per merchant and day, for each milestone and channel,
//! how many notifications were sent, deferred, suppressed (by reason) and failed, and for
//! email what SES said afterwards (delivered, bounced, complained, opened, clicked).
//! Counted in the same transaction as the notification's own write, so each counts once.

use crate::email_events::EmailEventKind;
use crate::milestone::Milestone;
use crate::model::Channel;
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// Why a notification was not sent, grouped for the merchant: a code (the stored counter's
/// suffix), its label, and the reasons notify records that fall under it.
const SUPPRESSED: [(&str, &str, &[&str]); 9] = [
    (
        "unsubscribed",
        "The customer unsubscribed",
        &[
            "unsubscribed from this shipment",
            "unsubscribed from this merchant",
        ],
    ),
    (
        "bounced",
        "The address bounced",
        &["the address bounced permanently"],
    ),
    (
        "complained",
        "The customer reported spam",
        &["the customer reported an earlier email as spam"],
    ),
    (
        "sms_opt_out",
        "The number opted out of SMS",
        &["the number opted out of SMS"],
    ),
    (
        "no_address",
        "No address or number",
        &[
            "the customer has no email address",
            "the customer has no phone number",
        ],
    ),
    (
        "channel_off",
        "Channel turned off",
        &["the channel is turned off for this shipment"],
    ),
    (
        "erased",
        "Customer data erased",
        &["the customer's personal data was erased"],
    ),
    (
        "cancelled",
        "Parcel cancelled",
        &[
            "the store cancelled the parcel",
            "the shipment no longer exists",
            "the merchant no longer exists",
        ],
    ),
    ("other", "Other", &[]),
];

/// Each milestone's two letters in a stored counter's name: a day's counter items hold up
/// to a few hundred counters, read whole by the dashboard, so names are kept short.
const MILESTONE_CODES: [(Milestone, &str); 12] = [
    (Milestone::LabelCreated, "lc"),
    (Milestone::InTransit, "it"),
    (Milestone::OutForDelivery, "od"),
    (Milestone::AvailableForPickup, "ap"),
    (Milestone::AttemptFailed, "af"),
    (Milestone::Delivered, "dl"),
    (Milestone::Exception, "ex"),
    (Milestone::Delayed, "dy"),
    (Milestone::Stalled, "st"),
    (Milestone::TrendingLate, "tl"),
    (Milestone::ReturningToSender, "rs"),
    (Milestone::ReturnedToSender, "rd"),
];

/// Each measure's code in a stored counter's name (suppressed ones by their group).
const MEASURE_CODES: [(&str, &str); 17] = [
    ("sent", "s"),
    ("deferred", "d"),
    ("failed", "f"),
    ("suppressed.unsubscribed", "xu"),
    ("suppressed.bounced", "xb"),
    ("suppressed.complained", "xc"),
    ("suppressed.sms_opt_out", "xo"),
    ("suppressed.no_address", "xa"),
    ("suppressed.channel_off", "xh"),
    ("suppressed.erased", "xe"),
    ("suppressed.cancelled", "xk"),
    ("suppressed.other", "xz"),
    ("delivered", "D"),
    ("bounced", "B"),
    ("complained", "C"),
    ("opened", "O"),
    ("clicked", "K"),
];

/// The group a recorded suppression reason counts under.
pub fn suppressed_code(reason: &str) -> &'static str {
    SUPPRESSED
        .iter()
        .find(|(_, _, reasons)| reasons.contains(&reason))
        .map_or("other", |(code, ..)| code)
}

pub fn suppressed_label(code: &str) -> &'static str {
    SUPPRESSED
        .iter()
        .find(|(c, ..)| *c == code)
        .map_or("Other", |(_, label, _)| label)
}

/// What is counted about a notification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Measure {
    Sent,
    Deferred,
    Failed,
    /// By [`suppressed_code`].
    Suppressed(&'static str),
    Email(EmailEventKind),
}

impl Measure {
    fn name(self) -> String {
        match self {
            Measure::Sent => "sent".into(),
            Measure::Deferred => "deferred".into(),
            Measure::Failed => "failed".into(),
            Measure::Suppressed(code) => format!("suppressed.{code}"),
            Measure::Email(kind) => kind.as_str().into(),
        }
    }

    fn parse(name: &str) -> Option<Measure> {
        Some(match name {
            "sent" => Measure::Sent,
            "deferred" => Measure::Deferred,
            "failed" => Measure::Failed,
            other => match other.strip_prefix("suppressed.") {
                Some(code) => Measure::Suppressed(
                    SUPPRESSED
                        .iter()
                        .find(|(c, ..)| *c == code)
                        .map(|(c, ..)| *c)?,
                ),
                None => Measure::Email(
                    EmailEventKind::ALL
                        .into_iter()
                        .find(|k| k.as_str() == other)?,
                ),
            },
        })
    }
}

impl Measure {
    /// What a notification's outcome counts as.
    pub fn of_outcome(outcome: &crate::ports::Outcome) -> Measure {
        use crate::ports::Outcome;
        match outcome {
            Outcome::Sent { .. } => Measure::Sent,
            Outcome::Deferred { .. } => Measure::Deferred,
            Outcome::Failed { .. } => Measure::Failed,
            Outcome::Suppressed { reason } => Measure::Suppressed(suppressed_code(reason)),
        }
    }
}

/// One counter: a measure of one milestone's messages on one channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Counter {
    pub milestone: Milestone,
    pub channel: Channel,
    pub measure: Measure,
}

impl Counter {
    /// The stored attribute name, short (see [`MILESTONE_CODES`], [`MEASURE_CODES`]):
    /// `{milestone}.{e|s}.{measure}`, e.g. `od.e.D` for emails about "out for delivery"
    /// that SES delivered.
    pub fn name(&self) -> String {
        let milestone = MILESTONE_CODES
            .iter()
            .find(|(m, _)| *m == self.milestone)
            .map_or("??", |(_, c)| c);
        let measure = self.measure.name();
        let measure = MEASURE_CODES
            .iter()
            .find(|(long, _)| *long == measure)
            .map_or("?", |(_, c)| c);
        let channel = match self.channel {
            Channel::Email => "e",
            Channel::Sms => "s",
        };
        format!("{milestone}.{channel}.{measure}")
    }

    pub fn parse(name: &str) -> Option<Counter> {
        let mut parts = name.splitn(3, '.');
        let code = parts.next()?;
        let milestone = MILESTONE_CODES.iter().find(|(_, c)| *c == code)?.0;
        let channel = match parts.next()? {
            "e" => Channel::Email,
            "s" => Channel::Sms,
            _ => return None,
        };
        let code = parts.next()?;
        let measure = MEASURE_CODES.iter().find(|(_, c)| *c == code)?.0;
        Some(Counter {
            milestone,
            channel,
            measure: Measure::parse(measure)?,
        })
    }
}

/// One day's counts (counters never counted are absent).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NotificationDay {
    pub day: NaiveDate,
    pub counts: BTreeMap<Counter, u64>,
}

/// Totals of one row (a milestone and channel, or everything).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Totals {
    pub sent: u64,
    /// Of `sent`, the emails: what delivered, opened and clicked are shares of.
    pub emails_sent: u64,
    pub deferred: u64,
    pub suppressed: u64,
    pub failed: u64,
    pub delivered: u64,
    pub bounced: u64,
    pub complained: u64,
    pub opened: u64,
    pub clicked: u64,
}

impl Totals {
    fn add(&mut self, counter: &Counter, n: u64) {
        if counter.measure == Measure::Sent && counter.channel == Channel::Email {
            self.emails_sent += n;
        }
        let slot = match counter.measure {
            Measure::Sent => &mut self.sent,
            Measure::Deferred => &mut self.deferred,
            Measure::Failed => &mut self.failed,
            Measure::Suppressed(_) => &mut self.suppressed,
            Measure::Email(EmailEventKind::Delivered) => &mut self.delivered,
            Measure::Email(EmailEventKind::Bounced) => &mut self.bounced,
            Measure::Email(EmailEventKind::Complained) => &mut self.complained,
            Measure::Email(EmailEventKind::Opened) => &mut self.opened,
            Measure::Email(EmailEventKind::Clicked) => &mut self.clicked,
        };
        *slot += n;
    }

    /// A share of the emails sent, or `None` before any was sent.
    pub fn of_emails_sent(&self, n: u64) -> Option<f64> {
        (self.emails_sent > 0).then(|| n as f64 / self.emails_sent as f64)
    }
}

/// The counts over a period, the ways the dashboard shows them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Summary {
    pub total: Totals,
    /// Per milestone and channel, in milestone order (only those with counts).
    pub rows: Vec<((Milestone, Channel), Totals)>,
    /// Per day, oldest first (only days with counts).
    pub days: Vec<(NaiveDate, Totals)>,
    /// Suppressed notifications by reason code, most first.
    pub suppressed: Vec<(&'static str, u64)>,
}

pub fn summarise(days: &[NotificationDay]) -> Summary {
    let mut total = Totals::default();
    let mut rows: BTreeMap<(Milestone, Channel), Totals> = BTreeMap::new();
    let mut per_day: BTreeMap<NaiveDate, Totals> = BTreeMap::new();
    let mut suppressed: BTreeMap<&'static str, u64> = BTreeMap::new();
    for day in days {
        for (counter, &n) in &day.counts {
            total.add(counter, n);
            rows.entry((counter.milestone, counter.channel))
                .or_default()
                .add(counter, n);
            per_day.entry(day.day).or_default().add(counter, n);
            if let Measure::Suppressed(code) = counter.measure {
                *suppressed.entry(code).or_default() += n;
            }
        }
    }
    let mut suppressed: Vec<(&'static str, u64)> = suppressed.into_iter().collect();
    suppressed.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    Summary {
        total,
        rows: rows.into_iter().collect(),
        days: per_day.into_iter().collect(),
        suppressed,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn every_reason_notify_records_has_its_group() {
        for reason in [
            "unsubscribed from this shipment",
            "the address bounced permanently",
            "the customer reported an earlier email as spam",
            "the number opted out of SMS",
            "the customer has no phone number",
            "the store cancelled the parcel",
        ] {
            assert_ne!(suppressed_code(reason), "other", "{reason}");
        }
        assert_eq!(suppressed_code("something new"), "other");
        assert_eq!(
            crate::email_events::SuppressionReason::Bounced.notification_detail(),
            "the address bounced permanently"
        );
        assert_eq!(
            suppressed_code(
                crate::email_events::SuppressionReason::Complained.notification_detail()
            ),
            "complained"
        );
    }

    #[test]
    fn counter_names_round_trip() {
        for measure in [
            Measure::Sent,
            Measure::Deferred,
            Measure::Failed,
            Measure::Suppressed("sms_opt_out"),
            Measure::Email(EmailEventKind::Clicked),
        ] {
            let counter = Counter {
                milestone: Milestone::OutForDelivery,
                channel: Channel::Sms,
                measure,
            };
            assert_eq!(Counter::parse(&counter.name()), Some(counter));
        }
        assert_eq!(
            Counter {
                milestone: Milestone::Delivered,
                channel: Channel::Email,
                measure: Measure::Suppressed("bounced"),
            }
            .name(),
            "dl.e.xb"
        );
        // Every milestone and measure has its code, and no two share one.
        let mut names = std::collections::BTreeSet::new();
        for milestone in Milestone::ALL {
            for (long, _) in MEASURE_CODES {
                let counter = Counter {
                    milestone,
                    channel: Channel::Sms,
                    measure: Measure::parse(long).unwrap(),
                };
                assert_eq!(Counter::parse(&counter.name()), Some(counter));
                assert!(names.insert(counter.name()));
            }
        }
        assert_eq!(SUPPRESSED.len() + 8, MEASURE_CODES.len());
        assert_eq!(Counter::parse("dl.e.xq"), None);
        assert_eq!(Counter::parse("zz.e.s"), None);
        assert_eq!(Counter::parse("dl.f.s"), None);
    }

    /// `in_transit.email.suppressed.bounced`: a counter named in full, for readable tests.
    fn long(name: &str) -> Counter {
        let mut parts = name.splitn(3, '.');
        let milestone = Milestone::parse(parts.next().unwrap()).unwrap();
        let channel = match parts.next().unwrap() {
            "email" => Channel::Email,
            _ => Channel::Sms,
        };
        Counter {
            milestone,
            channel,
            measure: Measure::parse(parts.next().unwrap()).unwrap(),
        }
    }

    #[test]
    fn summary_adds_up_rows_days_and_reasons() {
        let day = |d: u32, counts: &[(&str, u64)]| NotificationDay {
            day: NaiveDate::from_ymd_opt(2026, 3, d).unwrap(),
            counts: counts.iter().map(|(name, n)| (long(name), *n)).collect(),
        };
        let summary = summarise(&[
            day(
                1,
                &[
                    ("in_transit.email.sent", 10),
                    ("in_transit.email.delivered", 9),
                    ("in_transit.email.bounced", 1),
                    ("in_transit.sms.suppressed.sms_opt_out", 2),
                ],
            ),
            day(
                2,
                &[
                    ("in_transit.email.sent", 5),
                    ("delivered.email.suppressed.bounced", 1),
                    ("delivered.email.suppressed.unsubscribed", 3),
                ],
            ),
        ]);
        assert_eq!(summary.total.sent, 15);
        assert_eq!(summary.total.suppressed, 6);
        assert_eq!(summary.total.emails_sent, 15);
        assert_eq!(
            summary.total.of_emails_sent(summary.total.delivered),
            Some(0.6)
        );
        assert_eq!(summary.rows.len(), 3);
        assert_eq!(
            summary.rows[0],
            (
                (Milestone::InTransit, Channel::Email),
                Totals {
                    sent: 15,
                    emails_sent: 15,
                    delivered: 9,
                    bounced: 1,
                    ..Default::default()
                }
            )
        );
        assert_eq!(summary.days.len(), 2);
        assert_eq!(summary.days[1].1.suppressed, 4);
        assert_eq!(
            summary.suppressed,
            vec![("unsubscribed", 3), ("sms_opt_out", 2), ("bounced", 1)]
        );
    }
}
