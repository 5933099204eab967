//! Lambda event filtering (the EventBridge pattern subset Lambda supports): a record passes
//! a pattern when every key of the pattern matches; leaves are lists of alternatives.

use serde_json::Value;

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
