//! Creates the table from the template's definition (if it does not exist yet) and returns
//! its stream ARN.

use crate::template::TableDef;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::error::DisplayErrorContext;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType, Projection,
    ProjectionType, ScalarAttributeType, StreamSpecification, StreamViewType, TableStatus,
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
        for (attribute, kind) in &def.attributes {
            request = request.attribute_definitions(
                AttributeDefinition::builder()
                    .attribute_name(attribute)
                    .attribute_type(ScalarAttributeType::from(kind.as_str()))
                    .build()
                    .map_err(|e| e.to_string())?,
            );
        }
        for index in &def.indexes {
            let projection = Projection::builder()
                .projection_type(ProjectionType::from(index.projection.as_str()))
                .set_non_key_attributes(
                    (!index.non_key_attributes.is_empty())
                        .then(|| index.non_key_attributes.clone()),
                )
                .build();
            request = request.global_secondary_indexes(
                GlobalSecondaryIndex::builder()
                    .index_name(&index.name)
                    .set_key_schema(Some(key_schema(&index.keys)?))
                    .projection(projection)
                    .build()
                    .map_err(|e| e.to_string())?,
            );
        }
        request
            .send()
            .await
            .map_err(|e| DisplayErrorContext(&e).to_string())?;
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
