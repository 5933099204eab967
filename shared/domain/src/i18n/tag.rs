//! A BCP 47 language tag as a type: checked once where it comes in (the API), then carried
//! as it was given.

use fluent_templates::LanguageIdentifier;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::ops::Deref;

/// A customer's or merchant's BCP 47 tag (`de-DE`, `pt-BR`, `zh-Hant-TW`), exactly as it
/// was accepted: stored items and JSON carry the same bytes, never a canonical rewrite
/// (`en-us` stays `en-us`). Negotiation reads it with unic-langid ([`Self::language_id`]).
///
/// Built at the edge with [`Self::parse`]. Reading a stored item never fails on it: a
/// record written under older rules keeps its string as it is ([`Self::stored`]), and
/// negotiation passes over a tag it cannot read, as it always has.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LocaleTag(String);

/// What the API answers for a tag it refuses.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("must be a BCP 47 language tag, e.g. en or de-DE")]
pub struct InvalidLocaleTag;

impl LocaleTag {
    /// A tag as a request gives it: a language of two or three letters, then subtags of two
    /// to eight letters or digits, `-` between them.
    ///
    /// The shape rule, not unic-langid's grammar, decides what is accepted: the crate also
    /// takes `de_DE` and five- to eight-letter languages (`english`), and it refuses
    /// extended-language and out-of-order tags (`zh-yue`, `en-US-GB`) that the API has
    /// always accepted. Every accepted tag has a language unic-langid reads, which is all
    /// negotiation needs.
    pub fn parse(value: &str) -> Result<Self, InvalidLocaleTag> {
        let mut parts = value.split('-');
        let language_ok = parts.next().is_some_and(|l| {
            (2..=3).contains(&l.len()) && l.chars().all(|c| c.is_ascii_alphabetic())
        });
        let rest_ok = parts
            .all(|p| (2..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()));
        let tag = Self(value.to_owned());
        if language_ok && rest_ok && tag.language_id().is_some() {
            Ok(tag)
        } else {
            Err(InvalidLocaleTag)
        }
    }

    /// One of the built-in locales' tags, exactly ("pt-BR", not "pt-br"): a merchant's
    /// default must name a locale the messages have.
    pub fn builtin(value: &str) -> Option<Self> {
        super::locale(value).map(|l| Self(l.tag.to_owned()))
    }

    /// A tag read back from a stored item or named by code (a built-in locale's tag), kept
    /// as it is without the edge's check.
    pub fn stored(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// What unic-langid reads in the tag: all of it, else its language (`de` of an
    /// unreadable `de-DE-1`); None when not even that reads.
    pub fn language_id(&self) -> Option<LanguageIdentifier> {
        super::page::parse_tag(&self.0)
    }
}

impl Deref for LocaleTag {
    type Target = str;

    /// The tag is read as a string by negotiation and views (`customer.locale.as_deref()`).
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for LocaleTag {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for LocaleTag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for LocaleTag {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

/// Lenient on purpose: any string reads back (see the type's docs).
impl<'de> Deserialize<'de> for LocaleTag {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Self)
    }
}

/// Tests and fakes write tags as literals.
#[cfg(any(test, feature = "fakes"))]
impl From<&str> for LocaleTag {
    fn from(value: &str) -> Self {
        Self::stored(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_edge_accepts_the_shapes_it_always_has() {
        for good in [
            "en",
            "de-DE",
            "pt-BR",
            "zh-Hant-TW",
            "en-us",
            "es-419",
            "zh-yue",
        ] {
            let tag = LocaleTag::parse(good).unwrap();
            assert_eq!(tag.as_str(), good, "kept as given");
            assert!(tag.language_id().is_some(), "{good}");
        }
        for bad in [
            "",
            "english",
            "de_DE",
            "d",
            "de-",
            "-de",
            "de-D",
            "de-DE-u-co-phonebk",
        ] {
            assert_eq!(LocaleTag::parse(bad), Err(InvalidLocaleTag), "{bad}");
        }
    }

    #[test]
    fn a_merchant_default_is_a_built_in_tag_exactly() {
        assert_eq!(LocaleTag::builtin("pt-BR").unwrap().as_str(), "pt-BR");
        for other in ["pt-br", "pt", "de-DE", "tlh", ""] {
            assert_eq!(LocaleTag::builtin(other), None, "{other}");
        }
    }

    #[test]
    fn json_carries_the_accepted_string_and_any_stored_string_reads_back() {
        let tag = LocaleTag::parse("en-us").unwrap();
        assert_eq!(serde_json::to_string(&tag).unwrap(), r#""en-us""#);
        for stored in [r#""en-us""#, r#""english""#, r#""""#, r#""de_DE""#] {
            let tag: LocaleTag = serde_json::from_str(stored).unwrap();
            assert_eq!(serde_json::to_string(&tag).unwrap(), stored);
        }
        let old: LocaleTag = serde_json::from_str(r#""x""#).unwrap();
        assert_eq!(old.language_id(), None);
    }
}
