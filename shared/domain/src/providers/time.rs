//! Event times as providers send them: instants (UTC or an offset), or carrier-local wall
//! time with no offset. Local time is resolved with the location's time zone when that is
//! unambiguous, and otherwise kept flagged as local: never silently read as UTC.

use crate::model::TimeBasis;
use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventTime {
    pub occurred_at: DateTime<Utc>,
    /// The wall-clock time at the scan's location, when known.
    pub local_time: Option<NaiveDateTime>,
    pub basis: TimeBasis,
}

/// Countries in one time zone, by ISO 3166 alpha-2 and alpha-3.
const SINGLE_ZONE: &[(&str, &str, &str)] = &[
    ("DE", "DEU", "Europe/Berlin"),
    ("GB", "GBR", "Europe/London"),
    ("FR", "FRA", "Europe/Paris"),
    ("NL", "NLD", "Europe/Amsterdam"),
    ("BE", "BEL", "Europe/Brussels"),
    ("IT", "ITA", "Europe/Rome"),
    ("AT", "AUT", "Europe/Vienna"),
    ("CH", "CHE", "Europe/Zurich"),
    ("JP", "JPN", "Asia/Tokyo"),
    ("CN", "CHN", "Asia/Shanghai"),
];

/// US states (USPS codes) by their principal time zone.
const US_STATES: &[(&str, &str)] = &[
    ("NY", "America/New_York"),
    ("NJ", "America/New_York"),
    ("NC", "America/New_York"),
    ("FL", "America/New_York"),
    ("GA", "America/New_York"),
    ("IL", "America/Chicago"),
    ("TX", "America/Chicago"),
    ("CO", "America/Denver"),
    ("AZ", "America/Phoenix"),
    ("CA", "America/Los_Angeles"),
    ("WA", "America/Los_Angeles"),
];

/// The time zone of a location, when the country (and for the US its state) pins one down.
pub fn zone_for(country: Option<&str>, state: Option<&str>) -> Option<Tz> {
    let country = country?.trim().to_ascii_uppercase();
    let name = if country == "US" || country == "USA" {
        let state = state?.trim().to_ascii_uppercase();
        US_STATES.iter().find(|(s, _)| *s == state)?.1
    } else {
        SINGLE_ZONE
            .iter()
            .find(|(a2, a3, _)| *a2 == country || *a3 == country)?
            .2
    };
    name.parse().ok()
}

/// A wall-clock time at a location. Ambiguous or skipped local times (DST changes) take the
/// earlier instant.
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
        return Some(EventTime {
            occurred_at: at.with_timezone(&Utc),
            local_time: Some(at.naive_local()),
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

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn local(h: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2024, 8, 2)
            .unwrap()
            .and_hms_opt(h, 0, 0)
            .unwrap()
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
}
