//! Ports: one trait per file, each implemented by a local adapter (SQLite, a
//! folder) and an AWS adapter. `Ports` bundles the instances a runtime chose;
//! use cases take it and never name an adapter.

pub mod clock;
pub mod connection_store;
pub mod export_store;
pub mod file_store;
pub mod format;
pub mod id_generator;
pub mod key_store;
pub mod report_store;
pub mod settings_store;
pub mod source;
pub mod work_queue;

use std::sync::Arc;

use jiff::SignedDuration;

pub use clock::Clock;
pub use connection_store::ConnectionStore;
pub use export_store::ExportStore;
pub use file_store::FileStore;
pub use format::FormatFactory;
pub use id_generator::IdGenerator;
pub use key_store::KeyStore;
pub use report_store::ReportStore;
pub use settings_store::SettingsStore;
pub use source::SourceFactory;
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
    pub export: ExportConfig,
}

/// How the export worker cuts its work.
#[derive(Debug, Clone)]
pub struct ExportConfig {
    /// Bytes buffered before a part is uploaded (and a checkpoint saved).
    pub part_size: usize,
    /// How long a worker's claim lasts without renewal.
    pub lease: SignedDuration,
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
    pub files: Arc<dyn FileStore>,
    pub export_queue: Arc<dyn WorkQueue>,
    pub clock: Arc<dyn Clock>,
    pub ids: Arc<dyn IdGenerator>,
    pub sources: Arc<dyn SourceFactory>,
    pub formats: Arc<dyn FormatFactory>,
    pub config: RuntimeConfig,
}
