//! On AWS only the routes the SAM template declares reach the `api` function: a route the
//! Router serves but the template lacks is a 404 in production while every local test
//! passes. The two lists must be equal.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use afterclick_aws::{DynamoStore, SesIdentities};
use afterclick_devstack::template::http_api_routes;
use std::collections::BTreeSet;

#[test]
fn the_template_routes_exactly_the_api_functions_router() {
    let yaml =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../template.yaml")).unwrap();
    let declared: BTreeSet<(String, String)> = http_api_routes(&yaml, "ApiFunction")
        .unwrap()
        .into_iter()
        .collect();
    let served: BTreeSet<(String, String)> = afterclick_api::table::<DynamoStore, SesIdentities>()
        .iter()
        .map(|r| (r.method.to_string(), r.path.to_owned()))
        .collect();
    let missing: Vec<_> = served.difference(&declared).collect();
    let extra: Vec<_> = declared.difference(&served).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "served but not routed by API Gateway: {missing:?}; routed but not served: {extra:?}"
    );
}
