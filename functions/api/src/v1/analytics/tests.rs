use super::*;
use crate::v1::api_keys::tests::{api, call, now, two_merchants};
use afterclick_domain::analytics::{OutcomeCounters, TRANSIT_BUCKETS, Totals};

fn query(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

#[test]
fn ranges_select_whole_months_and_bad_ones_name_the_field() {
    let ok: [(&str, &str, &str, &str); 4] = [
        ("2026-02-15", "2026-02-15", "2026-02-01", "2026-02-28"),
        ("2026-01-31", "2026-03-01", "2026-01-01", "2026-03-31"),
        ("2024-02-01", "2024-02-29", "2024-02-01", "2024-02-29"),
        ("2026-01-01", "2027-01-02", "2026-01-01", "2027-01-31"),
    ];
    for (from, to, first, last) in ok {
        let (a, b) = months(&query(&[("from", from), ("to", to)])).unwrap();
        assert_eq!((a.to_string(), b.to_string()), (first.into(), last.into()));
    }
    let bad: [(&[(&str, &str)], &str); 8] = [
        (&[("to", "2026-01-01")], "from"),
        (&[("from", "2026-01-01")], "to"),
        (&[("from", "2026-1-01"), ("to", "2026-01-02")], "from"),
        (&[("from", "2026-02-30"), ("to", "2026-03-02")], "from"),
        (&[("from", "yesterday"), ("to", "2026-03-02")], "from"),
        (&[("from", "2026-01-01"), ("to", "2026-01-01T00:00")], "to"),
        (&[("from", "2026-03-02"), ("to", "2026-03-01")], "to"),
        (&[("from", "2026-01-01"), ("to", "2027-01-03")], "to"),
    ];
    for (pairs, field) in bad {
        assert_eq!(months(&query(pairs)).unwrap_err().field, field, "{pairs:?}");
    }
}

fn item(month: &str, carrier: &str, shipments: u64, delivered: u64) -> OutcomeCounters {
    let mut transit = [0; TRANSIT_BUCKETS.len()];
    transit[2] = delivered;
    OutcomeCounters {
        month: month.into(),
        carrier: carrier.into(),
        service: None,
        destination_country: Some("DE".into()),
        totals: Totals {
            shipments,
            delivered,
            transit,
            ..Totals::default()
        },
    }
}

#[tokio::test]
async fn the_report_covers_the_months_asked_for_and_only_the_callers_counters() {
    let (store, a, b) = two_merchants().await;
    store.put_counters("m_a", item("2026-01", "ups", 9, 9));
    store.put_counters("m_a", item("2026-02", "ups", 2, 1));
    store.put_counters("m_a", item("2026-03", "ups", 3, 0));
    store.put_counters("m_a", item("2026-03", "dhl", 1, 0));
    store.put_counters("m_a", item("2026-04", "ups", 7, 7));
    store.put_counters("m_b", item("2026-02", "ups", 50, 50));
    let api = api(&store, now);
    let uri = "/v1/analytics/carriers?from=2026-02-20&to=2026-03-01";
    let (status, body) = call(&api, "GET", uri, &a).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        (body["from"].as_str(), body["to"].as_str()),
        (Some("2026-02-01"), Some("2026-03-31"))
    );
    let carriers = body["carriers"].as_array().unwrap();
    assert_eq!(carriers.len(), 2);
    assert_eq!(carriers[0]["carrier"], "dhl");
    assert!(carriers[0]["on_time_rate"].is_null());
    assert!(carriers[0]["transit_median_hours"].is_null());
    let ups = &carriers[1];
    assert_eq!(
        (ups["shipments"].as_u64(), ups["delivered"].as_u64()),
        (Some(5), Some(1))
    );
    assert_eq!(ups["transit_median_hours"], 30.0);
    assert_eq!(ups["destination_countries"][0]["country"], "DE");

    let (_, other) = call(&api, "GET", uri, &b).await;
    assert_eq!(other["carriers"][0]["shipments"], 50);
    assert_eq!(other["carriers"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn bad_ranges_are_422_problems_and_bad_keys_401() {
    let (store, a, _) = two_merchants().await;
    let api = api(&store, now);
    let (status, body) = call(
        &api,
        "GET",
        "/v1/analytics/carriers?from=2026-05-01&to=2026-04-01",
        &a,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["field"], "to");
    let (status, body) = call(&api, "GET", "/v1/analytics/carriers", &a).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["field"], "from");
    let (status, _) = call(
        &api,
        "GET",
        "/v1/analytics/carriers?from=2026-05-01&to=2026-05-01",
        "ak_x",
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}
