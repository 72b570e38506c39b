//! Adapter conformance suites: one per port, written once against the trait and
//! run against the local and the AWS adapter alike. Each function panics with a
//! message on the first broken promise.
pub mod connection_store;
pub mod delivery_store;
pub mod export_store;
pub mod file_store;
pub mod key_store;
pub mod mailer;
pub mod report_store;
pub mod role_assumer;
pub mod s3_client;
pub mod schedule_run_store;
pub mod schedule_store;
pub mod schedule_timers;
pub mod session_store;
pub mod settings_store;
pub mod sftp_client;
pub mod webhook_client;
pub mod work_queue;

mod race;
