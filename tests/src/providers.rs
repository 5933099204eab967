//! Provider fixtures for end-to-end runs: loaded from `tests/fixtures/providers`, moved in
//! time so their newest scan is a few minutes old (fresh moments notify; stale ones do not),
//! and signed the way each provider signs.

use afterclick_domain::providers::{Provider, auth};
use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, Utc};
use serde_json::Value;
use std::path::Path;

pub fn fixture(provider: Provider, name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/providers")
        .join(provider.as_str())
        .join(format!("{name}.json"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

enum Stamp {
    Instant(DateTime<chrono::FixedOffset>),
    Naive(NaiveDateTime, &'static str),
    Date(NaiveDate, &'static str),
}

const NAIVE: &[&str] = &[
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
];

fn stamp(key: &str, s: &str) -> Option<Stamp> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(Stamp::Instant(t));
    }
    for fmt in NAIVE {
        if let Ok(t) = NaiveDateTime::parse_from_str(s, fmt) {
            return Some(Stamp::Naive(t, fmt));
        }
    }
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return Some(Stamp::Date(d, "%Y-%m-%d"));
    }
    // UPS: YYYYMMDD in `*Date` fields (their `*Time` partners are shifted with them).
    if key.ends_with("Date") && s.len() == 8 {
        return NaiveDate::parse_from_str(s, "%Y%m%d")
            .ok()
            .map(|d| Stamp::Date(d, "%Y%m%d"));
    }
    None
}

fn latest(value: &Value, key: &str, found: &mut Vec<DateTime<Utc>>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                latest(v, k, found);
            }
            // UPS pairs a date with an HHMMSS time.
            if let (Some(Value::String(d)), Some(Value::String(t))) =
                (map.get("gmtActivityDate"), map.get("gmtActivityTime"))
                && let Ok(at) = NaiveDateTime::parse_from_str(&format!("{d}{t}"), "%Y%m%d%H%M%S")
            {
                found.push(at.and_utc());
            }
        }
        Value::Array(items) => items.iter().for_each(|v| latest(v, key, found)),
        Value::String(s) => match stamp(key, s) {
            Some(Stamp::Instant(t)) => found.push(t.with_timezone(&Utc)),
            Some(Stamp::Naive(t, _)) => found.push(t.and_utc()),
            _ => {}
        },
        _ => {}
    }
}

fn shift(value: &mut Value, key: &str, by: Duration) {
    match value {
        Value::Object(map) => {
            for prefix in ["gmtActivity", "localActivity", "actualDelivery"] {
                let (dk, tk) = (format!("{prefix}Date"), format!("{prefix}Time"));
                if let (Some(Value::String(d)), Some(Value::String(t))) =
                    (map.get(&dk), map.get(&tk))
                    && let Ok(at) =
                        NaiveDateTime::parse_from_str(&format!("{d}{t}"), "%Y%m%d%H%M%S")
                {
                    let moved = at + by;
                    map.insert(dk, Value::String(moved.format("%Y%m%d").to_string()));
                    map.insert(tk, Value::String(moved.format("%H%M%S").to_string()));
                }
            }
            for (k, v) in map.iter_mut() {
                if !(k.ends_with("ActivityDate")
                    || k.ends_with("ActivityTime")
                    || k.starts_with("actualDelivery"))
                {
                    shift(v, k, by);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| shift(v, key, by)),
        Value::String(s) => {
            let moved = match stamp(key, s) {
                Some(Stamp::Instant(t)) => {
                    Some((t + by).to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true))
                }
                Some(Stamp::Naive(t, fmt)) => Some((t + by).format(fmt).to_string()),
                Some(Stamp::Date(d, fmt)) => Some((d + by).format(fmt).to_string()),
                None => None,
            };
            if let Some(m) = moved {
                *s = m;
            }
        }
        _ => {}
    }
}

/// The fixture with every timestamp moved so the newest is `age` before now. Local wall
/// times move by the same amount, so they stay consistent with their instants.
pub fn retimed(body: &[u8], age: Duration) -> Vec<u8> {
    let mut doc: Value = serde_json::from_slice(body).expect("fixture is JSON");
    let mut found = Vec::new();
    latest(&doc, "", &mut found);
    let newest = found.into_iter().max().expect("fixture has timestamps");
    let by = (Utc::now() - age) - newest;
    // Whole minutes keep second-precision formats exact.
    let by = Duration::minutes(by.num_minutes());
    shift(&mut doc, "", by);
    serde_json::to_vec(&doc).expect("serialisable")
}

/// Headers (and URL token, for none of the header-signing providers) a genuine delivery carries.
pub fn signed_headers(provider: Provider, secret: &str, body: &[u8]) -> Vec<(String, String)> {
    auth::sign(provider, secret, body, Utc::now())
}
