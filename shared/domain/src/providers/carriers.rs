//! One carrier slug set for every provider's way of naming carriers.

use super::Provider;

/// A carrier and the names each provider uses for it.
#[derive(Debug, Clone, Copy)]
pub struct Carrier {
    /// afterclick's slug, lower snake case.
    pub slug: &'static str,
    pub name: &'static str,
    /// Carrier's public tracking page; `{tracking_number}` is replaced.
    pub tracking_url: &'static str,
    /// EasyPost `carrier` strings.
    pub easypost: &'static [&'static str],
    /// Shippo carrier tokens.
    pub shippo: &'static [&'static str],
    /// AfterShip courier slugs.
    pub aftership: &'static [&'static str],
    /// 17TRACK numeric carrier keys.
    pub seventeen_track: &'static [u32],
}

pub const CARRIERS: &[Carrier] = &[
    Carrier {
        slug: "ups",
        name: "UPS",
        tracking_url: "https://www.ups.com/track?tracknum={tracking_number}",
        easypost: &["UPS"],
        shippo: &["ups"],
        aftership: &["ups"],
        seventeen_track: &[100002],
    },
    Carrier {
        slug: "fedex",
        name: "FedEx",
        tracking_url: "https://www.fedex.com/fedextrack/?trknbr={tracking_number}",
        easypost: &["FedEx"],
        shippo: &["fedex"],
        aftership: &["fedex"],
        seventeen_track: &[100003],
    },
    Carrier {
        slug: "usps",
        name: "USPS",
        tracking_url: "https://tools.usps.com/go/TrackConfirmAction?tLabels={tracking_number}",
        easypost: &["USPS"],
        shippo: &["usps"],
        aftership: &["usps"],
        seventeen_track: &[21051],
    },
];

/// The canonical slug for a provider's carrier name, if it is one we know. The generic
/// format accepts slugs and the other providers' spellings alike.
pub fn normalize(provider: Provider, raw: &str) -> Option<&'static str> {
    let raw = raw.trim();
    let find = |pred: &dyn Fn(&Carrier) -> bool| CARRIERS.iter().find(|c| pred(c)).map(|c| c.slug);
    match provider {
        Provider::EasyPost => find(&|c| c.easypost.iter().any(|n| n.eq_ignore_ascii_case(raw))),
        Provider::Shippo => find(&|c| c.shippo.iter().any(|n| n.eq_ignore_ascii_case(raw))),
        Provider::AfterShip => find(&|c| c.aftership.iter().any(|n| n.eq_ignore_ascii_case(raw))),
        Provider::SeventeenTrack => raw.parse().ok().and_then(by_17track_key),
        Provider::Ups => Some("ups"),
        Provider::Generic => find(&|c| {
            c.slug.eq_ignore_ascii_case(raw)
                || c.name.eq_ignore_ascii_case(raw)
                || c.easypost
                    .iter()
                    .chain(c.shippo)
                    .chain(c.aftership)
                    .any(|n| n.eq_ignore_ascii_case(raw))
        }),
    }
}

pub fn by_17track_key(key: u32) -> Option<&'static str> {
    CARRIERS
        .iter()
        .find(|c| c.seventeen_track.contains(&key))
        .map(|c| c.slug)
}

pub fn carrier(slug: &str) -> Option<&'static Carrier> {
    CARRIERS.iter().find(|c| c.slug == slug)
}
