//! Ferry's ports for tests, without starting a server: the local adapters
//! (SQLite, the files folder, the SQLite queues) in a temp dir of their own,
//! a manual clock, a mailer that records what it sends, and a file store
//! that holds a worker between its claim and its first save (a race made to
//! happen rather than hoped for). A use case takes `kit.ports`; the router
//! takes a clone (`router(kit.ports.clone())`) and answers `oneshot`
//! requests, as in axum's testing example.
//!
//! The channels (SFTP, webhooks), sources and formats are the real ones, so
//! a test exercises what the runtimes run.

mod paused_upload;
mod recording_mailer;

use std::sync::Arc;

use ferry_channels::{ObjectStoreS3Client, ReqwestWebhookClient, RusshSftpClient};
use ferry_core::ports::clock::ManualClock;
use ferry_core::ports::{Backends, ExportConfig, LinkKey, PolledTimers, Ports, RuntimeConfig};
use ferry_formats::StandardFormats;
use ferry_local_adapters::{FsFileStore, SqliteQueue, SqliteStore};
use ferry_sources::Sources;
use jiff::{SignedDuration, Timestamp};

pub use paused_upload::{Pause, PausedUploadStore, StartedUpload};
pub use recording_mailer::RecordingMailer;

/// Where a kit's clock starts unless a test says otherwise: a Monday, in
/// the future of every recurrence a test writes by hand.
pub const START: &str = "2030-01-07T09:00:00Z";

/// The base of the URLs the kit's ports make (no server listens there).
pub const PUBLIC_URL: &str = "http://127.0.0.1:8080";

/// Ports on a temp dir, with handles on what a test moves or reads.
pub struct TestPorts {
    pub ports: Ports,
    pub clock: Arc<ManualClock>,
    pub mail: Arc<RecordingMailer>,
    /// Holds the database and the files; removed when the kit is dropped.
    pub dir: tempfile::TempDir,
}

/// Test ports with the clock at [`START`].
pub fn test_ports() -> TestPorts {
    test_ports_at(START.parse().expect("START is an instant"))
}

/// Test ports with the clock at `now`.
pub fn test_ports_at(now: Timestamp) -> TestPorts {
    let dir = tempfile::tempdir().expect("a temp dir for the test's state");
    let database = dir.path().join("ferry.db");
    let clock = Arc::new(ManualClock::new(now));
    let mail = Arc::new(RecordingMailer::default());
    let store = Arc::new(SqliteStore::open(&database).expect("opening the test database"));
    let queue = |name: &str| Arc::new(SqliteQueue::open(&database, name, clock.clone()).expect("opening a test queue"));
    let files =
        FsFileStore::new(dir.path().join("files"), PUBLIC_URL.into(), b"test-signing-key".to_vec(), clock.clone());
    let backends = Backends {
        timers: Arc::new(PolledTimers),
        files: Arc::new(files),
        export_queue: queue("exports"),
        delivery_queue: queue("deliveries"),
        mailer: mail.clone(),
        sftp: Arc::new(RusshSftpClient::new()),
        webhooks: Arc::new(ReqwestWebhookClient::new()),
        s3: Arc::new(ObjectStoreS3Client::new()),
        roles: None,
        sources: Arc::new(Sources::new()),
        formats: Arc::new(StandardFormats),
        clock: clock.clone(),
    };
    let config = RuntimeConfig {
        public_url: PUBLIC_URL.into(),
        signed_url_ttl: SignedDuration::from_secs(300),
        default_email_from: "ferry@localhost".into(),
        link_key: LinkKey(b"test-link-key".to_vec()),
        data_key: ferry_core::sealing::DataKey([7; 32]),
        export: ExportConfig::default(),
        own_buckets: vec!["ferry-own-files".into()],
    };
    TestPorts { ports: Ports::assemble(store, backends, config), clock, mail, dir }
}
