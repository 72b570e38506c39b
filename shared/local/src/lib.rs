//! Local adapters of Ferry's ports, for the one-machine runtime: SQLite state
//! store and work queue on one file, and a folder file store whose downloads
//! go through HMAC-signed URLs served by `signed_files_router`.

mod file_keys;
mod fs_file_store;
mod part_files;
mod signed_files;
mod sqlite_queue;
pub mod sqlite_store;
mod storage_errors;
mod url_signing;

pub use fs_file_store::FsFileStore;
pub use signed_files::signed_files_router;
pub use sqlite_queue::SqliteQueue;
pub use sqlite_store::SqliteStore;
