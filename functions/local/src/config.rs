//! Configuration of the local runtime, from flags and `FERRY_*` variables.

use std::path::PathBuf;
use std::sync::Arc;

use ferry_core::ports::clock::{Clock, SystemClock};
use ferry_core::ports::ExportConfig;
use jiff::SignedDuration;

#[derive(Clone)]
pub struct LocalConfig {
    pub data_dir: PathBuf,
    /// Address to listen on; port 0 picks a free one.
    pub bind: std::net::SocketAddr,
    /// Base of absolute URLs; None = `http://127.0.0.1:<port>`.
    pub public_url: Option<String>,
    /// The first admin key on an empty data dir (else one is generated).
    pub admin_key: Option<String>,
    /// `FERRY_ADMIN_EMAIL`: the first admin key's email while it has none.
    pub admin_email: Option<String>,
    pub signed_url_ttl: SignedDuration,
    pub email_from: String,
    pub export: ExportConfig,
    /// Export workers running in this process.
    pub workers: usize,
    /// Delivery workers running in this process.
    pub delivery_workers: usize,
    /// Mail through this SMTP server (`FERRY_SMTP_URL`) instead of the outbox folder.
    pub smtp_url: Option<String>,
    pub clock: Arc<dyn Clock>,
    /// Run the scheduler loop (tests drive `scheduler_step` themselves).
    pub scheduler: bool,
    /// Rows per page of the sample source.
    pub sample_page_rows: Option<usize>,
}

impl LocalConfig {
    pub fn new(data_dir: PathBuf, port: u16) -> Self {
        LocalConfig {
            data_dir,
            bind: std::net::SocketAddr::from(([127, 0, 0, 1], port)),
            public_url: None,
            admin_key: None,
            admin_email: None,
            signed_url_ttl: SignedDuration::from_secs(300),
            email_from: "ferry@localhost".into(),
            export: ExportConfig::default(),
            workers: 2,
            delivery_workers: 2,
            smtp_url: None,
            scheduler: true,
            clock: Arc::new(SystemClock),
            sample_page_rows: None,
        }
    }

    /// Applies `FERRY_ADMIN_KEY`, `FERRY_ADMIN_EMAIL`, `FERRY_PUBLIC_URL`, `FERRY_SIGNED_URL_TTL_SECONDS`,
    /// `FERRY_EMAIL_FROM`, `FERRY_SMTP_URL`, `FERRY_WORKERS`, `FERRY_DELIVERY_WORKERS`
    /// and `FERRY_PART_SIZE_BYTES`.
    pub fn with_env(mut self) -> anyhow::Result<Self> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        if let Some(k) = var("FERRY_ADMIN_KEY") {
            // Refused on every start, not only the first: a short key in the
            // environment is a mistake to hear about at once.
            anyhow::ensure!(
                k.chars().count() >= ferry_core::usecases::bootstrap::MIN_ADMIN_KEY_CHARS,
                "FERRY_ADMIN_KEY must be at least {} characters (it has {})",
                ferry_core::usecases::bootstrap::MIN_ADMIN_KEY_CHARS,
                k.chars().count()
            );
            self.admin_key = Some(k);
        }
        if let Some(e) = var("FERRY_ADMIN_EMAIL") {
            self.admin_email = Some(e);
        }
        if let Some(u) = var("FERRY_PUBLIC_URL") {
            self.public_url = Some(u.trim_end_matches('/').to_string());
        }
        if let Some(t) = var("FERRY_SIGNED_URL_TTL_SECONDS") {
            let secs: i64 =
                t.parse().map_err(|_| anyhow::anyhow!("FERRY_SIGNED_URL_TTL_SECONDS must be a number of seconds"))?;
            anyhow::ensure!(secs > 0, "FERRY_SIGNED_URL_TTL_SECONDS must be positive");
            self.signed_url_ttl = SignedDuration::from_secs(secs);
        }
        if let Some(f) = var("FERRY_EMAIL_FROM") {
            self.email_from = f;
        }
        if let Some(u) = var("FERRY_SMTP_URL") {
            self.smtp_url = Some(u);
        }
        if let Some(w) = var("FERRY_DELIVERY_WORKERS") {
            self.delivery_workers =
                w.parse().map_err(|_| anyhow::anyhow!("FERRY_DELIVERY_WORKERS must be a number"))?;
        }
        if let Some(w) = var("FERRY_WORKERS") {
            self.workers = w.parse().map_err(|_| anyhow::anyhow!("FERRY_WORKERS must be a number"))?;
        }
        if let Some(p) = var("FERRY_PART_SIZE_BYTES") {
            self.export.part_size = p.parse().map_err(|_| anyhow::anyhow!("FERRY_PART_SIZE_BYTES must be a number"))?;
        }
        Ok(self)
    }
}
