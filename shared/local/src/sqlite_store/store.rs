//! The store handle: one rusqlite connection behind a mutex, opened with the
//! pragmas a shared WAL file needs, and the bridge that runs a short piece of
//! blocking SQLite work off the async executor.

use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use ferry_core::PortError;
use rusqlite::Connection;
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::schema;
use crate::storage_errors::{storage_error, NotWal};

/// How long a statement waits for another connection's write lock (the queue
/// writes to the same file) before it fails with "database is locked".
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Keys, connections, reports, exports (with report slots) and settings in one
/// SQLite file. Cheap to clone: clones share the connection. Its port methods
/// run on tokio's blocking pool, so they need a tokio runtime.
#[derive(Clone)]
pub struct SqliteStore {
    conn: Arc<Mutex<Connection>>,
}

impl SqliteStore {
    /// Opens (or creates) the database file at `path`, sets WAL journaling,
    /// `synchronous=NORMAL` and a 5 s busy timeout, and creates the schema.
    /// Fails when the file was written by a newer schema version.
    pub fn open(path: &Path) -> Result<SqliteStore, PortError> {
        let conn = Connection::open(path).map_err(storage_error)?;
        conn.busy_timeout(BUSY_TIMEOUT).map_err(storage_error)?;
        // `journal_mode` answers with the mode in force; a file system without
        // shared memory may refuse WAL, and then we would rather know.
        let mode: String =
            conn.pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0)).map_err(storage_error)?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(PortError::backend(NotWal { path: path.display().to_string(), mode }));
        }
        conn.pragma_update(None, "synchronous", "NORMAL").map_err(storage_error)?;
        // Replaced and deleted content is zeroed, not left in free space: a
        // secret sealed on first start leaves no plain copy behind.
        conn.pragma_update(None, "secure_delete", "ON").map_err(storage_error)?;
        // Integrity is kept by the use cases (409 on a connection in use), not
        // by the database, so that every backend behaves alike.
        conn.pragma_update(None, "foreign_keys", "OFF").map_err(storage_error)?;
        schema::migrate(&conn)?;
        Ok(SqliteStore { conn: Arc::new(Mutex::new(conn)) })
    }

    /// Copies the write-ahead log into the database file and empties it, so
    /// page images from before (plain secrets) are gone from both files.
    pub async fn checkpoint(&self) -> Result<(), PortError> {
        self.call(|conn| {
            conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())).map_err(storage_error)?;
            Ok(())
        })
        .await
    }

    /// Runs `work` with the connection on tokio's blocking pool, under the lock.
    /// SQLite calls block (up to the busy timeout when the queue holds the
    /// write lock), which must not stall an executor thread.
    pub(super) async fn call<T, F>(&self, work: F) -> Result<T, PortError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, PortError> + Send + 'static,
    {
        let conn = Arc::clone(&self.conn);
        tokio::task::spawn_blocking(move || {
            // A panic under the lock cannot leave a half-done write: an open
            // rusqlite `Transaction` rolls back when it is dropped. So the
            // connection is still sound and a poisoned lock is taken over.
            let mut guard = conn.lock().unwrap_or_else(PoisonError::into_inner);
            work(&mut guard)
        })
        .await
        .map_err(storage_error)?
    }
}

/// An entity as its stored JSON document.
pub(super) fn to_doc<T: Serialize>(value: &T) -> Result<String, PortError> {
    serde_json::to_string(value).map_err(storage_error)
}

/// An entity read back from its JSON document.
pub(super) fn from_doc<T: DeserializeOwned>(doc: &str) -> Result<T, PortError> {
    serde_json::from_str(doc).map_err(storage_error)
}

/// The first column of every row of a query, as text (documents or ids).
pub(super) fn query_texts(
    conn: &Connection,
    sql: &str,
    params: impl rusqlite::Params,
) -> Result<Vec<String>, PortError> {
    let mut stmt = conn.prepare_cached(sql).map_err(storage_error)?;
    let rows = stmt.query_map(params, |row| row.get::<_, String>(0)).map_err(storage_error)?;
    rows.collect::<Result<Vec<_>, _>>().map_err(storage_error)
}

/// SQLite integers are signed; versions and counts are never negative, and a
/// value past `i64::MAX` is refused rather than wrapped.
pub(super) fn to_i64(n: u64) -> Result<i64, PortError> {
    i64::try_from(n).map_err(storage_error)
}

/// The inverse of [`to_i64`].
pub(super) fn to_u64(n: i64) -> Result<u64, PortError> {
    u64::try_from(n).map_err(storage_error)
}
