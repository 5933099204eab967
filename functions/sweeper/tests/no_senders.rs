//! The sweeper sends nothing: it wakes due notifications and deliveries for notify and
//! dispatch. This keeps it from linking a sender again (the template gives it no SES, SNS or
//! KMS rights; a sender wired here would fail only on AWS).

const MANIFEST: &str = include_str!("../Cargo.toml");
const MAIN: &str = include_str!("../src/main.rs");

#[test]
fn the_sweeper_depends_on_no_sender() {
    for crate_name in ["afterclick-notify", "afterclick-dispatch", "reqwest"] {
        assert!(
            !MANIFEST.contains(crate_name),
            "the sweeper depends on {crate_name}"
        );
    }
    for sender in [
        "SesMailer",
        "SnsTexter",
        "KmsSealer",
        "HttpSender",
        "with_sealer",
    ] {
        assert!(!MAIN.contains(sender), "the sweeper wires {sender}");
    }
}
