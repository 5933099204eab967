//! A customer's contact details and destination as types, parsed once at the edge (the API,
//! the CLI): whoever holds one holds a valid value. Serde-transparent, so stored items and
//! JSON carry the bare string, byte for byte as before. Deserialising does not check again:
//! stored items are written only from parsed values, and an old item must stay readable.

use crate::validate::FieldError;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::ops::Deref;

/// Why a value is not of its type; the message is the API's `detail`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ContactError {
    #[error("must be an email address")]
    Email,
    #[error("must be an E.164 phone number, e.g. +4915112345678")]
    Phone,
    #[error("must be an ISO 3166-1 alpha-2 country code, e.g. DE")]
    Country,
}

impl ContactError {
    /// The error as a request's field error.
    pub fn at(self, field: impl Into<String>) -> FieldError {
        FieldError::new(field, self.to_string())
    }
}

macro_rules! string_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }

            pub fn into_string(self) -> String {
                self.0
            }
        }

        impl Deref for $name {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> String {
                value.0
            }
        }
    };
}

string_type!(
    /// An email address, deliberately loose (one `@`, a dotted domain, no spaces or angle
    /// brackets, at most 254 bytes): SES is the real judge.
    EmailAddress
);

string_type!(
    /// An E.164 phone number: `+`, a country code not starting with 0, 8 to 15 digits.
    PhoneNumber
);

string_type!(
    /// An ISO 3166-1 alpha-2 country code in capitals, e.g. `DE`.
    CountryCode
);

impl EmailAddress {
    /// The value as given (callers trim what a person typed).
    pub fn parse(value: &str) -> Result<Self, ContactError> {
        let ok = value.len() <= 254
            && !value
                .chars()
                .any(|c| c.is_whitespace() || c == '<' || c == '>')
            && value.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty()
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !domain.contains('@')
            });
        ok.then(|| Self(value.to_owned()))
            .ok_or(ContactError::Email)
    }
}

impl PhoneNumber {
    pub fn parse(value: &str) -> Result<Self, ContactError> {
        let digits = value.strip_prefix('+').unwrap_or("");
        let ok = (8..=15).contains(&digits.len())
            && digits.chars().all(|c| c.is_ascii_digit())
            && !digits.starts_with('0');
        ok.then(|| Self(value.to_owned()))
            .ok_or(ContactError::Phone)
    }
}

impl CountryCode {
    /// Exactly two capital letters (callers trim and capitalise what a person typed).
    pub fn parse(value: &str) -> Result<Self, ContactError> {
        let ok = value.len() == 2 && value.chars().all(|c| c.is_ascii_uppercase());
        ok.then(|| Self(value.to_owned()))
            .ok_or(ContactError::Country)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn contact_fields() {
        assert!(EmailAddress::parse("ada@example.com").is_ok());
        for bad in ["ada", "ada@", "@x.com", "a b@x.com", "a@x", "a@x.com."] {
            assert_eq!(EmailAddress::parse(bad), Err(ContactError::Email), "{bad}");
        }
        assert!(PhoneNumber::parse("+4915112345678").is_ok());
        for bad in [
            "015112345678",
            "+0151123456",
            "+49 151",
            "+1234567890123456",
        ] {
            assert_eq!(PhoneNumber::parse(bad), Err(ContactError::Phone), "{bad}");
        }
        assert!(CountryCode::parse("DE").is_ok());
        for bad in ["de", "DEU", "D", "", "D1"] {
            assert_eq!(CountryCode::parse(bad), Err(ContactError::Country), "{bad}");
        }
    }

    #[test]
    fn stored_and_sent_as_the_bare_string() {
        let email = EmailAddress::parse("ada@example.com").unwrap();
        assert_eq!(
            serde_json::to_string(&email).unwrap(),
            "\"ada@example.com\""
        );
        let back: EmailAddress = serde_json::from_str("\"ada@example.com\"").unwrap();
        assert_eq!(back, email);
        assert_eq!(
            serde_json::to_string(&Some(PhoneNumber::parse("+4915112345678").unwrap())).unwrap(),
            "\"+4915112345678\""
        );
    }
}
