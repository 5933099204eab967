//! `docs/carriers.md`'s status and carrier tables are the code's tables, row for row.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use afterclick_domain::providers::docs;

#[test]
fn the_carrier_docs_show_every_status_mapping_and_carrier_as_the_code_has_them() {
    let page = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/carriers.md"
    ))
    .unwrap();
    let start = "<!-- generated: provider tables -->\n";
    let end = "<!-- end generated -->";
    let from = page
        .find(start)
        .expect("docs/carriers.md lacks the generated marker")
        + start.len();
    let to = page[from..]
        .find(end)
        .expect("docs/carriers.md lacks the end marker")
        + from;
    let expected = format!("{}{}", docs::status_tables(), docs::carrier_table());
    assert!(
        page[from..to] == expected,
        "docs/carriers.md tables are stale: run `cargo run -q -p afterclick-domain --example provider_tables` and paste between the markers"
    );
}
