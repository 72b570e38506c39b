//! Use cases: what Ferry does, in terms of the model and the ports only.

pub mod abandoned_uploads;
pub mod access;
pub mod auth;
pub mod bootstrap;
pub mod connections;
pub mod dashboard;
pub mod data_pipeline;
pub mod dataset_checks;
pub mod date_range;
pub mod delete_blockers;
pub mod deliveries;
pub mod destinations;
pub mod exports;
pub(crate) mod job_stop;
pub mod keys;
pub mod pdf_preview;
pub mod previews;
pub mod reports;
pub mod run_outcome;
pub mod schedule_runs;
pub mod scheduler_tick;
pub mod schedules;
pub mod sessions;
pub mod settings;
pub mod templates;
pub mod trigger;
