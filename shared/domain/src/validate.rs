//! Input validation shared by the API and the webhooks: every failure names its field.

use crate::contact::EmailAddress;
use crate::i18n::LocaleTag;
use chrono::{DateTime, NaiveDate};
use serde::de::DeserializeOwned;

/// What was wrong and where: `field` is a JSON path such as `events[0].status`, empty when
/// the document as a whole is at fault (e.g. not JSON at all).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {detail}")]
pub struct FieldError {
    pub field: String,
    pub detail: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, detail: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            detail: detail.into(),
        }
    }
}

/// Deserialises JSON, reporting the path of the first wrong or missing field.
pub fn parse_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, FieldError> {
    // Every document afterclick reads is an object, but serde also builds a struct from an
    // array of its members in order (`[null, null]`), which no client means.
    if body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[') {
        return Err(FieldError::new("", "the body must be a JSON object"));
    }
    let de = &mut serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(de).map_err(|err| {
        let inner = err.inner();
        let path = err.path().to_string();
        let path = if path == "." { String::new() } else { path };
        if inner.is_syntax() || inner.is_eof() {
            return FieldError::new(
                "",
                format!(
                    "the body is not valid JSON (line {}, column {})",
                    inner.line(),
                    inner.column()
                ),
            );
        }
        let message = inner.to_string();
        let detail = message
            .split(" at line ")
            .next()
            .unwrap_or(&message)
            .to_owned();
        match missing_field(&detail) {
            Some(name) if path.is_empty() => FieldError::new(name, "is required"),
            Some(name) => FieldError::new(format!("{path}.{name}"), "is required"),
            None => FieldError::new(path, detail),
        }
    })
}

fn missing_field(message: &str) -> Option<&str> {
    message.strip_prefix("missing field `")?.split('`').next()
}

/// Letters, digits, dashes and underscores: what carriers print and what aggregators' test
/// numbers use (Shippo's `SHIPPO_TRANSIT`, `SHIPPO_DELIVERED`...).
pub fn validate_tracking_number(field: &str, value: &str) -> Result<(), FieldError> {
    let ok = (4..=64).contains(&value.len())
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok {
        Ok(())
    } else {
        Err(FieldError::new(
            field,
            "must be 4 to 64 letters, digits, dashes or underscores",
        ))
    }
}

/// An email address (see [`EmailAddress::parse`]), for values kept as strings (merchant
/// settings, the CLI's arguments).
pub fn validate_email(field: &str, value: &str) -> Result<(), FieldError> {
    EmailAddress::parse(value)
        .map(|_| ())
        .map_err(|e| e.at(field))
}

/// A BCP 47 language tag of the common shapes: `de`, `de-DE`, `pt-BR`, `zh-Hant-TW`
/// (see [`LocaleTag::parse`]).
pub fn validate_locale(field: &str, value: &str) -> Result<LocaleTag, FieldError> {
    LocaleTag::parse(value).map_err(|e| FieldError::new(field, e.to_string()))
}

pub fn validate_timezone(field: &str, value: &str) -> Result<(), FieldError> {
    value
        .parse::<chrono_tz::Tz>()
        .map(|_| ())
        .map_err(|_| FieldError::new(field, "must be an IANA time zone, e.g. Europe/Berlin"))
}

/// A calendar date (`2026-11-22`) or an RFC 3339 date-time, of which the date is taken in
/// its own offset (the carrier's local delivery day).
pub fn parse_date_or_datetime(field: &str, raw: &str) -> Result<NaiveDate, FieldError> {
    NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .or_else(|_| DateTime::parse_from_rfc3339(raw).map(|dt| dt.date_naive()))
        .map_err(|_| {
            FieldError::new(
                field,
                "must be a date (YYYY-MM-DD) or an RFC 3339 date-time",
            )
        })
}

/// How far from today a promised delivery date may be: a promise a month gone is a
/// mistake (it would announce a delay at once), one more than a year ahead too.
pub const PROMISE_DAYS_BACK: i64 = 30;
pub const PROMISE_DAYS_AHEAD: i64 = 366;

pub fn validate_promise(field: &str, date: NaiveDate, today: NaiveDate) -> Result<(), FieldError> {
    let days = (date - today).num_days();
    if (-PROMISE_DAYS_BACK..=PROMISE_DAYS_AHEAD).contains(&days) {
        Ok(())
    } else {
        Err(FieldError::new(
            field,
            format!(
                "must be within {PROMISE_DAYS_BACK} days before and {PROMISE_DAYS_AHEAD} days after today"
            ),
        ))
    }
}

pub fn validate_text(field: &str, value: &str, max_chars: usize) -> Result<(), FieldError> {
    if value.trim().is_empty() {
        Err(FieldError::new(field, "must not be empty"))
    } else if value.chars().count() > max_chars {
        Err(FieldError::new(
            field,
            format!("must be at most {max_chars} characters"),
        ))
    } else if value.chars().any(char::is_control) {
        Err(FieldError::new(
            field,
            "must not contain control characters",
        ))
    } else if let Some(c) = value.chars().find(|&c| is_invisible(c)) {
        Err(FieldError::new(
            field,
            format!(
                "must not contain invisible formatting characters (U+{:04X})",
                u32::from(c)
            ),
        ))
    } else {
        Ok(())
    }
}

/// Characters that are not seen but change what text shows or how it compares: zero-width
/// spaces, the byte-order mark, soft hyphens, direction overrides and isolates (a name
/// that reads differently than it is stored). Zero-width joiners and non-joiners stay:
/// Indic and Persian names and emoji need them.
pub fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{061C}'
            | '\u{115F}'
            | '\u{1160}'
            | '\u{3164}'
            | '\u{180E}'
            | '\u{200B}'
            | '\u{200E}'
            | '\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}'
            | '\u{FEFF}'
            | '\u{FFF9}'..='\u{FFFB}'
    )
}

/// For `#[serde(default, deserialize_with = "present")]`: a field that may be left out but,
/// when sent, must not be `null` (the document says so, and a null is a client's mistake).
pub fn present<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    T::deserialize(deserializer).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tracking_numbers_take_underscores_and_refuse_what_is_not_ascii() {
        for ok in ["1Z999AA10123456784", "SHIPPO_TRANSIT", "LX-1234_56", "ABCD"] {
            assert!(validate_tracking_number("t", ok).is_ok(), "{ok}");
        }
        for bad in [
            "ABC",
            "1ZßA1234",
            "ﬀ123456",
            "A B C D",
            "ABC#1",
            &"A".repeat(65),
        ] {
            let err = validate_tracking_number("t", bad).unwrap_err();
            assert_eq!(
                err.detail, "must be 4 to 64 letters, digits, dashes or underscores",
                "{bad}"
            );
        }
    }

    #[test]
    fn promises_are_within_a_month_back_and_a_year_ahead() {
        let today = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        for ok in [today, day(2026, 1, 30), day(2027, 3, 2)] {
            assert!(validate_promise("p", ok, today).is_ok(), "{ok}");
        }
        for bad in [
            day(1970, 1, 1),
            day(2026, 1, 29),
            day(2027, 3, 3),
            day(9999, 12, 31),
        ] {
            assert!(validate_promise("p", bad, today).is_err(), "{bad}");
        }
    }

    #[test]
    fn names_refuse_invisible_characters_but_keep_joiners() {
        for bad in [
            "Ada\u{200B}",
            "\u{202E}ecilA",
            "\u{FEFF}Ada",
            "Ad\u{00AD}a",
            "A\u{2066}b",
        ] {
            let err = validate_text("customer.name", bad, 200).unwrap_err();
            assert!(err.detail.contains("invisible"), "{bad:?}: {}", err.detail);
        }
        for good in [
            "Ada Lovelace",
            "می\u{200C}خواهم",
            "👩\u{200D}💻 Ada",
            "José Ñúñez",
            "山田 太郎",
        ] {
            assert!(
                validate_text("customer.name", good, 200).is_ok(),
                "{good:?}"
            );
        }
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Doc {
        customer: Inner,
    }
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Inner {
        name: String,
        age: u8,
    }

    #[test]
    fn json_errors_carry_the_path() {
        assert_eq!(parse_json::<Doc>(b"{}").unwrap_err().field, "customer");
        assert_eq!(
            parse_json::<Doc>(br#"{"customer":{"name":"a"}}"#)
                .unwrap_err()
                .field,
            "customer.age"
        );
        assert_eq!(
            parse_json::<Doc>(br#"{"customer":{"name":1,"age":2}}"#)
                .unwrap_err()
                .field,
            "customer.name"
        );
        let array = parse_json::<Inner>(br#" ["a", 2]"#).unwrap_err();
        assert_eq!(array.detail, "the body must be a JSON object");
        let syntax = parse_json::<Doc>(b"{").unwrap_err();
        assert_eq!(syntax.field, "");
        assert!(syntax.detail.contains("not valid JSON"));
    }

    #[test]
    fn contact_fields() {
        assert!(validate_email("e", "ada@example.com").is_ok());
        for bad in ["ada", "ada@", "@x.com", "a b@x.com", "a@x", "a@x.com."] {
            assert!(validate_email("e", bad).is_err(), "{bad}");
        }
        for good in ["en", "de-DE", "pt-BR", "zh-Hant-TW"] {
            assert!(validate_locale("l", good).is_ok(), "{good}");
        }
        for bad in ["", "english", "de_DE", "d"] {
            assert!(validate_locale("l", bad).is_err(), "{bad}");
        }
        assert_eq!(
            validate_locale("customer.locale", "english"),
            Err(FieldError::new(
                "customer.locale",
                "must be a BCP 47 language tag, e.g. en or de-DE"
            ))
        );
        assert_eq!(validate_locale("l", "en-us").unwrap().as_str(), "en-us");
        assert!(validate_timezone("t", "Europe/Berlin").is_ok());
        assert!(validate_timezone("t", "Mars/Olympus").is_err());
    }
}
