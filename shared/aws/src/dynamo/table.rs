//! The one DynamoDB table of `DynamoStore`: string keys `pk`/`sk`, four
//! overloaded global secondary indexes (`gsi1`..`gsi4`, each keyed by
//! `gsiNpk`/`gsiNsk`, projecting ALL), on-demand billing and TTL on
//! `expiresAt`. `create_table` is what the tests run; infra/template.yaml
//! declares the same (docs/aws-dynamodb.md, "Table definition").

use std::time::Duration;

use aws_sdk_dynamodb::client::Waiters;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType, Projection, ProjectionType,
    ScalarAttributeType, TimeToLiveSpecification,
};
use aws_sdk_dynamodb::Client;
use ferry_core::PortError;

use super::codec::{sdk_error, EXPIRES_AT};
pub(super) use super::index::Index;

fn string_attribute(name: &str) -> Result<AttributeDefinition, PortError> {
    AttributeDefinition::builder()
        .attribute_name(name)
        .attribute_type(ScalarAttributeType::S)
        .build()
        .map_err(PortError::backend)
}

fn key_schema(index: Index) -> Result<Vec<KeySchemaElement>, PortError> {
    Ok(vec![
        KeySchemaElement::builder()
            .attribute_name(index.pk())
            .key_type(KeyType::Hash)
            .build()
            .map_err(PortError::backend)?,
        KeySchemaElement::builder()
            .attribute_name(index.sk())
            .key_type(KeyType::Range)
            .build()
            .map_err(PortError::backend)?,
    ])
}

/// Creates the table `name` (on-demand, with its four indexes), waits until
/// it is ACTIVE and turns TTL on for `expiresAt`.
pub async fn create_table(client: &Client, name: &str) -> Result<(), PortError> {
    let mut attributes = Vec::new();
    for index in [Index::Table].into_iter().chain(Index::GSIS) {
        attributes.push(string_attribute(index.pk())?);
        attributes.push(string_attribute(index.sk())?);
    }
    let mut indexes = Vec::new();
    for index in Index::GSIS {
        indexes.push(
            GlobalSecondaryIndex::builder()
                .index_name(index.name().unwrap_or_default())
                .set_key_schema(Some(key_schema(index)?))
                .projection(Projection::builder().projection_type(ProjectionType::All).build())
                .build()
                .map_err(PortError::backend)?,
        );
    }
    client
        .create_table()
        .table_name(name)
        .billing_mode(BillingMode::PayPerRequest)
        .set_attribute_definitions(Some(attributes))
        .set_key_schema(Some(key_schema(Index::Table)?))
        .set_global_secondary_indexes(Some(indexes))
        .send()
        .await
        .map_err(|e| sdk_error("CreateTable", e))?;
    client
        .wait_until_table_exists()
        .table_name(name)
        .wait(Duration::from_secs(300))
        .await
        .map_err(|e| sdk_error("waiting for the table", e))?;
    let ttl = TimeToLiveSpecification::builder()
        .enabled(true)
        .attribute_name(EXPIRES_AT)
        .build()
        .map_err(PortError::backend)?;
    client
        .update_time_to_live()
        .table_name(name)
        .time_to_live_specification(ttl)
        .send()
        .await
        .map_err(|e| sdk_error("UpdateTimeToLive", e))?;
    Ok(())
}
