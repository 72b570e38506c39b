//! The one translation of a local storage failure into a `PortError`: a full
//! disk (SQLite's `SQLITE_FULL`, or `ENOSPC` from the file system) becomes
//! `PortError::NoSpace`, which the core and the API treat apart (an export
//! fails at once, a request answers 507); a broken uniqueness rule is
//! `PortError::Conflict`; anything else is a backend failure, its cause kept.

use std::error::Error;

use ferry_core::PortError;

/// SQLite would not keep a write-ahead log for this file (a file system
/// without shared memory): the store and the queues need one.
#[derive(Debug, thiserror::Error)]
#[error("{path} cannot use WAL (journal mode {mode})")]
pub(crate) struct NotWal {
    pub(crate) path: String,
    pub(crate) mode: String,
}

/// `e` as a port error, a full disk told apart.
pub(crate) fn storage_error<E: Error + Send + Sync + 'static>(e: E) -> PortError {
    let any: &(dyn Error + 'static) = &e;
    if let Some(rusqlite::Error::SqliteFailure(code, _)) = any.downcast_ref::<rusqlite::Error>() {
        match code.code {
            rusqlite::ErrorCode::DiskFull => return PortError::NoSpace(e.to_string()),
            rusqlite::ErrorCode::ConstraintViolation => return PortError::Conflict(e.to_string()),
            _ => {}
        }
    }
    if let Some(io) = any.downcast_ref::<std::io::Error>() {
        if matches!(io.kind(), std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded) {
            return PortError::NoSpace(e.to_string());
        }
    }
    PortError::backend(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_disk_is_told_apart_from_other_failures() {
        let full = rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_FULL), None);
        assert!(matches!(storage_error(full), PortError::NoSpace(_)));
        let enospc = std::io::Error::from_raw_os_error(28);
        assert!(matches!(storage_error(enospc), PortError::NoSpace(_)));
        let busy = rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY), None);
        assert!(matches!(storage_error(busy), PortError::Backend { .. }));
        let twin =
            rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE), None);
        assert!(matches!(storage_error(twin), PortError::Conflict(_)));
    }
}
