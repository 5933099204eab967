//! Store platforms' carrier names as afterclick carrier slugs.
//!
//! Shopify's `tracking_company` and the WooCommerce Shipment Tracking extension's
//! `tracking_provider` are display names picked from each platform's own list; BigCommerce's
//! `tracking_carrier` is an AfterShip courier slug. The two name lists are data, one
//! `name<TAB>slug` row per name, walked by the tests:
//! - `shopify_carriers.tsv`: the `tracking_company` names in Shopify's fulfillment resource
//!   docs (the list offered in every country and the per-country lists);
//! - `woocommerce_carriers.tsv`: the extension's `WC_Shipment_Tracking_Actions::get_providers()`,
//!   plus names its older versions listed, which older orders still carry.
//!
//! A name that is a carrier in [`CARRIERS`](crate::providers::carriers::CARRIERS) has that
//! carrier's slug; any other gets its own slug, derived from the name, and is shown by name.
//! Merchants may also type names no list has: such a name is kept for display, and the
//! carrier is guessed from the tracking number's format ([`detect`]), else `unknown`.

use std::collections::HashMap;
use std::sync::LazyLock;

use unicode_normalization::UnicodeNormalization;

use crate::providers::Provider;
use crate::providers::carriers::normalize;

/// The slug of a parcel whose carrier neither the name nor the number tells.
pub const UNKNOWN: &str = "unknown";

/// How a platform's carrier name was understood.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CarrierGuess {
    pub slug: String,
    /// The raw name (trimmed) when it is not a table entry, so it can still be shown; else `None`.
    pub name: Option<String>,
}

impl CarrierGuess {
    /// Nothing to go on: no name and no number.
    pub fn unknown() -> Self {
        Self {
            slug: UNKNOWN.to_owned(),
            name: None,
        }
    }
}

static SHOPIFY: LazyLock<Table> =
    LazyLock::new(|| Table::parse(include_str!("shopify_carriers.tsv"), false));
static WOOCOMMERCE: LazyLock<Table> =
    LazyLock::new(|| Table::parse(include_str!("woocommerce_carriers.tsv"), true));

/// A Shopify `tracking_company`: exactly as sent after trimming, then ignoring case (apps
/// that set it do not always keep Shopify's capitals).
pub fn shopify(name: &str) -> Option<&'static str> {
    SHOPIFY.get(name)
}

/// A Shipment Tracking `tracking_provider`: the name as stored, trimmed, then ignoring case,
/// then as its WordPress `sanitize_title()` slug (`royal-mail`), which older versions of the
/// extension stored instead of the name and which it still accepts.
pub fn woocommerce(provider: &str) -> Option<&'static str> {
    WOOCOMMERCE.get(provider)
}

/// A BigCommerce `tracking_carrier`, which is an AfterShip courier slug.
pub fn bigcommerce(tracking_carrier: &str) -> Option<&'static str> {
    normalize(Provider::AfterShip, tracking_carrier)
}

/// Every `(name, slug)` row of the Shopify table, in file order.
pub fn shopify_names() -> impl Iterator<Item = (&'static str, &'static str)> {
    SHOPIFY.rows.iter().copied()
}

/// Every `(name, slug)` row of the WooCommerce table, in file order.
pub fn woocommerce_names() -> impl Iterator<Item = (&'static str, &'static str)> {
    WOOCOMMERCE.rows.iter().copied()
}

/// A platform carrier name to a slug: the table, else detection from the number, else
/// `unknown`; the raw name is kept when the table does not know it. A known name wins over
/// the number: the merchant chose the carrier, and number formats overlap.
pub fn resolve(
    table: fn(&str) -> Option<&'static str>,
    raw_name: Option<&str>,
    tracking_number: &str,
) -> CarrierGuess {
    let name = raw_name.map(str::trim).filter(|n| !n.is_empty());
    if let Some(slug) = name.and_then(table) {
        return CarrierGuess {
            slug: slug.to_owned(),
            name: None,
        };
    }
    CarrierGuess {
        slug: detect(tracking_number).unwrap_or(UNKNOWN).to_owned(),
        name: name.map(str::to_owned),
    }
}

/// The carrier a tracking number's format belongs to. Whitespace is ignored (labels and
/// people group the characters) and letters are compared upper-case.
///
/// The checks run in this order, which settles the formats that overlap:
/// 1. UPS: `1Z` and 16 letters or digits.
/// 2. USPS: UPU S10 `[A-Z]{2}` + 9 digits + `US`; or IMpb, 20 to 22 digits starting with a
///    channel identifier 92 to 95, also as scanned from the label with the `420` routing
///    prefix and the 5- or 9-digit destination ZIP code first. IMpb is checked before FedEx
///    because 20- and 22-digit numbers fit both: those starting 92 to 95 are USPS's (FedEx's
///    own 22-digit ground numbers start 96; FedEx SmartPost numbers are IMpb, and USPS
///    delivers those parcels).
/// 3. FedEx: 12, 15 or 20 digits, or 22 starting 96.
/// 4. DHL Express: 10 digits (no other check takes 10 digits).
pub fn detect(tracking_number: &str) -> Option<&'static str> {
    let n: String = tracking_number
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let digits = !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit());
    if is_ups(&n) {
        Some("ups")
    } else if is_s10_us(&n) || (digits && (is_impb(&n) || is_routed_impb(&n))) {
        Some("usps")
    } else if digits && is_fedex(&n) {
        Some("fedex")
    } else if digits && n.len() == 10 {
        Some("dhl_express")
    } else {
        None
    }
}

fn is_ups(n: &str) -> bool {
    n.len() == 18 && n.starts_with("1Z") && n.bytes().skip(2).all(|b| b.is_ascii_alphanumeric())
}

fn is_s10_us(n: &str) -> bool {
    let b = n.as_bytes();
    b.len() == 13
        && b[..2].iter().all(u8::is_ascii_uppercase)
        && b[2..11].iter().all(u8::is_ascii_digit)
        && n.ends_with("US")
}

/// USPS Intelligent Mail package barcode: the channel identifier (92 to 95) leads.
/// Called with digits only.
fn is_impb(n: &str) -> bool {
    (20..=22).contains(&n.len()) && ["92", "93", "94", "95"].iter().any(|p| n.starts_with(p))
}

/// IMpb as scanned: `420` and the destination ZIP code (5 digits, or 9 with ZIP+4) first.
fn is_routed_impb(n: &str) -> bool {
    n.strip_prefix("420").is_some_and(|rest| {
        [5, 9]
            .iter()
            .any(|&zip| rest.get(zip..).is_some_and(is_impb))
    })
}

/// Called with digits only.
fn is_fedex(n: &str) -> bool {
    matches!(n.len(), 12 | 15 | 20) || (n.len() == 22 && n.starts_with("96"))
}

/// One platform's names, parsed once.
struct Table {
    rows: Vec<(&'static str, &'static str)>,
    exact: HashMap<&'static str, &'static str>,
    folded: HashMap<String, &'static str>,
    /// `sanitize_title()` forms; empty where the platform never stores them.
    titled: HashMap<String, &'static str>,
}

impl Table {
    fn parse(tsv: &'static str, with_titles: bool) -> Self {
        let rows: Vec<_> = tsv.lines().filter_map(row).collect();
        let mut exact = HashMap::new();
        let mut folded = HashMap::new();
        let mut titled = HashMap::new();
        // On a clash the first row wins; the tests rule clashes out.
        for &(name, slug) in &rows {
            exact.entry(name).or_insert(slug);
            folded.entry(name.to_lowercase()).or_insert(slug);
            let title = wp_title(name);
            if with_titles && !title.is_empty() {
                titled.entry(title).or_insert(slug);
            }
        }
        Table {
            rows,
            exact,
            folded,
            titled,
        }
    }

    fn get(&self, name: &str) -> Option<&'static str> {
        let name = name.trim();
        if name.is_empty() {
            return None;
        }
        self.exact
            .get(name)
            .or_else(|| self.folded.get(&name.to_lowercase()))
            .or_else(|| {
                if self.titled.is_empty() {
                    None
                } else {
                    self.titled.get(&wp_title(name))
                }
            })
            .copied()
    }
}

/// A `name<TAB>slug` row. `None` for comments and blank lines, and for a malformed row,
/// which is skipped rather than failing a webhook: the tests check that no row is skipped.
fn row(line: &'static str) -> Option<(&'static str, &'static str)> {
    if line.starts_with('#') {
        return None;
    }
    let (name, slug) = line.split_once('\t')?;
    let (name, slug) = (name.trim(), slug.trim());
    (!name.is_empty() && is_slug(slug)).then_some((name, slug))
}

/// A table slug: 2 to 32 of `[a-z0-9_]`, within what a shipment's `carrier` accepts.
fn is_slug(slug: &str) -> bool {
    (2..=32).contains(&slug.len())
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// WordPress's `sanitize_title()` as far as provider names need it: accents dropped, lower
/// case, `.` and whitespace to `-`, other punctuation removed, dashes collapsed and trimmed.
fn wp_title(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    // Decomposing splits `č` into `c` and a combining caron, which is then dropped, as
    // WordPress's remove_accents() does for the Latin letters in these names.
    for c in name.nfd() {
        match c.to_ascii_lowercase() {
            c @ ('a'..='z' | '0'..='9' | '_') => out.push(c),
            c if (c == '-' || c == '.' || c.is_whitespace()) && !out.ends_with('-') => {
                out.push('-');
            }
            _ => {}
        }
    }
    out.trim_matches('-').to_owned()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::providers::carriers::{CARRIERS, carrier};
    use std::collections::HashSet;

    const SHOPIFY_TSV: &str = include_str!("shopify_carriers.tsv");
    const WOOCOMMERCE_TSV: &str = include_str!("woocommerce_carriers.tsv");

    fn guess(slug: &str, name: Option<&str>) -> CarrierGuess {
        CarrierGuess {
            slug: slug.to_owned(),
            name: name.map(str::to_owned),
        }
    }

    /// Checks both tables share: no line is skipped as malformed, slugs are valid, names are
    /// unique even ignoring case, each name resolves to its slug (also padded and upper
    /// case), a carrier of CARRIERS keeps its slug, and a new slug is not another spelling of
    /// a carrier we know.
    fn check_table(
        tsv: &'static str,
        rows: &[(&'static str, &'static str)],
        lookup: fn(&str) -> Option<&'static str>,
    ) {
        let lines: Vec<_> = tsv
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
            .collect();
        for line in &lines {
            assert!(row(line).is_some(), "malformed row {line:?}");
        }
        assert_eq!(rows.len(), lines.len());
        let mut seen = HashSet::new();
        for &(name, slug) in rows {
            assert!(is_slug(slug), "{name}: {slug}");
            assert!(seen.insert(name.to_lowercase()), "{name} twice");
            assert_eq!(lookup(name), Some(slug), "{name}");
            assert_eq!(lookup(&format!("  {name}\t")), Some(slug), "{name} padded");
            assert_eq!(
                lookup(&name.to_uppercase()),
                Some(slug),
                "{name} upper case"
            );
            if carrier(slug).is_none() {
                assert_eq!(normalize(Provider::Generic, slug), None, "{name}: {slug}");
            }
        }
        for c in CARRIERS {
            for &(name, slug) in rows.iter().filter(|(n, _)| n.eq_ignore_ascii_case(c.name)) {
                assert_eq!(slug, c.slug, "{name}");
            }
        }
    }

    #[test]
    fn every_shopify_name_has_one_valid_row() {
        check_table(SHOPIFY_TSV, &SHOPIFY.rows, shopify);
        // 109 names offered in every country and 61 more from the 22 per-country lists.
        assert_eq!(shopify_names().count(), 170);
        let known = shopify_names().filter(|(_, s)| carrier(s).is_some());
        assert_eq!(known.count(), 42);
    }

    #[test]
    fn shopify_names_of_our_carriers_map_to_them() {
        for (name, slug) in [
            ("UPS", "ups"),
            ("FedEx", "fedex"),
            ("USPS", "usps"),
            ("DHL Express", "dhl_express"),
            ("Royal Mail", "royal_mail"),
            ("Canada Post", "canada_post"),
            ("PostNL", "postnl"),
            ("Australia Post", "australia_post"),
            ("DHL eCommerce", "dhl_ecommerce"),
            ("DHL eCommerce Asia", "dhl_ecommerce"),
            ("DPD UK", "dpd_uk"),
            ("Evri", "evri"),
            ("Colissimo", "la_poste_colissimo"),
            ("Amazon Logistics US", "amazon_logistics"),
            ("Japan Post (JA)", "japan_post"),
        ] {
            assert_eq!(shopify(name), Some(slug), "{name}");
        }
        // Look-alikes that are other carriers.
        assert_eq!(shopify("Correios"), Some("correios"));
        assert_eq!(shopify("Royal Shipments"), Some("royal_shipments"));
        assert_eq!(shopify("DPD Local"), Some("dpd_local"));
        assert_eq!(shopify("ups"), Some("ups"));
        assert_eq!(shopify(" "), None);
        assert_eq!(shopify("Bob's Trucks"), None);
    }

    #[test]
    fn every_woocommerce_name_has_one_valid_row_and_slug_form() {
        check_table(WOOCOMMERCE_TSV, &WOOCOMMERCE.rows, woocommerce);
        // 63 names in get_providers() today and 3 that older versions listed.
        assert_eq!(woocommerce_names().count(), 66);
        let mut titles = HashSet::new();
        for (name, slug) in woocommerce_names() {
            let title = wp_title(name);
            assert!(!title.is_empty(), "{name}");
            assert!(titles.insert(title.clone()), "{name}: {title} twice");
            assert_eq!(woocommerce(&title), Some(slug), "{title}");
        }
    }

    #[test]
    fn woocommerce_names_and_their_stored_slugs_map() {
        for (name, slug) in [
            ("UPS", "ups"),
            ("USPS", "usps"),
            ("Fedex", "fedex"),
            ("DHL US", "dhl_ecommerce"),
            ("Royal Mail", "royal_mail"),
            ("PostNL", "postnl"),
            ("Australia Post", "australia_post"),
            ("Canada Post", "canada_post"),
            ("DHL Intraship (DE)", "dhl_paket"),
            ("Česká pošta", "ceska_posta"),
            ("InterLink", "dpd_local"),
        ] {
            assert_eq!(woocommerce(name), Some(slug), "{name}");
        }
        // The extension up to at least 1.6.11 stored sanitize_title() of the name.
        assert_eq!(woocommerce("royal-mail"), Some("royal_mail"));
        assert_eq!(woocommerce("dhl-us"), Some("dhl_ecommerce"));
        assert_eq!(woocommerce("ceska-posta"), Some("ceska_posta"));
        assert_eq!(woocommerce("dpd-co-uk"), Some("dpd_uk"));
        assert_eq!(woocommerce("tnt-express-consignment"), Some("tnt"));
        assert_eq!(woocommerce("Local Courier Co"), None);
        assert_eq!(woocommerce("!!"), None);
        assert_eq!(wp_title(" BRT (Bartolini) "), "brt-bartolini");
        assert_eq!(wp_title("Česká  pošta"), "ceska-posta");
        assert_eq!(wp_title("post.at"), "post-at");
    }

    #[test]
    fn a_name_both_platforms_list_is_one_carrier_except_dhl() {
        let mut shared = 0;
        for (name, slug) in woocommerce_names() {
            let Some(other) = shopify(name) else { continue };
            shared += 1;
            if name == "DHL" {
                // Shopify offers `DHL` only to German shops (DHL Paket); the extension lists
                // it under the UK, linked to DHL Express.
                assert_eq!((other, slug), ("dhl_paket", "dhl_express"));
            } else {
                assert_eq!(other, slug, "{name}");
            }
        }
        assert_eq!(shared, 23);
    }

    #[test]
    fn an_unknown_name_is_kept_and_the_number_decides() {
        assert_eq!(
            resolve(shopify, Some("Bob's Trucks"), "1Z999AA10123456784"),
            guess("ups", Some("Bob's Trucks"))
        );
        assert_eq!(
            resolve(woocommerce, Some(" Local Courier Co "), "LC-77"),
            guess(UNKNOWN, Some("Local Courier Co"))
        );
        assert_eq!(resolve(shopify, None, ""), CarrierGuess::unknown());
        assert_eq!(
            resolve(shopify, Some("  "), "1234567890"),
            guess("dhl_express", None)
        );
    }

    #[test]
    fn a_known_name_wins_over_the_number() {
        assert_eq!(
            resolve(shopify, Some("FedEx"), "1Z999AA10123456784"),
            guess("fedex", None)
        );
        assert_eq!(
            resolve(woocommerce, Some("royal-mail"), ""),
            guess("royal_mail", None)
        );
        assert_eq!(
            resolve(bigcommerce, Some("royal-mail"), "JD0002"),
            guess("royal_mail", None)
        );
    }

    #[test]
    fn bigcommerce_takes_aftership_slugs() {
        assert_eq!(bigcommerce("ups"), Some("ups"));
        assert_eq!(bigcommerce("royal-mail"), Some("royal_mail"));
        assert_eq!(bigcommerce("dhl"), Some("dhl_express"));
        assert_eq!(bigcommerce("no-such-courier"), None);
        assert_eq!(bigcommerce(""), None);
    }

    #[test]
    fn number_formats_are_detected() {
        for (number, slug) in [
            ("1Z999AA10123456784", "ups"),
            ("1z 999 aa1 01 2345 678 4", "ups"),
            ("EA123456789US", "usps"),
            ("ea 123 456 789 us", "usps"),
            ("9400111899223197428490", "usps"),
            ("92612999897543581074", "usps"),
            ("420902109400111899223197428490", "usps"),
            ("4209021012349400111899223197428490", "usps"),
            ("123456789012", "fedex"),
            ("123456789012345", "fedex"),
            ("12345678901234567890", "fedex"),
            ("9612019059803563050071", "fedex"),
            ("1234567890", "dhl_express"),
        ] {
            assert_eq!(detect(number), Some(slug), "{number}");
        }
    }

    #[test]
    fn other_numbers_are_not_guessed() {
        for number in [
            "",
            "   ",
            "LC-77",
            "12345",
            "1Z999AA1012345678",
            "1Z999AA1012345678!",
            "AB123456789GB",
            "1234567890123456789012",
            "420902101234567890123456789012",
            "12345678901X",
        ] {
            assert_eq!(detect(number), None, "{number}");
        }
    }
}
