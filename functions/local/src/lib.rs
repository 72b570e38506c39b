//! The single-machine Ferry: the API router, the export workers and (later)
//! the scheduler over SQLite and a folder. `main.rs` is the `ferry` binary;
//! this library lets the tests start the very same runtime in-process.

pub mod cli;
pub mod config;
pub mod data_dir;
pub mod export_cmd;
pub mod hints;
pub mod runtime;
pub mod scheduler;
pub mod waking_queue;
pub mod workers;

pub use config::LocalConfig;
pub use runtime::{start, RunningFerry};
