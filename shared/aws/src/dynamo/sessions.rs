//! `SessionStore`: a session under `SESSION#<hash>` (the lookup of every
//! page) with a copy of its hash under `KEYSESSIONS#<keyId>` (so deleting a
//! key finds its sessions with one Query). Both carry the TTL attribute;
//! reads check the expiry themselves, as DynamoDB deletes late.
//!
//! `FailedKeyStore`: one item per client address, `FAILEDKEYS#<address>`:
//! a failure inside the window is an atomic `ADD`, one after it replaces
//! the window under a condition, so racing containers count every failure.

use async_trait::async_trait;
use aws_sdk_dynamodb::operation::update_item::UpdateItemError;
use aws_sdk_dynamodb::types::{AttributeValue, ReturnValue};
use ferry_core::ports::failed_key_store::{FailedKeyStore, FailedKeys, GUESS_WINDOW};
use ferry_core::ports::session_store::{SessionStore, StoredSession};
use ferry_core::PortError;
use jiff::Timestamp;

use super::codec::{get_n, get_s, key, n, sdk_error, Expr, Item, ItemBuilder, EXPIRES_AT};
use super::query::Stream;
use super::store::{DynamoStore, TxOutcome};
use super::table::Index;

const SESSION: &str = "SESSION";
const FAILED: &str = "FAILEDKEYS";

fn session_pk(hash: &str) -> String {
    format!("SESSION#{hash}")
}

fn key_sessions_pk(key_id: &str) -> String {
    format!("KEYSESSIONS#{key_id}")
}

fn failed_pk(address: &str) -> String {
    format!("FAILEDKEYS#{address}")
}

fn ms(t: Timestamp) -> u64 {
    u64::try_from(t.as_millisecond()).unwrap_or(0)
}

fn instant(ms: u64) -> Result<Timestamp, PortError> {
    Timestamp::from_millisecond(i64::try_from(ms).map_err(PortError::backend)?).map_err(PortError::backend)
}

/// The TTL of an item that matters until `t`, a day after it.
fn ttl(t: Timestamp) -> AttributeValue {
    n(u64::try_from(t.as_second()).unwrap_or(0) + 24 * 3600)
}

fn window_of(item: &Item) -> Result<FailedKeys, PortError> {
    let count = u32::try_from(get_n(item, "count")?).map_err(PortError::backend)?;
    Ok(FailedKeys { since: instant(get_n(item, "since")?)?, count })
}

impl DynamoStore {
    async fn delete_session_items(&self, hash: &str, key_id: &str) -> Result<(), PortError> {
        self.delete(key(session_pk(hash), SESSION), None).await?;
        self.delete(key(key_sessions_pk(key_id), hash), None).await?;
        Ok(())
    }
}

#[async_trait]
impl SessionStore for DynamoStore {
    async fn insert_session(&self, s: &StoredSession, _now: Timestamp) -> Result<(), PortError> {
        let item = ItemBuilder::new(session_pk(&s.id_hash), SESSION)
            .text("keyId", &s.key_id)
            .attr("expires", n(ms(s.expires_at)))
            .attr(EXPIRES_AT, ttl(s.expires_at))
            .build();
        let by_key =
            ItemBuilder::new(key_sessions_pk(&s.key_id), &s.id_hash).attr(EXPIRES_AT, ttl(s.expires_at)).build();
        let writes = vec![self.tx_put(item, Some(Expr::absent()))?, self.tx_put(by_key, None)?];
        match self.transact(writes).await? {
            TxOutcome::Committed => Ok(()),
            TxOutcome::Refused(_) => Err(PortError::Conflict("a session with this hash is already stored".into())),
        }
    }

    async fn find_session(&self, id_hash: &str, now: Timestamp) -> Result<Option<StoredSession>, PortError> {
        let Some(item) = self.get(key(session_pk(id_hash), SESSION)).await? else { return Ok(None) };
        let expires_at = instant(get_n(&item, "expires")?)?;
        if expires_at <= now {
            return Ok(None);
        }
        Ok(Some(StoredSession { id_hash: id_hash.to_string(), key_id: get_s(&item, "keyId")?.to_string(), expires_at }))
    }

    async fn delete_session(&self, id_hash: &str) -> Result<(), PortError> {
        let Some(item) = self.get(key(session_pk(id_hash), SESSION)).await? else { return Ok(()) };
        let key_id = get_s(&item, "keyId")?.to_string();
        self.delete_session_items(id_hash, &key_id).await
    }

    async fn delete_sessions_of_key(&self, key_id: &str) -> Result<(), PortError> {
        let items = self.collect_all(&Stream::new(Index::Table, key_sessions_pk(key_id), true)).await?;
        for item in items {
            let hash = get_s(&item, super::codec::SK)?.to_string();
            self.delete_session_items(&hash, key_id).await?;
        }
        Ok(())
    }
}

#[async_trait]
impl FailedKeyStore for DynamoStore {
    async fn record_failed_key(&self, address: &str, now: Timestamp) -> Result<FailedKeys, PortError> {
        let over = n(ms(now - GUESS_WINDOW));
        for _ in 0..10 {
            let counted = self
                .client
                .update_item()
                .table_name(self.table.as_ref())
                .set_key(Some(key(failed_pk(address), FAILED)))
                .update_expression("ADD #count :one")
                .condition_expression("#since > :over")
                .expression_attribute_names("#count", "count")
                .expression_attribute_names("#since", "since")
                .expression_attribute_values(":one", n(1))
                .expression_attribute_values(":over", over.clone())
                .return_values(ReturnValue::AllNew)
                .send()
                .await;
            match counted {
                Ok(out) => return window_of(&out.attributes.unwrap_or_default()),
                Err(e) => match e.into_service_error() {
                    UpdateItemError::ConditionalCheckFailedException(_) => {}
                    other => return Err(sdk_error("UpdateItem", other)),
                },
            }
            // No window, or an old one: open a new one unless another
            // container just did (then count in theirs on the next turn).
            let fresh = ItemBuilder::new(failed_pk(address), FAILED)
                .attr("since", n(ms(now)))
                .attr("count", n(1))
                .attr(EXPIRES_AT, ttl(now + GUESS_WINDOW))
                .build();
            let replaceable =
                Expr::absent().or(Expr::new("#since <= :over").name("#since", "since").value(":over", over.clone()));
            if self.put(fresh, Some(replaceable)).await? {
                return Ok(FailedKeys { since: now, count: 1 });
            }
        }
        Err(PortError::Conflict(format!("failed keys of {address}: too many concurrent writers")))
    }

    async fn failed_keys(&self, address: &str, now: Timestamp) -> Result<Option<FailedKeys>, PortError> {
        let Some(item) = self.get(key(failed_pk(address), FAILED)).await? else { return Ok(None) };
        let window = window_of(&item)?;
        Ok((window.since > now - GUESS_WINDOW).then_some(window))
    }
}
