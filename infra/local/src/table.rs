//! Creates the table from the template's definition (if it does not exist yet), adds the
//! template's indexes a kept table lacks (`make run` keeps its data across versions), and
//! returns its stream ARN.

use crate::template::TableDef;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::error::DisplayErrorContext;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, CreateGlobalSecondaryIndexAction, GlobalSecondaryIndex,
    GlobalSecondaryIndexDescription, GlobalSecondaryIndexUpdate, IndexStatus, KeySchemaElement,
    KeyType, Projection, ProjectionType, ScalarAttributeType, StreamSpecification, StreamViewType,
    TableStatus,
};
use std::time::Duration;

fn key_schema(keys: &[crate::template::KeyElement]) -> Result<Vec<KeySchemaElement>, String> {
    keys.iter()
        .map(|k| {
            KeySchemaElement::builder()
                .attribute_name(&k.name)
                .key_type(KeyType::from(k.key_type.as_str()))
                .build()
                .map_err(|e| e.to_string())
        })
        .collect()
}

pub async fn ensure(client: &Client, name: &str, def: &TableDef) -> Result<String, String> {
    let exists = client
        .describe_table()
        .table_name(name)
        .send()
        .await
        .is_ok();
    if !exists {
        let mut request = client
            .create_table()
            .table_name(name)
            .billing_mode(BillingMode::PayPerRequest)
            .set_key_schema(Some(key_schema(&def.keys)?))
            .stream_specification(
                StreamSpecification::builder()
                    .stream_enabled(true)
                    .stream_view_type(StreamViewType::from(def.stream_view_type.as_str()))
                    .build()
                    .map_err(|e| e.to_string())?,
            );
        request = request.set_attribute_definitions(Some(attribute_definitions(def)?));
        for index in &def.indexes {
            request = request.global_secondary_indexes(gsi(index)?);
        }
        request
            .send()
            .await
            .map_err(|e| DisplayErrorContext(&e).to_string())?;
    } else {
        add_missing_indexes(client, name, def).await?;
    }
    for _ in 0..100 {
        let table = client
            .describe_table()
            .table_name(name)
            .send()
            .await
            .map_err(|e| DisplayErrorContext(&e).to_string())?
            .table;
        let active = table
            .as_ref()
            .and_then(|t| t.table_status.as_ref())
            .is_some_and(|s| *s == TableStatus::Active);
        if let (true, Some(arn)) = (active, table.and_then(|t| t.latest_stream_arn)) {
            return Ok(arn);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Err(format!("table {name} did not become active with a stream"))
}

fn attribute_definitions(def: &TableDef) -> Result<Vec<AttributeDefinition>, String> {
    def.attributes
        .iter()
        .map(|(attribute, kind)| {
            AttributeDefinition::builder()
                .attribute_name(attribute)
                .attribute_type(ScalarAttributeType::from(kind.as_str()))
                .build()
                .map_err(|e| e.to_string())
        })
        .collect()
}

fn gsi(index: &crate::template::Index) -> Result<GlobalSecondaryIndex, String> {
    GlobalSecondaryIndex::builder()
        .index_name(&index.name)
        .set_key_schema(Some(key_schema(&index.keys)?))
        .projection(projection(index))
        .build()
        .map_err(|e| e.to_string())
}

fn projection(index: &crate::template::Index) -> Projection {
    Projection::builder()
        .projection_type(ProjectionType::from(index.projection.as_str()))
        .set_non_key_attributes(
            (!index.non_key_attributes.is_empty()).then(|| index.non_key_attributes.clone()),
        )
        .build()
}

/// One index per UpdateTable, as DynamoDB allows, each waited for until it is active (it
/// is built from the items already there).
async fn add_missing_indexes(client: &Client, name: &str, def: &TableDef) -> Result<(), String> {
    let existing: Vec<String> = indexes(client, name)
        .await?
        .into_iter()
        .filter_map(|i| i.index_name)
        .collect();
    for index in def.indexes.iter().filter(|i| !existing.contains(&i.name)) {
        let create = CreateGlobalSecondaryIndexAction::builder()
            .index_name(&index.name)
            .set_key_schema(Some(key_schema(&index.keys)?))
            .projection(projection(index))
            .build()
            .map_err(|e| e.to_string())?;
        client
            .update_table()
            .table_name(name)
            .set_attribute_definitions(Some(attribute_definitions(def)?))
            .global_secondary_index_updates(
                GlobalSecondaryIndexUpdate::builder().create(create).build(),
            )
            .send()
            .await
            .map_err(|e| format!("adding index {}: {}", index.name, DisplayErrorContext(&e)))?;
        wait_for_index(client, name, &index.name).await?;
        tracing::info!(index = %index.name, "added an index the kept table lacked");
    }
    Ok(())
}

async fn wait_for_index(client: &Client, table: &str, index: &str) -> Result<(), String> {
    for _ in 0..600 {
        let status = indexes(client, table)
            .await?
            .into_iter()
            .find(|i| i.index_name.as_deref() == Some(index))
            .and_then(|i| i.index_status);
        if status == Some(IndexStatus::Active) {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Err(format!("index {index} did not become active"))
}

async fn indexes(
    client: &Client,
    table: &str,
) -> Result<Vec<GlobalSecondaryIndexDescription>, String> {
    Ok(client
        .describe_table()
        .table_name(table)
        .send()
        .await
        .map_err(|e| DisplayErrorContext(&e).to_string())?
        .table
        .and_then(|t| t.global_secondary_indexes)
        .unwrap_or_default())
}
