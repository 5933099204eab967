//! The carrier timeline as the page shows it: only the newest events, each text clipped,
//! so a parcel with hundreds of scans (or a carrier sending novels) still gets a page far
//! under 50 KB. The rest is one translated line, and the carrier's site has it all.

use super::view::{self, Context, EventView};
use afterclick_domain::TrackingEvent;
use afterclick_domain::render::escape_html;

/// The newest events shown; a normal delivery has fewer.
pub const SHOWN_EVENTS: usize = 30;
/// Budgets in bytes of escaped HTML (not characters: `"` costs six), so the bound holds
/// for any text.
const DESCRIPTION_BYTES: usize = 600;
const LOCATION_BYTES: usize = 200;
const ELLIPSIS: char = '…';

pub struct Timeline {
    pub events: Vec<EventView>,
    /// "Earlier updates not shown here: {n}.", when some are not shown.
    pub older: Option<String>,
}

/// `events` newest first.
pub fn timeline(ctx: &Context<'_>, events: &[TrackingEvent]) -> Timeline {
    let shown = events
        .iter()
        .take(SHOWN_EVENTS)
        .map(|e| {
            let mut view = view::event(ctx, e);
            view.text = clip(&view.text, DESCRIPTION_BYTES);
            view.location = view.location.map(|l| clip(&l, LOCATION_BYTES));
            view
        })
        .collect();
    let hidden = events.len().saturating_sub(SHOWN_EVENTS);
    Timeline {
        events: shown,
        older: (hidden > 0).then(|| ctx.words.older_events.replace("{n}", &hidden.to_string())),
    }
}

/// `text` cut (at a character boundary, with an ellipsis) so its escaped HTML fits `budget`.
fn clip(text: &str, budget: usize) -> String {
    let cost = |c: char| escape_html(c.encode_utf8(&mut [0; 4])).len();
    if escape_html(text).len() <= budget {
        return text.to_owned();
    }
    let room = budget.saturating_sub(ELLIPSIS.len_utf8());
    let mut used = 0;
    let mut end = 0;
    for (at, c) in text.char_indices() {
        used += cost(c);
        if used > room {
            break;
        }
        end = at + c.len_utf8();
    }
    let mut clipped = text[..end].trim_end().to_owned();
    clipped.push(ELLIPSIS);
    clipped
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::page::harness::*;
    use afterclick_domain::Status;

    #[test]
    fn clipped_text_fits_its_budget_once_escaped() {
        let cases = [
            ("Departed facility", 600, "Departed facility"),
            ("abcdef", 6, "abcdef"),
            ("abc def", 6, "abc…"),
            ("\"\"\"", 12, "\"…"),
            ("日本語の説明", 10, "日本…"),
        ];
        for (text, budget, expected) in cases {
            let clipped = clip(text, budget);
            assert_eq!(clipped, expected, "{text}");
            assert!(escape_html(&clipped).len() <= budget, "{text}");
        }
    }

    const PAGE: &str = "/t/0123456789abcdef0123456789abcdef";

    #[tokio::test]
    async fn only_the_newest_events_are_shown_with_a_translated_count_of_the_rest() {
        let events: Vec<_> = (1..=45_i64)
            .map(|h| event(h, Status::InTransit, &format!("Scan number {h:02}")))
            .collect();
        let store = store_with(merchant(), shipment(Status::InTransit), &events).await;
        let page = get(&store, PAGE).await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains("Scan number 01"), "the newest is shown");
        assert!(
            page.body
                .contains(&format!("Scan number {SHOWN_EVENTS:02}"))
        );
        assert!(
            !page
                .body
                .contains(&format!("Scan number {:02}", SHOWN_EVENTS + 1))
        );
        assert!(page.body.contains("Earlier updates not shown here: 15."));
        let german = get(&store, &format!("{PAGE}?lang=de")).await;
        assert!(
            german
                .body
                .contains("Hier nicht angezeigte frühere Meldungen: 15.")
        );

        let few = store_with(merchant(), shipment(Status::InTransit), &events[..3]).await;
        assert!(!get(&few, PAGE).await.body.contains("Earlier updates"));
    }

    #[tokio::test]
    async fn the_worst_case_page_stays_under_50_kb() {
        // Every event as long as a webhook allows (1000 characters each) and made of the
        // characters that grow most when escaped, in the language with the longest words.
        let long = "\"'&<>".repeat(200);
        let events: Vec<_> = (1..=500_i64)
            .map(|i| {
                let mut e = event(i, Status::InTransit, &long);
                e.location = Some(long.clone());
                e
            })
            .collect();
        let mut s = delivered();
        s.promised_delivery_date = Some(now().date_naive());
        let store = store_with(merchant(), s, &events).await;
        for lang in afterclick_domain::i18n::ALL {
            let page = get(&store, &format!("{PAGE}?lang={}", lang.tag)).await;
            assert_eq!(page.status, 200);
            assert!(
                page.body.len() < 50 * 1024,
                "{}: {} bytes",
                lang.tag,
                page.body.len()
            );
        }
    }
}
