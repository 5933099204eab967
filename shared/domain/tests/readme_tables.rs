//! The README's status and carrier tables are the code's tables, row for row.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use afterclick_domain::providers::docs;

#[test]
fn the_readme_shows_every_status_mapping_and_carrier_as_the_code_has_them() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md")).unwrap();
    let start = "<!-- generated: provider tables -->\n";
    let end = "<!-- end generated -->";
    let from = readme
        .find(start)
        .expect("README lacks the generated marker")
        + start.len();
    let to = readme[from..]
        .find(end)
        .expect("README lacks the end marker")
        + from;
    let expected = format!("{}{}", docs::status_tables(), docs::carrier_table());
    assert!(
        readme[from..to] == expected,
        "README tables are stale: run `cargo run -q -p afterclick-domain --example readme_tables` and paste between the markers"
    );
}
