//! Customer-facing words in every built-in locale: message copy per milestone, the labels
//! around it, reason phrases and date formats.
//!
//! The words are data: `locales/<tag>/messages.ftl` and `locales/<tag>/page.ftl` (Fluent),
//! compiled into the binary, so nothing is read at run time. Adding a locale is adding its
//! two files and its tag to [`LOCALES`].
//!
//! Placeholders are Fluent variables: `$order`, `$brand`, `$attempt`, `$old`, `$new`,
//! `$reason`, `$name` (the customer's full name), `$first_name`, `$code`. Each text is
//! resolved once into the tables below with every variable written as its `{slot}`
//! (`{order}`), and `message::substitute` fills the slots in one pass, so a value (an order
//! number `{name}`) is never read as a placeholder. Dates are the exception: their patterns
//! carry per-locale rules (French "1er"), so [`Locale::date`] formats them with Fluent.
//! Month and weekday names are CLDR's, through icu4x's compiled-in data; a locale's files
//! may replace one where the messages spell it differently (see `nl/messages.ftl`).

use crate::milestone::Milestone;
use crate::reason::Reason;
use chrono::{Datelike, NaiveDate};
use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader};
use icu_calendar::{Date, Gregorian};
use icu_datetime::fieldsets::enums::DateFieldSet;
use icu_datetime::pattern::{
    DateTimePattern, FixedCalendarDateTimeNames, MonthNameLength, WeekdayNameLength,
};
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::LazyLock;
use writeable::TryWriteable;

pub mod page;
pub mod tag;

pub use tag::{InvalidLocaleTag, LocaleTag};

fluent_templates::static_loader! {
    static TEXTS = {
        locales: "./locales",
        fallback_language: "en",
        // No Unicode isolation marks around variables: the copy is plain text and SMS,
        // where U+2068/U+2069 would cost characters and show up in some clients.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

/// The built-in locales, as BCP 47 tags, in the language switcher's order. Each has its
/// files under `locales/<tag>/`.
pub const LOCALES: [&str; 8] = ["en", "de", "fr", "es", "it", "nl", "pt-BR", "ja"];

/// What one milestone says, in one locale.
#[derive(Debug, Clone, Copy)]
pub struct Copy {
    pub subject: &'static str,
    /// Large heading in the email.
    pub headline: &'static str,
    /// The email's main paragraph.
    pub body: &'static str,
    /// The SMS text, before the tracking link is appended.
    pub sms: &'static str,
}

/// The words around the copy, in one locale.
#[derive(Debug, Clone, Copy)]
pub struct Labels {
    /// "Hi {first_name}," (Japanese: "{name}様", the full name)
    pub greeting: &'static str,
    pub order: &'static str,
    pub carrier: &'static str,
    pub tracking_number: &'static str,
    pub track_button: &'static str,
    pub expected_delivery: &'static str,
    /// The shop's own estimate, labelled as such: "Estimate from {brand}"
    pub shop_estimate: &'static str,
    /// Two dates: "{from} to {to}"
    pub date_range: &'static str,
    pub signed_by: &'static str,
    pub pickup_point: &'static str,
    pub pickup_address: &'static str,
    pub pickup_hours: &'static str,
    /// Heading of the recommendations block ("You might also like").
    pub recommendations: &'static str,
    /// Delay apology with a discount: "As an apology, here is a discount: {code}"
    pub discount: &'static str,
    /// Footer: "Questions? Contact us"
    pub support: &'static str,
    /// Footer link text: "Unsubscribe from delivery updates"
    pub unsubscribe: &'static str,
    /// Delay copy when the carrier gave a new date: "The new expected delivery date is {new}."
    pub new_date_known: &'static str,
    /// Delay copy without a new date: "We will tell you the new date as soon as we know it."
    pub new_date_unknown: &'static str,
    /// SMS variants of the two above (short): "New date: {new}." / "We will update you."
    pub sms_new_date_known: &'static str,
    pub sms_new_date_unknown: &'static str,
    /// Fallback for `{old}` when no date was promised: "the expected day"
    pub expected_day: &'static str,
    /// Fallback reason phrase: "the carrier could not complete the delivery"
    pub reason_fallback: &'static str,
    /// One parcel of a split order: "Parcel {n} of {total}"
    pub parcel_position: &'static str,
    /// What this parcel holds, of the order: "{n} of your {total} items"
    pub parcel_share: &'static str,
    /// Heading of the parcel's line items: "In this parcel"
    pub parcel_contents: &'static str,
    /// Heading of the order's other parcels on the tracking page
    pub other_parcels: &'static str,
}

/// Date words and patterns of one locale. Patterns, in slot form, use `{weekday}`,
/// `{weekday_short}`, `{day}`, `{month}` (full month name), `{mon}` (abbreviated), `{year}`,
/// `{m}` (month number); [`Locale::date`] formats the Fluent pattern itself, with its
/// per-locale rules. The names are CLDR's unless the locale's files replace them.
#[derive(Debug, Clone, Copy)]
pub struct DateWords {
    pub weekdays: [&'static str; 7], // Monday first
    /// Abbreviated: "Fri", ja "金".
    pub weekdays_short: [&'static str; 7],
    pub months: [&'static str; 12],
    pub months_short: [&'static str; 12],
    /// e.g. en "{weekday}, {month} {day}", de "{weekday}, {day}. {month}"
    pub long: &'static str,
    /// e.g. en "{mon} {day}", de "{day}.{m}.", ja "{m}月{day}日"
    pub short: &'static str,
    /// The same with the year, for a date outside the current year.
    pub long_year: &'static str,
    pub short_year: &'static str,
}

#[derive(Debug, Clone, Copy)]
pub struct Locale {
    pub tag: &'static str,
    pub id: &'static LanguageIdentifier,
    pub copy: &'static [(Milestone, Copy)],
    pub labels: Labels,
    pub reasons: &'static [(Reason, &'static str)],
    pub dates: DateWords,
    /// The words of the public pages.
    pub page: page::PageWords,
}
/// Every built-in locale, in [`LOCALES`] order, resolved from its Fluent files on first use.
pub static ALL: LazyLock<[&'static Locale; LOCALES.len()]> =
    LazyLock::new(|| LOCALES.map(|tag| &*Box::leak(Box::new(Locale::load(tag)))));

/// English: the voice the other locales follow, and the last fallback.
pub static EN: LazyLock<&'static Locale> = LazyLock::new(|| ALL[0]);

/// The built-in locale with exactly this tag ("pt-BR", not "pt-br" or "pt").
pub fn locale(tag: &str) -> Option<&'static Locale> {
    ALL.iter().copied().find(|l| l.tag == tag)
}

/// Every variable a text may use, bound to its `{slot}`.
const SLOTS: [&str; 22] = [
    "order",
    "brand",
    "attempt",
    "old",
    "new",
    "reason",
    "name",
    "first_name",
    "code",
    "n",
    "total",
    "step",
    "date",
    "zone",
    "stars",
    "weekday",
    "weekday_short",
    "month",
    "mon",
    "from",
    "to",
    "range",
];
const DATE_SLOTS: [&str; 3] = ["day", "m", "year"];

/// One locale's texts, read from the compiled-in Fluent bundles. The tables hold
/// `&'static str` like the constants they replace: they are built once per process and
/// live as long as it, so they are leaked rather than borrowed from a self-referencing
/// store.
pub(crate) struct Source {
    id: &'static LanguageIdentifier,
    slots: HashMap<Cow<'static, str>, FluentValue<'static>>,
}

fn leak(text: String) -> &'static str {
    Box::leak(text.into_boxed_str())
}

impl Source {
    fn new(tag: &'static str) -> Self {
        // A tag of `LOCALES` that does not parse has no bundle either; it reads as English.
        let id = tag.parse().unwrap_or_default();
        let slots = SLOTS
            .iter()
            .chain(&DATE_SLOTS)
            .map(|&s| (Cow::Borrowed(s), FluentValue::from(format!("{{{s}}}"))))
            .collect();
        Self {
            id: Box::leak(Box::new(id)),
            slots,
        }
    }

    /// The text in this locale, else in English; empty only if English lacks it too
    /// (the tests rule that out).
    fn text(&self, key: &str) -> &'static str {
        leak(
            TEXTS
                .try_lookup_with_args(self.id, key, &self.slots)
                .unwrap_or_default(),
        )
    }

    /// The text in this locale only.
    fn own(&self, key: &str) -> Option<&'static str> {
        TEXTS
            .lookup_single_language(self.id, key, Some(&self.slots))
            .ok()
            .map(leak)
    }

    fn list<const N: usize>(&self, key: &str) -> [&'static str; N] {
        std::array::from_fn(|i| self.text(&format!("{key}-{}", i + 1)))
    }

    /// CLDR's month or weekday names (`key` "month", "month-short", "weekday",
    /// "weekday-short"), each replaced by the locale's own `<key>-<n>` message where it has
    /// one. Weekdays are Monday first.
    fn names<const N: usize>(&self, tag: &str, key: &str) -> [&'static str; N] {
        let cldr = cldr_names(tag, key);
        std::array::from_fn(|i| {
            self.own(&format!("{key}-{}", i + 1)).unwrap_or_else(|| {
                // Only if CLDR had no data for the locale: the number, never a panic.
                let name = cldr.as_ref().and_then(|names| names.get(i).cloned());
                leak(name.unwrap_or_else(|| (i + 1).to_string()))
            })
        })
    }
}

/// The names icu4x's compiled CLDR data gives a locale for one field: twelve months from
/// January, or seven weekdays from Monday.
fn cldr_names(tag: &str, key: &str) -> Option<Vec<String>> {
    let locale: icu_datetime::DateTimeFormatterPreferences =
        (&tag.parse::<icu_locale_core::Locale>().ok()?).into();
    let mut names = FixedCalendarDateTimeNames::<Gregorian, DateFieldSet>::try_new(locale).ok()?;
    // Format-context names ("2. Oktober"), as they stand inside a date; one pattern per
    // field, since a names object holds one length of each field.
    let weekdays = key.starts_with("weekday");
    let pattern = match key {
        "month" => names
            .include_month_names(MonthNameLength::Wide)
            .map(|_| "MMMM"),
        "month-short" => names
            .include_month_names(MonthNameLength::Abbreviated)
            .map(|_| "MMM"),
        "weekday" => names
            .include_weekday_names(WeekdayNameLength::Wide)
            .map(|_| "EEEE"),
        _ => names
            .include_weekday_names(WeekdayNameLength::Abbreviated)
            .map(|_| "EEE"),
    };
    let pattern = DateTimePattern::try_from_pattern_str(pattern.ok()?).ok()?;
    let formatter = names.with_pattern_unchecked(&pattern);
    // 1 January 2024 was a Monday: its first week gives the weekdays in order.
    let dates = if weekdays {
        (1..=7)
            .map(|d| Date::try_new_gregorian(2024, 1, d))
            .collect::<Result<Vec<_>, _>>()
    } else {
        (1..=12)
            .map(|m| Date::try_new_gregorian(2024, m, 1))
            .collect::<Result<Vec<_>, _>>()
    };
    dates
        .ok()?
        .iter()
        .map(|date| {
            formatter
                .format(date)
                .try_write_to_string()
                .ok()
                .map(|s| s.into_owned())
        })
        .collect()
}

/// A Fluent message id from a snake_case name.
fn key(name: &str) -> String {
    name.replace('_', "-")
}

impl Locale {
    fn load(tag: &'static str) -> Self {
        let s = Source::new(tag);
        let copy = Milestone::ALL
            .iter()
            .map(|&m| {
                let part = |p: &str| s.text(&format!("{}-{p}", key(m.as_str())));
                let copy = Copy {
                    subject: part("subject"),
                    headline: part("headline"),
                    body: part("body"),
                    sms: part("sms"),
                };
                (m, copy)
            })
            .collect::<Vec<_>>();
        // Reason phrases do not fall back to English: a missing one reads as the
        // locale's own `reason_fallback`.
        let reasons = Reason::ALL
            .iter()
            .filter_map(|&r| Some((r, s.own(&format!("reason-{}", key(r.as_str())))?)))
            .collect::<Vec<_>>();
        Self {
            tag,
            id: s.id,
            copy: copy.leak(),
            labels: Labels {
                greeting: s.text("greeting"),
                order: s.text("order"),
                carrier: s.text("carrier"),
                tracking_number: s.text("tracking-number"),
                track_button: s.text("track-button"),
                expected_delivery: s.text("expected-delivery"),
                shop_estimate: s.text("shop-estimate"),
                date_range: s.text("date-range"),
                signed_by: s.text("signed-by"),
                pickup_point: s.text("pickup-point"),
                pickup_address: s.text("pickup-address"),
                pickup_hours: s.text("pickup-hours"),
                recommendations: s.text("recommendations"),
                discount: s.text("discount"),
                support: s.text("support"),
                unsubscribe: s.text("unsubscribe"),
                new_date_known: s.text("new-date-known"),
                new_date_unknown: s.text("new-date-unknown"),
                sms_new_date_known: s.text("sms-new-date-known"),
                sms_new_date_unknown: s.text("sms-new-date-unknown"),
                expected_day: s.text("expected-day"),
                reason_fallback: s.text("reason-fallback"),
                parcel_position: s.text("parcel-position"),
                parcel_share: s.text("parcel-share"),
                parcel_contents: s.text("parcel-contents"),
                other_parcels: s.text("other-parcels"),
            },
            reasons: reasons.leak(),
            dates: DateWords {
                weekdays: s.names(tag, "weekday"),
                weekdays_short: s.names(tag, "weekday-short"),
                months: s.names(tag, "month"),
                months_short: s.names(tag, "month-short"),
                long: s.text("date-long"),
                short: s.text("date-short"),
                long_year: s.text("date-long-year"),
                short_year: s.text("date-short-year"),
            },
            page: page::PageWords::load(&s),
        }
    }

    /// A date in the locale's long ("Friday, October 2") or short ("Oct 2") pattern, with
    /// the year when `with_year`.
    pub fn date(&self, date: NaiveDate, long: bool, with_year: bool) -> String {
        let words = &self.dates;
        let month = date.month0() as usize;
        let weekday = date.weekday().num_days_from_monday() as usize;
        let pattern = match (long, with_year) {
            (true, false) => "date-long",
            (false, false) => "date-short",
            (true, true) => "date-long-year",
            (false, true) => "date-short-year",
        };
        // The day is a number, so a pattern can select on it (French "1er"); the year and
        // month number are text, so no number formatting touches them.
        let args: HashMap<Cow<'static, str>, FluentValue<'static>> = [
            ("weekday", FluentValue::from(words.weekdays[weekday])),
            (
                "weekday_short",
                FluentValue::from(words.weekdays_short[weekday]),
            ),
            ("month", FluentValue::from(words.months[month])),
            ("mon", FluentValue::from(words.months_short[month])),
            ("day", FluentValue::from(date.day())),
            ("m", FluentValue::from(date.month().to_string())),
            ("year", FluentValue::from(date.year().to_string())),
        ]
        .into_iter()
        .map(|(k, v)| (Cow::Borrowed(k), v))
        .collect();
        TEXTS
            .try_lookup_with_args(self.id, pattern, &args)
            .unwrap_or_else(|| date.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Placeholders message copy may use.
    const ALLOWED: [&str; 8] = [
        "{order}",
        "{brand}",
        "{attempt}",
        "{old}",
        "{new}",
        "{reason}",
        "{name}",
        "{first_name}",
    ];
    const DATE_FIELDS: [&str; 7] = [
        "{weekday}",
        "{weekday_short}",
        "{day}",
        "{month}",
        "{mon}",
        "{year}",
        "{m}",
    ];

    /// The reasons that explain an exception, a failed attempt or a delay: each locale
    /// has a phrase for every one of them.
    const CAUSES: [Reason; 25] = [
        Reason::AddressIssue,
        Reason::RecipientMoved,
        Reason::Refused,
        Reason::AwaitingPayment,
        Reason::MissingDocuments,
        Reason::CustomsDelay,
        Reason::CustomsProcessing,
        Reason::HeldByCarrier,
        Reason::Damaged,
        Reason::Lost,
        Reason::Disposed,
        Reason::Undeliverable,
        Reason::Unclaimed,
        Reason::RejectedByCarrier,
        Reason::WeatherDelay,
        Reason::CarrierDelay,
        Reason::ExternalDelay,
        Reason::Missorted,
        Reason::LateFlight,
        Reason::AccessIssue,
        Reason::BusinessClosed,
        Reason::RecipientUnavailable,
        Reason::PickupMissed,
        Reason::ContactCarrier,
        Reason::NoticeLeft,
    ];

    const BRAND: &str = "Acme Outdoor";
    const ORDER: &str = "#100234";
    const LINK: &str = "https://track.acme-outdoor-shop.com/t/0123456789abcdef0123456789abcdef";

    fn en() -> &'static Locale {
        *EN
    }
    fn de() -> &'static Locale {
        locale("de").unwrap()
    }
    fn fr() -> &'static Locale {
        locale("fr").unwrap()
    }
    fn ja() -> &'static Locale {
        locale("ja").unwrap()
    }

    fn copy_of(locale: &Locale, milestone: Milestone) -> &Copy {
        let rows: Vec<_> = locale
            .copy
            .iter()
            .filter(|(m, _)| *m == milestone)
            .collect();
        assert_eq!(
            rows.len(),
            1,
            "{}: {milestone} has {} rows",
            locale.tag,
            rows.len()
        );
        &rows[0].1
    }

    fn label_fields(l: &Labels) -> [(&'static str, &'static str); 26] {
        [
            ("greeting", l.greeting),
            ("order", l.order),
            ("carrier", l.carrier),
            ("tracking_number", l.tracking_number),
            ("track_button", l.track_button),
            ("expected_delivery", l.expected_delivery),
            ("shop_estimate", l.shop_estimate),
            ("date_range", l.date_range),
            ("signed_by", l.signed_by),
            ("pickup_point", l.pickup_point),
            ("pickup_address", l.pickup_address),
            ("pickup_hours", l.pickup_hours),
            ("recommendations", l.recommendations),
            ("discount", l.discount),
            ("support", l.support),
            ("unsubscribe", l.unsubscribe),
            ("new_date_known", l.new_date_known),
            ("new_date_unknown", l.new_date_unknown),
            ("sms_new_date_known", l.sms_new_date_known),
            ("sms_new_date_unknown", l.sms_new_date_unknown),
            ("expected_day", l.expected_day),
            ("reason_fallback", l.reason_fallback),
            ("parcel_position", l.parcel_position),
            ("parcel_share", l.parcel_share),
            ("parcel_contents", l.parcel_contents),
            ("other_parcels", l.other_parcels),
        ]
    }

    /// Every customer-facing sentence or phrase of a locale (not the date words), named.
    fn texts(locale: &Locale) -> Vec<(String, &'static str)> {
        let mut out = Vec::new();
        for (m, c) in locale.copy {
            for (field, text) in [
                ("subject", c.subject),
                ("headline", c.headline),
                ("body", c.body),
                ("sms", c.sms),
            ] {
                out.push((format!("{m}.{field}"), text));
            }
        }
        for (field, text) in label_fields(&locale.labels) {
            out.push((format!("labels.{field}"), text));
        }
        for (r, text) in locale.reasons {
            out.push((format!("reasons.{r}"), *text));
        }
        out
    }

    /// The `{...}` tokens of a text; panics on a stray brace.
    fn placeholders(text: &str) -> Vec<&str> {
        let mut found = Vec::new();
        let mut rest = text;
        while let Some(open) = rest.find(['{', '}']) {
            assert!(rest[open..].starts_with('{'), "stray '}}' in {text:?}");
            let close = rest[open..]
                .find('}')
                .unwrap_or_else(|| panic!("unclosed '{{' in {text:?}"));
            let token = &rest[open..open + close + 1];
            assert!(!token[1..].contains('{'), "nested '{{' in {text:?}");
            found.push(token);
            rest = &rest[open + close + 1..];
        }
        found
    }

    /// A date in the locale's pattern; `weekday` and `month` count from 0 (Monday, January).
    fn date(words: &DateWords, pattern: &str, weekday: usize, month: usize, day: u32) -> String {
        pattern
            .replace("{weekday}", words.weekdays[weekday])
            .replace("{weekday_short}", words.weekdays_short[weekday])
            .replace("{month}", words.months[month])
            .replace("{mon}", words.months_short[month])
            .replace("{day}", &day.to_string())
            .replace("{m}", &(month + 1).to_string())
            .replace("{year}", "2026")
    }

    /// The SMS as sent: copy with realistic values, a space and a 70-character link.
    fn sms(locale: &Locale, milestone: Milestone, new: &str) -> String {
        // With its year: the longest an old date gets (a promise made last December).
        let old = date(&locale.dates, locale.dates.short_year, 2, 8, 30);
        let text = copy_of(locale, milestone)
            .sms
            .replace("{brand}", BRAND)
            .replace("{order}", ORDER)
            .replace("{attempt}", "2")
            .replace("{old}", &old)
            .replace("{name}", "Alexandra")
            .replace("{new}", new);
        format!("{text} {LINK}")
    }

    /// The `{new}` sentences an SMS may carry: the realistic "Oct 2" one, the longest
    /// short date of the year, and the one without a date.
    fn sms_new_sentences(locale: &Locale) -> Vec<String> {
        let known = |pattern, month, day| {
            let d = date(&locale.dates, pattern, 4, month, day);
            locale.labels.sms_new_date_known.replace("{new}", &d)
        };
        // Dates in another year carry it ("Jan 8, 2027"): the longest of all.
        let longest = (0..12)
            .flat_map(|m| [locale.dates.short, locale.dates.short_year].map(|p| known(p, m, 28)))
            .max_by_key(|s| s.encode_utf16().count())
            .unwrap();
        vec![
            known(locale.dates.short, 9, 2),
            longest,
            locale.labels.sms_new_date_unknown.to_owned(),
        ]
    }

    const GSM7_BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
    const GSM7_EXTENSION: &str = "\u{c}^{}\\[~]|€";

    /// Septets when the whole text is GSM-7, else `None` (the message goes as UCS-2).
    fn gsm7_septets(text: &str) -> Option<usize> {
        text.chars()
            .map(|c| {
                if GSM7_BASIC.contains(c) {
                    Some(1)
                } else if GSM7_EXTENSION.contains(c) {
                    Some(2)
                } else {
                    None
                }
            })
            .sum()
    }

    /// (GSM-7?, units, segments) as an SMS gateway bills it.
    fn segments(text: &str) -> (bool, usize, usize) {
        match gsm7_septets(text) {
            Some(n) if n <= 160 => (true, n, 1),
            Some(n) => (true, n, n.div_ceil(153)),
            None => {
                let n = text.encode_utf16().count();
                (false, n, if n <= 70 { 1 } else { n.div_ceil(67) })
            }
        }
    }

    #[test]
    fn all_is_in_locales_order_and_lookup_is_by_exact_tag() {
        let tags: Vec<_> = ALL.iter().map(|l| l.tag).collect();
        assert_eq!(tags, LOCALES);
        for tag in LOCALES {
            assert_eq!(locale(tag).map(|l| l.tag), Some(tag));
        }
        assert_eq!(locale("pt-BR").map(|l| l.tag), Some("pt-BR"));
        for unknown in ["pt", "pt-br", "PT-BR", "en-US", "EN", "", "ja-JP"] {
            assert!(locale(unknown).is_none(), "{unknown:?}");
        }
    }

    #[test]
    fn every_locale_has_copy_for_every_milestone_and_a_phrase_for_every_cause() {
        for l in *ALL {
            assert_eq!(l.copy.len(), Milestone::ALL.len(), "{}", l.tag);
            for m in Milestone::ALL {
                copy_of(l, m);
            }
            for cause in CAUSES {
                let n = l.reasons.iter().filter(|(r, _)| *r == cause).count();
                assert_eq!(n, 1, "{}: {cause} has {n} phrases", l.tag);
            }
            for (r, _) in l.reasons {
                assert!(CAUSES.contains(r), "{}: {r} is not a cause", l.tag);
            }
        }
    }

    #[test]
    fn placeholders_are_known_and_no_text_is_empty_or_padded() {
        for l in *ALL {
            for (name, text) in texts(l) {
                assert!(!text.trim().is_empty(), "{} {name} is empty", l.tag);
                assert_eq!(text, text.trim(), "{} {name} has outer whitespace", l.tag);
                assert!(!text.contains("  "), "{} {name} has a double space", l.tag);
                for token in placeholders(text) {
                    let counted = ["labels.parcel_position", "labels.parcel_share"];
                    let ok = ALLOWED.contains(&token)
                        || (name == "labels.discount" && token == "{code}")
                        || (name == "labels.date_range" && ["{from}", "{to}"].contains(&token))
                        || (counted.contains(&name.as_str())
                            && ["{n}", "{total}"].contains(&token));
                    assert!(ok, "{} {name}: unknown placeholder {token}", l.tag);
                }
                if name.starts_with("reasons.") || name == "labels.reason_fallback" {
                    assert!(placeholders(text).is_empty(), "{} {name}", l.tag);
                }
            }
            let d = &l.dates;
            let names = d.weekdays.iter().chain(&d.weekdays_short);
            for text in names.chain(&d.months).chain(&d.months_short) {
                assert!(
                    !text.is_empty() && placeholders(text).is_empty(),
                    "{}",
                    l.tag
                );
            }
            for pattern in [d.long, d.short] {
                for token in placeholders(pattern) {
                    assert!(DATE_FIELDS.contains(&token), "{}: {token}", l.tag);
                }
                assert!(pattern.contains("{day}"), "{}: {pattern}", l.tag);
            }
        }
    }

    #[test]
    fn copy_has_the_placeholders_its_milestone_needs() {
        for l in *ALL {
            let tag = l.tag;
            for m in Milestone::ALL {
                let c = copy_of(l, m);
                assert!(
                    c.sms.contains("{brand}"),
                    "{tag} {m}: the SMS names the shop"
                );
                assert!(
                    c.sms.contains("{order}"),
                    "{tag} {m}: the SMS names the order"
                );
                assert!(
                    c.subject.contains("{order}"),
                    "{tag} {m}: subject lacks the order"
                );
                assert!(
                    !c.sms.contains("{reason}"),
                    "{tag} {m}: reasons are too long for SMS"
                );
            }
            let delayed = copy_of(l, Milestone::Delayed);
            assert!(
                delayed.body.contains("{old}"),
                "{tag}: the delay names the old date"
            );
            assert!(
                delayed.body.ends_with("{new}"),
                "{tag}: {{new}} is the last sentence"
            );
            assert!(
                delayed.sms.ends_with("{new}"),
                "{tag}: {{new}} is the last sentence"
            );
            assert!(
                copy_of(l, Milestone::Exception).body.contains("{reason}"),
                "{tag}"
            );
            let attempt = copy_of(l, Milestone::AttemptFailed);
            for text in [attempt.subject, attempt.body, attempt.sms] {
                assert!(text.contains("{attempt}"), "{tag}: {text}");
            }
            let labels = &l.labels;
            // By first name, except in Japanese, where a first name alone would be
            // over-familiar: "{name}様" takes the full name.
            let addressed = if tag == "ja" {
                "{name}"
            } else {
                "{first_name}"
            };
            assert!(labels.greeting.contains(addressed), "{tag}");
            assert!(labels.discount.contains("{code}"), "{tag}");
            assert!(labels.new_date_known.contains("{new}"), "{tag}");
            assert!(labels.sms_new_date_known.contains("{new}"), "{tag}");
        }
    }

    #[test]
    fn the_delay_copy_apologises() {
        let apology = [
            ("en", "sorry"),
            ("de", "Es tut uns leid"),
            ("fr", "désolés"),
            ("es", "Lo sentimos"),
            ("it", "Ci dispiace"),
            ("nl", "Het spijt ons"),
            ("pt-BR", "Pedimos desculpas"),
            ("ja", "申し訳ございません"),
        ];
        for (tag, words) in apology {
            let delayed = copy_of(locale(tag).unwrap(), Milestone::Delayed);
            assert!(delayed.body.contains(words), "{tag}: {}", delayed.body);
        }
    }

    #[test]
    fn subjects_and_headlines_differ_between_milestones() {
        for l in *ALL {
            let subjects: std::collections::BTreeSet<_> =
                l.copy.iter().map(|(_, c)| c.subject).collect();
            let headlines: std::collections::BTreeSet<_> =
                l.copy.iter().map(|(_, c)| c.headline).collect();
            assert_eq!(subjects.len(), Milestone::ALL.len(), "{}", l.tag);
            assert_eq!(headlines.len(), Milestone::ALL.len(), "{}", l.tag);
        }
    }

    /// Whole words (any case) that give away untranslated English. A word that is also
    /// an ordinary word of the locale is not a marker there: Dutch "we", "is", "of" ("or")
    /// and "sorry" (everyday Dutch, used in the delay SMS).
    #[test]
    fn no_english_is_left_in_the_translations() {
        const MARKERS: [&str; 27] = [
            "your",
            "order",
            "orders",
            "parcel",
            "package",
            "delivered",
            "delivery",
            "the",
            "track",
            "tracking",
            "carrier",
            "pickup",
            "shipping",
            "shipped",
            "sorry",
            "we",
            "you",
            "is",
            "has",
            "and",
            "of",
            "with",
            "today",
            "will",
            "been",
            "update",
            "updates",
        ];
        let same_word_there =
            |tag: &str, word: &str| tag == "nl" && ["we", "is", "of", "sorry"].contains(&word);
        for l in ALL.iter().filter(|l| l.tag != "en") {
            for (name, text) in texts(l) {
                let words = text
                    .split(|c: char| !c.is_alphabetic())
                    .map(str::to_lowercase);
                for word in words {
                    let english =
                        MARKERS.contains(&word.as_str()) && !same_word_there(l.tag, &word);
                    // "{name}" and the other placeholders are English by design.
                    let placeholder = ALLOWED
                        .iter()
                        .chain(&["{code}", "{n}", "{total}", "{from}", "{to}"])
                        .any(|p| p[1..p.len() - 1] == word && text.contains(p));
                    assert!(
                        !english || placeholder,
                        "{} {name}: {word:?} in {text:?}",
                        l.tag
                    );
                }
            }
        }
        // Japanese: no Latin letters at all outside placeholders.
        for (name, text) in texts(ja()) {
            let mut bare = text.to_owned();
            for p in ALLOWED
                .iter()
                .chain(&["{code}", "{n}", "{total}", "{from}", "{to}"])
            {
                bare = bare.replace(p, "");
            }
            assert!(
                !bare.chars().any(|c| c.is_ascii_alphabetic()),
                "ja {name}: {text}"
            );
        }
    }

    #[test]
    fn english_sms_fit_one_gsm7_segment_with_a_70_character_link() {
        assert_eq!(LINK.len(), 70);
        for m in Milestone::ALL {
            for new in sms_new_sentences(&EN) {
                let text = sms(&EN, m, &new);
                assert!(gsm7_septets(&text).is_some(), "{m}: not GSM-7: {text}");
                let n = text.chars().count();
                assert!(n <= 160, "{m}: {n} characters: {text}");
            }
        }
    }

    /// Every SMS fits two segments; Latin-script locales stay in GSM-7 (no ç, ã, á, ô,
    /// curly quote or no-break space in SMS copy) and, with the realistic values (a
    /// 12-character brand, "Oct 2" or no date), in one segment. Japanese goes as UCS-2,
    /// which never fits one segment beside a 70-character link.
    #[test]
    fn every_sms_fits_two_segments_in_the_expected_alphabet() {
        for l in *ALL {
            let latin = l.tag != "ja";
            let mut worst = (0, 0);
            for m in Milestone::ALL {
                for (i, new) in sms_new_sentences(l).into_iter().enumerate() {
                    let text = sms(l, m, &new);
                    let (gsm7, units, count) = segments(&text);
                    assert_eq!(gsm7, latin, "{} {m}: alphabet of {text:?}", l.tag);
                    assert!(
                        count <= 2,
                        "{} {m}: {count} segments ({units} units): {text}",
                        l.tag
                    );
                    let realistic = i != 1;
                    if latin && realistic {
                        assert_eq!(count, 1, "{} {m}: {units} septets: {text}", l.tag);
                    }
                    assert!(
                        !text.contains('{'),
                        "{} {m}: placeholder left: {text}",
                        l.tag
                    );
                    worst = worst.max((count, units));
                }
            }
            eprintln!(
                "{}: gsm7={latin}, longest SMS {} units, {} segment(s)",
                l.tag, worst.1, worst.0
            );
        }
    }

    /// An abbreviated month that ends in a full stop ("2 oct.", "2.10.") must not get a
    /// second one from the sentence around it.
    #[test]
    fn dates_in_sentences_never_double_the_full_stop() {
        for l in *ALL {
            for month in 0..12 {
                for day in [1, 28] {
                    let patterns = [
                        (l.dates.short, l.dates.long),
                        (l.dates.short_year, l.dates.long_year),
                    ];
                    for (short, long) in patterns {
                        let short = date(&l.dates, short, 0, month, day);
                        let long = date(&l.dates, long, 0, month, day);
                        let sms_new = l.labels.sms_new_date_known.replace("{new}", &short);
                        let mail_new = l.labels.new_date_known.replace("{new}", &long);
                        for sentence in [sms_new, mail_new] {
                            assert!(!sentence.contains(".."), "{}: {sentence}", l.tag);
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn date_words_are_capitalised_as_each_language_writes_them() {
        for l in *ALL {
            let d = &l.dates;
            let upper = match l.tag {
                "en" | "de" => Some(true),
                "ja" => None,
                _ => Some(false),
            };
            let names = d.weekdays.iter().chain(&d.weekdays_short);
            for word in names.chain(&d.months).chain(&d.months_short) {
                let first = word.chars().next().unwrap();
                if let Some(upper) = upper {
                    assert_eq!(first.is_uppercase(), upper, "{}: {word}", l.tag);
                }
            }
            let sample = date(d, d.long, 4, 9, 2);
            assert!(!sample.contains('{'), "{}: {sample}", l.tag);
        }
        assert_eq!(
            date(&en().dates, en().dates.long, 4, 9, 2),
            "Friday, October 2"
        );
        assert_eq!(date(&en().dates, en().dates.short, 4, 9, 2), "Oct 2");
        assert_eq!(
            date(&de().dates, de().dates.long, 4, 9, 2),
            "Freitag, 2. Oktober"
        );
        assert_eq!(date(&de().dates, de().dates.short, 4, 9, 2), "2.10.");
        assert_eq!(
            date(&fr().dates, fr().dates.long, 4, 9, 2),
            "vendredi 2 octobre"
        );
        assert_eq!(date(&ja().dates, ja().dates.long, 4, 9, 2), "10月2日（金）");
        assert_eq!(date(&ja().dates, ja().dates.short, 4, 9, 2), "10月2日");
    }

    #[test]
    fn dates_follow_each_locales_fluent_pattern_and_its_rules() {
        let day = |d| NaiveDate::from_ymd_opt(2026, 10, d).unwrap();
        assert_eq!(fr().date(day(1), true, false), "jeudi 1er octobre");
        assert_eq!(fr().date(day(2), false, true), "2 oct. 2026");
        assert_eq!(en().date(day(1), true, false), "Thursday, October 1");
        assert_eq!(en().date(day(2), false, true), "Oct 2, 2026");
        assert_eq!(de().date(day(1), false, false), "1.10.");
        assert_eq!(ja().date(day(2), true, true), "2026年10月2日（金）");
    }

    /// The names are CLDR's, through icu4x, in the form that stands inside a date; Dutch
    /// keeps its abbreviations with a full stop from its own file.
    #[test]
    fn month_and_weekday_names_come_from_cldr_unless_a_locale_replaces_them() {
        let names = |tag| &locale(tag).unwrap().dates;
        assert_eq!(names("de").months_short[8], "Sept.");
        assert_eq!(names("fr").months_short[3], "avr.");
        assert_eq!(names("es").months_short[8], "sept");
        assert_eq!(names("pt-BR").weekdays[4], "sexta-feira");
        assert_eq!(names("pt-BR").months_short[9], "out.");
        assert_eq!(names("ja").weekdays_short[4], "金");
        assert_eq!(names("nl").months_short[9], "okt.");
        assert_eq!(names("nl").months_short[4], "mei");
        assert_eq!(cldr_names("nl", "month-short").unwrap()[9], "okt");
        assert_eq!(
            cldr_names("en", "weekday").unwrap(),
            [
                "Monday",
                "Tuesday",
                "Wednesday",
                "Thursday",
                "Friday",
                "Saturday",
                "Sunday"
            ]
        );
    }

    /// Every message of the English files exists in every locale's own files: the
    /// fallback to English is for safety, never for a translation left out.
    #[test]
    fn every_locale_has_every_message_of_its_own() {
        let english = [
            include_str!("../locales/en/messages.ftl"),
            include_str!("../locales/en/page.ftl"),
        ];
        let ids: Vec<&str> = english
            .iter()
            .flat_map(|file| file.lines())
            .filter_map(|line| line.split_once(" = ").map(|(id, _)| id))
            .filter(|id| !id.starts_with([' ', '#']))
            .collect();
        assert!(ids.len() > 140, "{}", ids.len());
        for l in *ALL {
            let s = Source::new(l.tag);
            for id in &ids {
                assert!(s.own(id).is_some(), "{}: {id}", l.tag);
            }
        }
    }
}
