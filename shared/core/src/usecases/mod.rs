//! Use cases: what Ferry does, in terms of the model and the ports only.

pub mod access;
pub mod auth;
pub mod bootstrap;
pub mod connections;
mod export_plan;
pub mod export_recovery;
mod export_run;
pub mod export_worker;
pub mod exports;
pub mod keys;
pub mod reports;
pub mod settings;
pub mod templates;
