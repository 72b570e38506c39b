//! The tables and indexes of `SqliteStore`, created idempotently on open. The
//! schema version lives in SQLite's `user_version`, so a file written by a
//! newer Ferry is refused instead of being misread.

use crate::storage_errors::storage_error;
use ferry_core::PortError;
use rusqlite::Connection;

/// The version `open` writes into `PRAGMA user_version`. Tables added later
/// (schedules, schedule runs, deliveries) only add `IF NOT EXISTS` objects, which an
/// older build of the same version ignores, so they did not need a new version.
pub(super) const SCHEMA_VERSION: i64 = 1;

/// Every list query has an index that serves its filter and its id order.
const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS api_keys (
    id   TEXT PRIMARY KEY NOT NULL,
    hash TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL,
    doc  TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS api_keys_by_role ON api_keys (role);

CREATE TABLE IF NOT EXISTS connections (
    id    TEXT PRIMARY KEY NOT NULL,
    owner TEXT NOT NULL,
    scope TEXT NOT NULL,
    doc   TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS connections_by_owner ON connections (owner, id);
CREATE INDEX IF NOT EXISTS connections_by_scope ON connections (scope, id);

CREATE TABLE IF NOT EXISTS reports (
    id            TEXT PRIMARY KEY NOT NULL,
    owner         TEXT NOT NULL,
    visibility    TEXT NOT NULL,
    connection_id TEXT NOT NULL,
    doc           TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS reports_by_owner ON reports (owner, id);
CREATE INDEX IF NOT EXISTS reports_by_visibility ON reports (visibility, id);
CREATE INDEX IF NOT EXISTS reports_by_connection ON reports (connection_id, id);

CREATE TABLE IF NOT EXISTS exports (
    id          TEXT PRIMARY KEY NOT NULL,
    report_id   TEXT NOT NULL,
    owner       TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    schedule_id TEXT,
    status      TEXT NOT NULL,
    version     INTEGER NOT NULL,
    doc         TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS exports_by_report ON exports (report_id, id);
CREATE INDEX IF NOT EXISTS exports_by_creator ON exports (created_by, id);
CREATE INDEX IF NOT EXISTS exports_by_status ON exports (status, id);
CREATE INDEX IF NOT EXISTS exports_by_schedule ON exports (schedule_id, id);
CREATE INDEX IF NOT EXISTS exports_by_owner_status ON exports (owner, status);

CREATE TABLE IF NOT EXISTS report_slots (
    report_id TEXT PRIMARY KEY NOT NULL,
    export_id TEXT NOT NULL
);

-- next_run_at: unix milliseconds, rounded up (see schedules.rs); NULL when
-- nothing is due (ended or paused).
CREATE TABLE IF NOT EXISTS schedules (
    id          TEXT PRIMARY KEY NOT NULL,
    report_id   TEXT NOT NULL,
    owner       TEXT NOT NULL,
    paused      INTEGER NOT NULL,
    next_run_at INTEGER,
    version     INTEGER NOT NULL,
    doc         TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS schedules_by_owner ON schedules (owner, id);
CREATE INDEX IF NOT EXISTS schedules_by_report ON schedules (report_id, id);
CREATE INDEX IF NOT EXISTS schedules_due ON schedules (paused, next_run_at);

-- One run per (schedule, occurrence date): the unique index is what makes a
-- repeated firing idempotent. Run-now has no date, and NULLs never collide.
CREATE TABLE IF NOT EXISTS schedule_runs (
    id              TEXT PRIMARY KEY NOT NULL,
    schedule_id     TEXT NOT NULL,
    occurrence_date TEXT,
    export_id       TEXT,
    version         INTEGER NOT NULL,
    doc             TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS schedule_runs_by_occurrence ON schedule_runs (schedule_id, occurrence_date);
CREATE INDEX IF NOT EXISTS schedule_runs_by_schedule ON schedule_runs (schedule_id, id);
CREATE INDEX IF NOT EXISTS schedule_runs_by_export ON schedule_runs (schedule_id, export_id);

-- One delivery per (export, destination index): the unique index makes
-- starting the deliveries of an export safe to repeat. A link is found by
-- its token's hash; NULLs (no link handed out) never collide.
CREATE TABLE IF NOT EXISTS deliveries (
    id              TEXT PRIMARY KEY NOT NULL,
    export_id       TEXT NOT NULL,
    destination     INTEGER NOT NULL,
    link_token_hash TEXT,
    version         INTEGER NOT NULL,
    doc             TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS deliveries_by_export ON deliveries (export_id, destination);
CREATE UNIQUE INDEX IF NOT EXISTS deliveries_by_link ON deliveries (link_token_hash);

CREATE TABLE IF NOT EXISTS settings (
    id  INTEGER PRIMARY KEY CHECK (id = 1),
    doc TEXT NOT NULL
);

-- Dashboard sessions by the SHA-256 of their id; times in unix milliseconds.
CREATE TABLE IF NOT EXISTS sessions (
    id_hash    TEXT PRIMARY KEY NOT NULL,
    key_id     TEXT NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS sessions_by_key ON sessions (key_id);

-- Wrong API keys per client address in the window opened at `since`.
CREATE TABLE IF NOT EXISTS failed_keys (
    address TEXT PRIMARY KEY NOT NULL,
    since   INTEGER NOT NULL,
    count   INTEGER NOT NULL
);
";

/// Creates what is missing and records the schema version; refuses a file of
/// a newer version. Runs in one immediate transaction so two processes that
/// open a fresh file at once do not interleave.
pub(super) fn migrate(conn: &Connection) -> Result<(), PortError> {
    let found: i64 = conn.query_row("PRAGMA user_version", [], |row| row.get(0)).map_err(storage_error)?;
    if found > SCHEMA_VERSION {
        return Err(PortError::backend(format!(
            "database schema version {found} is newer than this build's {SCHEMA_VERSION}"
        )));
    }
    let script = format!("BEGIN IMMEDIATE;{SCHEMA}PRAGMA user_version = {SCHEMA_VERSION};COMMIT;");
    conn.execute_batch(&script).map_err(|e| {
        // Leave no transaction open on the connection when a statement failed.
        let _ = conn.execute_batch("ROLLBACK");
        PortError::backend(e)
    })
}
