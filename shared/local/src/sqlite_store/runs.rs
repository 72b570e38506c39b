//! `ScheduleRunStore` on the `schedule_runs` table. The unique index on
//! (schedule_id, occurrence_date) is the idempotency of a firing: claiming a
//! date twice stores nothing the second time, and the run's export is written
//! in the same transaction, so a lost claim leaves no export behind.

use async_trait::async_trait;
use ferry_core::model::export::Export;
use ferry_core::model::page::{Page, PageRequest};
use ferry_core::model::schedule_run::ScheduleRun;
use ferry_core::ports::schedule_run_store::ScheduleRunStore;
use ferry_core::PortError;
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

use super::exports::{self, ExportRow};
use super::store::{from_doc, to_doc, to_i64, to_u64, SqliteStore};
use super::versioned::{Versioned, VersionedRow};
use crate::storage_errors::storage_error;
use ferry_core::model::page_cursor::{PagePosition, PagedList};

/// The columns a run is stored with besides its document.
pub(super) struct RunRow {
    id: String,
    schedule_id: String,
    /// ISO `YYYY-MM-DD`; only compared for equality.
    occurrence_date: Option<String>,
    export_id: Option<String>,
    version: i64,
    doc: String,
}

impl RunRow {
    fn of(r: &ScheduleRun) -> Result<Self, PortError> {
        Ok(RunRow {
            id: r.id.clone(),
            schedule_id: r.schedule_id.clone(),
            occurrence_date: r.occurrence_date.map(|d| d.to_string()),
            export_id: r.export_id.clone(),
            version: to_i64(r.version)?,
            doc: to_doc(r)?,
        })
    }
}

impl Versioned for ScheduleRun {
    type Row = RunRow;
    const KIND: &'static str = "run";
    fn id(&self) -> &str {
        &self.id
    }
    fn version_mut(&mut self) -> &mut u64 {
        &mut self.version
    }
    fn row(&self) -> Result<RunRow, PortError> {
        RunRow::of(self)
    }
}

impl VersionedRow for RunRow {
    fn update(&self, conn: &Connection, expected: i64) -> rusqlite::Result<usize> {
        conn.execute(
            "UPDATE schedule_runs SET schedule_id = ?3, occurrence_date = ?4, export_id = ?5,
                    version = ?6, doc = ?7
             WHERE id = ?1 AND version = ?2",
            params![self.id, expected, self.schedule_id, self.occurrence_date, self.export_id, self.version, self.doc],
        )
    }
}

/// A run from its document; the `version` column is the truth.
fn decode(doc: &str, version: i64) -> Result<ScheduleRun, PortError> {
    let mut r: ScheduleRun = from_doc(doc)?;
    r.version = to_u64(version)?;
    Ok(r)
}

/// `(doc, version)` of every row of a query.
fn query_docs(conn: &Connection, sql: &str, params: impl rusqlite::Params) -> Result<Vec<(String, i64)>, PortError> {
    let mut stmt = conn.prepare_cached(sql).map_err(storage_error)?;
    let rows = stmt.query_map(params, |row| Ok((row.get(0)?, row.get(1)?))).map_err(storage_error)?;
    rows.collect::<Result<Vec<_>, _>>().map_err(storage_error)
}

#[async_trait]
impl ScheduleRunStore for SqliteStore {
    async fn claim_run(&self, run: &ScheduleRun, export: Option<&Export>) -> Result<bool, PortError> {
        let row = RunRow::of(run)?;
        let export = export.map(ExportRow::of).transpose()?;
        self.call(move |conn| {
            // Immediate: the claim and the export are one atomic step, also
            // against another process writing the file.
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(storage_error)?;
            // Only the occurrence index is a lost claim; a duplicate run id
            // is still an error.
            let inserted = tx
                .execute(
                    "INSERT INTO schedule_runs (id, schedule_id, occurrence_date, export_id, version, doc)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                     ON CONFLICT (schedule_id, occurrence_date) DO NOTHING",
                    params![row.id, row.schedule_id, row.occurrence_date, row.export_id, row.version, row.doc],
                )
                .map_err(storage_error)?;
            if inserted == 0 {
                // Dropping the transaction rolls it back: nothing was written.
                return Ok(false);
            }
            if let Some(export) = &export {
                exports::insert(&tx, export)?;
            }
            tx.commit().map_err(storage_error)?;
            Ok(true)
        })
        .await
    }

    async fn run_of_export(&self, schedule_id: &str, export_id: &str) -> Result<Option<ScheduleRun>, PortError> {
        let (schedule_id, export_id) = (schedule_id.to_string(), export_id.to_string());
        self.call(move |conn| {
            let found: Option<(String, i64)> = conn
                .query_row(
                    "SELECT doc, version FROM schedule_runs WHERE schedule_id = ?1 AND export_id = ?2
                     ORDER BY id LIMIT 1",
                    params![schedule_id, export_id],
                    |row| Ok((row.get(0)?, row.get(1)?)),
                )
                .optional()
                .map_err(storage_error)?;
            found.map(|(doc, version)| decode(&doc, version)).transpose()
        })
        .await
    }

    async fn update_run(&self, r: &mut ScheduleRun) -> Result<bool, PortError> {
        self.update_versioned(r).await
    }

    async fn list_runs(&self, schedule_id: &str, page: &PageRequest) -> Result<Page<ScheduleRun>, PortError> {
        let pos = PagePosition::read(PagedList::ScheduleRuns, &[schedule_id], page)?;
        let limit = pos.limit();
        let (schedule_id, after) = (schedule_id.to_string(), pos.after.clone());
        // Newest first: the next page continues below the cursor's id.
        let rows = self
            .call(move |conn| match after {
                Some(after) => query_docs(
                    conn,
                    "SELECT doc, version FROM schedule_runs WHERE schedule_id = ?1 AND id < ?2
                     ORDER BY id DESC LIMIT ?3",
                    params![schedule_id, after, limit],
                ),
                None => query_docs(
                    conn,
                    "SELECT doc, version FROM schedule_runs WHERE schedule_id = ?1 ORDER BY id DESC LIMIT ?2",
                    params![schedule_id, limit],
                ),
            })
            .await?;
        let items = rows.iter().map(|(doc, version)| decode(doc, *version)).collect::<Result<Vec<_>, _>>()?;
        Ok(pos.finish(items, |r| &r.id))
    }
}
