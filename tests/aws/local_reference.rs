//! The reference the AWS export is compared with: the same report exported
//! by the local runtime (SQLite store, folder file store) in one run, with
//! no step budget, on a throw-away data dir.

use std::sync::Arc;

use ferry_core::model::api_key::Principal;
use ferry_core::model::export::{Export, ExportStatus};
use ferry_core::ports::job_policy::StepOutcome;
use ferry_core::usecases::connections::{create_connection, ConnectionInput};
use ferry_core::usecases::exports::worker::ExportWorker;
use ferry_core::usecases::exports::{start_export, StartExport};
use ferry_core::usecases::reports::{create_report, ReportInput};
use ferry_local::data_dir::DataDir;
use ferry_local::runtime::assemble;
use ferry_local::LocalConfig;
use futures::TryStreamExt;
use serde_json::json;
use tokio::sync::Notify;

use crate::stack::sample;

/// The local export of a CSV `issues` report on a sample connection of `rows`.
pub async fn local_export(rows: u64) -> (Export, Vec<u8>) {
    let dir = tempfile::tempdir().unwrap();
    let config = LocalConfig::new(dir.path().to_path_buf(), 0);
    let data_dir = DataDir::open(dir.path()).unwrap();
    let (ports, _files) =
        assemble(&config, &data_dir, "http://127.0.0.1", Arc::new(Notify::new()), Arc::new(Notify::new())).unwrap();
    let me = Principal::system();
    let connection: ConnectionInput =
        serde_json::from_value(json!({"name": "Tracker", "kind": "sample", "settings": sample(rows)})).unwrap();
    let connection = create_connection(&ports, &me, connection).await.unwrap();
    let report: ReportInput =
        serde_json::from_value(json!({"name": "Issues", "connectionId": connection.id, "reportType": "issues"}))
            .unwrap();
    let report = create_report(&ports, &me, report).await.unwrap();
    let start = StartExport { report_id: report.id, from_date: None, to_date: None, format: None };
    let view = start_export(&ports, &me, start).await.unwrap();
    let worker = ExportWorker::new(ports.clone(), "local-reference");
    while worker.step().await.unwrap() != StepOutcome::Empty {}
    let export = ports.exports.get_export(&view.id).await.unwrap().unwrap();
    assert_eq!(export.status, ExportStatus::Completed, "{export:?}");
    let key = export.file_key.clone().unwrap();
    let chunks: Vec<_> = ports.files.read(&key).await.unwrap().try_collect().await.unwrap();
    (export, chunks.concat())
}
