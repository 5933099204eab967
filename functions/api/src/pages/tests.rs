//! Links, image hosts and tokens the pages accept.

use super::*;

#[test]
fn only_https_images_with_plain_hosts_are_allowed() {
    assert_eq!(
        image_origin("https://cdn.shop.example:8443/a.png?x=1").as_deref(),
        Some("https://cdn.shop.example:8443")
    );
    for bad in [
        "http://cdn.example/a.png",
        "javascript:alert(1)",
        "https://evil.example;script-src *",
        "https://user@host/x",
        "https:///x",
    ] {
        assert_eq!(image_origin(bad), None, "{bad}");
    }
    assert_eq!(safe_link("javascript:alert(1)"), None);
    assert_eq!(
        safe_link(" HTTPS://x.example ").as_deref(),
        Some("HTTPS://x.example")
    );
}

#[test]
fn tokens_are_32_lowercase_hex_characters() {
    assert!(well_formed_token("0123456789abcdef0123456789abcdef"));
    assert!(!well_formed_token("0123456789ABCDEF0123456789ABCDEF"));
    assert!(!well_formed_token("0123456789abcdef0123456789abcde"));
    assert!(!well_formed_token("../../etc/passwd0123456789abcdef"));
}
