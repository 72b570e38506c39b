//! Exports, read in the order a job flows: `requests` (start, status, list,
//! download, cancel: what the API calls), then the `worker` that takes a job
//! and claims the export, the `run` that plans it (`plan`), streams it through
//! the `pipeline` and checkpoints each part, keeping its lease by the
//! `heartbeat`, and `finish` for an export that
//! ends without a file. `recovery` releases leases at a local start.

mod dataset_plan;
mod finish;
pub(crate) mod heartbeat;
mod pipeline;
mod plan;
pub mod recovery;
mod requests;
mod run;
pub mod worker;

pub(crate) use plan::{document_info, file_name};
pub use requests::*;
