//! The one way a runtime builds its `Ports`: it names its state store once
//! (one value that implements every store port: the SQLite file, the
//! DynamoDB table) and its other backends; the store fields and the id
//! generator follow from those.

use std::sync::Arc;

use super::id_generator::UlidGenerator;
use super::{
    Clock, ConnectionStore, DeliveryStore, ExportStore, FailedKeyStore, FileStore, FormatFactory, KeyStore, Mailer,
    Ports, ReportStore, RoleAssumer, RuntimeConfig, S3Client, ScheduleRunStore, ScheduleStore, ScheduleTimers,
    SessionStore, SettingsStore, SftpClient, SourceFactory, WebhookClient, WorkQueue,
};
use crate::sealing::{SealedConnections, SealedSchedules, SecretBox};

/// A backend that keeps all of Ferry's state.
pub trait StateStore:
    KeyStore
    + ConnectionStore
    + ReportStore
    + ExportStore
    + SettingsStore
    + ScheduleStore
    + ScheduleRunStore
    + DeliveryStore
    + SessionStore
    + FailedKeyStore
    + 'static
{
}

impl<T> StateStore for T where
    T: KeyStore
        + ConnectionStore
        + ReportStore
        + ExportStore
        + SettingsStore
        + ScheduleStore
        + ScheduleRunStore
        + DeliveryStore
        + SessionStore
        + FailedKeyStore
        + 'static
{
}

/// What a runtime chooses besides its state store.
pub struct Backends {
    pub timers: Arc<dyn ScheduleTimers>,
    pub files: Arc<dyn FileStore>,
    pub export_queue: Arc<dyn WorkQueue>,
    pub delivery_queue: Arc<dyn WorkQueue>,
    pub mailer: Arc<dyn Mailer>,
    pub sftp: Arc<dyn SftpClient>,
    pub webhooks: Arc<dyn WebhookClient>,
    pub s3: Arc<dyn S3Client>,
    /// `None` where no role can be assumed (the local runtime).
    pub roles: Option<Arc<dyn RoleAssumer>>,
    pub sources: Arc<dyn SourceFactory>,
    pub formats: Arc<dyn FormatFactory>,
    pub clock: Arc<dyn Clock>,
}

impl Ports {
    /// The ports of a runtime whose state lives in `store`. Ids are ULIDs
    /// on the runtime's clock, so a manual clock also fixes their time part.
    pub fn assemble<S: StateStore>(store: Arc<S>, backends: Backends, config: RuntimeConfig) -> Ports {
        let Backends {
            timers,
            files,
            export_queue,
            delivery_queue,
            mailer,
            sftp,
            webhooks,
            s3,
            roles,
            sources,
            formats,
            clock,
        } = backends;
        // Secrets are sealed above the store, so every backend holds them sealed.
        let secrets = SecretBox::new(&config.data_key);
        Ports {
            keys: store.clone(),
            connections: Arc::new(SealedConnections::new(store.clone(), secrets.clone())),
            reports: store.clone(),
            exports: store.clone(),
            settings: store.clone(),
            schedules: Arc::new(SealedSchedules::new(store.clone(), secrets)),
            runs: store.clone(),
            deliveries: store.clone(),
            sessions: store.clone(),
            failed_keys: store,
            timers,
            files,
            export_queue,
            delivery_queue,
            mailer,
            sftp,
            webhooks,
            s3,
            roles,
            ids: Arc::new(UlidGenerator::new(clock.clone())),
            clock,
            sources,
            formats,
            config,
            test_sends: Default::default(),
        }
    }
}
