//! The one shape every id in a path or a key has: the shipments (`shp_…`), webhook
//! endpoints (`we_…`) and merchants (`m_…`, or an operator's slug) afterclick issues.

/// The most characters an id has.
pub const MAX_ID_LEN: usize = 64;

/// 1 to 64 ASCII letters, digits, `_` or `-`: anything else cannot be one of ours, so it
/// is answered as unknown without a read (and never becomes part of a key).
pub fn well_formed_id(id: &str) -> bool {
    (1..=MAX_ID_LEN).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// An id from outside (a path, a form) that has the shape of ours: parsed once at the edge,
/// so what reaches a key is always well formed. Derefs to the string the ports take.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Id(String);

impl Id {
    /// `None` for anything that cannot be one of ours (answered as unknown, without a read).
    pub fn parse(raw: &str) -> Option<Id> {
        well_formed_id(raw).then(|| Id(raw.to_owned()))
    }
}

impl std::ops::Deref for Id {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

/// What a new merchant id may be (the operator names it once; it appears in webhook URLs
/// and every key): a well-formed id of 2 or more characters, lowercase.
pub fn valid_new_merchant_id(id: &str) -> bool {
    id.len() >= 2 && well_formed_id(id) && !id.bytes().any(|b| b.is_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    use super::{valid_new_merchant_id, well_formed_id};

    #[test]
    fn an_id_is_parsed_only_from_our_shape() {
        assert_eq!(super::Id::parse("shp_1-a").as_deref(), Some("shp_1-a"));
        assert!(super::Id::parse("shp 1").is_none());
        assert!(super::Id::parse("").is_none());
    }

    #[test]
    fn a_new_merchant_id_is_a_well_formed_lowercase_one_of_two_or_more() {
        assert!(valid_new_merchant_id("m_acme-2"));
        for bad in ["m", "M_acme", "m acme", "m.acme", &"m".repeat(65)] {
            assert!(!valid_new_merchant_id(bad), "{bad}");
        }
    }

    #[test]
    fn only_our_alphabet_and_length_are_well_formed() {
        for good in [
            "shp_01JABCDEF",
            "we_x",
            "m_abc",
            "acme-shop",
            &"a".repeat(64),
        ] {
            assert!(well_formed_id(good), "{good}");
        }
        for bad in [
            "",
            "s 1",
            "s/1",
            "é",
            "s_1%00",
            "s.1",
            "s#1",
            &"a".repeat(65),
        ] {
            assert!(!well_formed_id(bad), "{bad}");
        }
    }
}
