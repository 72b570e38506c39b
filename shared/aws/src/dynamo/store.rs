//! The store handle and the four writes and reads everything else is made
//! of: a strongly consistent get, a conditional put, a conditional delete,
//! and a transaction that retries DynamoDB's `TransactionConflict` and
//! reports which of its conditions failed.

use std::sync::Arc;
use std::time::Duration;

use aws_sdk_dynamodb::operation::delete_item::DeleteItemError;
use aws_sdk_dynamodb::operation::put_item::PutItemError;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{Delete, Put, ReturnValue, TransactWriteItem, Update};
use aws_sdk_dynamodb::Client;
use ferry_core::PortError;

use super::codec::{sdk_error, Expr, Item};

/// How often a transaction cancelled by a conflicting concurrent write (not
/// by a condition) is tried again before giving up.
const CONFLICT_RETRIES: u32 = 8;

/// Every state-store port of Ferry on one DynamoDB table (see
/// docs/aws-dynamodb.md). Cheap to clone: clones share the SDK client.
#[derive(Clone, Debug)]
pub struct DynamoStore {
    pub(super) client: Client,
    pub(super) table: Arc<str>,
}

/// How a transaction ended.
#[derive(Debug)]
pub(super) enum TxOutcome {
    Committed,
    /// Cancelled by conditions: for each operation, in order, whether its
    /// condition failed.
    Refused(Vec<bool>),
}

impl TxOutcome {
    /// Whether the condition of operation `i` failed.
    pub(super) fn refused_at(&self, i: usize) -> bool {
        matches!(self, TxOutcome::Refused(failed) if failed.get(i).copied().unwrap_or(false))
    }
}

impl DynamoStore {
    /// A store on `table` (created by [`super::create_table`] or the SAM template).
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        DynamoStore { client, table: Arc::from(table.into()) }
    }

    pub fn table(&self) -> &str {
        &self.table
    }

    /// The item with this key, read strongly consistent.
    pub(super) async fn get(&self, key: Item) -> Result<Option<Item>, PortError> {
        let out = self
            .client
            .get_item()
            .table_name(self.table.as_ref())
            .set_key(Some(key))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| sdk_error("GetItem", e))?;
        Ok(out.item)
    }

    /// Writes `item` when `condition` holds; false (nothing written) when not.
    pub(super) async fn put(&self, item: Item, condition: Option<Expr>) -> Result<bool, PortError> {
        let mut request = self.client.put_item().table_name(self.table.as_ref()).set_item(Some(item));
        if let Some(c) = condition {
            request = request
                .condition_expression(c.text.clone())
                .set_expression_attribute_names(c.names_opt())
                .set_expression_attribute_values(c.values_opt());
        }
        match request.send().await {
            Ok(_) => Ok(true),
            Err(e) => match e.into_service_error() {
                PutItemError::ConditionalCheckFailedException(_) => Ok(false),
                other => Err(sdk_error("PutItem", other)),
            },
        }
    }

    /// Deletes the item when `condition` holds; returns the deleted item
    /// (None when there was none or the condition failed).
    pub(super) async fn delete(&self, key: Item, condition: Option<Expr>) -> Result<Option<Item>, PortError> {
        let mut request = self
            .client
            .delete_item()
            .table_name(self.table.as_ref())
            .set_key(Some(key))
            .return_values(ReturnValue::AllOld);
        if let Some(c) = condition {
            request = request
                .condition_expression(c.text.clone())
                .set_expression_attribute_names(c.names_opt())
                .set_expression_attribute_values(c.values_opt());
        }
        match request.send().await {
            Ok(out) => Ok(out.attributes.filter(|a| !a.is_empty())),
            Err(e) => match e.into_service_error() {
                DeleteItemError::ConditionalCheckFailedException(_) => Ok(None),
                other => Err(sdk_error("DeleteItem", other)),
            },
        }
    }

    /// Runs the writes as one transaction. Concurrent transactions on the
    /// same items cancel each other with `TransactionConflict` (not a failed
    /// condition): those are retried after a short jittered pause, so a race
    /// ends with each caller seeing either its commit or its failed condition.
    pub(super) async fn transact(&self, writes: Vec<TransactWriteItem>) -> Result<TxOutcome, PortError> {
        let mut attempt = 0;
        loop {
            let sent = self.client.transact_write_items().set_transact_items(Some(writes.clone())).send().await;
            let e = match sent {
                Ok(_) => return Ok(TxOutcome::Committed),
                Err(e) => e.into_service_error(),
            };
            let TransactWriteItemsError::TransactionCanceledException(cancelled) = &e else {
                return Err(sdk_error("TransactWriteItems", e));
            };
            let codes: Vec<&str> =
                cancelled.cancellation_reasons().iter().map(|r| r.code().unwrap_or("None")).collect();
            if codes.contains(&"TransactionConflict") && attempt < CONFLICT_RETRIES {
                attempt += 1;
                let jitter = u64::from(rand::random::<u8>() % 20);
                tokio::time::sleep(Duration::from_millis(5 * u64::from(attempt) + jitter)).await;
                continue;
            }
            let failed: Vec<bool> = codes.iter().map(|c| *c == "ConditionalCheckFailed").collect();
            if failed.iter().any(|f| *f) {
                return Ok(TxOutcome::Refused(failed));
            }
            return Err(sdk_error("TransactWriteItems", e));
        }
    }

    /// A transactional put of `item` under `condition`.
    pub(super) fn tx_put(&self, item: Item, condition: Option<Expr>) -> Result<TransactWriteItem, PortError> {
        let mut put = Put::builder().table_name(self.table.as_ref()).set_item(Some(item));
        if let Some(c) = condition {
            put = put
                .condition_expression(c.text.clone())
                .set_expression_attribute_names(c.names_opt())
                .set_expression_attribute_values(c.values_opt());
        }
        Ok(TransactWriteItem::builder().put(put.build().map_err(PortError::backend)?).build())
    }

    /// A transactional delete of the item at `key` under `condition`.
    pub(super) fn tx_delete(&self, key: Item, condition: Option<Expr>) -> Result<TransactWriteItem, PortError> {
        let mut delete = Delete::builder().table_name(self.table.as_ref()).set_key(Some(key));
        if let Some(c) = condition {
            delete = delete
                .condition_expression(c.text.clone())
                .set_expression_attribute_names(c.names_opt())
                .set_expression_attribute_values(c.values_opt());
        }
        Ok(TransactWriteItem::builder().delete(delete.build().map_err(PortError::backend)?).build())
    }

    /// A transactional update of the item at `key`: `update` is the update
    /// expression, `condition` (optional) its condition; they share one
    /// set of names and values.
    pub(super) fn tx_update(
        &self,
        key: Item,
        update: Expr,
        condition: Option<&str>,
    ) -> Result<TransactWriteItem, PortError> {
        let update_op = Update::builder()
            .table_name(self.table.as_ref())
            .set_key(Some(key))
            .update_expression(update.text.clone())
            .set_condition_expression(condition.map(str::to_string))
            .set_expression_attribute_names(update.names_opt())
            .set_expression_attribute_values(update.values_opt())
            .build()
            .map_err(PortError::backend)?;
        Ok(TransactWriteItem::builder().update(update_op).build())
    }
}
