//! Opening a run: its source and writer, before the first row, and the
//! failure of a source that never finished opening.

use jiff::SignedDuration;

use super::{fail, stalled_message, RunEnd};
use crate::error::CoreError;
use crate::model::export::Export;
use crate::model::format_options::Format;
use crate::ports::format::{DatasetLayout, FormatWriter};
use crate::ports::source::{LeftOut, RowSource, SourceActivity};
use crate::usecases::exports::dataset_plan::qualified_headers;
use crate::usecases::exports::plan::ExportPlan;
use crate::usecases::job_stop::Stop;
use crate::Ports;

/// What a run needs before its first row, opened.
pub(super) struct Prepared {
    pub(super) source: Box<dyn RowSource>,
    pub(super) writer: Box<dyn FormatWriter>,
    pub(super) resumable: bool,
    pub(super) retention_days: u32,
    /// The column headers, the start of the content hash.
    pub(super) headers: Vec<String>,
    pub(super) row_cap: Option<u64>,
}

/// Opens the planned export's source and writer; a refusal fails the export.
pub(super) async fn prepare(ports: &Ports, e: &mut Export, plan: ExportPlan) -> Result<Prepared, Stop> {
    let resumable = plan.spec.format.resumable() && !plan.spec.compress;
    if !resumable {
        if let Some(cp) = e.checkpoint.take() {
            // XLSX and zip are assembled at the end: start again from zero.
            if let Some(key) = e.upload_key() {
                ports.files.abort_upload(&key, &cp.upload_id).await?;
            }
            e.progress.completed = 0;
        }
    }
    let mut source = ports.sources.open(plan.request).await.map_err(Stop::refused)?;
    let mut spec = plan.spec;
    if let Some(headers) = source.headers() {
        spec.headers = headers;
    }
    if e.progress.total.is_none() {
        e.progress.total = source.total().await.map_err(Stop::refused)?;
    }
    let mut dataset = plan.dataset;
    if let Some(layout) = dataset.as_mut() {
        left_out(e, layout, source.left_out(), &mut spec.headers);
    }
    let resume_state = e.checkpoint.as_ref().and_then(|c| c.format_state.clone());
    let writer = match &dataset {
        Some(layout) => ports.formats.create_dataset(layout, resume_state.as_ref()),
        None => ports.formats.create(&spec, resume_state.as_ref()),
    }
    .map_err(Stop::refused)?;
    let row_cap = (spec.format == Format::Pdf).then_some(spec.options.pdf.max_rows);
    Ok(Prepared { source, writer, resumable, retention_days: plan.retention_days, headers: spec.headers, row_cap })
}

/// Drops the files of the entities the source cannot give from the
/// dataset's zip, and warns once per entity (a resumed run finds the same).
fn left_out(e: &mut Export, layout: &mut DatasetLayout, gone: Vec<LeftOut>, headers: &mut Vec<String>) {
    if gone.is_empty() {
        return;
    }
    layout.files.retain(|f| !gone.iter().any(|g| g.entity == f.entity));
    *headers = qualified_headers(layout);
    for g in gone {
        if !e.warnings.contains(&g.warning) {
            e.warnings.push(g.warning);
        }
    }
}

/// Fails an export whose source did not finish opening within `stallMinutes`.
pub(super) async fn stalled_opening(
    ports: &Ports,
    id: &str,
    still: SignedDuration,
    activity: &SourceActivity,
) -> Result<RunEnd, CoreError> {
    let message = stalled_message(still, &activity.get());
    tracing::error!(export_id = %id, %message, "export stalled while opening its source");
    let Some(mut e) = ports.exports.get_export(id).await? else {
        return Ok(RunEnd::LeaseLost);
    };
    if e.status.is_terminal() {
        return Ok(RunEnd::Finished);
    }
    fail(ports, &mut e, message).await
}
