//! Logs of the four Lambdas: one JSON object per event on stdout, which
//! CloudWatch Logs keeps per invocation and Logs Insights can query by field.
//! `RUST_LOG` filters (default `info`). Secrets never reach a log line: the
//! ports' types mask them in `Debug`.

use tracing_subscriber::EnvFilter;

/// Installs the JSON subscriber; call once, first thing in `main`.
pub fn init() {
    tracing_subscriber::fmt()
        .json()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")))
        .init();
}
