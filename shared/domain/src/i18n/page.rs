//! The words of the public pages (tracking page, delivery rating, unsubscribe, order
//! lookup) in every built-in locale (`locales/<tag>/page.ftl`), and how a page picks its
//! locale. Slots: `{n}`, `{total}`, `{step}`, `{date}`, `{zone}`, `{stars}`, `{order}`,
//! `{brand}`.

use super::{ALL, EN, Locale, Source};
use fluent_langneg::{NegotiationStrategy, negotiate_languages};
use fluent_templates::LanguageIdentifier;
use std::sync::LazyLock;

#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct PageWords {
    /// The language's own name, for the switcher ("Deutsch").
    pub language_name: &'static str,
    pub language: &'static str,
    pub track_title: &'static str,
    pub progress: &'static str,
    /// "Step {n} of {total}: {step}"
    pub progress_text: &'static str,
    /// Label created, on its way, out for delivery, delivered.
    pub steps: [&'static str; 4],
    /// The third step when the parcel waits at a pickup point.
    pub pickup_step: &'static str,
    pub done: &'static str,
    pub current: &'static str,
    /// "Delivered on {date}"
    pub delivered_on: &'static str,
    /// "We promised delivery by {date}."
    pub promised: &'static str,
    pub late_apology: &'static str,
    pub history: &'static str,
    pub no_events: &'static str,
    /// "Times are shown in {zone}."
    pub times_in: &'static str,
    /// The link to the page of earlier scans (a page lists only the newest ones).
    pub older_events: &'static str,
    /// Marks a scan time that is the carrier's local time, not the customer's.
    pub local_time: &'static str,
    pub details: &'static str,
    pub carrier_link: &'static str,
    pub rating_title: &'static str,
    pub star_labels: [&'static str; 5],
    pub comment: &'static str,
    pub comment_hint: &'static str,
    pub send_rating: &'static str,
    /// "Your rating: {stars} of 5"
    pub your_rating: &'static str,
    pub thanks: &'static str,
    pub stars_required: &'static str,
    pub comment_too_long: &'static str,
    pub not_delivered: &'static str,
    pub not_found_title: &'static str,
    pub not_found_body: &'static str,
    pub unsubscribe_title: &'static str,
    /// "Stop delivery updates for order {order}?"
    pub unsubscribe_question: &'static str,
    pub unsubscribe_order: &'static str,
    /// "Stop all delivery updates from {brand}"
    pub unsubscribe_all: &'static str,
    pub unsubscribed_order: &'static str,
    pub unsubscribed_all: &'static str,
    pub link_invalid: &'static str,
    pub lookup_title: &'static str,
    pub lookup_intro: &'static str,
    pub order_number: &'static str,
    pub email: &'static str,
    pub lookup_submit: &'static str,
    pub lookup_not_found: &'static str,
    pub lookup_missing: &'static str,
    pub too_many: &'static str,
    pub too_large: &'static str,
    /// "Estimate from {brand}, based on past deliveries: {range}" (`labels.date_range`)
    pub shop_estimate: &'static str,
}

impl PageWords {
    pub(super) fn load(s: &Source) -> Self {
        Self {
            language_name: s.text("language-name"),
            language: s.text("language"),
            track_title: s.text("track-title"),
            progress: s.text("progress"),
            progress_text: s.text("progress-text"),
            steps: s.list("steps"),
            pickup_step: s.text("pickup-step"),
            done: s.text("done"),
            current: s.text("current"),
            delivered_on: s.text("delivered-on"),
            promised: s.text("promised"),
            late_apology: s.text("late-apology"),
            history: s.text("history"),
            no_events: s.text("no-events"),
            times_in: s.text("times-in"),
            older_events: s.text("older-events"),
            local_time: s.text("local-time"),
            details: s.text("details"),
            carrier_link: s.text("carrier-link"),
            rating_title: s.text("rating-title"),
            star_labels: s.list("star-labels"),
            comment: s.text("comment"),
            comment_hint: s.text("comment-hint"),
            send_rating: s.text("send-rating"),
            your_rating: s.text("your-rating"),
            thanks: s.text("thanks"),
            stars_required: s.text("stars-required"),
            comment_too_long: s.text("comment-too-long"),
            not_delivered: s.text("not-delivered"),
            not_found_title: s.text("not-found-title"),
            not_found_body: s.text("not-found-body"),
            unsubscribe_title: s.text("unsubscribe-title"),
            unsubscribe_question: s.text("unsubscribe-question"),
            unsubscribe_order: s.text("unsubscribe-order"),
            unsubscribe_all: s.text("unsubscribe-all"),
            unsubscribed_order: s.text("unsubscribed-order"),
            unsubscribed_all: s.text("unsubscribed-all"),
            link_invalid: s.text("link-invalid"),
            lookup_title: s.text("lookup-title"),
            lookup_intro: s.text("lookup-intro"),
            order_number: s.text("order-number"),
            email: s.text("email"),
            lookup_submit: s.text("lookup-submit"),
            lookup_not_found: s.text("lookup-not-found"),
            lookup_missing: s.text("lookup-missing"),
            too_many: s.text("too-many"),
            too_large: s.text("too-large"),
            shop_estimate: s.text("estimate-from-history"),
        }
    }
}

/// The page words of a built-in locale.
pub fn page_words(locale: &Locale) -> &'static PageWords {
    &super::locale(locale.tag).unwrap_or(*EN).page
}

/// A BCP 47 tag as given (`de-DE`, `pt_br`); a tag the parser refuses (an extension
/// such as `de-DE-u-co-phonebk`) still names its language.
pub fn parse_tag(tag: &str) -> Option<LanguageIdentifier> {
    let tag = tag.trim();
    tag.parse().ok().or_else(|| {
        tag.split(['-', '_'])
            .next()
            .and_then(|language| language.parse().ok())
    })
}

static AVAILABLE: LazyLock<Vec<&'static LanguageIdentifier>> =
    LazyLock::new(|| ALL.iter().map(|l| l.id).collect());

/// The built-in locale a tag asks for: the same tag, else the same language (`pt-PT`
/// finds `pt-BR`, `de-AT` finds `de`).
pub fn matching(tag: &LanguageIdentifier) -> Option<&'static Locale> {
    let language = LanguageIdentifier::from_parts(tag.language, None, None, &[]);
    negotiate_languages(
        &[tag, &language],
        &AVAILABLE,
        None,
        NegotiationStrategy::Filtering,
    )
    .first()
    .and_then(|id| ALL.iter().copied().find(|l| l.id == **id))
}

/// The one negotiation: the first requested tag, in order, that a built-in locale serves
/// (see [`matching`]); English when none does.
pub fn negotiate<'a>(requested: impl IntoIterator<Item = &'a str>) -> &'static Locale {
    requested
        .into_iter()
        .filter_map(parse_tag)
        .find_map(|tag| matching(&tag))
        .unwrap_or(*EN)
}

/// `Accept-Language` ranges by preference: highest q first, ties in header order, q=0
/// (and unparsable q) left out.
pub fn accepted_languages(header: &str) -> Vec<&str> {
    let mut ranges: Vec<(u16, usize, &str)> = header
        .split(',')
        .enumerate()
        .filter_map(|(i, part)| {
            let mut pieces = part.split(';');
            let tag = pieces.next()?.trim();
            let q = pieces
                .find_map(|p| p.trim().strip_prefix("q="))
                .map_or(Some(1000), |q| {
                    q.trim()
                        .parse::<f32>()
                        .ok()
                        .filter(|q| (0.0..=1.0).contains(q))
                        .map(|q| (q * 1000.0).round() as u16)
                })?;
            (q > 0 && !tag.is_empty() && tag != "*").then_some((q, i, tag))
        })
        .collect();
    ranges.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    ranges.into_iter().map(|(_, _, tag)| tag).collect()
}

/// A page's locale: the switcher's explicit choice (`?lang=`, one of the built-in tags),
/// then the shipment's locale, then the browser's `Accept-Language`, then the merchant's
/// default, then English.
pub fn page_locale(
    chosen: Option<&str>,
    customer: Option<&str>,
    accept_language: Option<&str>,
    merchant_default: &str,
) -> &'static Locale {
    let chosen = chosen.and_then(|tag| {
        ALL.iter()
            .copied()
            .find(|l| l.tag.eq_ignore_ascii_case(tag.trim()))
    });
    chosen.unwrap_or_else(|| {
        negotiate(
            customer
                .into_iter()
                .chain(accept_language.map(accepted_languages).unwrap_or_default())
                .chain([merchant_default]),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explicit_choice_beats_shipment_beats_browser_beats_merchant() {
        let pick = |c, s, a, m| page_locale(c, s, a, m).tag;
        assert_eq!(pick(Some("fr"), Some("de-DE"), Some("ja"), "en"), "fr");
        assert_eq!(pick(Some("xx"), Some("de-DE"), Some("ja"), "en"), "de");
        assert_eq!(pick(None, Some("sv-SE"), Some("ja,de;q=0.9"), "en"), "ja");
        assert_eq!(pick(None, None, Some("sv, nl;q=0.5, it;q=0.8"), "en"), "it");
        assert_eq!(pick(None, None, Some("sv, pt-PT;q=0.3"), "en"), "pt-BR");
        assert_eq!(pick(None, None, Some("de;q=0, sv"), "es"), "es");
        assert_eq!(pick(None, None, None, "xx"), "en");
    }

    #[test]
    fn a_shipment_without_locale_follows_the_browser_then_the_merchant() {
        let pick = |a, m| page_locale(None, None, a, m).tag;
        assert_eq!(pick(Some("fr-CH, de;q=0.5"), "es"), "fr");
        assert_eq!(pick(Some("sv, xx"), "es"), "es");
        assert_eq!(pick(None, "de-DE"), "de");
        assert_eq!(page_locale(Some("it"), None, Some("fr"), "es").tag, "it");
    }

    #[test]
    fn accept_language_sorts_by_q_and_keeps_header_order_on_ties() {
        assert_eq!(
            accepted_languages("en;q=0.5, de, fr;q=0.5, ja;q=bogus, *, it;q=0"),
            ["de", "en", "fr"]
        );
    }

    #[test]
    fn every_locale_has_its_own_page_words_without_empty_text() {
        let mut names = std::collections::BTreeSet::new();
        let en = page_words(&EN);
        for locale in *ALL {
            let w = page_words(locale);
            assert!(names.insert(w.language_name), "{}", locale.tag);
            assert!(w.steps.iter().chain(&w.star_labels).all(|s| !s.is_empty()));
            if locale.tag != "en" {
                assert_ne!(w.rating_title, en.rating_title, "{}", locale.tag);
                assert_ne!(w.thanks, en.thanks, "{}", locale.tag);
            }
            for (text, needs) in [
                (w.progress_text, "{step}"),
                (w.delivered_on, "{date}"),
                (w.promised, "{date}"),
                (w.times_in, "{zone}"),
                (w.your_rating, "{stars}"),
                (w.unsubscribe_question, "{order}"),
                (w.unsubscribe_all, "{brand}"),
                (w.unsubscribed_order, "{order}"),
                (w.unsubscribed_all, "{brand}"),
            ] {
                assert!(text.contains(needs), "{}: {text}", locale.tag);
            }
        }
    }
}
