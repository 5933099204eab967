//! `docs/carriers.md`'s provider tables, generated from the tables the code uses (a test keeps
//! the page in step: `cargo run -p afterclick-domain --example provider_tables`).

use super::parsed::StatusRow;
use super::{aftership, carriers, easypost, seventeen_track, shippo, ups};

/// One provider's status tables, each with the payload field it maps.
type FieldTables = &'static [(&'static str, &'static [StatusRow])];

const TABLES: &[(&str, FieldTables)] = &[
    (
        "EasyPost",
        &[
            ("status", easypost::EASYPOST_STATUS),
            ("status_detail", easypost::EASYPOST_SUBSTATUS),
        ],
    ),
    (
        "Shippo",
        &[
            ("status", shippo::SHIPPO_STATUS),
            ("substatus.code", shippo::SHIPPO_SUBSTATUS),
        ],
    ),
    (
        "AfterShip",
        &[
            ("tag", aftership::AFTERSHIP_STATUS),
            ("subtag", aftership::AFTERSHIP_SUBSTATUS),
        ],
    ),
    (
        "17TRACK",
        &[
            ("status", seventeen_track::SEVENTEEN_TRACK_STATUS),
            ("sub_status", seventeen_track::SEVENTEEN_TRACK_SUBSTATUS),
            ("stage / key_stage", seventeen_track::SEVENTEEN_TRACK_STAGE),
        ],
    ),
    (
        "UPS Track Alert",
        &[
            ("activityStatus.type", ups::UPS_STATUS),
            ("activityStatus.code", ups::UPS_SUBSTATUS),
            ("activityStatus.descriptionCode", ups::UPS_DESCRIPTION_CODE),
        ],
    ),
];

/// Markdown: one table per provider, every row of every status table.
pub fn status_tables() -> String {
    let mut out = String::new();
    for (provider, tables) in TABLES {
        out.push_str(&format!(
            "#### {provider}\n\n| field | code | status | reason |\n|---|---|---|---|\n"
        ));
        for (field, rows) in *tables {
            for row in *rows {
                out.push_str(&format!(
                    "| `{field}` | `{}` | {} | {} |\n",
                    row.code,
                    row.status
                        .map_or_else(|| "(keeps the status)".to_owned(), |s| format!("`{s}`")),
                    row.reason.map_or_else(String::new, |r| format!("`{r}`")),
                ));
            }
        }
        out.push('\n');
    }
    out
}

/// Markdown: the carrier slug set and each provider's spelling.
pub fn carrier_table() -> String {
    let mut out = String::from(
        "| slug | carrier | EasyPost | Shippo | AfterShip | 17TRACK |\n|---|---|---|---|---|---|\n",
    );
    for c in carriers::CARRIERS {
        let list = |names: &[&str]| {
            names
                .iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let keys = c
            .seventeen_track
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join(", ");
        out.push_str(&format!(
            "| `{}` | {} | {} | {} | {} | {} |\n",
            c.slug,
            c.name,
            list(c.easypost),
            list(c.shippo),
            list(c.aftership),
            keys
        ));
    }
    out
}
