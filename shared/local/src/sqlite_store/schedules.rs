//! `ScheduleStore` on the `schedules` table: owner and report are columns for
//! the lists, `paused` and `next_run_at` for the local scheduler's "what is
//! due" query, `version` for the one-statement conditional update.

use async_trait::async_trait;
use ferry_core::model::page::{Page, PageRequest};
use ferry_core::model::schedule::Schedule;
use ferry_core::ports::schedule_store::ScheduleStore;
use ferry_core::PortError;
use jiff::Timestamp;
use rusqlite::{params, OptionalExtension};

use super::store::{from_doc, query_texts, to_doc, to_i64, to_u64, SqliteStore};
use super::versioned::{Versioned, VersionedRow};
use crate::storage_errors::storage_error;
use ferry_core::model::page_cursor::{PagePosition, PagedList};

const NANOS_PER_MILLI: i128 = 1_000_000;

/// The columns a schedule is stored with besides its document.
pub(super) struct ScheduleRow {
    id: String,
    report_id: String,
    owner: String,
    paused: bool,
    next_run_at: Option<i64>,
    version: i64,
    doc: String,
}

impl ScheduleRow {
    fn of(s: &Schedule) -> Result<Self, PortError> {
        Ok(ScheduleRow {
            id: s.id.clone(),
            report_id: s.report_id.clone(),
            owner: s.owner.clone(),
            paused: s.paused,
            next_run_at: s.next_run_at.map(millis_up).transpose()?,
            version: to_i64(s.version)?,
            doc: to_doc(s)?,
        })
    }
}

impl Versioned for Schedule {
    type Row = ScheduleRow;
    const KIND: &'static str = "schedule";
    fn id(&self) -> &str {
        &self.id
    }
    fn version_mut(&mut self) -> &mut u64 {
        &mut self.version
    }
    fn row(&self) -> Result<ScheduleRow, PortError> {
        ScheduleRow::of(self)
    }
}

impl VersionedRow for ScheduleRow {
    fn update(&self, conn: &rusqlite::Connection, expected: i64) -> rusqlite::Result<usize> {
        conn.execute(
            "UPDATE schedules SET report_id = ?3, owner = ?4, paused = ?5, next_run_at = ?6,
                    version = ?7, doc = ?8
             WHERE id = ?1 AND version = ?2",
            params![
                self.id,
                expected,
                self.report_id,
                self.owner,
                self.paused,
                self.next_run_at,
                self.version,
                self.doc
            ],
        )
    }
}

/// `next_run_at` as unix milliseconds, rounded up, and `now` rounded down
/// ([`millis_down`]): `stored <= now` then never holds before the real
/// instant, so a schedule is never due early. Occurrences fall on whole
/// seconds, where both roundings are exact. Milliseconds cover jiff's whole
/// range in an `i64`, which nanoseconds would not.
fn millis_up(t: Timestamp) -> Result<i64, PortError> {
    millis(-(-t.as_nanosecond()).div_euclid(NANOS_PER_MILLI))
}

fn millis_down(t: Timestamp) -> Result<i64, PortError> {
    millis(t.as_nanosecond().div_euclid(NANOS_PER_MILLI))
}

fn millis(ms: i128) -> Result<i64, PortError> {
    i64::try_from(ms).map_err(storage_error)
}

/// A schedule from its document; the `version` column is the truth.
fn decode(doc: &str, version: i64) -> Result<Schedule, PortError> {
    let mut s: Schedule = from_doc(doc)?;
    s.version = to_u64(version)?;
    Ok(s)
}

/// `(doc, version)` of every row of a query.
fn query_docs(
    conn: &rusqlite::Connection,
    sql: &str,
    params: impl rusqlite::Params,
) -> Result<Vec<(String, i64)>, PortError> {
    let mut stmt = conn.prepare_cached(sql).map_err(storage_error)?;
    let rows = stmt.query_map(params, |row| Ok((row.get(0)?, row.get(1)?))).map_err(storage_error)?;
    rows.collect::<Result<Vec<_>, _>>().map_err(storage_error)
}

fn decode_all(rows: &[(String, i64)]) -> Result<Vec<Schedule>, PortError> {
    rows.iter().map(|(doc, version)| decode(doc, *version)).collect()
}

#[async_trait]
impl ScheduleStore for SqliteStore {
    async fn insert_schedule(&self, s: &Schedule) -> Result<(), PortError> {
        let row = ScheduleRow::of(s)?;
        self.call(move |conn| {
            conn.execute(
                "INSERT INTO schedules (id, report_id, owner, paused, next_run_at, version, doc)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![row.id, row.report_id, row.owner, row.paused, row.next_run_at, row.version, row.doc],
            )
            .map_err(storage_error)?;
            Ok(())
        })
        .await
    }

    async fn get_schedule(&self, id: &str) -> Result<Option<Schedule>, PortError> {
        let id = id.to_string();
        self.call(move |conn| {
            let found: Option<(String, i64)> = conn
                .query_row("SELECT doc, version FROM schedules WHERE id = ?1", [id], |row| {
                    Ok((row.get(0)?, row.get(1)?))
                })
                .optional()
                .map_err(storage_error)?;
            found.map(|(doc, version)| decode(&doc, version)).transpose()
        })
        .await
    }

    async fn update_schedule(&self, s: &mut Schedule) -> Result<bool, PortError> {
        self.update_versioned(s).await
    }

    async fn delete_schedule(&self, id: &str) -> Result<bool, PortError> {
        let id = id.to_string();
        self.call(move |conn| {
            let deleted = conn.execute("DELETE FROM schedules WHERE id = ?1", [id]).map_err(storage_error)?;
            Ok(deleted > 0)
        })
        .await
    }

    async fn list_schedules(&self, owner: Option<&str>, page: &PageRequest) -> Result<Page<Schedule>, PortError> {
        let pos = PagePosition::read(PagedList::Schedules, &[owner.unwrap_or("*")], page)?;
        let limit = pos.limit();
        let owner = owner.map(str::to_string);
        // Ids are never empty, so "after the empty string" is the first page.
        let after = pos.after.clone().unwrap_or_default();
        let rows = self
            .call(move |conn| match owner {
                Some(owner) => query_docs(
                    conn,
                    "SELECT doc, version FROM schedules WHERE owner = ?1 AND id > ?2 ORDER BY id LIMIT ?3",
                    params![owner, after, limit],
                ),
                None => query_docs(
                    conn,
                    "SELECT doc, version FROM schedules WHERE id > ?1 ORDER BY id LIMIT ?2",
                    params![after, limit],
                ),
            })
            .await?;
        Ok(pos.finish(decode_all(&rows)?, |s| &s.id))
    }

    async fn schedules_using_report(&self, report_id: &str) -> Result<Vec<String>, PortError> {
        let report_id = report_id.to_string();
        self.call(move |conn| {
            query_texts(conn, "SELECT id FROM schedules WHERE report_id = ?1 ORDER BY id", [report_id])
        })
        .await
    }

    async fn due_schedules(&self, now: Timestamp, limit: u32) -> Result<Vec<Schedule>, PortError> {
        let now = millis_down(now)?;
        let rows = self
            .call(move |conn| {
                query_docs(
                    conn,
                    "SELECT doc, version FROM schedules
                     WHERE paused = 0 AND next_run_at IS NOT NULL AND next_run_at <= ?1
                     ORDER BY next_run_at, id LIMIT ?2",
                    params![now, limit],
                )
            })
            .await?;
        decode_all(&rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(ns: i128) -> Timestamp {
        Timestamp::from_nanosecond(ns).expect("valid instant")
    }

    #[test]
    fn whole_milliseconds_are_exact_and_fractions_round_away_from_now() {
        assert_eq!(millis_up(at(5_000_000)).expect("ms"), 5);
        assert_eq!(millis_down(at(5_000_000)).expect("ms"), 5);
        assert_eq!(millis_up(at(5_000_001)).expect("ms"), 6);
        assert_eq!(millis_down(at(5_999_999)).expect("ms"), 5);
        assert_eq!(millis_up(at(-1)).expect("ms"), 0);
        assert_eq!(millis_down(at(-1)).expect("ms"), -1);
        assert!(millis_up(Timestamp::MAX).is_ok() && millis_down(Timestamp::MIN).is_ok());
    }
}
