//! `make run` keeps its table across versions: starting on a table that lacks an index the
//! template now declares adds it (built from the items already there), so a returning
//! developer's list queries work instead of failing on a missing index.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use afterclick_devstack::template::Template;
use afterclick_e2e::Stack;
use aws_sdk_dynamodb::types::{DeleteGlobalSecondaryIndexAction, GlobalSecondaryIndexUpdate};
use serde_json::json;

async fn index_names(stack: &Stack) -> Vec<String> {
    stack
        .devstack
        .store
        .client()
        .describe_table()
        .table_name(stack.devstack.store.table())
        .send()
        .await
        .unwrap()
        .table
        .and_then(|t| t.global_secondary_indexes)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|i| i.index_name)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kept_table_gets_the_indexes_it_lacks() {
    let stack = Stack::start().await;
    let info = stack.info().clone();
    let registered = stack
        .register(
            &info.api_key,
            &json!({"tracking_number": "1ZKEPT00000001", "carrier": "ups", "order_number": "K-1",
                    "customer": {"name": "Kim", "email": "kim@example.com"}}),
        )
        .await;
    assert_eq!(registered.status, 201, "{}", registered.body);
    let client = stack.devstack.store.client();
    let table = stack.devstack.store.table().to_owned();
    client
        .update_table()
        .table_name(&table)
        .global_secondary_index_updates(
            GlobalSecondaryIndexUpdate::builder()
                .delete(
                    DeleteGlobalSecondaryIndexAction::builder()
                        .index_name("by_order")
                        .build()
                        .unwrap(),
                )
                .build(),
        )
        .send()
        .await
        .unwrap();
    // Deleting is asynchronous: wait until the index is gone.
    let mut gone = false;
    for _ in 0..100 {
        if !index_names(&stack).await.contains(&"by_order".to_owned()) {
            gone = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(gone, "by_order was not deleted");

    let template = Template::load(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../infra/template.yaml"),
    )
    .unwrap();
    afterclick_devstack::table::ensure(client, &table, &template.table)
        .await
        .unwrap();
    let names = index_names(&stack).await;
    for index in &template.table.indexes {
        assert!(
            names.contains(&index.name),
            "{} missing from {names:?}",
            index.name
        );
    }
    // Built from the items already there: the shipment is found by its order number.
    let found = stack
        .send(
            stack
                .http
                .get(stack.url("/v1/shipments?order_number=K-1"))
                .bearer_auth(&info.api_key),
        )
        .await;
    assert_eq!(found.status, 200, "{}", found.body);
    assert_eq!(
        found.body["items"].as_array().unwrap().len(),
        1,
        "{}",
        found.body
    );
    stack.devstack.stop().await;
}
