//! Money-back guarantees as data: which services are guaranteed for a ship date, by when,
//! and (where the carrier gave no scheduled date) in how many business days. The defaults are
//! `guarantees.tsv`; a merchant may replace the whole table.

use super::InvoiceCarrier;
use crate::validate::FieldError;
use chrono::{NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};

/// Rules one merchant's table may hold.
pub const MAX_RULES: usize = 200;

/// One row: for this carrier's services and ship dates, guaranteed or not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GuaranteeRule {
    pub carrier: InvoiceCarrier,
    /// Service names ([`service_key`] applied), or `*` for every service.
    pub services: Vec<String>,
    /// First ship date covered (inclusive); none: since always.
    #[serde(default)]
    pub from: Option<NaiveDate>,
    /// Last ship date covered (inclusive); none: still.
    #[serde(default)]
    pub until: Option<NaiveDate>,
    pub guaranteed: bool,
    /// The latest local delivery time promised, `HH:MM`; none: the end of the day.
    #[serde(default)]
    pub commit_time: Option<String>,
    /// Business days from ship date to the scheduled delivery, where the carrier's
    /// tracking gave no date.
    #[serde(default)]
    pub business_days: Option<u8>,
    #[serde(default)]
    pub note: String,
}

/// What a ship date's guarantee promises.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Terms {
    pub commit: Option<NaiveTime>,
    pub business_days: Option<u8>,
}

/// The rules in order; the last one matching decides.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuaranteeTable {
    /// Left out when empty (as every empty collection in a stored item).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<GuaranteeRule>,
}

/// `UPS Next Day Air®` -> `next day air`; `FedEx 2Day` -> `2day`.
pub fn service_key(name: &str) -> String {
    // Dots join (`A.M.` = `am`); other punctuation separates words.
    let words: Vec<String> = name
        .replace('.', "")
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    let mut words: &[String] = &words;
    if let [first, rest @ ..] = words
        && matches!(first.as_str(), "ups" | "fedex")
    {
        words = rest;
    }
    // UPS prints the delivery area after the service on some freight rows.
    if let [rest @ .., last] = words
        && !rest.is_empty()
        && matches!(last.as_str(), "residential" | "commercial")
    {
        words = rest;
    }
    words.join(" ")
}

impl GuaranteeTable {
    /// The table a merchant starts with.
    pub fn defaults() -> Self {
        Self {
            rules: include_str!("guarantees.tsv")
                .lines()
                .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
                .filter_map(parse_row)
                .collect(),
        }
    }

    /// The guarantee for a parcel shipped on `ship_date` with `service`, if one is in force.
    pub fn terms(
        &self,
        carrier: InvoiceCarrier,
        service: &str,
        ship_date: NaiveDate,
    ) -> Option<Terms> {
        let key = service_key(service);
        let rule = self.rules.iter().rev().find(|r| {
            r.carrier == carrier
                && r.services.iter().any(|s| s == "*" || *s == key)
                && r.from.is_none_or(|f| f <= ship_date)
                && r.until.is_none_or(|u| ship_date <= u)
        })?;
        rule.guaranteed.then(|| Terms {
            commit: rule.commit_time.as_deref().and_then(parse_time),
            business_days: rule.business_days,
        })
    }

    /// A merchant's table as sent: every rule checked, services normalised.
    pub fn parse(mut rules: Vec<GuaranteeRule>) -> Result<Self, FieldError> {
        if rules.len() > MAX_RULES {
            return Err(FieldError::new(
                "rules",
                format!("holds at most {MAX_RULES} rules"),
            ));
        }
        for (i, rule) in rules.iter_mut().enumerate() {
            let field = |name: &str| format!("rules[{i}].{name}");
            if rule.services.is_empty() || rule.services.len() > 50 {
                return Err(FieldError::new(
                    field("services"),
                    "must name 1 to 50 services, or \"*\"",
                ));
            }
            for service in &mut rule.services {
                if service.chars().count() > 80 {
                    return Err(FieldError::new(
                        field("services"),
                        "holds a service name over 80 characters",
                    ));
                }
                let key = if service.trim() == "*" {
                    "*".to_owned()
                } else {
                    service_key(service)
                };
                if key.is_empty() {
                    return Err(FieldError::new(
                        field("services"),
                        "holds a service name without letters or digits",
                    ));
                }
                *service = key;
            }
            if let (Some(from), Some(until)) = (rule.from, rule.until)
                && until < from
            {
                return Err(FieldError::new(field("until"), "must not be before `from`"));
            }
            if let Some(time) = &rule.commit_time
                && parse_time(time).is_none()
            {
                return Err(FieldError::new(
                    field("commit_time"),
                    "must be a time of day as HH:MM",
                ));
            }
            if rule.business_days.is_some_and(|d| !(1..=30).contains(&d)) {
                return Err(FieldError::new(
                    field("business_days"),
                    "must be between 1 and 30",
                ));
            }
            if rule.note.chars().count() > 200 {
                return Err(FieldError::new(
                    field("note"),
                    "must be at most 200 characters",
                ));
            }
        }
        Ok(Self { rules })
    }
}

fn parse_time(s: &str) -> Option<NaiveTime> {
    (s.len() == 5)
        .then(|| NaiveTime::parse_from_str(s, "%H:%M").ok())
        .flatten()
}

fn parse_row(line: &str) -> Option<GuaranteeRule> {
    let cols: Vec<&str> = line.split('\t').collect();
    let [
        carrier,
        services,
        from,
        until,
        guaranteed,
        commit,
        days,
        note,
    ] = cols[..]
    else {
        return None;
    };
    let date = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
    let optional = |s: &str| (s != "-").then(|| s.to_owned());
    Some(GuaranteeRule {
        carrier: InvoiceCarrier::parse(carrier)?,
        services: services
            .split(',')
            .map(|s| {
                if s == "*" {
                    s.to_owned()
                } else {
                    service_key(s)
                }
            })
            .collect(),
        from: date(from),
        until: date(until),
        guaranteed: guaranteed == "yes",
        commit_time: optional(commit),
        business_days: days.parse().ok(),
        note: note.to_owned(),
    })
}
