//! `ferry export`: one export without a server. It runs the same use cases and
//! worker as the server, on a throw-away data dir beside `--out`, then moves
//! the file to `--out` and prints rows, bytes, SHA-256 and rows/s.
//!
//! The scratch dir sits in `--out`'s folder so that the finished file is
//! renamed there, not copied; its file store skips fsync (nothing in it
//! outlives the command). So the file's bytes are written once, by the
//! export itself.

use std::io::IsTerminal;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use ferry_core::model::api_key::Principal;
use ferry_core::model::export::ExportStatus;
use ferry_core::model::format_options::Format;
use ferry_core::usecases::connections::{create_connection, ConnectionInput};
use ferry_core::usecases::exports::worker::ExportWorker;
use ferry_core::usecases::exports::{start_export, StartExport};
use ferry_core::usecases::reports::{create_report, ReportInput};
use tokio::sync::Notify;

use crate::cli::ExportArgs;
use crate::config::LocalConfig;
use crate::data_dir::DataDir;
use crate::runtime::assemble;

/// Splits the CLI's report file into the connection and the API report body.
fn parse_report_file(text: &str) -> anyhow::Result<(ConnectionInput, serde_json::Value)> {
    let mut body: serde_json::Value = serde_json::from_str(text).context("the report file is not JSON")?;
    let obj = body.as_object_mut().context("the report file must hold a JSON object")?;
    let connection =
        obj.remove("connection").context("the report file needs \"connection\": {\"kind\", \"settings\"}")?;
    let mut connection = connection.as_object().cloned().context("\"connection\" must be an object")?;
    connection.entry("name").or_insert_with(|| "cli".into());
    let connection: ConnectionInput =
        serde_json::from_value(connection.into()).context("\"connection\" is not a valid connection")?;
    obj.insert("connectionId".into(), serde_json::Value::Null);
    obj.entry("name").or_insert_with(|| "export".into());
    Ok((connection, body))
}

pub async fn run(args: ExportArgs, base: LocalConfig) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(&args.report).with_context(|| format!("reading {}", args.report.display()))?;
    let (connection_input, mut report_body) = parse_report_file(&text)?;
    let format = match &args.format {
        Some(f) => Some(
            serde_json::from_value::<Format>(f.as_str().into())
                .context("--format must be csv, xlsx, json, jsonl or pdf")?,
        ),
        None => None,
    };
    let out_dir = match args.out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let scratch = tempfile::Builder::new()
        .prefix(".ferry-export-")
        .tempdir_in(&out_dir)
        .or_else(|_| tempfile::tempdir())
        .context("creating a scratch data dir")?;
    let mut config = base;
    config.data_dir = scratch.path().to_path_buf();
    let data_dir = DataDir::open(scratch.path())?;
    let (ports, files) =
        assemble(&config, &data_dir, "http://127.0.0.1", Arc::new(Notify::new()), Arc::new(Notify::new()))?;
    files.set_durable(false);
    let me = Principal::system();

    let connection =
        create_connection(&ports, &me, connection_input).await.map_err(|e| anyhow::anyhow!("connection: {e}"))?;
    report_body["connectionId"] = connection.id.into();
    let report_input: ReportInput = serde_json::from_value(report_body).context("the report body is not valid")?;
    let report = create_report(&ports, &me, report_input).await.map_err(|e| anyhow::anyhow!("report: {e}"))?;
    let export =
        start_export(&ports, &me, StartExport { report_id: report.id, from_date: None, to_date: None, format })
            .await
            .map_err(|e| anyhow::anyhow!("export: {e}"))?;

    let started = Instant::now();
    let bar = (!args.quiet && std::io::stderr().is_terminal()).then(progress_bar);
    let watcher = bar.clone().map(|bar| {
        let ports = ports.clone();
        let id = export.id.clone();
        tokio::spawn(async move {
            loop {
                if let Ok(Some(e)) = ports.exports.get_export(&id).await {
                    if let Some(t) = e.progress.total {
                        bar.set_length(t);
                    }
                    bar.set_position(e.progress.completed);
                }
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        })
    });
    let worker = ExportWorker::new(ports.clone(), "cli");
    while worker.step().await.map_err(|e| anyhow::anyhow!("export worker: {e}"))?
        != ferry_core::ports::job_policy::StepOutcome::Empty
    {}
    if let Some(w) = watcher {
        w.abort();
    }
    let done = ports.exports.get_export(&export.id).await?.context("the export vanished")?;
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    if done.status != ExportStatus::Completed {
        bail!("export {}: {}", done.status.as_str(), done.error.unwrap_or_default());
    }
    let key = done.file_key.clone().context("the export has no file")?;
    files.move_out(&key, &args.out).await.with_context(|| format!("writing {}", args.out.display()))?;
    let secs = started.elapsed().as_secs_f64();
    let rows = done.rows.unwrap_or(0);
    eprintln!(
        "wrote {} rows, {} bytes to {} in {:.2}s ({:.0} rows/s), sha256 {}",
        rows,
        done.bytes.unwrap_or(0),
        args.out.display(),
        secs,
        rows as f64 / secs.max(1e-9),
        done.sha256.unwrap_or_default()
    );
    Ok(())
}

fn progress_bar() -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {wide_bar} {pos}/{len} rows ({per_sec}, eta {eta})",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    bar
}
