//! `KeyStore` on the `api_keys` table: the key hash is a unique column (looked
//! up on every request), the role a column so the last-admin rule is one count.

use async_trait::async_trait;
use ferry_core::model::api_key::{ApiKey, Role};
use ferry_core::model::page::{Page, PageRequest};
use ferry_core::ports::key_store::{KeyDeleteOutcome, KeyStore};
use ferry_core::PortError;
use rusqlite::{params, OptionalExtension, TransactionBehavior};

use super::store::{from_doc, query_texts, to_doc, to_u64, SqliteStore};
use crate::storage_errors::storage_error;
use ferry_core::model::page_cursor::{PagePosition, PagedList};

#[async_trait]
impl KeyStore for SqliteStore {
    async fn insert_key(&self, key: &ApiKey) -> Result<(), PortError> {
        let doc = to_doc(key)?;
        let (id, hash, role) = (key.id.clone(), key.hash.clone(), key.role.as_str());
        self.call(move |conn| {
            conn.execute(
                "INSERT INTO api_keys (id, hash, role, doc) VALUES (?1, ?2, ?3, ?4)",
                params![id, hash, role, doc],
            )
            .map_err(storage_error)?;
            Ok(())
        })
        .await
    }

    async fn update_key(&self, key: &ApiKey) -> Result<bool, PortError> {
        let doc = to_doc(key)?;
        let id = key.id.clone();
        self.call(move |conn| {
            let changed =
                conn.execute("UPDATE api_keys SET doc = ?2 WHERE id = ?1", params![id, doc]).map_err(storage_error)?;
            Ok(changed == 1)
        })
        .await
    }

    async fn find_key_by_hash(&self, hash: &str) -> Result<Option<ApiKey>, PortError> {
        let hash = hash.to_string();
        self.call(move |conn| {
            let doc: Option<String> = conn
                .query_row("SELECT doc FROM api_keys WHERE hash = ?1", [hash], |row| row.get(0))
                .optional()
                .map_err(storage_error)?;
            doc.as_deref().map(from_doc).transpose()
        })
        .await
    }

    async fn find_key_by_id(&self, id: &str) -> Result<Option<ApiKey>, PortError> {
        let id = id.to_string();
        self.call(move |conn| {
            let doc: Option<String> = conn
                .query_row("SELECT doc FROM api_keys WHERE id = ?1", [id], |row| row.get(0))
                .optional()
                .map_err(PortError::backend)?;
            doc.as_deref().map(from_doc).transpose()
        })
        .await
    }

    async fn list_keys(&self, page: &PageRequest) -> Result<Page<ApiKey>, PortError> {
        let pos = PagePosition::read(PagedList::Keys, &[], page)?;
        let limit = pos.limit();
        // Ids are never empty, so "after the empty string" is the first page.
        let after = pos.after.clone().unwrap_or_default();
        let docs = self
            .call(move |conn| {
                query_texts(conn, "SELECT doc FROM api_keys WHERE id > ?1 ORDER BY id LIMIT ?2", params![after, limit])
            })
            .await?;
        let keys = docs.iter().map(|d| from_doc(d)).collect::<Result<Vec<ApiKey>, _>>()?;
        Ok(pos.finish(keys, |k| &k.id))
    }

    async fn delete_key(&self, id: &str) -> Result<KeyDeleteOutcome, PortError> {
        let id = id.to_string();
        let admin = Role::Admin.as_str();
        self.call(move |conn| {
            // Immediate: the admin count and the delete must see the same rows,
            // also against another process writing the file.
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(storage_error)?;
            let role: Option<String> = tx
                .query_row("SELECT role FROM api_keys WHERE id = ?1", [&id], |row| row.get(0))
                .optional()
                .map_err(storage_error)?;
            let Some(role) = role else {
                return Ok(KeyDeleteOutcome::NotFound);
            };
            if role == admin {
                let admins: i64 = tx
                    .query_row("SELECT COUNT(*) FROM api_keys WHERE role = ?1", [admin], |row| row.get(0))
                    .map_err(storage_error)?;
                if admins <= 1 {
                    return Ok(KeyDeleteOutcome::LastAdmin);
                }
            }
            tx.execute("DELETE FROM api_keys WHERE id = ?1", [&id]).map_err(storage_error)?;
            tx.commit().map_err(storage_error)?;
            Ok(KeyDeleteOutcome::Deleted)
        })
        .await
    }

    async fn count_keys(&self) -> Result<u64, PortError> {
        self.call(|conn| {
            conn.query_row("SELECT COUNT(*) FROM api_keys", [], |row| row.get::<_, i64>(0))
                .map_err(storage_error)
                .and_then(to_u64)
        })
        .await
    }
}
