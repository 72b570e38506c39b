//! The conditional write every versioned document shares: the row is written
//! only where the stored `version` is the one the caller read, and the
//! document goes in carrying the version it will have once stored. Each
//! table says only what differs: its row and its `UPDATE` statement.

use ferry_core::PortError;
use rusqlite::Connection;

use super::store::{to_i64, SqliteStore};
use crate::storage_errors::storage_error;

/// A document stored with a version column.
pub(super) trait Versioned: Clone {
    /// The row the document is written as.
    type Row: VersionedRow;
    /// What the document is, for the overflow message.
    const KIND: &'static str;
    fn id(&self) -> &str;
    fn version_mut(&mut self) -> &mut u64;
    fn row(&self) -> Result<Self::Row, PortError>;
}

/// A table row that writes itself over the row holding `expected`.
pub(super) trait VersionedRow: Send + 'static {
    /// `UPDATE … WHERE id = ? AND version = expected`: the rows changed.
    fn update(&self, conn: &Connection, expected: i64) -> rusqlite::Result<usize>;
}

/// The stored version can grow no further (it is an `i64` column).
#[derive(Debug, thiserror::Error)]
#[error("{kind} {id}: the version cannot grow past {version}")]
struct VersionOverflow {
    kind: &'static str,
    id: String,
    version: u64,
}

impl SqliteStore {
    /// Writes `item` if the stored version equals its own, then bumps its
    /// version. False (nothing written) when someone else wrote first.
    pub(super) async fn update_versioned<T: Versioned>(&self, item: &mut T) -> Result<bool, PortError> {
        let expected = *item.version_mut();
        let next = expected.checked_add(1).ok_or_else(|| {
            PortError::backend(VersionOverflow { kind: T::KIND, id: item.id().to_string(), version: expected })
        })?;
        let mut stored = item.clone();
        *stored.version_mut() = next;
        let row = stored.row()?;
        let expected = to_i64(expected)?;
        let written = self.call(move |conn| row.update(conn, expected).map_err(storage_error).map(|n| n == 1)).await?;
        if written {
            *item.version_mut() = next;
        }
        Ok(written)
    }
}
