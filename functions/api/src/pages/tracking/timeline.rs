//! The carrier timeline as the page shows it: a page of the newest events, each text
//! clipped, so a parcel with hundreds of scans (or a carrier sending novels) still gets a page
//! far under 50 KB, read with one bounded query. Earlier scans are a link away.

use super::view::{self, Context, EventView};
use crate::pages::Asked;
use afterclick_domain::TrackingEvent;
use afterclick_domain::ports::EventPosition;
use afterclick_domain::render::escape_html;
use serde::Serialize;

/// The newest events shown; a normal delivery has fewer.
pub const SHOWN_EVENTS: usize = 30;
/// Budgets in bytes of escaped HTML (not characters: `"` costs six), so the bound holds
/// for any text.
const DESCRIPTION_BYTES: usize = 600;
const LOCATION_BYTES: usize = 200;
const ELLIPSIS: char = '…';

pub struct Timeline {
    pub events: Vec<EventView>,
    /// The link to the page of earlier scans, when there are some.
    pub older: Option<Earlier>,
}

#[derive(Debug, Serialize)]
pub struct Earlier {
    pub href: String,
    pub label: &'static str,
}

/// `events` newest first (at most [`SHOWN_EVENTS`]); `earlier` where the next page starts.
pub fn timeline(
    ctx: &Context<'_>,
    events: &[TrackingEvent],
    earlier: Option<&EventPosition>,
    asked: &Asked,
) -> Timeline {
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
    // The language the customer chose stays chosen; the cursor is URL-safe by construction.
    let lang = asked
        .lang
        .as_deref()
        .map(|_| format!("&lang={}", ctx.locale.tag))
        .unwrap_or_default();
    Timeline {
        events: shown,
        older: earlier.map(|p| Earlier {
            href: format!("/t/{}?before={}{lang}", ctx.shipment.token, p.cursor()),
            label: ctx.words.older_events,
        }),
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
    use crate::pages::harness::*;
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
    async fn only_the_newest_events_are_shown_and_earlier_ones_a_link_away() {
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
        let link = |body: &str| {
            let start = body.find("?before=")?;
            let end = start + body[start..].find('"')?;
            Some(body[start..end].replace("&amp;", "&"))
        };
        let earlier = link(&page.body).expect("a link to the earlier scans");
        assert!(page.body.contains(">Earlier updates</a>"));
        let older = get(&store, &format!("{PAGE}{earlier}")).await;
        assert_eq!(older.status, 200);
        assert!(
            older
                .body
                .contains(&format!("Scan number {:02}", SHOWN_EVENTS + 1))
        );
        assert!(
            older.body.contains("Scan number 45"),
            "back to the first scan"
        );
        assert!(
            !older.body.contains("Scan number 01<"),
            "the newest are on the first page"
        );
        assert_eq!(link(&older.body), None, "nothing before the first scan");
        let german = get(&store, &format!("{PAGE}?lang=de")).await;
        assert!(german.body.contains(">Frühere Meldungen</a>"));
        assert!(link(&german.body).unwrap().ends_with("&lang=de"));
        let forged = get(&store, &format!("{PAGE}?before=garbage")).await;
        assert!(
            forged.body.contains("Scan number 01"),
            "a bad cursor is the newest page"
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
        for lang in *afterclick_domain::i18n::ALL {
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
