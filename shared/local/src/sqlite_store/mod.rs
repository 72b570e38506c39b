//! `SqliteStore`: the local adapter of the store ports (keys, connections,
//! reports, exports, schedules, schedule runs, deliveries, settings) on one SQLite file.
//! Each entity is a JSON document plus the real columns its queries filter,
//! sort and constrain on.
//! The file is shared with `SqliteQueue`, which keeps its own connection and
//! its own table (`queue_jobs`).

mod connections;
mod deliveries;
mod exports;
mod keys;
mod reports;
mod runs;
mod schedules;
mod schema;
mod sessions;
mod settings;
mod slots;
mod store;
mod versioned;

pub use store::SqliteStore;
