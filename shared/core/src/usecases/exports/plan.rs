//! What an export run needs before its first row: the report, the source
//! request, the writer's spec and the file name, resolved from the stored
//! records. Problems here fail the export with a message the user can act on.

use super::dataset_plan;
use crate::error::CoreError;
use crate::model::connection::{Connection, ConnectionKind, ConnectionScope};
use crate::model::export::Export;
use crate::model::page::PageRequest;
use crate::model::report::{Report, ReportKind, ReportType};
use crate::model::time_in_status::DurationUnit;
use crate::ports::format::{DatasetLayout, DocumentInfo, FormatSpec};
use crate::ports::source::SourceRequest;
use crate::usecases::job_stop::Stop;
use crate::usecases::settings::current;
use crate::usecases::templates::{canonical, iso_millis, render, run_date_and_time, safe_file_name};
use crate::Ports;

pub(crate) struct ExportPlan {
    pub request: SourceRequest,
    pub spec: FormatSpec,
    pub retention_days: u32,
    /// `stallMinutes`: how long the run may go without progress.
    pub stall_after: jiff::SignedDuration,
    /// The files of a `dataset` export (its writer zips them itself).
    pub dataset: Option<DatasetLayout>,
}

/// `Stop::Refused` with a message when the export cannot run as configured.
pub(crate) async fn plan_export(ports: &Ports, e: &mut Export) -> Result<ExportPlan, Stop> {
    let Some(report) = ports.reports.get_report(&e.report_id).await? else {
        return Err(Stop::Refused("the report was deleted".into()));
    };
    let Some(mut connection) = ports.connections.get_connection(&report.connection_id).await? else {
        return Err(Stop::Refused("the report's connection was deleted".into()));
    };
    if e.run_as_app {
        match site_connection(ports, connection.kind).await? {
            Some(site) => connection = site,
            None => {
                return Err(Stop::Refused(format!(
                    "the schedule runs as app, but no site connection of kind {} exists",
                    connection.kind.as_str()
                )))
            }
        }
    }
    let settings = current(ports).await?;
    let is_dataset = report.report_type() == ReportType::Dataset;
    let resolved = if is_dataset {
        dataset_plan::dataset_options(&report.format_options)
    } else {
        report.format_options.resolve()
    };
    let options = match resolved {
        Ok(o) => o,
        Err(f) => return Err(Stop::Refused(format!("the report's {f}"))),
    };
    let columns = if report.columns.is_empty() {
        ports.sources.default_columns(&connection, report.report_type())
    } else {
        report.columns.clone()
    };
    let inner_name = match file_name(e, &report) {
        Ok(n) => n,
        Err(m) => return Err(Stop::Refused(m)),
    };
    if e.file_name.is_none() {
        e.file_name = Some(if is_dataset {
            dataset_plan::zip_name(&inner_name)
        } else if e.compress {
            format!("{inner_name}.zip")
        } else {
            inner_name.clone()
        });
    }
    let dataset = is_dataset.then(|| dataset_plan::layout(e, &report, &connection, options.clone()));
    if is_dataset && e.from_date.is_none() {
        e.from_date = Some(dataset_plan::default_from(e.created_at));
    }
    let mut spec = FormatSpec {
        format: e.format,
        options,
        headers: columns.iter().map(|c| c.header().to_string()).collect(),
        compress: e.compress,
        inner_file_name: inner_name,
        created_at: e.created_at,
        xlsx_rows_per_sheet: ports.config.export.xlsx_rows_per_sheet,
        document: document_info(&report),
    };
    if let Some(layout) = &dataset {
        // The dataset's writer makes the zip; the run sees resumable CSV.
        spec.compress = false;
        spec.headers = dataset_plan::qualified_headers(layout);
    }
    let request = SourceRequest {
        connection,
        kind: report.kind.clone(),
        query: report.query.clone(),
        columns,
        from_date: e.from_date,
        to_date: e.to_date,
        allow_private_networks: settings.allow_private_networks,
        as_of: e.created_at,
        activity: Default::default(),
    };
    let stall_after = jiff::SignedDuration::from_mins(settings.stall_minutes.max(1) as i64);
    Ok(ExportPlan { request, spec, retention_days: settings.default_retention_days, stall_after, dataset })
}

/// The word a chart of durations in this unit is labelled with.
/// What a document format (PDF) prints about the report: the one place
/// exports, the PDF preview and a destination's test take it from.
pub(crate) fn document_info(report: &Report) -> DocumentInfo {
    DocumentInfo {
        report_name: report.name.clone(),
        query: report.query.clone(),
        time_in_status_unit: match &report.kind {
            ReportKind::TimeInStatus { options } => {
                Some(unit_name(options.as_ref().map(|t| t.unit).unwrap_or_default()))
            }
            _ => None,
        },
    }
}

pub(crate) fn unit_name(unit: DurationUnit) -> String {
    match unit {
        DurationUnit::Hours | DurationUnit::Duration => "hours",
        DurationUnit::Days => "days",
        DurationUnit::Minutes => "minutes",
        DurationUnit::Seconds => "seconds",
    }
    .to_string()
}

/// The first site connection of a kind ("run as app").
async fn site_connection(ports: &Ports, kind: ConnectionKind) -> Result<Option<Connection>, CoreError> {
    let mut page = PageRequest::first(1000);
    loop {
        let found = ports.connections.list_connections(None, &page).await?;
        if let Some(c) = found.items.into_iter().find(|c| c.scope == ConnectionScope::Site && c.kind == kind) {
            return Ok(Some(c));
        }
        match found.next_cursor {
            Some(c) => page.cursor = Some(c),
            None => return Ok(None),
        }
    }
}

/// The file name from the report's template. It depends only on the report
/// and the export's creation, so a resumed or rerun export names its file the same.
pub(crate) fn file_name(e: &Export, report: &Report) -> Result<String, String> {
    let ts = e.created_at.strftime("%Y%m%dT%H%M%SZ").to_string();
    // A file is named before it knows its schedule: the report's time zone (UTC by default).
    let zone = report.format_options.timezone.as_deref().and_then(|z| jiff::tz::TimeZone::get(z).ok());
    let (run_date, run_time) = run_date_and_time(e.created_at, &zone.unwrap_or(jiff::tz::TimeZone::UTC));
    let rendered = render(&report.file_name, |name| match canonical(name) {
        "reportName" => Some(report.name.clone()),
        "reportId" => Some(report.id.clone()),
        "reportSlug" => Some(report.slug()),
        "reportDate" => Some(iso_millis(e.created_at)),
        "runDate" => Some(run_date.clone()),
        "runTime" => Some(run_time.clone()),
        "exportId" => Some(e.id.clone()),
        "query" => Some(report.query.clone().unwrap_or_default()),
        "format" => Some(e.format.as_str().to_string()),
        "ext" => Some(e.format.extension().to_string()),
        "timestamp" => Some(ts.clone()),
        _ => None,
    })
    .map_err(|err| format!("the report's fileName: {err}"))?;
    Ok(safe_file_name(&rendered))
}
