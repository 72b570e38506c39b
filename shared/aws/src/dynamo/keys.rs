//! `KeyStore`: keys in the `KEY` partition (id order for the list), a copy
//! under `KEYHASH#<hash>` for the lookup every request makes (a strongly
//! consistent GetItem, and the uniqueness of the hash), and a counter of
//! admin keys whose condition (`admins > 1`) is the last-admin rule: two
//! admins deleted at once are two transactions on the counter, and only one
//! can take it from 2 to 1.

use async_trait::async_trait;
use aws_sdk_dynamodb::types::AttributeValue;
use ferry_core::model::api_key::{ApiKey, Role};
use ferry_core::model::page::{Page, PageRequest};
use ferry_core::ports::key_store::{KeyDeleteOutcome, KeyStore};
use ferry_core::PortError;

use super::codec::{from_doc, get_s, key, n, Expr, ItemBuilder};
use super::query::{Range, Stream};
use super::store::{DynamoStore, TxOutcome};
use super::table::Index;
use ferry_core::model::page_cursor::{PagePosition, PagedList};

const KEYS: &str = "KEY";
const ADMINS: &str = "KEYADMINS";

fn hash_pk(hash: &str) -> String {
    format!("KEYHASH#{hash}")
}

/// `ADD admins :delta` on the counter item.
fn count_admins(delta: i64) -> Expr {
    Expr::new("ADD #admins :delta").name("#admins", "admins").value(":delta", AttributeValue::N(delta.to_string()))
}

#[async_trait]
impl KeyStore for DynamoStore {
    async fn insert_key(&self, k: &ApiKey) -> Result<(), PortError> {
        let what = format!("key {}", k.id);
        let item = ItemBuilder::new(KEYS, &k.id).text("role", k.role.as_str()).doc(&what, k)?.build();
        let by_hash = ItemBuilder::new(hash_pk(&k.hash), "KEYHASH").text("keyId", &k.id).doc(&what, k)?.build();
        let mut writes = vec![self.tx_put(item, Some(Expr::absent()))?, self.tx_put(by_hash, Some(Expr::absent()))?];
        if k.role == Role::Admin {
            writes.push(self.tx_update(key(ADMINS, ADMINS), count_admins(1), None)?);
        }
        match self.transact(writes).await? {
            TxOutcome::Committed => Ok(()),
            TxOutcome::Refused(_) => Err(PortError::Conflict(format!("{what}: its id or hash is already stored"))),
        }
    }

    async fn update_key(&self, k: &ApiKey) -> Result<bool, PortError> {
        let what = format!("key {}", k.id);
        let Some(item) = self.get(key(KEYS, &k.id)).await? else { return Ok(false) };
        // Only the mutable fields move: the stored id, hash and role stay.
        let mut stored: ApiKey = from_doc(&item)?;
        stored.email = k.email.clone();
        stored.last_used_at = k.last_used_at;
        let item = ItemBuilder::new(KEYS, &stored.id).text("role", stored.role.as_str()).doc(&what, &stored)?.build();
        let by_hash =
            ItemBuilder::new(hash_pk(&stored.hash), "KEYHASH").text("keyId", &stored.id).doc(&what, &stored)?.build();
        let writes = vec![self.tx_put(item, Some(Expr::present()))?, self.tx_put(by_hash, Some(Expr::present()))?];
        match self.transact(writes).await? {
            TxOutcome::Committed => Ok(true),
            // Deleted meanwhile.
            TxOutcome::Refused(_) => Ok(false),
        }
    }

    async fn find_key_by_hash(&self, hash: &str) -> Result<Option<ApiKey>, PortError> {
        self.get(key(hash_pk(hash), "KEYHASH")).await?.as_ref().map(from_doc).transpose()
    }

    async fn find_key_by_id(&self, id: &str) -> Result<Option<ApiKey>, PortError> {
        self.get(key(KEYS, id)).await?.as_ref().map(from_doc).transpose()
    }

    async fn list_keys(&self, page: &PageRequest) -> Result<Page<ApiKey>, PortError> {
        let pos = PagePosition::read(PagedList::Keys, &[], page)?;
        let range = pos.after.clone().map_or(Range::All, Range::After);
        let items = self.collect(&Stream::new(Index::Table, KEYS, true), range, pos.want).await?;
        let keys = items.iter().map(from_doc).collect::<Result<Vec<ApiKey>, _>>()?;
        Ok(pos.finish(keys, |k| &k.id))
    }

    async fn delete_key(&self, id: &str) -> Result<KeyDeleteOutcome, PortError> {
        // A key is never changed, only deleted: a retry re-reads it.
        for _ in 0..10 {
            let Some(item) = self.get(key(KEYS, id)).await? else {
                return Ok(KeyDeleteOutcome::NotFound);
            };
            let stored: ApiKey = from_doc(&item)?;
            let present = Expr::present();
            let mut writes = vec![
                self.tx_delete(key(KEYS, id), Some(present))?,
                self.tx_delete(key(hash_pk(&stored.hash), "KEYHASH"), None)?,
            ];
            let admin = get_s(&item, "role")? == Role::Admin.as_str();
            if admin {
                let update = count_admins(-1).value(":one", n(1));
                writes.push(self.tx_update(key(ADMINS, ADMINS), update, Some("#admins > :one"))?);
            }
            match self.transact(writes).await? {
                TxOutcome::Committed => return Ok(KeyDeleteOutcome::Deleted),
                // Deleted meanwhile: the next read says so.
                outcome if outcome.refused_at(0) => continue,
                _ => return Ok(KeyDeleteOutcome::LastAdmin),
            }
        }
        Err(PortError::Conflict(format!("key {id}: delete kept conflicting")))
    }

    async fn count_keys(&self) -> Result<u64, PortError> {
        self.count(&Stream::new(Index::Table, KEYS, true)).await
    }
}
