//! `ConnectionStore` on the `connections` table: owner and scope are columns
//! because a member's list is "mine plus the site's".

use async_trait::async_trait;
use ferry_core::model::connection::{Connection, ConnectionScope};
use ferry_core::model::page::{Page, PageRequest};
use ferry_core::ports::connection_store::ConnectionStore;
use ferry_core::PortError;
use rusqlite::{params, OptionalExtension};

use super::store::{from_doc, query_texts, to_doc, SqliteStore};
use crate::storage_errors::storage_error;
use ferry_core::model::page_cursor::{PagePosition, PagedList};

/// The `scope` column's text, the same words as the JSON document.
fn scope_text(scope: ConnectionScope) -> &'static str {
    match scope {
        ConnectionScope::User => "user",
        ConnectionScope::Site => "site",
    }
}

#[async_trait]
impl ConnectionStore for SqliteStore {
    async fn insert_connection(&self, c: &Connection) -> Result<(), PortError> {
        let doc = to_doc(c)?;
        let (id, owner, scope) = (c.id.clone(), c.owner.clone(), scope_text(c.scope));
        self.call(move |conn| {
            conn.execute(
                "INSERT INTO connections (id, owner, scope, doc) VALUES (?1, ?2, ?3, ?4)",
                params![id, owner, scope, doc],
            )
            .map_err(storage_error)?;
            Ok(())
        })
        .await
    }

    async fn get_connection(&self, id: &str) -> Result<Option<Connection>, PortError> {
        let id = id.to_string();
        self.call(move |conn| {
            let doc: Option<String> = conn
                .query_row("SELECT doc FROM connections WHERE id = ?1", [id], |row| row.get(0))
                .optional()
                .map_err(storage_error)?;
            doc.as_deref().map(from_doc).transpose()
        })
        .await
    }

    /// `PortError::NotFound` when no connection has this id (nothing is created).
    async fn update_connection(&self, c: &Connection) -> Result<(), PortError> {
        let doc = to_doc(c)?;
        let (id, owner, scope) = (c.id.clone(), c.owner.clone(), scope_text(c.scope));
        self.call(move |conn| {
            let changed = conn
                .execute(
                    "UPDATE connections SET owner = ?2, scope = ?3, doc = ?4 WHERE id = ?1",
                    params![id, owner, scope, doc],
                )
                .map_err(storage_error)?;
            if changed == 0 {
                return Err(PortError::NotFound(format!("connection {id}")));
            }
            Ok(())
        })
        .await
    }

    async fn delete_connection(&self, id: &str) -> Result<bool, PortError> {
        let id = id.to_string();
        self.call(move |conn| {
            let deleted = conn.execute("DELETE FROM connections WHERE id = ?1", [id]).map_err(storage_error)?;
            Ok(deleted > 0)
        })
        .await
    }

    async fn list_connections(&self, owner: Option<&str>, page: &PageRequest) -> Result<Page<Connection>, PortError> {
        let pos = PagePosition::read(PagedList::Connections, &[owner.unwrap_or("*")], page)?;
        let limit = pos.limit();
        let owner = owner.map(str::to_string);
        // Ids are never empty, so "after the empty string" is the first page.
        let after = pos.after.clone().unwrap_or_default();
        let docs = self
            .call(move |conn| match owner {
                Some(owner) => query_texts(
                    conn,
                    "SELECT doc FROM connections WHERE (owner = ?1 OR scope = 'site') AND id > ?2 ORDER BY id LIMIT ?3",
                    params![owner, after, limit],
                ),
                None => query_texts(
                    conn,
                    "SELECT doc FROM connections WHERE id > ?1 ORDER BY id LIMIT ?2",
                    params![after, limit],
                ),
            })
            .await?;
        let items = docs.iter().map(|d| from_doc(d)).collect::<Result<Vec<Connection>, _>>()?;
        Ok(pos.finish(items, |c| &c.id))
    }
}
