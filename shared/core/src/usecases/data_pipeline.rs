//! The Data Pipeline seed's REST surface for scripts written against Data
//! Center: `POST|GET|DELETE /rest/datapipeline/latest/export` runs, reports
//! and cancels exports of the `dataset` report the setting
//! `dataPipelineReportId` names, answering with the seed's bodies: a job
//! with a numeric `jobId` (the export's place among that report's exports,
//! from 1), `status` in the seed's words, `config.exportFrom`, and
//! `statistics` once it ended.

use jiff::tz::TimeZone;
use jiff::Timestamp;
use serde::Serialize;

use crate::error::CoreError;
use crate::model::api_key::Principal;
use crate::model::dataset::tables_for;
use crate::model::export::{Export, ExportStatus};
use crate::model::page::PageRequest;
use crate::model::report::Report;
use crate::ports::export_store::ExportFilter;
use crate::usecases::exports::{cancel_export, start_export, StartExport};
use crate::usecases::reports::load_report;
use crate::usecases::settings::current;
use crate::Ports;

/// The setting, as errors name it.
pub const SETTING: &str = "dataPipelineReportId";
/// The seed's `nodeId`: Ferry has no cluster nodes, so one name for all.
const NODE_ID: &str = "ferry";

/// One job as the seed shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JobView {
    pub start_time: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub completed_time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cancelled_time: Option<String>,
    pub node_id: &'static str,
    pub job_id: u64,
    pub status: &'static str,
    pub config: JobConfig,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub statistics: Option<Statistics>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<JobMessage>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JobConfig {
    pub export_from: Option<String>,
    pub forced_export: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Statistics {
    /// The entities (tables, one file each) the export wrote.
    pub exported_entities: u64,
    pub written_rows: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JobMessage {
    pub key: &'static str,
    pub message: String,
}

/// The answer of a POST: started (202), or the running job (409).
#[derive(Debug, Clone, PartialEq)]
pub enum StartAnswer {
    Started(JobView),
    Running(Option<JobView>),
}

/// The answer of a DELETE: `{"status", "message"}`, 200 when accepted.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CancelAnswer {
    #[serde(skip)]
    pub accepted: bool,
    pub status: &'static str,
    pub message: &'static str,
}

async fn pipeline_report(ports: &Ports, actor: &Principal) -> Result<Report, CoreError> {
    let Some(id) = current(ports).await?.data_pipeline_report_id else {
        return Err(CoreError::invalid(
            SETTING,
            "no report is set for the Data Pipeline API: an admin sets dataPipelineReportId to a dataset report",
        ));
    };
    load_report(ports, actor, &id).await
}

/// The seed's `fromDate`: ISO 8601 with or without seconds (`2020-12-30T23:01Z`, `…+01:00`).
pub fn parse_from_date(text: &str) -> Result<Timestamp, CoreError> {
    let text = text.trim();
    let with_seconds = match text.find('T') {
        // `HH:mm` then a zone: insert `:00` so RFC 3339 reads it.
        Some(t) if text[t + 1..].len() >= 5 && text[t + 1..].get(5..6) != Some(":") => {
            format!("{}:00{}", &text[..t + 6], &text[t + 6..])
        }
        _ => text.to_string(),
    };
    with_seconds.parse::<Timestamp>().map_err(|_| {
        CoreError::invalid(
            "fromDate",
            "must be an ISO 8601 date and time with a zone, like 2020-12-30T23:01Z or 2020-12-30T22:01+01:00",
        )
    })
}

/// `POST`: starts an export of the report.
pub async fn start(
    ports: &Ports,
    actor: &Principal,
    from: Option<&str>,
    forced: bool,
) -> Result<StartAnswer, CoreError> {
    let report = pipeline_report(ports, actor).await?;
    let from_date = from.map(parse_from_date).transpose()?;
    let input = StartExport { report_id: report.id.clone(), from_date, to_date: None, format: None };
    match start_export(ports, actor, input).await {
        Ok(view) => {
            let e =
                ports.exports.get_export(&view.id).await?.ok_or_else(|| CoreError::not_found("export", &view.id))?;
            Ok(StartAnswer::Started(job_view(ports, &report, &e, forced).await?))
        }
        Err(CoreError::ExportRunning { running }) => {
            let job = match running {
                Some(e) => Some(job_view(ports, &report, &e, false).await?),
                None => None,
            };
            Ok(StartAnswer::Running(job))
        }
        Err(other) => Err(other),
    }
}

/// `GET`: the latest job of the report, None before the first.
pub async fn latest(ports: &Ports, actor: &Principal) -> Result<Option<JobView>, CoreError> {
    let report = pipeline_report(ports, actor).await?;
    match newest_export(ports, &report).await? {
        Some(e) => Ok(Some(job_view(ports, &report, &e, false).await?)),
        None => Ok(None),
    }
}

/// `DELETE`: cancels the running job, or says none runs.
pub async fn cancel(ports: &Ports, actor: &Principal) -> Result<CancelAnswer, CoreError> {
    let report = pipeline_report(ports, actor).await?;
    match newest_export(ports, &report).await? {
        Some(e) if e.status.is_active() => {
            cancel_export(ports, actor, &e.id).await?;
            Ok(CancelAnswer {
                accepted: true,
                status: "OK",
                message:
                    "Cancellation request successfully received. Currently running export job will be stopped shortly.",
            })
        }
        _ => Ok(CancelAnswer {
            accepted: false,
            status: "WARNING",
            message: "Cancellation request aborted. There is no export job running to cancel.",
        }),
    }
}

async fn newest_export(ports: &Ports, report: &Report) -> Result<Option<Export>, CoreError> {
    let filter = ExportFilter { report_id: Some(report.id.clone()), ..ExportFilter::default() };
    Ok(ports.exports.list_exports(&filter, &PageRequest::first(1)).await?.items.into_iter().next())
}

/// The export's place among the report's exports, counted from 1 by creation.
async fn job_id(ports: &Ports, report: &Report, e: &Export) -> Result<u64, CoreError> {
    let filter = ExportFilter { report_id: Some(report.id.clone()), ..ExportFilter::default() };
    let mut page = PageRequest::first(1000);
    let mut older = 0u64;
    loop {
        let found = ports.exports.list_exports(&filter, &page).await?;
        older += found.items.iter().filter(|o| (o.created_at, &o.id) < (e.created_at, &e.id)).count() as u64;
        match found.next_cursor {
            Some(c) => page.cursor = Some(c),
            None => return Ok(older + 1),
        }
    }
}

/// The seed's time text: milliseconds and an offset (`2021-03-03T12:08:24.045+00:00`).
fn seed_time(t: Timestamp) -> String {
    t.to_zoned(TimeZone::UTC).strftime("%Y-%m-%dT%H:%M:%S%.3f%:z").to_string()
}

async fn job_view(ports: &Ports, report: &Report, e: &Export, forced: bool) -> Result<JobView, CoreError> {
    let status = match e.status {
        ExportStatus::Queued | ExportStatus::Running => "STARTED",
        ExportStatus::Cancelling => "CANCELLATION_REQUESTED",
        ExportStatus::Completed => "COMPLETED",
        ExportStatus::Cancelled => "CANCELLED",
        ExportStatus::Failed => "FAILED",
    };
    let ended = e.status.is_terminal();
    let connection = ports.connections.get_connection(&report.connection_id).await?;
    let tables =
        connection.map_or(0, |c| report.kind.dataset().cloned().unwrap_or_default().chosen(tables_for(c.kind)).len());
    let statistics = matches!(e.status, ExportStatus::Completed | ExportStatus::Cancelled)
        .then(|| Statistics { exported_entities: tables as u64, written_rows: e.rows.unwrap_or(e.progress.completed) });
    let errors = match (e.status, &e.error) {
        (ExportStatus::Failed, Some(message)) => vec![JobMessage { key: "export.failed", message: message.clone() }],
        _ => Vec::new(),
    };
    Ok(JobView {
        start_time: seed_time(e.started_at.unwrap_or(e.created_at)),
        completed_time: e.completed_at.filter(|_| ended).map(seed_time),
        cancelled_time: e.completed_at.filter(|_| e.status == ExportStatus::Cancelled).map(seed_time),
        node_id: NODE_ID,
        job_id: job_id(ports, report, e).await?,
        status,
        config: JobConfig { export_from: e.from_date.map(seed_time), forced_export: forced },
        statistics,
        errors,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seeds_date_forms_parse() {
        let at = |s: &str| parse_from_date(s).unwrap().to_string();
        assert_eq!(at("2020-12-30T23:01Z"), "2020-12-30T23:01:00Z");
        assert_eq!(at("2020-12-30T22:01+01:00"), "2020-12-30T21:01:00Z");
        assert_eq!(at("2020-10-22T01:30:11Z"), "2020-10-22T01:30:11Z");
        assert_eq!(at("2020-07-17T08:00:00+10:00"), "2020-07-16T22:00:00Z");
        assert!(parse_from_date("2020-12-30").is_err());
        assert!(parse_from_date("yesterday").is_err());
        assert_eq!(seed_time("2021-03-03T01:08:24.045Z".parse().unwrap()), "2021-03-03T01:08:24.045+00:00");
    }
}
