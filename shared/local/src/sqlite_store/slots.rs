//! Report slots: at most one export per report holds its report's row in
//! `report_slots`, which is how "one running export per report" is enforced.
//! These run inside the caller's transaction.

use rusqlite::{params, Connection, OptionalExtension};

/// The export holding the report's slot, if any.
pub(super) fn holder(conn: &Connection, report_id: &str) -> rusqlite::Result<Option<String>> {
    conn.query_row("SELECT export_id FROM report_slots WHERE report_id = ?1", [report_id], |row| row.get(0)).optional()
}

/// Gives the slot to `export_id` unless someone holds it; returns the holder
/// afterwards (possibly `export_id` itself).
pub(super) fn take_if_free(conn: &Connection, report_id: &str, export_id: &str) -> rusqlite::Result<String> {
    conn.execute(
        "INSERT INTO report_slots (report_id, export_id) VALUES (?1, ?2) ON CONFLICT (report_id) DO NOTHING",
        params![report_id, export_id],
    )?;
    conn.query_row("SELECT export_id FROM report_slots WHERE report_id = ?1", [report_id], |row| row.get(0))
}

/// Frees the slot only when `export_id` holds it, so a late release by an
/// export that lost the slot cannot free another export's.
pub(super) fn release(conn: &Connection, report_id: &str, export_id: &str) -> rusqlite::Result<()> {
    conn.execute("DELETE FROM report_slots WHERE report_id = ?1 AND export_id = ?2", params![report_id, export_id])?;
    Ok(())
}
