//! `SqliteQueue`: the local adapter of the work queue port, with SQS's
//! semantics on a SQLite table. Several named queues share the table
//! `queue_jobs` (and the file the state store uses). Time comes only from the
//! clock port, so tests expire visibility timeouts by moving a `ManualClock`.
//!
//! A receive hides the job until `now + visibility` and gives it a fresh
//! receipt, `<job id>.<random>`; `ack` and `retry_later` act only when the
//! receipt is the job's latest, so a worker whose timeout ran out and whose
//! job went to another worker cannot delete or delay it.

use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use crate::storage_errors::{storage_error, NotWal};
use async_trait::async_trait;
use ferry_core::model::ids::random_80;
use ferry_core::ports::clock::Clock;
use ferry_core::ports::work_queue::{Job, ReceivedJob, WorkQueue};
use ferry_core::PortError;
use jiff::SignedDuration;
use rusqlite::{params, Connection, OptionalExtension};

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS queue_jobs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    queue TEXT NOT NULL,
    body TEXT NOT NULL,
    -- Unix microseconds from which the job can be received.
    visible_at INTEGER NOT NULL,
    -- Random part of the latest receipt; NULL before the first receive.
    receipt TEXT,
    -- 1 while hidden by a receive (not by a delay or retry_later).
    in_flight INTEGER NOT NULL DEFAULT 0,
    attempts INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS queue_jobs_by_visibility ON queue_jobs (queue, visible_at, id);
";

/// A durable, named work queue in a SQLite file.
pub struct SqliteQueue {
    conn: Mutex<Connection>,
    queue: String,
    clock: Arc<dyn Clock>,
}

impl SqliteQueue {
    /// Opens (creating if needed) the queue `queue_name` in the database at `path`.
    pub fn open(path: &Path, queue_name: &str, clock: Arc<dyn Clock>) -> Result<Self, PortError> {
        let conn =
            Connection::open(path).map_err(|e| PortError::backend_in(format_args!("opening {}", path.display()), e))?;
        // Other connections (the state store, other queues, another process)
        // write the same file: wait for their locks rather than fail.
        conn.busy_timeout(Duration::from_secs(5)).map_err(storage_error)?;
        let mode: String =
            conn.pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0)).map_err(storage_error)?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(PortError::backend(NotWal { path: path.display().to_string(), mode }));
        }
        conn.pragma_update(None, "synchronous", "NORMAL").map_err(storage_error)?;
        conn.execute_batch(SCHEMA).map_err(storage_error)?;
        Ok(SqliteQueue { conn: Mutex::new(conn), queue: queue_name.to_string(), clock })
    }

    /// Makes every received, unacknowledged job visible now. A process that
    /// starts after a crash calls this so the jobs its previous run held are
    /// picked up at once, not when their visibility timeouts end. Returns how
    /// many jobs it released.
    pub fn make_all_visible(&self) -> Result<u64, PortError> {
        let now = self.now();
        let changed = self
            .lock()?
            .execute(
                "UPDATE queue_jobs SET visible_at = ?1, in_flight = 0
                 WHERE queue = ?2 AND in_flight = 1 AND visible_at > ?1",
                params![now, self.queue],
            )
            .map_err(storage_error)?;
        Ok(changed as u64)
    }

    fn lock(&self) -> Result<MutexGuard<'_, Connection>, PortError> {
        self.conn.lock().map_err(|_| PortError::backend("the queue's connection lock is poisoned"))
    }

    fn now(&self) -> i64 {
        self.clock.now().as_microsecond()
    }

    /// `now + d` in microseconds; negative durations count as zero.
    fn after(&self, d: SignedDuration) -> i64 {
        let micros = d.as_micros().clamp(0, i64::MAX as i128) as i64;
        self.now().saturating_add(micros)
    }
}

/// Splits `<id>.<random>`.
fn parse_receipt(receipt: &str) -> Result<(i64, &str), PortError> {
    receipt
        .split_once('.')
        .and_then(|(id, token)| Some((id.parse().ok()?, token)))
        .filter(|(_, token)| !token.is_empty())
        .ok_or_else(|| PortError::backend(format!("malformed queue receipt {receipt:?}")))
}

#[async_trait]
impl WorkQueue for SqliteQueue {
    async fn enqueue(&self, job: &Job, delay: SignedDuration) -> Result<(), PortError> {
        let body = serde_json::to_string(job).map_err(storage_error)?;
        self.lock()?
            .execute(
                "INSERT INTO queue_jobs (queue, body, visible_at) VALUES (?1, ?2, ?3)",
                params![self.queue, body, self.after(delay)],
            )
            .map_err(storage_error)?;
        Ok(())
    }

    async fn receive(&self, visibility: SignedDuration) -> Result<Option<ReceivedJob>, PortError> {
        let token = format!("{:020x}", random_80());
        // One statement picks and hides the job, so two receivers (even in
        // two processes) never get the same one.
        let taken: Option<(i64, String, u32)> = self
            .lock()?
            .query_row(
                "UPDATE queue_jobs SET visible_at = ?1, receipt = ?2, in_flight = 1, attempts = attempts + 1
                 WHERE id = (SELECT id FROM queue_jobs WHERE queue = ?3 AND visible_at <= ?4
                             ORDER BY visible_at, id LIMIT 1)
                 RETURNING id, body, attempts",
                params![self.after(visibility), token, self.queue, self.now()],
                |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
            )
            .optional()
            .map_err(storage_error)?;
        let Some((id, body, attempts)) = taken else {
            return Ok(None);
        };
        let job = serde_json::from_str(&body)
            .map_err(|e| PortError::backend_in(format_args!("queue job {id} is unreadable"), e))?;
        Ok(Some(ReceivedJob { job, receipt: format!("{id}.{token}"), attempts }))
    }

    async fn ack(&self, receipt: &str) -> Result<(), PortError> {
        let (id, token) = parse_receipt(receipt)?;
        self.lock()?
            .execute(
                "DELETE FROM queue_jobs WHERE id = ?1 AND queue = ?2 AND receipt = ?3",
                params![id, self.queue, token],
            )
            .map_err(storage_error)?;
        Ok(())
    }

    async fn retry_later(&self, receipt: &str, delay: SignedDuration) -> Result<(), PortError> {
        let (id, token) = parse_receipt(receipt)?;
        self.lock()?
            .execute(
                "UPDATE queue_jobs SET visible_at = ?1, in_flight = 0 WHERE id = ?2 AND queue = ?3 AND receipt = ?4",
                params![self.after(delay), id, self.queue, token],
            )
            .map_err(storage_error)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::parse_receipt;

    #[test]
    fn receipts_carry_the_job_id() {
        assert_eq!(parse_receipt("42.00ab").unwrap(), (42, "00ab"));
        assert!(parse_receipt("42").is_err());
        assert!(parse_receipt("x.00ab").is_err());
        assert!(parse_receipt("42.").is_err());
    }
}
