//! What every provider parser does the same way, written once: blank strings as absent
//! values, tracking numbers, location text, events at a parsed time, and recording a
//! provider's raw codes (unknown ones reported, never rejected).

use super::parsed::{Mapped, StatusRow, map_status};
use super::time;
use crate::model::{TrackingEvent, normalize_tracking_number};
use crate::reason::Reason;
use crate::status::Status;
use crate::validate::{FieldError, validate_tracking_number};

/// Providers send blank strings for absent values: trimmed, a blank one counts as absent.
pub(crate) fn non_empty(raw: Option<&str>) -> Option<&str> {
    raw.map(str::trim).filter(|s| !s.is_empty())
}

/// [`non_empty`] for an optional field as serde leaves it, to spare `.as_deref()` everywhere.
pub(crate) fn text(value: &Option<String>) -> Option<&str> {
    non_empty(value.as_deref())
}

/// Providers may leave the tracking number out or blank: normalised, else "is required" at `field`.
pub(crate) fn tracking_number(raw: Option<&str>, field: &str) -> Result<String, FieldError> {
    let normalized = normalize_tracking_number(raw.unwrap_or_default());
    if normalized.is_empty() {
        return Err(FieldError::new(field, "is required"));
    }
    validate_tracking_number(field, &normalized)?;
    Ok(normalized)
}

/// Locations come as parts, any of them missing or blank: "ORLANDO, FL, US".
pub(crate) fn location_text<const N: usize>(parts: [Option<&str>; N]) -> Option<String> {
    join_present(parts, ", ")
}

/// The present ([`non_empty`]) parts, in order, joined with `separator`; `None` if none is.
pub(crate) fn join_present<const N: usize>(
    parts: [Option<&str>; N],
    separator: &str,
) -> Option<String> {
    let parts: Vec<&str> = parts.into_iter().filter_map(non_empty).collect();
    (!parts.is_empty()).then(|| parts.join(separator))
}

/// A webhook reports each code it did not know once, in the order first seen.
pub(crate) fn remember(unknown: &mut Vec<String>, code: &str) {
    if !unknown.iter().any(|u| u == code) {
        unknown.push(code.to_owned());
    }
}

/// True (and `code` remembered in `unknown`) when `code` is not in `table`.
pub(crate) fn note_unknown(
    table: &[StatusRow],
    code: Option<&str>,
    unknown: &mut Vec<String>,
) -> bool {
    let Some(code) = code.filter(|c| !table.iter().any(|r| r.code == *c)) else {
        return false;
    };
    remember(unknown, code);
    true
}

/// Every scan starts as an event at its parsed time, `pending` until its codes are set.
pub(crate) fn timed_event(provider: &str, at: time::EventTime) -> TrackingEvent {
    let mut event = TrackingEvent::new(at.occurred_at, Status::Pending, provider);
    event.local_time = at.local_time;
    event.time_basis = at.basis;
    event
}

/// Most providers map a (status, sub-status) pair with their two tables: [`set_mapped_codes`].
pub(crate) fn set_codes(
    event: &mut TrackingEvent,
    (top_table, top): (&[StatusRow], Option<&str>),
    (sub_table, sub): (&[StatusRow], Option<&str>),
    unknown: &mut Vec<String>,
) {
    let mapped = map_status(top_table, sub_table, top, sub);
    set_mapped_codes(event, mapped, (top_table, top), (sub_table, sub), unknown);
}

/// Sets `mapped` and the raw codes: an unknown one is kept and reported, never rejected.
pub(crate) fn set_mapped_codes(
    event: &mut TrackingEvent,
    mapped: Mapped,
    (top_table, top): (&[StatusRow], Option<&str>),
    (sub_table, sub): (&[StatusRow], Option<&str>),
    unknown: &mut Vec<String>,
) {
    let top_unknown = note_unknown(top_table, top, unknown);
    let sub_unknown = note_unknown(sub_table, sub, unknown);
    event.status = mapped.status;
    event.reason = if top_unknown || sub_unknown {
        mapped.reason.or(Some(Reason::UnknownCode))
    } else {
        mapped.reason
    };
    event.raw_status = top.map(str::to_owned);
    event.raw_substatus = sub.map(str::to_owned);
}

/// The parsers' unit tests share fixtures, status-table walks and views of parsed events.
#[cfg(test)]
pub(crate) mod test_support {
    use super::super::{Mapped, ParsedWebhook, Provider, StatusRow, map_status, parse};
    use crate::model::TrackingEvent;
    use crate::reason::Reason;
    use crate::status::Status;
    use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
    use serde_json::Value;

    /// One provider's fixtures, `tests/fixtures/providers/{provider}/{name}.json`.
    #[derive(Debug, Clone, Copy)]
    pub(crate) struct Fixtures(pub(crate) Provider);

    impl Fixtures {
        /// The fixture's bytes, as the provider sends them.
        pub(crate) fn bytes(self, name: &str) -> Vec<u8> {
            let path = format!(
                "{}/../../tests/fixtures/providers/{}/{name}.json",
                env!("CARGO_MANIFEST_DIR"),
                self.0.as_str()
            );
            std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
        }

        /// The fixture parsed by its provider's parser, which must accept it.
        pub(crate) fn parsed(self, name: &str) -> ParsedWebhook {
            self.parse(&self.bytes(name))
        }

        /// The fixture as a JSON document, to edit and parse again.
        pub(crate) fn json(self, name: &str) -> Value {
            serde_json::from_slice(&self.bytes(name)).unwrap()
        }

        /// An edited document parsed by this provider's parser, which must accept it.
        pub(crate) fn reparse(self, doc: &Value) -> ParsedWebhook {
            self.parse(&body(doc))
        }

        /// Each broken body is rejected with an error naming the field at fault.
        pub(crate) fn assert_rejected_at<'a, F: AsRef<str>>(
            self,
            cases: impl IntoIterator<Item = (&'a [u8], F)>,
        ) {
            for (body, field) in cases {
                let err = parse(self.0, body).unwrap_err();
                assert_eq!(
                    err.field,
                    field.as_ref(),
                    "{}",
                    String::from_utf8_lossy(body)
                );
            }
        }

        fn parse(self, body: &[u8]) -> ParsedWebhook {
            parse(self.0, body).unwrap()
        }
    }

    /// An edited document as a webhook body.
    pub(crate) fn body(doc: &Value) -> Vec<u8> {
        serde_json::to_vec(doc).unwrap()
    }

    /// Each documented code is in one of `tables`.
    pub(crate) fn assert_documented_codes_mapped(documented: &[&str], tables: &[&[StatusRow]]) {
        for code in documented {
            let found = tables.iter().any(|t| t.iter().any(|r| r.code == *code));
            assert!(found, "{code} is not mapped");
        }
    }

    /// `table` maps no code the provider does not document.
    pub(crate) fn assert_only_documented_codes(documented: &[&str], table: &[StatusRow]) {
        for r in table {
            assert!(documented.contains(&r.code), "{} undocumented", r.code);
        }
    }

    /// `table` maps each code once.
    pub(crate) fn assert_unique_codes(table: &[StatusRow]) {
        let mut codes: Vec<_> = table.iter().map(|r| r.code).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), table.len(), "duplicate code");
    }

    /// `table` maps the documented codes, each once, and nothing else.
    pub(crate) fn assert_table_is_the_documented_list(documented: &[&str], table: &[StatusRow]) {
        assert_documented_codes_mapped(documented, &[table]);
        assert_only_documented_codes(documented, table);
        assert_unique_codes(table);
    }

    /// Each top-level row alone maps, as known, to its own status and reason.
    pub(crate) fn assert_top_rows_map_as_declared(top: &[StatusRow], sub: &[StatusRow]) {
        for r in top {
            let m = map_status(top, sub, Some(r.code), None);
            assert!(m.known, "{}", r.code);
            assert_eq!(Some(m.status), r.status, "{}", r.code);
            assert_eq!(m.reason, r.reason, "{}", r.code);
        }
    }

    /// Every (top, sub) pair maps, as known, to the sub row's status and reason, else the top's.
    pub(crate) fn assert_every_pair_maps_as_declared(top: &[StatusRow], sub: &[StatusRow]) {
        for t in top {
            for s in sub {
                let m = map_status(top, sub, Some(t.code), Some(s.code));
                let expected = s.status.or(t.status).unwrap_or(Status::Pending);
                assert!(m.known, "{}/{}", t.code, s.code);
                assert_eq!(m.status, expected, "{}/{}", t.code, s.code);
                assert_eq!(m.reason, s.reason.or(t.reason), "{}/{}", t.code, s.code);
            }
        }
    }

    /// Each sub row (`InTransit_002`) maps via `map(prefix, code)` as declared under its prefix.
    pub(crate) fn assert_sub_rows_map_under_their_prefix(
        top: &[StatusRow],
        sub: &[StatusRow],
        map: impl Fn(&str, &str) -> Mapped,
    ) {
        for r in sub {
            let prefix = r.code.split('_').next().unwrap_or(r.code);
            let main = top.iter().find(|t| t.code == prefix);
            let main = main.unwrap_or_else(|| panic!("{}: no top-level {prefix}", r.code));
            let m = map(prefix, r.code);
            assert_eq!(Some(m.status), r.status.or(main.status), "{}", r.code);
            assert_eq!(m.reason, r.reason.or(main.reason), "{}", r.code);
            assert!(m.known, "{}", r.code);
        }
    }

    /// Each event's status and reason, oldest first.
    pub(crate) fn statuses(parsed: &ParsedWebhook) -> Vec<(Status, Option<Reason>)> {
        parsed.events.iter().map(|e| (e.status, e.reason)).collect()
    }

    /// The newest `n` events' statuses and reasons, newest first.
    pub(crate) fn newest_statuses(
        parsed: &ParsedWebhook,
        n: usize,
    ) -> Vec<(Status, Option<Reason>)> {
        statuses(parsed).into_iter().rev().take(n).collect()
    }

    /// An event's status and reason with the raw (status, sub-status) codes they came from.
    pub(crate) type StatusAndCodes<'a> = (Status, Option<Reason>, Option<&'a str>, Option<&'a str>);

    /// Each event's status and reason with the raw codes they came from, oldest first.
    pub(crate) fn statuses_and_codes(parsed: &ParsedWebhook) -> Vec<StatusAndCodes<'_>> {
        fn codes(e: &TrackingEvent) -> StatusAndCodes<'_> {
            let raw = (e.raw_status.as_deref(), e.raw_substatus.as_deref());
            (e.status, e.reason, raw.0, raw.1)
        }
        parsed.events.iter().map(codes).collect()
    }

    /// An instant in UTC.
    pub(crate) fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, s).unwrap()
    }

    /// An instant written as RFC 3339.
    pub(crate) fn at(rfc3339: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(rfc3339)
            .unwrap()
            .with_timezone(&Utc)
    }

    /// A wall-clock time with no zone, `2024-08-02T18:50:00`.
    pub(crate) fn wall(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S").unwrap()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_strings_are_absent_and_present_ones_trimmed() {
        assert_eq!(non_empty(Some("  ")), None);
        assert_eq!(non_empty(None), None);
        assert_eq!(non_empty(Some(" US ")), Some("US"));
        assert_eq!(text(&Some("\tFL".to_owned())), Some("FL"));
        assert_eq!(
            location_text([Some("ORLANDO "), None, Some(""), Some("US")]).as_deref(),
            Some("ORLANDO, US")
        );
        assert_eq!(location_text([None, Some(" ")]), None);
        assert_eq!(
            join_present([Some("CA"), Some("94110")], " ").as_deref(),
            Some("CA 94110")
        );
    }

    #[test]
    fn unknown_codes_are_reported_once_in_order() {
        let table = &[super::super::row("known", Some(Status::InTransit), None)];
        let mut unknown = Vec::new();
        assert!(!note_unknown(table, Some("known"), &mut unknown));
        assert!(!note_unknown(table, None, &mut unknown));
        assert!(note_unknown(table, Some("b"), &mut unknown));
        remember(&mut unknown, "a");
        assert!(note_unknown(table, Some("b"), &mut unknown));
        assert_eq!(unknown, ["b", "a"]);
    }

    #[test]
    fn a_blank_or_missing_tracking_number_is_required() {
        for raw in [None, Some(" ")] {
            let err = tracking_number(raw, "number").unwrap_err();
            assert_eq!(
                (err.field.as_str(), err.detail.as_str()),
                ("number", "is required")
            );
        }
        assert_eq!(tracking_number(Some("1z 999"), "n").unwrap(), "1Z999");
    }
}
