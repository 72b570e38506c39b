//! Ports: one trait per file, each implemented by a local adapter (SQLite, a
//! folder) and an AWS adapter. `Ports` bundles the instances a runtime chose;
//! use cases take it and never name an adapter.
//!
//! Errors, the same contract for every store: any method may fail with
//! `PortError::Backend` (the cause kept for the logs) and any write with
//! `PortError::NoSpace`; `insert_*` of an id (or key hash) already stored is
//! `PortError::Conflict`; a `list_*` given a cursor it did not make is
//! `PortError::BadCursor`; other variants are named on the method that
//! returns them. The conformance suites (`conformance`, feature
//! `conformance`) hold every adapter to this.

pub mod assembly;
pub mod clock;
pub mod connection_store;
pub mod delivery;
pub mod delivery_store;
pub mod export_store;
pub mod failed_key_store;
pub mod file_store;
pub mod format;
pub mod id_generator;
pub mod job_policy;
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
pub mod source;
pub mod test_sends;
pub mod webhook_client;
pub mod work_queue;

use std::sync::Arc;

use jiff::SignedDuration;

pub use assembly::{Backends, StateStore};
pub use clock::Clock;
pub use connection_store::ConnectionStore;
pub use delivery_store::DeliveryStore;
pub use export_store::ExportStore;
pub use failed_key_store::FailedKeyStore;
pub use file_store::FileStore;
pub use format::FormatFactory;
pub use id_generator::IdGenerator;
pub use key_store::KeyStore;
pub use mailer::Mailer;
pub use report_store::ReportStore;
pub use role_assumer::RoleAssumer;
pub use s3_client::S3Client;
pub use schedule_run_store::ScheduleRunStore;
pub use schedule_store::ScheduleStore;
pub use schedule_timers::{PolledTimers, ScheduleTimers};
pub use session_store::SessionStore;
pub use settings_store::SettingsStore;
pub use sftp_client::SftpClient;
pub use source::SourceFactory;
pub use webhook_client::WebhookClient;
pub use work_queue::WorkQueue;

/// Knobs of a runtime that are not user settings.
#[derive(Debug, Clone)]
pub struct RuntimeConfig {
    /// Base of absolute URLs (`Location`, links in mail), no trailing slash.
    pub public_url: String,
    /// Lifetime of signed file URLs.
    pub signed_url_ttl: SignedDuration,
    /// `emailFrom` before an admin sets one.
    pub default_email_from: String,
    /// Derives the tokens of download links (`/v1/files/{token}`), so only
    /// their hashes need to be stored.
    pub link_key: LinkKey,
    /// The key stored secrets are sealed under (see `sealing`).
    pub data_key: crate::sealing::DataKey,
    pub export: ExportConfig,
    /// Buckets Ferry itself uses (its file store on AWS): an S3 destination
    /// never writes there with the runtime's own credentials, and an admin
    /// cannot list them in `s3AllowedBuckets`.
    pub own_buckets: Vec<String>,
}

/// The secret link tokens are derived from. Its `Debug` does not show it.
#[derive(Clone)]
pub struct LinkKey(pub Vec<u8>);

impl std::fmt::Debug for LinkKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LinkKey(***)")
    }
}

/// How the export worker cuts its work.
#[derive(Debug, Clone)]
pub struct ExportConfig {
    /// Bytes buffered before a part is uploaded (and a checkpoint saved).
    pub part_size: usize,
    /// How long a worker's claim lasts without renewal.
    pub lease: SignedDuration,
    /// How often a running export renews its lease, writes its progress and
    /// checkpoints at the next page (real time; well inside `lease`).
    pub heartbeat: std::time::Duration,
    /// Data rows per XLSX sheet (Excel's limit unless lowered for tests).
    pub xlsx_rows_per_sheet: u32,
    /// Upper bound of one worker step (Lambda time budget); None = run to the end.
    pub step_budget: Option<SignedDuration>,
}

impl Default for ExportConfig {
    fn default() -> Self {
        ExportConfig {
            part_size: 8 * 1024 * 1024,
            lease: SignedDuration::from_secs(60),
            heartbeat: std::time::Duration::from_secs(5),
            xlsx_rows_per_sheet: format::XLSX_MAX_DATA_ROWS_PER_SHEET,
            step_budget: None,
        }
    }
}

#[derive(Clone)]
pub struct Ports {
    pub keys: Arc<dyn KeyStore>,
    pub connections: Arc<dyn ConnectionStore>,
    pub reports: Arc<dyn ReportStore>,
    pub exports: Arc<dyn ExportStore>,
    pub settings: Arc<dyn SettingsStore>,
    pub schedules: Arc<dyn ScheduleStore>,
    pub runs: Arc<dyn ScheduleRunStore>,
    pub deliveries: Arc<dyn DeliveryStore>,
    /// Dashboard sessions (hashed ids).
    pub sessions: Arc<dyn SessionStore>,
    /// Wrong keys per client address (throttling).
    pub failed_keys: Arc<dyn FailedKeyStore>,
    /// What fires schedules: EventBridge Scheduler on AWS, nothing locally (polled).
    pub timers: Arc<dyn ScheduleTimers>,

    pub files: Arc<dyn FileStore>,
    pub export_queue: Arc<dyn WorkQueue>,
    /// One `Job::Deliver` per delivery attempt round.
    pub delivery_queue: Arc<dyn WorkQueue>,
    pub mailer: Arc<dyn Mailer>,
    pub sftp: Arc<dyn SftpClient>,
    pub webhooks: Arc<dyn WebhookClient>,
    pub s3: Arc<dyn S3Client>,
    /// Assumes the roles S3 destinations name: STS on AWS; none locally.
    pub roles: Option<Arc<dyn RoleAssumer>>,
    pub clock: Arc<dyn Clock>,
    pub ids: Arc<dyn IdGenerator>,
    pub sources: Arc<dyn SourceFactory>,
    pub formats: Arc<dyn FormatFactory>,
    pub config: RuntimeConfig,
    /// Who sent a destination test when (one per user every 10 s).
    pub test_sends: Arc<test_sends::TestSends>,
}
