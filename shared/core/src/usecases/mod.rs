//! Use cases: what Ferry does, in terms of the model and the ports only.

pub mod access;
pub mod auth;
pub mod bootstrap;
pub mod connections;
pub mod dashboard;
pub mod date_range;
pub mod deliveries;
pub mod destinations;
mod export_pipeline;
mod export_plan;
pub mod export_recovery;
mod export_run;
pub mod export_worker;
pub mod exports;
pub mod keys;
pub mod previews;
pub mod reports;
pub mod run_outcome;
pub mod schedule_runs;
pub mod scheduler_tick;
pub mod schedules;
pub mod settings;
pub mod templates;
pub mod trigger;
