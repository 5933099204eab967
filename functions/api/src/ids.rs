//! Ids this API issues (shipments `s_…`, webhook endpoints `we_…`).

/// At most 64 ASCII alphanumerics and underscores: anything else cannot be one of ours, so
/// it is answered as unknown without a read.
pub(crate) fn well_formed(id: &str) -> bool {
    id.len() <= 64 && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::well_formed;

    #[test]
    fn only_our_alphabet_and_length_are_well_formed() {
        assert!(well_formed("s_01JABCDEF"));
        assert!(well_formed(&"a".repeat(64)));
        assert!(!well_formed(&"a".repeat(65)));
        for bad in ["s-1", "s 1", "s/1", "é", "s_1%00"] {
            assert!(!well_formed(bad), "{bad}");
        }
    }
}
