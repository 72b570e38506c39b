//! `ExportStore` on the `exports` table (plus `report_slots`): status, owner,
//! creator, report and schedule are columns for the lists and the concurrency
//! count; `version` is a column so an update is one conditional statement.

use async_trait::async_trait;
use ferry_core::model::export::{Export, ExportStatus};
use ferry_core::model::page::{Page, PageRequest};
use ferry_core::ports::export_store::{CreateOutcome, ExportFilter, ExportStore};
use ferry_core::PortError;
use rusqlite::types::Value;
use rusqlite::{params, params_from_iter, OptionalExtension, Transaction, TransactionBehavior};

use super::slots;
use super::store::{from_doc, to_doc, to_i64, to_u64, SqliteStore};
use super::versioned::{Versioned, VersionedRow};
use crate::storage_errors::storage_error;
use ferry_core::model::page_cursor::{PagePosition, PagedList};

/// The columns an export is stored with besides its document.
pub(super) struct ExportRow {
    id: String,
    report_id: String,
    owner: String,
    created_by: String,
    schedule_id: Option<String>,
    status: &'static str,
    version: i64,
    doc: String,
}

impl ExportRow {
    pub(super) fn of(e: &Export) -> Result<Self, PortError> {
        Ok(ExportRow {
            id: e.id.clone(),
            report_id: e.report_id.clone(),
            owner: e.owner.clone(),
            created_by: e.created_by.clone(),
            schedule_id: e.schedule_id.clone(),
            status: e.status.as_str(),
            version: to_i64(e.version)?,
            doc: to_doc(e)?,
        })
    }
}

impl Versioned for Export {
    type Row = ExportRow;
    const KIND: &'static str = "export";
    fn id(&self) -> &str {
        &self.id
    }
    fn version_mut(&mut self) -> &mut u64 {
        &mut self.version
    }
    fn row(&self) -> Result<ExportRow, PortError> {
        ExportRow::of(self)
    }
}

impl VersionedRow for ExportRow {
    fn update(&self, conn: &rusqlite::Connection, expected: i64) -> rusqlite::Result<usize> {
        conn.execute(
            "UPDATE exports SET report_id = ?3, owner = ?4, created_by = ?5, schedule_id = ?6,
                    status = ?7, version = ?8, doc = ?9
             WHERE id = ?1 AND version = ?2",
            params![
                self.id,
                expected,
                self.report_id,
                self.owner,
                self.created_by,
                self.schedule_id,
                self.status,
                self.version,
                self.doc
            ],
        )
    }
}

/// Inserts a new export inside the caller's transaction (no slot is taken):
/// the write of `create_export` and of a claimed schedule run's export.
pub(super) fn insert(tx: &Transaction<'_>, row: &ExportRow) -> Result<(), PortError> {
    tx.execute(
        "INSERT INTO exports (id, report_id, owner, created_by, schedule_id, status, version, doc)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![row.id, row.report_id, row.owner, row.created_by, row.schedule_id, row.status, row.version, row.doc],
    )
    .map_err(storage_error)?;
    Ok(())
}

/// An export from its document; the `version` column is the truth.
fn decode(doc: &str, version: i64) -> Result<Export, PortError> {
    let mut e: Export = from_doc(doc)?;
    e.version = to_u64(version)?;
    Ok(e)
}

const ACTIVE: [ExportStatus; 3] = [ExportStatus::Queued, ExportStatus::Running, ExportStatus::Cancelling];

#[async_trait]
impl ExportStore for SqliteStore {
    async fn create_export(&self, e: &Export, take_slot: bool) -> Result<CreateOutcome, PortError> {
        let row = ExportRow::of(e)?;
        self.call(move |conn| {
            // Immediate: the slot check and both inserts are one atomic step,
            // also against another process writing the file.
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(storage_error)?;
            if take_slot {
                if let Some(holder) = slots::holder(&tx, &row.report_id).map_err(storage_error)? {
                    return Ok(CreateOutcome::SlotBusy(holder));
                }
                slots::take_if_free(&tx, &row.report_id, &row.id).map_err(storage_error)?;
            }
            insert(&tx, &row)?;
            tx.commit().map_err(storage_error)?;
            Ok(CreateOutcome::Created)
        })
        .await
    }

    async fn get_export(&self, id: &str) -> Result<Option<Export>, PortError> {
        let id = id.to_string();
        self.call(move |conn| {
            let found: Option<(String, i64)> = conn
                .query_row("SELECT doc, version FROM exports WHERE id = ?1", [id], |row| Ok((row.get(0)?, row.get(1)?)))
                .optional()
                .map_err(storage_error)?;
            found.map(|(doc, version)| decode(&doc, version)).transpose()
        })
        .await
    }

    async fn update_export(&self, e: &mut Export) -> Result<bool, PortError> {
        self.update_versioned(e).await
    }

    async fn list_exports(&self, filter: &ExportFilter, page: &PageRequest) -> Result<Page<Export>, PortError> {
        let pos = PagePosition::read(PagedList::Exports, &filter.cursor_scope(), page)?;
        let limit = pos.limit();
        // Only the filters given go into the statement, so SQLite can use the
        // index of the filtered column and its id order.
        let mut clauses: Vec<&str> = Vec::new();
        let mut values: Vec<Value> = Vec::new();
        let filters = [
            ("created_by = ?", filter.created_by.clone()),
            ("status = ?", filter.status.map(|s| s.as_str().to_string())),
            ("report_id = ?", filter.report_id.clone()),
            ("schedule_id = ?", filter.schedule_id.clone()),
            // Newest first: the next page continues below the cursor's id.
            ("id < ?", pos.after.clone()),
        ];
        for (clause, value) in filters {
            if let Some(value) = value {
                clauses.push(clause);
                values.push(Value::Text(value));
            }
        }
        values.push(Value::Integer(limit));
        let condition = if clauses.is_empty() { String::new() } else { format!("WHERE {}", clauses.join(" AND ")) };
        let sql = format!("SELECT doc, version FROM exports {condition} ORDER BY id DESC LIMIT ?");
        let rows = self
            .call(move |conn| {
                let mut stmt = conn.prepare_cached(&sql).map_err(storage_error)?;
                let rows = stmt
                    .query_map(params_from_iter(values), |row| Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)?)))
                    .map_err(storage_error)?;
                rows.collect::<Result<Vec<_>, _>>().map_err(storage_error)
            })
            .await?;
        let items = rows.iter().map(|(doc, version)| decode(doc, *version)).collect::<Result<Vec<_>, _>>()?;
        Ok(pos.finish(items, |e| &e.id))
    }

    async fn count_active_exports(&self, owner: &str) -> Result<u64, PortError> {
        let owner = owner.to_string();
        let [a, b, c] = ACTIVE.map(ExportStatus::as_str);
        self.call(move |conn| {
            conn.query_row(
                "SELECT COUNT(*) FROM exports WHERE owner = ?1 AND status IN (?2, ?3, ?4)",
                params![owner, a, b, c],
                |row| row.get::<_, i64>(0),
            )
            .map_err(storage_error)
            .and_then(to_u64)
        })
        .await
    }

    async fn acquire_slot(&self, report_id: &str, export_id: &str) -> Result<Option<String>, PortError> {
        let (report_id, export_id) = (report_id.to_string(), export_id.to_string());
        self.call(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(storage_error)?;
            let holder = slots::take_if_free(&tx, &report_id, &export_id).map_err(storage_error)?;
            tx.commit().map_err(storage_error)?;
            Ok((holder != export_id).then_some(holder))
        })
        .await
    }

    async fn release_slot(&self, report_id: &str, export_id: &str) -> Result<(), PortError> {
        let (report_id, export_id) = (report_id.to_string(), export_id.to_string());
        self.call(move |conn| slots::release(conn, &report_id, &export_id).map_err(storage_error)).await
    }
}
