//! Export use cases on the API side: start, status, list, download, cancel,
//! delete file. The work itself is `worker`.

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use crate::error::CoreError;
use crate::model::api_key::Principal;
use crate::model::dataset::DatasetProgress;
use crate::model::export::{Export, ExportStatus, Progress, Trigger};
use crate::model::format_options::Format;
use crate::model::ids::IdKind;
use crate::model::page::{Page, PageRequest};
use crate::model::report::Report;
use crate::ports::export_store::{CreateOutcome, ExportFilter};
use crate::ports::file_store::DownloadAs;
use crate::ports::work_queue::Job;
use crate::usecases::access::{can_read_export, ensure_report_owner};
use crate::usecases::reports::load_report;
use crate::usecases::settings::current;
use crate::Ports;

/// Seconds a client is told to wait before asking again for an unfinished file.
pub const RETRY_AFTER_SECS: u64 = 5;

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StartExport {
    pub report_id: String,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub from_date: Option<Timestamp>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub to_date: Option<Timestamp>,
    #[serde(default)]
    pub format: Option<Format>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ExportView {
    pub id: String,
    pub report_id: String,
    pub schedule_id: Option<String>,
    pub trigger: Trigger,
    pub status: ExportStatus,
    pub created_by: String,
    #[schema(value_type = String)]
    pub created_at: Timestamp,
    #[schema(value_type = Option<String>)]
    pub started_at: Option<Timestamp>,
    #[schema(value_type = Option<String>)]
    pub completed_at: Option<Timestamp>,
    pub progress: Progress,
    pub rows: Option<u64>,
    pub bytes: Option<u64>,
    pub sha256: Option<String>,
    /// SHA-256 of the header and rows, whatever the format (`deliverWhen: changed` compares it).
    pub content_sha256: Option<String>,
    pub file_name: Option<String>,
    pub content_type: String,
    pub format: Format,
    pub status_link: String,
    pub download_link: Option<String>,
    #[schema(value_type = Option<String>)]
    pub expires_at: Option<Timestamp>,
    pub error: Option<String>,
    pub warnings: Vec<String>,
    /// A running `dataset` export: the entity being read and rows per entity.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dataset_progress: Option<DatasetProgress>,
}

pub fn export_view(ports: &Ports, e: &Export) -> ExportView {
    let base = format!("{}/v1/exports/{}", ports.config.public_url, e.id);
    ExportView {
        id: e.id.clone(),
        report_id: e.report_id.clone(),
        schedule_id: e.schedule_id.clone(),
        trigger: e.trigger,
        status: e.status,
        created_by: e.created_by.clone(),
        created_at: e.created_at,
        started_at: e.started_at,
        completed_at: e.completed_at,
        progress: e.progress,
        rows: e.rows,
        bytes: e.bytes,
        sha256: e.sha256.clone(),
        content_sha256: e.content_sha256.clone(),
        file_name: e.file_name.clone(),
        content_type: e.content_type().to_string(),
        format: e.format,
        download_link: e.file_available(ports.clock.now()).then(|| format!("{base}/download")),
        status_link: base,
        expires_at: e.expires_at,
        error: e.error.clone(),
        warnings: e.warnings.clone(),
        dataset_progress: e
            .checkpoint
            .as_ref()
            .and_then(|cp| cp.source_cursor.as_ref())
            .and_then(DatasetProgress::from_cursor),
    }
}

/// A new QUEUED export of `report` (not yet stored).
pub fn new_export(
    ports: &Ports,
    report: &Report,
    created_by: &str,
    trigger: Trigger,
    format: Option<Format>,
) -> Export {
    Export {
        created_by: created_by.to_string(),
        trigger,
        format: format.unwrap_or(report.format),
        compress: report.compress,
        ..Export::queued(ports.ids.new_id(IdKind::Export), &report.id, &report.owner, ports.clock.now())
    }
}

/// `POST /v1/exports`: one QUEUED/RUNNING export per report (409 otherwise),
/// at most `maxConcurrentExportsPerUser` active exports per report owner (429).
pub async fn start_export(ports: &Ports, actor: &Principal, input: StartExport) -> Result<ExportView, CoreError> {
    let report = load_report(ports, actor, &input.report_id).await?;
    ensure_report_owner(actor, &report, "run")?;
    crate::usecases::dataset_checks::running_dataset_export(ports, actor, &report).await?;
    if let (Some(from), Some(to)) = (input.from_date, input.to_date) {
        if from >= to {
            return Err(CoreError::invalid("toDate", "must be after fromDate"));
        }
    }
    let settings = current(ports).await?;
    let active = ports.exports.count_active_exports(&report.owner).await?;
    if active >= settings.max_concurrent_exports_per_user as u64 {
        return Err(CoreError::TooManyRequests {
            message: format!(
                "{} exports of this owner are already queued or running (the limit is {}); try again when one finishes",
                active, settings.max_concurrent_exports_per_user
            ),
            retry_after_secs: 30,
        });
    }
    let mut export = new_export(ports, &report, &actor.user, Trigger::Api, input.format);
    export.from_date = input.from_date;
    export.to_date = input.to_date;
    match ports.exports.create_export(&export, true).await? {
        CreateOutcome::Created => {}
        CreateOutcome::SlotBusy(holder) => {
            let running = ports.exports.get_export(&holder).await?.filter(|e| can_read_export(actor, e));
            return Err(CoreError::ExportRunning { running: running.map(Box::new) });
        }
    }
    enqueue_or_fail(ports, &mut export).await?;
    Ok(export_view(ports, &export))
}

/// Queues the job of a stored export. If the queue refuses, the export is
/// marked FAILED at once rather than left QUEUED forever.
pub async fn enqueue_or_fail(ports: &Ports, export: &mut Export) -> Result<(), CoreError> {
    let job = Job::Export { export_id: export.id.clone() };
    if let Err(err) = ports.export_queue.enqueue(&job, SignedDuration::ZERO).await {
        tracing::error!(export_id = %export.id, error = %err, "could not queue export");
        export.status = ExportStatus::Failed;
        export.error = Some("the export could not be queued; please try again".into());
        export.completed_at = Some(ports.clock.now());
        let _ = ports.exports.update_export(export).await;
        let _ = ports.exports.release_slot(&export.report_id, &export.id).await;
        let _ = crate::usecases::run_outcome::on_export_finished(ports, &export.id).await;
        return Err(err.into());
    }
    Ok(())
}

/// An export the actor may see; 404 otherwise.
pub async fn load_export(ports: &Ports, actor: &Principal, id: &str) -> Result<Export, CoreError> {
    match ports.exports.get_export(id).await? {
        Some(e) if can_read_export(actor, &e) => Ok(e),
        _ => Err(CoreError::not_found("export", id)),
    }
}

pub async fn get_export(ports: &Ports, actor: &Principal, id: &str) -> Result<ExportView, CoreError> {
    Ok(export_view(ports, &load_export(ports, actor, id).await?))
}

pub async fn list_exports(
    ports: &Ports,
    actor: &Principal,
    mut filter: ExportFilter,
    page: PageRequest,
) -> Result<Page<ExportView>, CoreError> {
    if !actor.is_admin() {
        filter.created_by = Some(actor.user.clone());
    }
    Ok(ports.exports.list_exports(&filter, &page).await?.map(|e| export_view(ports, &e)))
}

/// `GET /v1/exports/{id}/download`: a short-lived signed URL of the file.
pub async fn download_url(ports: &Ports, actor: &Principal, id: &str) -> Result<String, CoreError> {
    let e = load_export(ports, actor, id).await?;
    signed_file_url(ports, &e).await
}

/// The signed URL of a finished export's file, or why there is none.
pub async fn signed_file_url(ports: &Ports, e: &Export) -> Result<String, CoreError> {
    match e.status {
        ExportStatus::Queued | ExportStatus::Running | ExportStatus::Cancelling => {
            Err(CoreError::NotReady { retry_after_secs: RETRY_AFTER_SECS })
        }
        ExportStatus::Failed => {
            Err(CoreError::ExportFailed(e.error.clone().unwrap_or_else(|| "the export failed".into())))
        }
        ExportStatus::Cancelled => Err(CoreError::Gone("the export was cancelled; it has no file".into())),
        ExportStatus::Completed => {
            let (Some(key), true) = (&e.file_key, e.file_available(ports.clock.now())) else {
                return Err(CoreError::Gone("the export's file was deleted or is past its retention".into()));
            };
            let download = DownloadAs {
                file_name: e.file_name.clone().unwrap_or_else(|| format!("{}.{}", e.id, e.format.extension())),
                content_type: e.content_type().to_string(),
            };
            Ok(ports.files.signed_url(key, &download, ports.config.signed_url_ttl).await?)
        }
    }
}

/// `DELETE /v1/exports/{id}`: QUEUED → CANCELLED at once; RUNNING →
/// CANCELLING, and the worker stops at its next chunk.
pub async fn cancel_export(ports: &Ports, actor: &Principal, id: &str) -> Result<ExportView, CoreError> {
    for _ in 0..10 {
        let mut e = load_export(ports, actor, id).await?;
        match e.status {
            s if s.is_terminal() => {
                return Err(CoreError::Conflict {
                    code: "export_finished",
                    message: format!("the export has already finished ({})", s.as_str()),
                })
            }
            ExportStatus::Cancelling => return Ok(export_view(ports, &e)),
            ExportStatus::Queued => {
                e.status = ExportStatus::Cancelled;
                e.completed_at = Some(ports.clock.now());
                if ports.exports.update_export(&mut e).await? {
                    ports.exports.release_slot(&e.report_id, &e.id).await?;
                    crate::usecases::run_outcome::on_export_finished(ports, &e.id).await?;
                    return Ok(export_view(ports, &e));
                }
            }
            _ => {
                e.status = ExportStatus::Cancelling;
                if ports.exports.update_export(&mut e).await? {
                    return Ok(export_view(ports, &e));
                }
            }
        }
    }
    Err(CoreError::Conflict { code: "export_busy", message: "the export is changing too fast; try again".into() })
}

/// `DELETE /v1/exports/{id}/file`: the record stays, the file goes.
pub async fn delete_export_file(ports: &Ports, actor: &Principal, id: &str) -> Result<(), CoreError> {
    for _ in 0..10 {
        let mut e = load_export(ports, actor, id).await?;
        if e.status != ExportStatus::Completed {
            return Err(CoreError::Conflict {
                code: "export_not_finished",
                message: format!("only a completed export has a file (this one is {})", e.status.as_str()),
            });
        }
        let Some(key) = e.file_key.take() else { return Ok(()) };
        if ports.exports.update_export(&mut e).await? {
            ports.files.delete(&key).await?;
            return Ok(());
        }
    }
    Err(CoreError::Conflict { code: "export_busy", message: "the export is changing too fast; try again".into() })
}
