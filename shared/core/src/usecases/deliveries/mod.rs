//! Deliveries: getting a scheduled run's file to each destination of its
//! schedule. `start` creates them when the export completes; the `worker`
//! makes each attempt over a channel (`email`, `link`, `sftp`, `webhook`, `s3`)
//! with retries; `links` serves download links; `redeliver` sends a kept
//! file again; the `sweeper` deletes files past their retention; `notices`
//! mails owners. The run's outcome waits for all of them (`run_outcome`).

mod attachment;
mod context;
mod email;
mod link;
pub mod links;
pub mod notices;
mod recipients;
pub mod redeliver;
pub mod s3;
mod s3_dataset;
pub mod send_test;
mod sftp;
pub mod start;
mod summary_html;
pub mod sweeper;
mod webhook;
pub mod worker;

pub use email::{DEFAULT_BODY, DEFAULT_SUBJECT};
pub use webhook::{signature, USER_AGENT};
