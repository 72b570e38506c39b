//! Assembles the local runtime: adapters on the data dir, the ports, first-start
//! bootstrap, recovery of interrupted work, the HTTP server and the workers.
//! This is the one place the local binary chooses its backends.

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context;
use ferry_channels::{ObjectStoreS3Client, OutboxMailer, ReqwestWebhookClient, RusshSftpClient, SmtpMailer};
use ferry_core::ports::{Backends, LinkKey, Mailer, PolledTimers, Ports, RuntimeConfig, WorkQueue};
use ferry_core::sealing::{seal_stored_secrets, DataKey};
use ferry_core::usecases::bootstrap::{adopt_admin_email, bootstrap, Bootstrapped};
use ferry_core::usecases::exports::recovery::release_stale_leases;
use ferry_formats::StandardFormats;
use ferry_local_adapters::{signed_files_router, FsFileStore, SqliteQueue, SqliteStore};
use ferry_sources::Sources;
use tokio::sync::{oneshot, Notify};
use tokio::task::JoinHandle;

use crate::config::LocalConfig;
use crate::data_dir::DataDir;
use crate::scheduler::spawn_scheduler;
use crate::waking_queue::WakingQueue;
use crate::workers::{spawn_delivery_workers, spawn_export_workers, spawn_sweeper};

/// A started Ferry. Dropping it stops the server and the workers (like a
/// killed process: nothing is finished or cleaned up on the way out).
pub struct RunningFerry {
    pub addr: SocketAddr,
    pub public_url: String,
    /// Present when this start created the install.
    pub bootstrapped: Option<Bootstrapped>,
    pub ports: Ports,
    wake: Arc<Notify>,
    process_id: String,
    workers: Vec<JoinHandle<()>>,
    /// Delivery workers and the retention sweeper: `kill_workers` leaves them running.
    services: Vec<JoinHandle<()>>,
    server: JoinHandle<()>,
    shutdown: Option<oneshot::Sender<()>>,
    _data_dir: DataDir,
}

impl RunningFerry {
    /// Aborts the export workers where they are, as if their process died.
    pub fn kill_workers(&mut self) {
        for w in self.workers.drain(..) {
            w.abort();
        }
    }

    /// Starts `count` fresh workers (with new worker ids).
    pub fn start_workers(&mut self, count: usize) {
        let id = format!("{}-r{}", self.process_id, rand::random::<u16>());
        self.workers.extend(spawn_export_workers(&self.ports, count, self.wake.clone(), &id));
    }

    /// Stops accepting requests and ends the workers.
    pub async fn shutdown(mut self) {
        self.kill_workers();
        for s in self.services.drain(..) {
            s.abort();
        }
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        let _ = (&mut self.server).await;
    }

    /// Waits until the server ends (Ctrl-C in the binary).
    pub async fn wait(mut self) {
        let _ = (&mut self.server).await;
    }
}

impl Drop for RunningFerry {
    fn drop(&mut self) {
        for w in self.workers.iter().chain(&self.services) {
            w.abort();
        }
        self.server.abort();
    }
}

pub async fn start(config: LocalConfig) -> anyhow::Result<RunningFerry> {
    let data_dir = DataDir::open(&config.data_dir)?;
    let listener =
        tokio::net::TcpListener::bind(config.bind).await.with_context(|| format!("listening on {}", config.bind))?;
    let addr = listener.local_addr()?;
    let public_url = config.public_url.clone().unwrap_or_else(|| format!("http://127.0.0.1:{}", addr.port()));

    let wake = Arc::new(Notify::new());
    let delivery_wake = Arc::new(Notify::new());
    let (ports, files) = assemble(&config, &data_dir, &public_url, wake.clone(), delivery_wake.clone())?;

    let bootstrapped = bootstrap(&ports, config.admin_key.clone()).await.context("first-start set-up")?;
    // Secrets stored by a Ferry before sealing are sealed now, once.
    let raw = SqliteStore::open(&data_dir.database()).context("opening the state database")?;
    let sealed = seal_stored_secrets(&ports, &raw, &raw).await.context("sealing stored secrets")?;
    if sealed > 0 {
        raw.checkpoint().await.context("checkpointing the sealed secrets")?;
        tracing::info!(sealed, "sealed the secrets of connections and schedules stored in plain text");
    }
    drop(raw);
    if let Some(email) = &config.admin_email {
        adopt_admin_email(&ports, email, "FERRY_ADMIN_EMAIL").await.context("FERRY_ADMIN_EMAIL")?;
    }
    let released = release_stale_leases(&ports).await.context("recovering interrupted exports")?;
    if released > 0 {
        tracing::info!(released, "resuming exports interrupted by the previous stop");
    }

    let app = ferry_http::router(ports.clone(), ferry_web::pages).merge(signed_files_router(files));
    let (tx, rx) = oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        // The peer address is what wrong keys are counted by.
        let app = app.into_make_service_with_connect_info::<std::net::SocketAddr>();
        let serve = axum::serve(listener, app).with_graceful_shutdown(async move {
            let _ = rx.await;
        });
        if let Err(err) = serve.await {
            tracing::error!(error = %err, "HTTP server stopped");
        }
    });
    let process_id = format!("local-{}", hex::encode(rand::random::<[u8; 4]>()));
    let mut workers = spawn_export_workers(&ports, config.workers, wake.clone(), &process_id);
    if config.scheduler {
        workers.push(spawn_scheduler(ports.clone()));
    }
    let mut services = spawn_delivery_workers(&ports, config.delivery_workers, delivery_wake);
    services.push(spawn_sweeper(ports.clone()));
    Ok(RunningFerry {
        addr,
        public_url,
        bootstrapped,
        ports,
        wake,
        process_id,
        workers,
        services,
        server,
        shutdown: Some(tx),
        _data_dir: data_dir,
    })
}

/// Builds the ports on a data dir: SQLite state and queues, the folder file
/// store, the sample source, the standard formats, and the channels (the
/// outbox folder for mail unless `FERRY_SMTP_URL` names a server).
pub fn assemble(
    config: &LocalConfig,
    data_dir: &DataDir,
    public_url: &str,
    wake: Arc<Notify>,
    delivery_wake: Arc<Notify>,
) -> anyhow::Result<(Ports, Arc<FsFileStore>)> {
    let clock = config.clock.clone();
    let store = Arc::new(SqliteStore::open(&data_dir.database()).context("opening the state database")?);
    let queue =
        Arc::new(SqliteQueue::open(&data_dir.database(), "exports", clock.clone()).context("opening the work queue")?);
    queue.make_all_visible().context("recovering queued work")?;
    let files =
        Arc::new(FsFileStore::new(data_dir.files(), public_url.to_string(), data_dir.signing_key()?, clock.clone()));
    let sources = match config.sample_page_rows {
        Some(n) => Sources::with_page_rows(n),
        None => Sources::new(),
    };
    let export_queue: Arc<dyn WorkQueue> = Arc::new(WakingQueue::new(queue, wake));
    let deliveries = Arc::new(
        SqliteQueue::open(&data_dir.database(), "deliveries", clock.clone()).context("opening the delivery queue")?,
    );
    deliveries.make_all_visible().context("recovering queued deliveries")?;
    let delivery_queue: Arc<dyn WorkQueue> = Arc::new(WakingQueue::new(deliveries, delivery_wake));
    let mailer: Arc<dyn Mailer> = match &config.smtp_url {
        // The error never repeats the URL: it may hold a password.
        Some(url) => Arc::new(SmtpMailer::from_url(url).map_err(|e| anyhow::anyhow!("FERRY_SMTP_URL: {e}"))?),
        None => Arc::new(OutboxMailer::new(data_dir.outbox())),
    };
    let backends = Backends {
        timers: Arc::new(PolledTimers),
        files: files.clone(),
        export_queue,
        delivery_queue,
        mailer,
        sftp: Arc::new(RusshSftpClient::new()),
        webhooks: Arc::new(ReqwestWebhookClient::new()),
        s3: Arc::new(ObjectStoreS3Client::new()),
        // Assuming a role is an AWS runtime's: the local binary has no STS.
        roles: None,
        sources: Arc::new(sources),
        formats: Arc::new(StandardFormats),
        clock,
    };
    let config = RuntimeConfig {
        public_url: public_url.to_string(),
        signed_url_ttl: config.signed_url_ttl,
        default_email_from: config.email_from.clone(),
        link_key: LinkKey(data_dir.link_key()?),
        data_key: DataKey(data_dir.data_key()?),
        export: config.export.clone(),
        own_buckets: Vec::new(),
    };
    let ports = Ports::assemble(store, backends, config);
    Ok((ports, files))
}
