//! Event times as providers send them: instants (UTC or an offset), or carrier-local wall
//! time with no offset. Local time is resolved with the location's time zone when that is
//! unambiguous, and otherwise kept flagged as local: never silently read as UTC.
//!
//! # Which locations resolve
//!
//! A zone is found from the scan's country (ISO 3166 alpha-2 or alpha-3, any case) and,
//! where the country needs it, its state or province:
//!
//! - **One-zone countries** ([`SINGLE_ZONE`]): every European country but Russia, the parcel
//!   markets of Asia (JP, KR, CN, HK, MO, TW, SG, IN, TH, VN, PH, MY, the Gulf states, IL,
//!   ...), ZA, EG, MA, NG, KE, NZ, and a few Latin American ones. A handful of these have a
//!   small outlying zone; the country's **principal zone** is used unless the state names
//!   the outlier ([`OUTLYING`]): Spain's Canary Islands, Portugal's Azores and New Zealand's
//!   Chatham Islands. China is one legal zone (Asia/Shanghai); Xinjiang's informal local
//!   time is not modelled.
//! - **US, Canada, Australia** need the state: [`US_STATES`] (50 states, DC and the
//!   inhabited territories), [`CA_PROVINCES`], [`AU_STATES`], by USPS / Canada Post /
//!   Australia Post code or English name. A state split between zones uses its **principal
//!   zone** (the one most of its people live in): e.g. TX is Central although El Paso is
//!   Mountain, FL is Eastern although the panhandle is Central, ON is Eastern although the
//!   north-west is Central, NSW is Sydney although Broken Hill keeps Adelaide time.
//!   Without a (known) state, these countries stay unresolved.
//! - Everything else (Russia, Brazil, Mexico, Indonesia, Chile, Kazakhstan, ...) has
//!   several zones and stays unresolved: its wall times are kept as
//!   [`TimeBasis::LocalUnresolved`].

use crate::model::TimeBasis;
use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventTime {
    pub occurred_at: DateTime<Utc>,
    /// The wall-clock time at the scan's location, when known.
    pub local_time: Option<NaiveDateTime>,
    pub basis: TimeBasis,
}

/// Countries one zone covers (or covers but for the outliers in [`OUTLYING`]), by ISO
/// 3166 alpha-2 and alpha-3.
pub const SINGLE_ZONE: &[(&str, &str, &str)] = &[
    // Europe
    ("AD", "AND", "Europe/Andorra"),
    ("AL", "ALB", "Europe/Tirane"),
    ("AM", "ARM", "Asia/Yerevan"),
    ("AT", "AUT", "Europe/Vienna"),
    ("AZ", "AZE", "Asia/Baku"),
    ("BA", "BIH", "Europe/Sarajevo"),
    ("BE", "BEL", "Europe/Brussels"),
    ("BG", "BGR", "Europe/Sofia"),
    ("BY", "BLR", "Europe/Minsk"),
    ("CH", "CHE", "Europe/Zurich"),
    ("CY", "CYP", "Asia/Nicosia"),
    ("CZ", "CZE", "Europe/Prague"),
    ("DE", "DEU", "Europe/Berlin"),
    ("DK", "DNK", "Europe/Copenhagen"),
    ("EE", "EST", "Europe/Tallinn"),
    ("ES", "ESP", "Europe/Madrid"),
    ("FI", "FIN", "Europe/Helsinki"),
    ("FR", "FRA", "Europe/Paris"),
    ("GB", "GBR", "Europe/London"),
    ("GE", "GEO", "Asia/Tbilisi"),
    ("GG", "GGY", "Europe/Guernsey"),
    ("GI", "GIB", "Europe/Gibraltar"),
    ("GR", "GRC", "Europe/Athens"),
    ("HR", "HRV", "Europe/Zagreb"),
    ("HU", "HUN", "Europe/Budapest"),
    ("IE", "IRL", "Europe/Dublin"),
    ("IM", "IMN", "Europe/Isle_of_Man"),
    ("IS", "ISL", "Atlantic/Reykjavik"),
    ("IT", "ITA", "Europe/Rome"),
    ("JE", "JEY", "Europe/Jersey"),
    ("LI", "LIE", "Europe/Vaduz"),
    ("LT", "LTU", "Europe/Vilnius"),
    ("LU", "LUX", "Europe/Luxembourg"),
    ("LV", "LVA", "Europe/Riga"),
    ("MC", "MCO", "Europe/Monaco"),
    ("MD", "MDA", "Europe/Chisinau"),
    ("ME", "MNE", "Europe/Podgorica"),
    ("MK", "MKD", "Europe/Skopje"),
    ("MT", "MLT", "Europe/Malta"),
    ("NL", "NLD", "Europe/Amsterdam"),
    ("NO", "NOR", "Europe/Oslo"),
    ("PL", "POL", "Europe/Warsaw"),
    ("PT", "PRT", "Europe/Lisbon"),
    ("RO", "ROU", "Europe/Bucharest"),
    ("RS", "SRB", "Europe/Belgrade"),
    ("SE", "SWE", "Europe/Stockholm"),
    ("SI", "SVN", "Europe/Ljubljana"),
    ("SK", "SVK", "Europe/Bratislava"),
    ("SM", "SMR", "Europe/San_Marino"),
    ("TR", "TUR", "Europe/Istanbul"),
    ("UA", "UKR", "Europe/Kyiv"),
    ("VA", "VAT", "Europe/Vatican"),
    // Asia
    ("AE", "ARE", "Asia/Dubai"),
    ("BD", "BGD", "Asia/Dhaka"),
    ("BH", "BHR", "Asia/Bahrain"),
    ("CN", "CHN", "Asia/Shanghai"),
    ("HK", "HKG", "Asia/Hong_Kong"),
    ("IL", "ISR", "Asia/Jerusalem"),
    ("IN", "IND", "Asia/Kolkata"),
    ("JO", "JOR", "Asia/Amman"),
    ("JP", "JPN", "Asia/Tokyo"),
    ("KR", "KOR", "Asia/Seoul"),
    ("KW", "KWT", "Asia/Kuwait"),
    ("LB", "LBN", "Asia/Beirut"),
    ("LK", "LKA", "Asia/Colombo"),
    ("MO", "MAC", "Asia/Macau"),
    ("MY", "MYS", "Asia/Kuala_Lumpur"),
    ("NP", "NPL", "Asia/Kathmandu"),
    ("OM", "OMN", "Asia/Muscat"),
    ("PH", "PHL", "Asia/Manila"),
    ("PK", "PAK", "Asia/Karachi"),
    ("QA", "QAT", "Asia/Qatar"),
    ("SA", "SAU", "Asia/Riyadh"),
    ("SG", "SGP", "Asia/Singapore"),
    ("TH", "THA", "Asia/Bangkok"),
    ("TW", "TWN", "Asia/Taipei"),
    ("VN", "VNM", "Asia/Ho_Chi_Minh"),
    // Africa
    ("DZ", "DZA", "Africa/Algiers"),
    ("EG", "EGY", "Africa/Cairo"),
    ("GH", "GHA", "Africa/Accra"),
    ("KE", "KEN", "Africa/Nairobi"),
    ("MA", "MAR", "Africa/Casablanca"),
    ("NG", "NGA", "Africa/Lagos"),
    ("TN", "TUN", "Africa/Tunis"),
    ("ZA", "ZAF", "Africa/Johannesburg"),
    // Oceania
    ("NZ", "NZL", "Pacific/Auckland"),
    // Americas
    ("AR", "ARG", "America/Argentina/Buenos_Aires"),
    ("CO", "COL", "America/Bogota"),
    ("CR", "CRI", "America/Costa_Rica"),
    ("DO", "DOM", "America/Santo_Domingo"),
    ("GT", "GTM", "America/Guatemala"),
    ("JM", "JAM", "America/Jamaica"),
    ("PA", "PAN", "America/Panama"),
    ("PE", "PER", "America/Lima"),
    ("PR", "PRI", "America/Puerto_Rico"),
    ("UY", "URY", "America/Montevideo"),
];

/// Outlying zones of [`SINGLE_ZONE`] countries, chosen only when the state names them:
/// (alpha-2, ISO 3166-2 subdivision codes and names, zone).
pub const OUTLYING: &[(&str, &[&str], &str)] = &[
    (
        "ES",
        &[
            "CN",
            "GC",
            "TF",
            "CANARIAS",
            "ISLAS CANARIAS",
            "CANARY ISLANDS",
            "LAS PALMAS",
            "SANTA CRUZ DE TENERIFE",
        ],
        "Atlantic/Canary",
    ),
    (
        "PT",
        &["20", "AZORES", "AÇORES", "ACORES"],
        "Atlantic/Azores",
    ),
    ("NZ", &["CIT", "CHATHAM ISLANDS"], "Pacific/Chatham"),
];

/// US states, DC and inhabited territories (USPS code, name) by their principal zone.
pub const US_STATES: States = &[
    ("AL", "Alabama", "America/Chicago"),
    ("AK", "Alaska", "America/Anchorage"),
    ("AZ", "Arizona", "America/Phoenix"),
    ("AR", "Arkansas", "America/Chicago"),
    ("CA", "California", "America/Los_Angeles"),
    ("CO", "Colorado", "America/Denver"),
    ("CT", "Connecticut", "America/New_York"),
    ("DE", "Delaware", "America/New_York"),
    ("DC", "District of Columbia", "America/New_York"),
    ("FL", "Florida", "America/New_York"),
    ("GA", "Georgia", "America/New_York"),
    ("HI", "Hawaii", "Pacific/Honolulu"),
    ("ID", "Idaho", "America/Boise"),
    ("IL", "Illinois", "America/Chicago"),
    ("IN", "Indiana", "America/Indiana/Indianapolis"),
    ("IA", "Iowa", "America/Chicago"),
    ("KS", "Kansas", "America/Chicago"),
    ("KY", "Kentucky", "America/New_York"),
    ("LA", "Louisiana", "America/Chicago"),
    ("ME", "Maine", "America/New_York"),
    ("MD", "Maryland", "America/New_York"),
    ("MA", "Massachusetts", "America/New_York"),
    ("MI", "Michigan", "America/Detroit"),
    ("MN", "Minnesota", "America/Chicago"),
    ("MS", "Mississippi", "America/Chicago"),
    ("MO", "Missouri", "America/Chicago"),
    ("MT", "Montana", "America/Denver"),
    ("NE", "Nebraska", "America/Chicago"),
    ("NV", "Nevada", "America/Los_Angeles"),
    ("NH", "New Hampshire", "America/New_York"),
    ("NJ", "New Jersey", "America/New_York"),
    ("NM", "New Mexico", "America/Denver"),
    ("NY", "New York", "America/New_York"),
    ("NC", "North Carolina", "America/New_York"),
    ("ND", "North Dakota", "America/Chicago"),
    ("OH", "Ohio", "America/New_York"),
    ("OK", "Oklahoma", "America/Chicago"),
    ("OR", "Oregon", "America/Los_Angeles"),
    ("PA", "Pennsylvania", "America/New_York"),
    ("RI", "Rhode Island", "America/New_York"),
    ("SC", "South Carolina", "America/New_York"),
    ("SD", "South Dakota", "America/Chicago"),
    ("TN", "Tennessee", "America/Chicago"),
    ("TX", "Texas", "America/Chicago"),
    ("UT", "Utah", "America/Denver"),
    ("VT", "Vermont", "America/New_York"),
    ("VA", "Virginia", "America/New_York"),
    ("WA", "Washington", "America/Los_Angeles"),
    ("WV", "West Virginia", "America/New_York"),
    ("WI", "Wisconsin", "America/Chicago"),
    ("WY", "Wyoming", "America/Denver"),
    ("PR", "Puerto Rico", "America/Puerto_Rico"),
    ("VI", "U.S. Virgin Islands", "America/St_Thomas"),
    ("GU", "Guam", "Pacific/Guam"),
    ("MP", "Northern Mariana Islands", "Pacific/Saipan"),
    ("AS", "American Samoa", "Pacific/Pago_Pago"),
];

/// Canadian provinces and territories (Canada Post code, name) by their principal zone.
pub const CA_PROVINCES: States = &[
    ("AB", "Alberta", "America/Edmonton"),
    ("BC", "British Columbia", "America/Vancouver"),
    ("MB", "Manitoba", "America/Winnipeg"),
    ("NB", "New Brunswick", "America/Moncton"),
    ("NL", "Newfoundland and Labrador", "America/St_Johns"),
    ("NS", "Nova Scotia", "America/Halifax"),
    ("NT", "Northwest Territories", "America/Yellowknife"),
    ("NU", "Nunavut", "America/Iqaluit"),
    ("ON", "Ontario", "America/Toronto"),
    ("PE", "Prince Edward Island", "America/Halifax"),
    ("QC", "Quebec", "America/Toronto"),
    ("SK", "Saskatchewan", "America/Regina"),
    ("YT", "Yukon", "America/Whitehorse"),
];

/// Australian states and territories (Australia Post code, name) by their principal zone.
pub const AU_STATES: States = &[
    ("ACT", "Australian Capital Territory", "Australia/Sydney"),
    ("NSW", "New South Wales", "Australia/Sydney"),
    ("NT", "Northern Territory", "Australia/Darwin"),
    ("QLD", "Queensland", "Australia/Brisbane"),
    ("SA", "South Australia", "Australia/Adelaide"),
    ("TAS", "Tasmania", "Australia/Hobart"),
    ("VIC", "Victoria", "Australia/Melbourne"),
    ("WA", "Western Australia", "Australia/Perth"),
];

/// (code, English name, zone) rows of a country's states.
pub type States = &'static [(&'static str, &'static str, &'static str)];

/// Countries that need a state to pin a zone down: (alpha-2, alpha-3, states table).
const BY_STATE: &[(&str, &str, States)] = &[
    ("US", "USA", US_STATES),
    ("CA", "CAN", CA_PROVINCES),
    ("AU", "AUS", AU_STATES),
];

/// The time zone of a location, when the country (and for the US, Canada and Australia its
/// state) pins one down. See the module documentation for the rules.
pub fn zone_for(country: Option<&str>, state: Option<&str>) -> Option<Tz> {
    let country = country?.trim().to_ascii_uppercase();
    let state = state.map(|s| normalize_state(&country, s));
    let name = match BY_STATE
        .iter()
        .find(|(a2, a3, _)| *a2 == country || *a3 == country)
    {
        Some((_, _, states)) => state_zone(states, state.as_deref()?)?,
        None => single_zone(&country, state.as_deref())?,
    };
    name.parse().ok()
}

/// Upper case, without an ISO 3166-2 country prefix (`US-CA` -> `CA`, `ESP-CN` is left).
fn normalize_state(country: &str, state: &str) -> String {
    let upper = state.trim().to_uppercase();
    let prefix = country.get(..2).map(|a2| format!("{a2}-"));
    match prefix.and_then(|p| upper.strip_prefix(&p).map(str::to_owned)) {
        Some(rest) => rest,
        None => upper,
    }
}

fn state_zone(states: States, state: &str) -> Option<&'static str> {
    states
        .iter()
        .find(|(code, name, _)| *code == state || name.to_uppercase() == state)
        .map(|(_, _, zone)| *zone)
}

fn single_zone(country: &str, state: Option<&str>) -> Option<&'static str> {
    let (a2, _, principal) = SINGLE_ZONE
        .iter()
        .find(|(a2, a3, _)| *a2 == country || *a3 == country)?;
    let outlying = state.and_then(|state| {
        OUTLYING
            .iter()
            .find(|(c, names, _)| c == a2 && names.contains(&state))
            .map(|(_, _, zone)| *zone)
    });
    Some(outlying.unwrap_or(*principal))
}

/// A wall-clock time at a location. An ambiguous local time (the repeated hour when DST
/// ends) takes the earlier instant; one that never happened (the hour skipped when DST
/// starts) or one in an unknown zone stays [`TimeBasis::LocalUnresolved`].
pub fn from_local(local: NaiveDateTime, country: Option<&str>, state: Option<&str>) -> EventTime {
    let resolved =
        zone_for(country, state).and_then(|tz| tz.from_local_datetime(&local).earliest());
    match resolved {
        Some(at) => EventTime {
            occurred_at: at.with_timezone(&Utc),
            local_time: Some(local),
            basis: TimeBasis::LocalResolved,
        },
        None => EventTime {
            occurred_at: local.and_utc(),
            local_time: Some(local),
            basis: TimeBasis::LocalUnresolved,
        },
    }
}

/// An RFC 3339 time with an offset is an instant (its wall time kept as `local_time`); one
/// without an offset (`2024-08-02T18:50:00`) is local wall time at the given location.
pub fn parse(raw: &str, country: Option<&str>, state: Option<&str>) -> Option<EventTime> {
    let raw = raw.trim();
    if let Ok(at) = DateTime::parse_from_rfc3339(raw) {
        // An offset carries the scan's wall clock; a bare UTC stamp does not (aggregators
        // convert to UTC), so its local time comes from the location when that is known.
        let local_time = if at.offset().local_minus_utc() != 0 {
            Some(at.naive_local())
        } else {
            zone_for(country, state).map(|tz| at.with_timezone(&tz).naive_local())
        };
        return Some(EventTime {
            occurred_at: at.with_timezone(&Utc),
            local_time,
            basis: TimeBasis::Instant,
        });
    }
    [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M",
    ]
    .iter()
    .find_map(|fmt| NaiveDateTime::parse_from_str(raw, fmt).ok())
    .map(|local| from_local(local, country, state))
}

/// A calendar date as providers send one: `2024-08-05`, or the date part of a date-time
/// read in its own offset (`2024-08-05T23:30:00-07:00` is the 5th), or of a local
/// date-time with no offset. Estimated delivery dates are the carrier's local day, so they
/// are never converted to UTC.
pub fn parse_date(raw: &str) -> Option<NaiveDate> {
    let raw = raw.trim();
    NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .ok()
        .or_else(|| {
            DateTime::parse_from_rfc3339(raw)
                .ok()
                .map(|at| at.naive_local().date())
        })
        .or_else(|| parse(raw, None, None)?.local_time.map(|t| t.date()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn local(h: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2024, 8, 2)
            .unwrap()
            .and_hms_opt(h, 0, 0)
            .unwrap()
    }

    fn zone(country: &str, state: Option<&str>) -> Option<String> {
        zone_for(Some(country), state).map(|tz| tz.name().to_owned())
    }

    #[test]
    fn offsets_are_instants() {
        let t = parse("2022-09-14T08:47:00+01:00", None, None).unwrap();
        assert_eq!(
            t.occurred_at,
            Utc.with_ymd_and_hms(2022, 9, 14, 7, 47, 0).unwrap()
        );
        assert_eq!(t.basis, TimeBasis::Instant);
        assert_eq!(
            t.local_time,
            Some(
                NaiveDate::from_ymd_opt(2022, 9, 14)
                    .unwrap()
                    .and_hms_opt(8, 47, 0)
                    .unwrap()
            )
        );
    }

    #[test]
    fn local_time_is_resolved_by_location_or_kept_flagged() {
        let berlin = parse("2024-08-02T18:00:00", Some("DEU"), None).unwrap();
        assert_eq!(
            berlin.occurred_at,
            Utc.with_ymd_and_hms(2024, 8, 2, 16, 0, 0).unwrap()
        );
        assert_eq!(berlin.basis, TimeBasis::LocalResolved);
        let la = from_local(local(9), Some("US"), Some("CA"));
        assert_eq!(
            la.occurred_at,
            Utc.with_ymd_and_hms(2024, 8, 2, 16, 0, 0).unwrap()
        );
        let unknown = from_local(local(9), Some("US"), None);
        assert_eq!(unknown.basis, TimeBasis::LocalUnresolved);
        assert_eq!(unknown.local_time, Some(local(9)));
    }

    #[test]
    fn every_zone_name_in_the_tables_is_a_real_iana_zone() {
        let names = SINGLE_ZONE
            .iter()
            .map(|(_, _, z)| *z)
            .chain(OUTLYING.iter().map(|(_, _, z)| *z))
            .chain(
                BY_STATE
                    .iter()
                    .flat_map(|(_, _, s)| s.iter().map(|(_, _, z)| *z)),
            );
        for name in names {
            assert!(name.parse::<Tz>().is_ok(), "{name}");
        }
    }

    #[test]
    fn country_codes_are_unique_and_well_formed() {
        let mut seen = BTreeSet::new();
        let countries = SINGLE_ZONE
            .iter()
            .map(|(a2, a3, _)| (*a2, *a3))
            .chain(BY_STATE.iter().map(|(a2, a3, _)| (*a2, *a3)));
        for (a2, a3) in countries {
            assert_eq!((a2.len(), a3.len()), (2, 3), "{a2}/{a3}");
            assert!(seen.insert(a2), "{a2} twice");
            assert!(seen.insert(a3), "{a3} twice");
        }
    }

    #[test]
    fn all_fifty_states_and_dc_and_the_provinces_and_australian_states_are_covered() {
        let us: BTreeSet<_> = US_STATES.iter().map(|(c, _, _)| *c).collect();
        assert_eq!(us.len(), US_STATES.len(), "US codes unique");
        assert_eq!(us.len(), 51 + 5, "50 states, DC and 5 territories");
        assert_eq!(CA_PROVINCES.len(), 13);
        assert_eq!(AU_STATES.len(), 8);
    }

    #[test]
    fn countries_resolve_by_alpha2_or_alpha3_in_any_case() {
        let cases = [
            ("JP", "Asia/Tokyo"),
            ("jpn", "Asia/Tokyo"),
            ("KOR", "Asia/Seoul"),
            ("IND", "Asia/Kolkata"),
            ("SGP", "Asia/Singapore"),
            ("HKG", "Asia/Hong_Kong"),
            ("TWN", "Asia/Taipei"),
            ("ZAF", "Africa/Johannesburg"),
            ("ISR", "Asia/Jerusalem"),
            ("ARE", "Asia/Dubai"),
            ("POL", "Europe/Warsaw"),
            (" gb ", "Europe/London"),
        ];
        for (country, expected) in cases {
            assert_eq!(zone(country, None).as_deref(), Some(expected), "{country}");
        }
    }

    #[test]
    fn split_countries_use_the_state_and_their_principal_zone() {
        let cases = [
            ("US", Some("TX"), Some("America/Chicago")),
            ("USA", Some("Texas"), Some("America/Chicago")),
            ("US", Some("us-ny"), Some("America/New_York")),
            ("US", Some("HI"), Some("Pacific/Honolulu")),
            ("CAN", Some("BC"), Some("America/Vancouver")),
            ("CA", Some("Quebec"), Some("America/Toronto")),
            ("AUS", Some("NSW"), Some("Australia/Sydney")),
            ("AU", Some("western australia"), Some("Australia/Perth")),
            ("US", Some("ZZ"), None),
            ("CA", None, None),
            ("AUS", None, None),
            // Several zones and no table: stays unresolved.
            ("RUS", Some("Moscow"), None),
            ("BRA", None, None),
            ("MEX", None, None),
        ];
        for (country, state, expected) in cases {
            assert_eq!(
                zone(country, state).as_deref(),
                expected,
                "{country} {state:?}"
            );
        }
    }

    #[test]
    fn outlying_zones_only_when_the_state_names_them() {
        assert_eq!(zone("ESP", None).as_deref(), Some("Europe/Madrid"));
        assert_eq!(
            zone("ESP", Some("Madrid")).as_deref(),
            Some("Europe/Madrid")
        );
        assert_eq!(
            zone("ES", Some("ES-CN")).as_deref(),
            Some("Atlantic/Canary")
        );
        assert_eq!(
            zone("ESP", Some("Las Palmas")).as_deref(),
            Some("Atlantic/Canary")
        );
        assert_eq!(
            zone("PRT", Some("Açores")).as_deref(),
            Some("Atlantic/Azores")
        );
        assert_eq!(zone("NZL", None).as_deref(), Some("Pacific/Auckland"));
        assert_eq!(
            zone("NZ", Some("Chatham Islands")).as_deref(),
            Some("Pacific/Chatham")
        );
    }

    #[test]
    fn dst_is_applied_by_the_zone_not_a_fixed_offset() {
        // Sydney: AEST (+10) in July, AEDT (+11) in January.
        let july = parse("2024-07-01T10:00:00", Some("AUS"), Some("NSW")).unwrap();
        assert_eq!(
            july.occurred_at,
            Utc.with_ymd_and_hms(2024, 7, 1, 0, 0, 0).unwrap()
        );
        let january = parse("2024-01-15T10:00:00", Some("AUS"), Some("NSW")).unwrap();
        assert_eq!(
            january.occurred_at,
            Utc.with_ymd_and_hms(2024, 1, 14, 23, 0, 0).unwrap()
        );
        // Arizona keeps MST (-7) all summer.
        let phoenix = parse("2024-08-02 09:00:00", Some("US"), Some("AZ")).unwrap();
        assert_eq!(
            phoenix.occurred_at,
            Utc.with_ymd_and_hms(2024, 8, 2, 16, 0, 0).unwrap()
        );
    }

    #[test]
    fn dates_are_the_carriers_local_day() {
        let day = |d| NaiveDate::from_ymd_opt(2024, 8, d);
        assert_eq!(parse_date("2024-08-05"), day(5));
        assert_eq!(parse_date("2024-08-05T23:30:00-07:00"), day(5));
        assert_eq!(parse_date("2024-08-05T18:00:00"), day(5));
        assert_eq!(parse_date("next week"), None);
    }

    #[test]
    fn a_skipped_local_time_stays_flagged_rather_than_invented() {
        // 02:30 did not exist in Berlin on 2024-03-31 (clocks went 02:00 -> 03:00).
        let t = parse("2024-03-31T02:30:00", Some("DE"), None).unwrap();
        assert_eq!(t.basis, TimeBasis::LocalUnresolved);
        assert!(parse("yesterday", Some("DE"), None).is_none());
    }

    #[test]
    fn a_utc_stamp_takes_its_wall_clock_from_the_location_only() {
        let bare = parse("2024-08-02T16:00:00Z", None, None).unwrap();
        assert_eq!(bare.local_time, None, "UTC is not the carrier's wall clock");
        let berlin = parse("2024-08-02T16:00:00Z", Some("DE"), None).unwrap();
        assert_eq!(
            berlin.local_time,
            NaiveDate::from_ymd_opt(2024, 8, 2).and_then(|d| d.and_hms_opt(18, 0, 0))
        );
        assert_eq!(
            parse_date("2024-08-05T00:00:00Z"),
            NaiveDate::from_ymd_opt(2024, 8, 5)
        );
    }
}
