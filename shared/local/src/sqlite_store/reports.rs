//! `ReportStore` on the `reports` table: owner and visibility are columns for
//! "mine plus public" lists, connection_id for "who uses this connection".

use async_trait::async_trait;
use ferry_core::model::page::{Page, PageRequest};
use ferry_core::model::report::{Report, Visibility};
use ferry_core::ports::report_store::ReportStore;
use ferry_core::PortError;
use rusqlite::{params, OptionalExtension};

use super::store::{from_doc, query_texts, to_doc, SqliteStore};
use crate::storage_errors::storage_error;
use ferry_core::model::page_cursor::{PagePosition, PagedList};

/// The `visibility` column's text, the same words as the JSON document.
fn visibility_text(v: Visibility) -> &'static str {
    match v {
        Visibility::Private => "private",
        Visibility::Public => "public",
    }
}

#[async_trait]
impl ReportStore for SqliteStore {
    async fn insert_report(&self, r: &Report) -> Result<(), PortError> {
        let doc = to_doc(r)?;
        let (id, owner, vis, con) =
            (r.id.clone(), r.owner.clone(), visibility_text(r.visibility), r.connection_id.clone());
        self.call(move |conn| {
            conn.execute(
                "INSERT INTO reports (id, owner, visibility, connection_id, doc) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![id, owner, vis, con, doc],
            )
            .map_err(storage_error)?;
            Ok(())
        })
        .await
    }

    async fn get_report(&self, id: &str) -> Result<Option<Report>, PortError> {
        let id = id.to_string();
        self.call(move |conn| {
            let doc: Option<String> = conn
                .query_row("SELECT doc FROM reports WHERE id = ?1", [id], |row| row.get(0))
                .optional()
                .map_err(storage_error)?;
            doc.as_deref().map(from_doc).transpose()
        })
        .await
    }

    /// `PortError::NotFound` when no report has this id (nothing is created).
    async fn update_report(&self, r: &Report) -> Result<(), PortError> {
        let doc = to_doc(r)?;
        let (id, owner, vis, con) =
            (r.id.clone(), r.owner.clone(), visibility_text(r.visibility), r.connection_id.clone());
        self.call(move |conn| {
            let changed = conn
                .execute(
                    "UPDATE reports SET owner = ?2, visibility = ?3, connection_id = ?4, doc = ?5 WHERE id = ?1",
                    params![id, owner, vis, con, doc],
                )
                .map_err(storage_error)?;
            if changed == 0 {
                return Err(PortError::NotFound(format!("report {id}")));
            }
            Ok(())
        })
        .await
    }

    async fn delete_report(&self, id: &str) -> Result<bool, PortError> {
        let id = id.to_string();
        self.call(move |conn| {
            let deleted = conn.execute("DELETE FROM reports WHERE id = ?1", [id]).map_err(storage_error)?;
            Ok(deleted > 0)
        })
        .await
    }

    async fn list_reports(&self, visible_to: Option<&str>, page: &PageRequest) -> Result<Page<Report>, PortError> {
        let pos = PagePosition::read(PagedList::Reports, &[visible_to.unwrap_or("*")], page)?;
        let limit = pos.limit();
        let viewer = visible_to.map(str::to_string);
        // Ids are never empty, so "after the empty string" is the first page.
        let after = pos.after.clone().unwrap_or_default();
        let docs = self
            .call(move |conn| match viewer {
                Some(viewer) => query_texts(
                    conn,
                    "SELECT doc FROM reports WHERE (owner = ?1 OR visibility = 'public') AND id > ?2 ORDER BY id LIMIT ?3",
                    params![viewer, after, limit],
                ),
                None => query_texts(
                    conn,
                    "SELECT doc FROM reports WHERE id > ?1 ORDER BY id LIMIT ?2",
                    params![after, limit],
                ),
            })
            .await?;
        let items = docs.iter().map(|d| from_doc(d)).collect::<Result<Vec<Report>, _>>()?;
        Ok(pos.finish(items, |r| &r.id))
    }

    async fn reports_using_connection(&self, connection_id: &str) -> Result<Vec<String>, PortError> {
        let connection_id = connection_id.to_string();
        self.call(move |conn| {
            query_texts(conn, "SELECT id FROM reports WHERE connection_id = ?1 ORDER BY id", [connection_id])
        })
        .await
    }
}
