//! The customer's tracking page in headless Chromium, driven by Playwright with axe-core
//! (`tests/browser/tracking.mjs`): a delivered shipment's page at 375px and 1280px, no serious
//! or critical accessibility violation, and a star rating submitted through the page's own
//! form, which must arrive in the store. The unsubscribe and lookup pages get the same axe
//! scan. Screenshots go to `AFTERCLICK_SCREENSHOTS_DIR` when set (`make screenshots`: docs/).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use afterclick_domain::ports::RatingStore;
use afterclick_e2e::fixtures::delivered_shipment;
use afterclick_e2e::{Stack, workspace_root};
use std::process::Command;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customer_rates_a_delivery_on_an_accessible_tracking_page() {
    let stack = Stack::start().await;
    let info = stack.info().clone();
    let shipment = delivered_shipment(&stack).await;
    let unsubscribe = stack.url(&format!("/u/{}", shipment.token));
    let lookup = stack.url(&format!("/lookup/{}", info.merchant_id));

    let mut command = Command::new("node");
    command
        .arg(workspace_root().join("tests/browser/tracking.mjs"))
        .args([&shipment.tracking_url, &unsubscribe, &lookup]);
    let output = tokio::task::spawn_blocking(move || command.output())
        .await
        .unwrap()
        .expect("node (Node.js) is required");
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "browser checks failed:\n{report}");
    println!("{report}");

    let rating = stack
        .devstack
        .store
        .rating(&info.merchant_id, &shipment.tracking_number)
        .await
        .unwrap()
        .expect("the rating submitted in the browser was not stored");
    assert_eq!(rating.stars, 4);
    assert_eq!(
        rating.comment.as_deref(),
        Some("Schnell und freundlich geliefert.")
    );
}
