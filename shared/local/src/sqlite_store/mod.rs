//! `SqliteStore`: the local adapter of the five store ports (keys, connections,
//! reports, exports, settings) on one SQLite file. Each entity is a JSON
//! document plus the real columns its queries filter, sort and constrain on.
//! The file is shared with `SqliteQueue`, which keeps its own connection and
//! its own table (`queue_jobs`).

mod connections;
mod cursor;
mod exports;
mod keys;
mod reports;
mod schema;
mod settings;
mod slots;
mod store;

pub use store::SqliteStore;
