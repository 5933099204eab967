//! CloudWatch metrics as embedded-metric-format log lines: Lambda sends stdout to
//! CloudWatch Logs, which turns each such line into a metric point (no PutMetricData call,
//! no extra permission). Namespace `afterclick`, no dimensions: the template's alarms
//! watch these names.

use serde_json::json;

pub const NAMESPACE: &str = "afterclick";

/// The line for one count of `name`, at `timestamp_ms` (milliseconds since the epoch).
pub fn count_line(name: &str, value: u64, timestamp_ms: i64) -> String {
    json!({
        "_aws": {
            "Timestamp": timestamp_ms,
            "CloudWatchMetrics": [{
                "Namespace": NAMESPACE,
                "Dimensions": [[]],
                "Metrics": [{"Name": name, "Unit": "Count"}]
            }]
        },
        name: value
    })
    .to_string()
}

/// Counts `name` once (by `value`) now.
pub fn count(name: &str, value: u64) {
    println!(
        "{}",
        count_line(name, value, chrono::Utc::now().timestamp_millis())
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_is_what_cloudwatch_extracts() {
        let line: serde_json::Value = serde_json::from_str(&count_line(
            "ExpiredNotificationClaims",
            1,
            1_700_000_000_000,
        ))
        .unwrap();
        assert_eq!(line["ExpiredNotificationClaims"], 1);
        let directive = &line["_aws"]["CloudWatchMetrics"][0];
        assert_eq!(directive["Namespace"], "afterclick");
        assert_eq!(directive["Metrics"][0]["Name"], "ExpiredNotificationClaims");
        assert_eq!(line["_aws"]["Timestamp"], 1_700_000_000_000_i64);
    }
}
