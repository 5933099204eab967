//! What customers do on the merchant's pages, counted on the server (no script, no cookie,
//! no third party): tracking-page views, clicks through to the carrier, a recommended
//! product or support (redirect links), order lookups and ratings. Counted per merchant
//! and day; the dashboard shows them.

use chrono::NaiveDate;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum PageEvent {
    View,
    CarrierClick,
    ProductClick,
    SupportClick,
    Lookup,
    LookupFound,
    Rating,
}

/// One row per event: the counter's stored name and what the dashboard calls it.
const EVENTS: [(PageEvent, &str, &str); 7] = [
    (PageEvent::View, "views", "Tracking page views"),
    (PageEvent::CarrierClick, "carrier_clicks", "To the carrier"),
    (
        PageEvent::ProductClick,
        "product_clicks",
        "Recommended products",
    ),
    (PageEvent::SupportClick, "support_clicks", "To support"),
    (PageEvent::Lookup, "lookups", "Order lookups"),
    (
        PageEvent::LookupFound,
        "lookups_found",
        "Lookups that found the order",
    ),
    (PageEvent::Rating, "ratings", "Ratings given"),
];

impl PageEvent {
    pub const ALL: [PageEvent; 7] = [
        PageEvent::View,
        PageEvent::CarrierClick,
        PageEvent::ProductClick,
        PageEvent::SupportClick,
        PageEvent::Lookup,
        PageEvent::LookupFound,
        PageEvent::Rating,
    ];

    fn row(self) -> &'static (PageEvent, &'static str, &'static str) {
        EVENTS
            .iter()
            .find(|(e, ..)| *e == self)
            .unwrap_or(&EVENTS[0])
    }

    /// The counter's attribute name.
    pub fn as_str(self) -> &'static str {
        self.row().1
    }

    pub fn label(self) -> &'static str {
        self.row().2
    }

    pub fn parse(name: &str) -> Option<PageEvent> {
        EVENTS.iter().find(|(_, n, _)| *n == name).map(|(e, ..)| *e)
    }
}

/// A day's counts (an event never counted is absent).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageDay {
    pub day: NaiveDate,
    pub counts: BTreeMap<PageEvent, u64>,
}

impl PageDay {
    pub fn get(&self, event: PageEvent) -> u64 {
        self.counts.get(&event).copied().unwrap_or(0)
    }
}

/// Where a redirect link on the tracking page leads: `/t/{token}/go/{target}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Carrier,
    Support,
    /// The n-th recommended product shown (0 to 3).
    Product(usize),
}

impl Target {
    pub fn parse(raw: &str) -> Option<Target> {
        match raw {
            "carrier" => Some(Target::Carrier),
            "support" => Some(Target::Support),
            // One spelling per target (`product-01`, `product-+1` are none).
            _ => raw
                .strip_prefix("product-")
                .and_then(|n| n.parse::<usize>().ok())
                .filter(|n| *n < 4)
                .map(Target::Product)
                .filter(|t| t.path() == raw),
        }
    }

    pub fn path(self) -> String {
        match self {
            Target::Carrier => "carrier".into(),
            Target::Support => "support".into(),
            Target::Product(n) => format!("product-{n}"),
        }
    }

    pub fn event(self) -> PageEvent {
        match self {
            Target::Carrier => PageEvent::CarrierClick,
            Target::Support => PageEvent::SupportClick,
            Target::Product(_) => PageEvent::ProductClick,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_event_has_its_row_and_targets_round_trip() {
        for e in PageEvent::ALL {
            assert_eq!(e.row().0, e);
            assert_eq!(PageEvent::parse(e.as_str()), Some(e));
        }
        for t in [
            Target::Carrier,
            Target::Support,
            Target::Product(0),
            Target::Product(3),
        ] {
            assert_eq!(Target::parse(&t.path()), Some(t));
        }
        for bad in [
            "product-4",
            "product--1",
            "product-",
            "https://evil.example",
            "",
        ] {
            assert_eq!(Target::parse(bad), None, "{bad}");
        }
    }
}
