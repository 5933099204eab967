//! Lambda event filtering (the EventBridge pattern subset Lambda supports): a record passes
//! a pattern when every key of the pattern matches; leaves are lists of alternatives.

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// The attributes of a record's images (`Keys`, `NewImage`, `OldImage`) that patterns read.
/// A record can be matched on a view holding only those: most records a mapping reads are
/// for other functions, and a shipment's image is large to convert for nothing.
#[derive(Debug, Default)]
pub struct Needs {
    /// Per image: the attributes, or `None` when a pattern reads the image as a whole.
    images: BTreeMap<String, Option<BTreeSet<String>>>,
    /// A pattern reads `dynamodb` as a whole.
    all: bool,
}

impl Needs {
    pub fn of(patterns: &[Value]) -> Self {
        let mut needs = Self::default();
        for pattern in patterns {
            match pattern.get("dynamodb") {
                None => {}
                Some(Value::Object(images)) => {
                    for (image, sub) in images {
                        let entry = needs
                            .images
                            .entry(image.clone())
                            .or_insert_with(|| Some(BTreeSet::new()));
                        match (sub, entry) {
                            (Value::Object(attributes), Some(names)) => {
                                names.extend(attributes.keys().cloned())
                            }
                            (Value::Object(_), None) => {}
                            (_, entry) => *entry = None,
                        }
                    }
                }
                Some(_) => needs.all = true,
            }
        }
        needs
    }

    /// Does a pattern read `attribute` of `image`?
    pub fn wants(&self, image: &str, attribute: &str) -> bool {
        self.all
            || match self.images.get(image) {
                None => false,
                Some(None) => true,
                Some(Some(names)) => names.contains(attribute),
            }
    }
}

pub fn matches_any(patterns: &[Value], record: &Value) -> bool {
    patterns.is_empty() || patterns.iter().any(|p| matches(p, Some(record)))
}

fn matches(pattern: &Value, value: Option<&Value>) -> bool {
    match pattern {
        Value::Object(fields) => fields.iter().all(|(key, sub)| {
            let child = value.and_then(|v| v.get(key));
            matches(sub, child)
        }),
        Value::Array(alternatives) => alternatives.iter().any(|alt| leaf(alt, value)),
        _ => false,
    }
}

fn leaf(alternative: &Value, value: Option<&Value>) -> bool {
    match alternative {
        Value::Object(rule) => {
            if let Some(exists) = rule.get("exists").and_then(Value::as_bool) {
                return value.is_some() == exists;
            }
            if let Some(prefix) = rule.get("prefix").and_then(Value::as_str) {
                return value
                    .and_then(Value::as_str)
                    .is_some_and(|s| s.starts_with(prefix));
            }
            if let Some(excluded) = rule.get("anything-but") {
                let excluded = match excluded {
                    Value::Array(list) => list.clone(),
                    other => vec![other.clone()],
                };
                return value.is_some_and(|v| !excluded.contains(v));
            }
            false
        }
        literal => value == Some(literal),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nested_alternatives_prefix_exists_and_anything_but() {
        let record =
            json!({"eventName": "INSERT", "dynamodb": {"NewImage": {"type": {"S": "event"}}}});
        let pattern = json!({"eventName": ["INSERT"], "dynamodb": {"NewImage": {"type": {"S": ["event", "shipment"]}}}});
        assert!(matches_any(std::slice::from_ref(&pattern), &record));
        let modify =
            json!({"eventName": "MODIFY", "dynamodb": {"NewImage": {"type": {"S": "event"}}}});
        assert!(!matches_any(&[pattern], &modify));
        assert!(matches_any(
            &[json!({"eventName": [{"prefix": "INS"}]})],
            &record
        ));
        assert!(matches_any(
            &[json!({"eventName": [{"anything-but": ["REMOVE"]}]})],
            &record
        ));
        assert!(!matches_any(
            &[json!({"missing": [{"exists": true}]})],
            &record
        ));
        assert!(matches_any(
            &[json!({"missing": [{"exists": false}]})],
            &record
        ));
        assert!(matches_any(&[], &record));
    }
}
