//! One carrier slug set for every provider's way of naming carriers.
//!
//! Each provider names carriers its own way: EasyPost by a `carrier` string (`FedEx`),
//! Shippo by a token (`fedex`), AfterShip by a courier slug (`fedex`), 17TRACK by a numeric
//! key (`100003`). [`normalize`] turns any of them into afterclick's slug, the one stored
//! on the shipment and accepted by the API. Matching ignores case and surrounding space.
//! Only spellings confirmed in a provider's documentation, SDK or real payloads are listed;
//! a carrier a provider names in an unlisted way simply normalises to `None` (the event is
//! still stored, without a carrier).
//!
//! | slug | carrier | EasyPost | Shippo | AfterShip | 17TRACK |
//! |---|---|---|---|---|---|
//! | `ups` | UPS | `UPS` | `ups` | `ups` | 100002 |
//! | `fedex` | FedEx | `FedEx` | `fedex` | `fedex` | 100003 |
//! | `usps` | USPS | `USPS` | `usps` | `usps` | 21051 |
//! | `dhl_express` | DHL Express | `DHLExpress` | `dhl_express` | `dhl`, `dhl-express` | 100001 |
//! | `dhl_paket` | DHL Paket (Germany) | | `dhl_germany` | `dhl-germany` | 7041 |
//! | `dhl_ecommerce` | DHL eCommerce | `DhlEcs` | `dhl_ecommerce` | `dhl-global-mail`, `dhl-global-mail-asia` | 7047, 7048 |
//! | `amazon_logistics` | Amazon Logistics / Amazon Shipping | | | `amazon-fba-us` | 100308, 100309, 100143 |
//! | `royal_mail` | Royal Mail | `RoyalMail` | `royal_mail` | `royal-mail` | 11031 |
//! | `evri` | Evri (formerly Hermes UK) | | `hermes_uk` | `myhermes-uk` | 100331 |
//! | `hermes_de` | Hermes Germany | | `hermes_germany_b2c` | `hermes-de` | 100031 |
//! | `dpd` | DPD (Germany and DPD group) | | `dpd_de` | `dpd`, `dpd-de` | 100007, 101108 |
//! | `dpd_uk` | DPD UK | | `dpd_uk` | `dpd-uk` | 100010 |
//! | `gls` | GLS | | | `gls` | 100005, 101070, 101109 |
//! | `postnl` | PostNL | | | `postnl`, `postnl-international` | 14041, 14044 |
//! | `la_poste_colissimo` | La Poste / Colissimo | | `colissimo`, `la_poste` | `la-poste-colissimo`, `colissimo` | 6051 |
//! | `chronopost` | Chronopost | | `chronopost` | `chronopost-france` | 100273 |
//! | `canada_post` | Canada Post | `CanadaPost` | `canada_post` | `canada-post` | 3041 |
//! | `purolator` | Purolator | | `purolator` | `purolator` | 100042 |
//! | `australia_post` | Australia Post | `AustraliaPost` | `australia_post` | `australia-post` | 1151 |
//! | `japan_post` | Japan Post | | | `japan-post` | 10021 |
//! | `yamato` | Yamato Transport | | | `taqbin-jp` | 100062 |
//! | `sagawa` | Sagawa Express | | | `sagawa` | 100040 |
//! | `china_post` | China Post / China EMS | | | `china-post`, `china-ems` | 3011, 3013 |
//! | `sf_express` | SF Express | | | `sf-express` | 100012 |
//! | `jd_logistics` | JD Logistics | | | | 190302 |
//! | `cainiao` | Cainiao | | | `cainiao` | 190271 |
//! | `correos` | Correos (Spain) | | `correos_espana` | `spain-correos-es` | 19181 |
//! | `poste_italiane` | Poste Italiane | | `poste_italiane` | `poste-italiane` | 9071 |
//! | `postnord` | PostNord | | | `postnord` | 4011, 19241, 101356 |
//! | `bpost` | bpost | | | `bpost` | 2061 |
//! | `india_post` | India Post | | | `india-post`, `india-post-int` | 9021 |
//! | `tnt` | TNT | | | `tnt` | 100004 |
//! | `aramex` | Aramex | | `aramex` | `aramex` | 100006 |
//! | `ontrac` | OnTrac | | `ontrac` | `ontrac` | 100049 |
//!
//! UPS Track Alert deliveries are always UPS. Sources: EasyPost's own payloads and client
//! fixtures; Shippo's `CarriersEnum` (SDK) and tracking-carrier list; AfterShip courier
//! slugs as listed by AfterShip's courier API and partners built on it; 17TRACK's carrier
//! list (`key`, `name`). Empty cells are spellings that could not be confirmed.

use super::parsed::Provider;

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

impl Carrier {
    /// The carrier's public tracking page for one parcel. The number is percent-encoded:
    /// it comes from merchants and webhooks, and must not add query parameters or a path.
    pub fn tracking_url_for(&self, tracking_number: &str) -> String {
        let encoded: String = tracking_number
            .trim()
            .bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                    char::from(b).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect();
        self.tracking_url.replace("{tracking_number}", &encoded)
    }
}

/// Shorthand for table rows, in the column order of the module table.
const fn entry(
    slug: &'static str,
    name: &'static str,
    tracking_url: &'static str,
    spellings: (
        &'static [&'static str],
        &'static [&'static str],
        &'static [&'static str],
        &'static [u32],
    ),
) -> Carrier {
    let (easypost, shippo, aftership, seventeen_track) = spellings;
    Carrier {
        slug,
        name,
        tracking_url,
        easypost,
        shippo,
        aftership,
        seventeen_track,
    }
}

/// Used where a carrier has no stable public URL that takes the number as a parameter.
const VIA_17TRACK: &str = "https://t.17track.net/en#nums={tracking_number}";

pub const CARRIERS: &[Carrier] = &[
    entry(
        "ups",
        "UPS",
        "https://www.ups.com/track?tracknum={tracking_number}",
        (&["UPS"], &["ups"], &["ups"], &[100002]),
    ),
    entry(
        "fedex",
        "FedEx",
        "https://www.fedex.com/fedextrack/?trknbr={tracking_number}",
        (&["FedEx"], &["fedex"], &["fedex"], &[100003]),
    ),
    entry(
        "usps",
        "USPS",
        "https://tools.usps.com/go/TrackConfirmAction?tLabels={tracking_number}",
        (&["USPS"], &["usps"], &["usps"], &[21051]),
    ),
    entry(
        "dhl_express",
        "DHL Express",
        "https://www.dhl.com/global-en/home/tracking/tracking-express.html?submit=1&tracking-id={tracking_number}",
        (
            &["DHLExpress"],
            &["dhl_express"],
            &["dhl", "dhl-express"],
            &[100001],
        ),
    ),
    entry(
        "dhl_paket",
        "DHL Paket",
        "https://www.dhl.de/de/privatkunden/pakete-empfangen/verfolgen.html?piececode={tracking_number}",
        (&[], &["dhl_germany"], &["dhl-germany"], &[7041]),
    ),
    entry(
        "dhl_ecommerce",
        "DHL eCommerce",
        "https://www.dhl.com/us-en/home/tracking/tracking-ecommerce.html?submit=1&tracking-id={tracking_number}",
        (
            &["DhlEcs"],
            &["dhl_ecommerce"],
            &["dhl-global-mail", "dhl-global-mail-asia"],
            &[7047, 7048],
        ),
    ),
    entry(
        "amazon_logistics",
        "Amazon Logistics",
        "https://track.amazon.com/tracking/{tracking_number}",
        (&[], &[], &["amazon-fba-us"], &[100308, 100309, 100143]),
    ),
    entry(
        "royal_mail",
        "Royal Mail",
        "https://www.royalmail.com/track-your-item#/tracking-results/{tracking_number}",
        (&["RoyalMail"], &["royal_mail"], &["royal-mail"], &[11031]),
    ),
    entry(
        "evri",
        "Evri",
        "https://www.evri.com/track/parcel/{tracking_number}",
        (&[], &["hermes_uk"], &["myhermes-uk"], &[100331]),
    ),
    entry(
        "hermes_de",
        "Hermes Germany",
        "https://www.myhermes.de/empfangen/sendungsverfolgung/sendungsinformation#{tracking_number}",
        (&[], &["hermes_germany_b2c"], &["hermes-de"], &[100031]),
    ),
    entry(
        "dpd",
        "DPD",
        "https://tracking.dpd.de/status/en_US/parcel/{tracking_number}",
        (&[], &["dpd_de"], &["dpd", "dpd-de"], &[100007, 101108]),
    ),
    entry(
        "dpd_uk",
        "DPD UK",
        "https://track.dpd.co.uk/parcels/{tracking_number}",
        (&[], &["dpd_uk"], &["dpd-uk"], &[100010]),
    ),
    entry(
        "gls",
        "GLS",
        "https://gls-group.eu/track/{tracking_number}",
        (&[], &[], &["gls"], &[100005, 101070, 101109]),
    ),
    entry(
        "postnl",
        "PostNL",
        "https://jouw.postnl.nl/track-and-trace/{tracking_number}",
        (
            &[],
            &[],
            &["postnl", "postnl-international"],
            &[14041, 14044],
        ),
    ),
    entry(
        "la_poste_colissimo",
        "La Poste Colissimo",
        "https://www.laposte.fr/outils/suivre-vos-envois?code={tracking_number}",
        (
            &[],
            &["colissimo", "la_poste"],
            &["la-poste-colissimo", "colissimo"],
            &[6051],
        ),
    ),
    entry(
        "chronopost",
        "Chronopost",
        "https://www.chronopost.fr/tracking-no-cms/suivi-page?listeNumerosLT={tracking_number}",
        (&[], &["chronopost"], &["chronopost-france"], &[100273]),
    ),
    entry(
        "canada_post",
        "Canada Post",
        "https://www.canadapost-postescanada.ca/track-reperage/en#/search?searchFor={tracking_number}",
        (&["CanadaPost"], &["canada_post"], &["canada-post"], &[3041]),
    ),
    entry(
        "purolator",
        "Purolator",
        "https://www.purolator.com/en/shipping/tracker?pin={tracking_number}",
        (&[], &["purolator"], &["purolator"], &[100042]),
    ),
    entry(
        "australia_post",
        "Australia Post",
        "https://auspost.com.au/mypost/track/#/details/{tracking_number}",
        (
            &["AustraliaPost"],
            &["australia_post"],
            &["australia-post"],
            &[1151],
        ),
    ),
    entry(
        "japan_post",
        "Japan Post",
        "https://trackings.post.japanpost.jp/services/srv/search/direct?reqCodeNo1={tracking_number}&locale=en",
        (&[], &[], &["japan-post"], &[10021]),
    ),
    entry(
        "yamato",
        "Yamato Transport",
        "https://toi.kuronekoyamato.co.jp/cgi-bin/tneko?number01={tracking_number}",
        (&[], &[], &["taqbin-jp"], &[100062]),
    ),
    entry(
        "sagawa",
        "Sagawa Express",
        "https://k2k.sagawa-exp.co.jp/p/web/okurijosearch.do?okurijoNo={tracking_number}",
        (&[], &[], &["sagawa"], &[100040]),
    ),
    entry(
        "china_post",
        "China Post",
        VIA_17TRACK,
        (&[], &[], &["china-post", "china-ems"], &[3011, 3013]),
    ),
    entry(
        "sf_express",
        "SF Express",
        "https://www.sf-express.com/chn/en/waybill/waybill-detail/{tracking_number}",
        (&[], &[], &["sf-express"], &[100012]),
    ),
    entry(
        "jd_logistics",
        "JD Logistics",
        VIA_17TRACK,
        (&[], &[], &[], &[190302]),
    ),
    entry(
        "cainiao",
        "Cainiao",
        "https://global.cainiao.com/detail.htm?mailNoList={tracking_number}",
        (&[], &[], &["cainiao"], &[190271]),
    ),
    entry(
        "correos",
        "Correos",
        "https://www.correos.es/es/en/tools/tracker/items/details?tracking-number={tracking_number}",
        (&[], &["correos_espana"], &["spain-correos-es"], &[19181]),
    ),
    entry(
        "poste_italiane",
        "Poste Italiane",
        "https://www.poste.it/cerca/index.html#/risultati-spedizioni/{tracking_number}",
        (&[], &["poste_italiane"], &["poste-italiane"], &[9071]),
    ),
    entry(
        "postnord",
        "PostNord",
        "https://tracking.postnord.com/en/?id={tracking_number}",
        (&[], &[], &["postnord"], &[4011, 19241, 101356]),
    ),
    entry(
        "bpost",
        "bpost",
        "https://track.bpost.cloud/btr/web/#/search?itemCode={tracking_number}&lang=en",
        (&[], &[], &["bpost"], &[2061]),
    ),
    entry(
        "india_post",
        "India Post",
        VIA_17TRACK,
        (&[], &[], &["india-post", "india-post-int"], &[9021]),
    ),
    entry(
        "tnt",
        "TNT",
        "https://www.tnt.com/express/en_gc/site/shipping-tools/tracking.html?searchType=con&cons={tracking_number}",
        (&[], &[], &["tnt"], &[100004]),
    ),
    entry(
        "aramex",
        "Aramex",
        "https://www.aramex.com/us/en/track/results?ShipmentNumber={tracking_number}",
        (&[], &["aramex"], &["aramex"], &[100006]),
    ),
    entry(
        "ontrac",
        "OnTrac",
        "https://www.ontrac.com/tracking/?number={tracking_number}",
        (&[], &["ontrac"], &["ontrac"], &[100049]),
    ),
];

/// The canonical slug for a provider's carrier name, if it is one we know. The generic
/// format accepts slugs, names and the other providers' spellings alike.
pub fn normalize(provider: Provider, raw: &str) -> Option<&'static str> {
    let raw = raw.trim();
    let named = |names: &[&str]| names.iter().any(|n| n.eq_ignore_ascii_case(raw));
    let find = |pred: &dyn Fn(&Carrier) -> bool| CARRIERS.iter().find(|c| pred(c)).map(|c| c.slug);
    match provider {
        Provider::EasyPost => find(&|c| named(c.easypost)),
        Provider::Shippo => find(&|c| named(c.shippo)),
        Provider::AfterShip => find(&|c| named(c.aftership)),
        Provider::SeventeenTrack => raw.parse().ok().and_then(by_17track_key),
        Provider::Ups => Some("ups"),
        Provider::Generic => find(&|c| {
            named(&[c.slug, c.name]) || named(c.easypost) || named(c.shippo) || named(c.aftership)
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    /// Every (provider, lower-cased spelling) maps to exactly one slug.
    fn spellings() -> Vec<(Provider, String, &'static str)> {
        CARRIERS
            .iter()
            .flat_map(|c| {
                let named = |p: Provider, names: &'static [&'static str]| {
                    names
                        .iter()
                        .map(move |n| (p, n.to_ascii_lowercase(), c.slug))
                };
                named(Provider::EasyPost, c.easypost)
                    .chain(named(Provider::Shippo, c.shippo))
                    .chain(named(Provider::AfterShip, c.aftership))
                    .chain(
                        c.seventeen_track
                            .iter()
                            .map(move |k| (Provider::SeventeenTrack, k.to_string(), c.slug)),
                    )
                    .collect::<Vec<_>>()
            })
            .collect()
    }

    #[test]
    fn slugs_are_unique_lower_snake_case_and_there_are_at_least_twenty() {
        let mut seen = BTreeMap::new();
        for c in CARRIERS {
            assert!(seen.insert(c.slug, c.name).is_none(), "{} twice", c.slug);
            assert!(
                c.slug
                    .chars()
                    .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '_'),
                "{}",
                c.slug
            );
            assert!(
                c.tracking_url.starts_with("https://")
                    && c.tracking_url.contains("{tracking_number}"),
                "{}",
                c.slug
            );
        }
        assert!(CARRIERS.len() >= 20, "{}", CARRIERS.len());
    }

    #[test]
    fn every_provider_spelling_maps_back_to_exactly_one_slug() {
        let mut owner = BTreeMap::new();
        for (provider, spelling, slug) in spellings() {
            let previous = owner.insert((provider, spelling.clone()), slug);
            assert!(
                previous.is_none(),
                "{provider:?} `{spelling}` names {slug} and {previous:?}"
            );
            assert_eq!(
                normalize(provider, &spelling),
                Some(slug),
                "{provider:?} {spelling}"
            );
        }
    }

    #[test]
    fn the_sample_payloads_carriers_normalise() {
        assert_eq!(normalize(Provider::EasyPost, "FedEx"), Some("fedex"));
        assert_eq!(normalize(Provider::EasyPost, "UPS"), Some("ups"));
        assert_eq!(normalize(Provider::AfterShip, "fedex"), Some("fedex"));
        assert_eq!(normalize(Provider::AfterShip, "tnt"), Some("tnt"));
        assert_eq!(
            normalize(Provider::SeventeenTrack, "7041"),
            Some("dhl_paket")
        );
        assert_eq!(by_17track_key(7041), Some("dhl_paket"));
        assert_eq!(normalize(Provider::Shippo, "usps"), Some("usps"));
        assert_eq!(normalize(Provider::Ups, "anything"), Some("ups"));
    }

    #[test]
    fn matching_ignores_case_and_space_but_not_provider() {
        assert_eq!(
            normalize(Provider::EasyPost, " dhlexpress "),
            Some("dhl_express")
        );
        assert_eq!(normalize(Provider::Shippo, "hermes_uk"), Some("evri"));
        assert_eq!(normalize(Provider::AfterShip, "hermes_uk"), None);
        assert_eq!(normalize(Provider::SeventeenTrack, "not a number"), None);
        assert_eq!(normalize(Provider::AfterShip, "no-such-courier"), None);
    }

    #[test]
    fn the_generic_format_takes_slugs_names_and_any_spelling() {
        assert_eq!(normalize(Provider::Generic, "dhl_paket"), Some("dhl_paket"));
        assert_eq!(
            normalize(Provider::Generic, "Royal Mail"),
            Some("royal_mail")
        );
        assert_eq!(normalize(Provider::Generic, "myhermes-uk"), Some("evri"));
        assert_eq!(
            normalize(Provider::Generic, "CanadaPost"),
            Some("canada_post")
        );
    }

    #[test]
    fn tracking_urls_carry_the_number() {
        let ups = carrier("ups").unwrap();
        assert_eq!(
            ups.tracking_url_for(" 1Z999AA10123456784 "),
            "https://www.ups.com/track?tracknum=1Z999AA10123456784"
        );
        assert!(carrier("nope").is_none());
        assert_eq!(
            ups.tracking_url_for("1Z&x=\"<é"),
            "https://www.ups.com/track?tracknum=1Z%26x%3D%22%3C%C3%A9"
        );
    }
}
