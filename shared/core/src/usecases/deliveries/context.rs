//! What one delivery attempt needs, loaded fresh for each attempt: the
//! export and its file, the schedule's destination with the delivery's id
//! (so a fix to a destination helps the next retry), the report, settings
//! and placeholder values. A reason the attempt cannot even start is final.

use crate::model::delivery::Delivery;
use crate::model::destination::Destination;
use crate::model::export::Export;
use crate::model::settings::Settings;
use crate::ports::delivery::DeliveryError;
use crate::usecases::job_stop::Stop;
use crate::usecases::settings::current;
use crate::usecases::templates::Placeholders;
use crate::Ports;

pub(super) struct AttemptContext<'a> {
    pub ports: &'a Ports,
    /// The delivery's id: the same on every attempt (a webhook's `Idempotency-Key`).
    pub delivery_id: String,
    pub export: Export,
    /// The file's key in the file store.
    pub file_key: String,
    pub schedule_id: String,
    pub destination: Destination,
    pub settings: Settings,
    pub placeholders: Placeholders,
    /// The run's time in the schedule's zone (`2026-12-07 09:00 CET`).
    pub run_time: String,
    /// The export is a `dataset`'s zip (an S3 destination gets its files apart).
    pub dataset: bool,
}

/// `Stop::Refused` when the delivery cannot be attempted at all (for good).
pub(super) async fn load_context<'a>(
    ports: &'a Ports,
    d: &Delivery,
) -> Result<AttemptContext<'a>, Stop<DeliveryError>> {
    let refused = |reason: String| Stop::Refused(DeliveryError::Rejected(reason));
    let Some(export) = ports.exports.get_export(&d.export_id).await? else {
        return Err(refused("the export was deleted".into()));
    };
    let (Some(file_key), true) = (export.file_key.clone(), export.file_available(ports.clock.now())) else {
        return Err(refused("the file was deleted or is past its retention".into()));
    };
    let Some(schedule) = ports.schedules.get_schedule(&d.schedule_id).await? else {
        return Err(refused("the schedule was deleted".into()));
    };
    let destination_id = d.destination_id();
    let Some(destination) = schedule.destination(&destination_id).map(|p| p.destination.clone()) else {
        return Err(refused(format!("destination {destination_id} was removed from the schedule")));
    };
    if destination.kind() != d.kind {
        return Err(refused(format!(
            "destination {destination_id} is now of type {} (it was {}); redeliver to send it",
            destination.kind().as_str(),
            d.kind.as_str()
        )));
    }
    let report = ports.reports.get_report(&export.report_id).await?;
    let settings = current(ports).await?;
    let dataset = report.as_ref().is_some_and(|r| r.report_type() == crate::model::report::ReportType::Dataset);
    let zone = crate::recurrence::time_zone(&schedule.recurrence.timezone).unwrap_or(jiff::tz::TimeZone::UTC);
    let placeholders = Placeholders::for_export(report.as_ref(), &export, &zone);
    let run_time = placeholders.get("runTime").unwrap_or_default().to_string();
    Ok(AttemptContext {
        ports,
        delivery_id: d.id.clone(),
        export,
        file_key,
        schedule_id: schedule.id,
        destination,
        settings,
        placeholders,
        run_time,
        dataset,
    })
}

impl AttemptContext<'_> {
    /// The export's file name (what SFTP and attachments use by default).
    pub fn file_name(&self) -> String {
        let e = &self.export;
        e.file_name.clone().unwrap_or_else(|| format!("{}.{}", e.id, e.format.extension()))
    }

    /// `reportName` for sentences.
    pub fn report_name(&self) -> &str {
        self.placeholders.get("reportName").unwrap_or_default()
    }
}

/// A size in MB with two decimals, as `{{sizeMb}}` shows it.
pub(super) fn mb(bytes: u64) -> String {
    format!("{:.2}", bytes as f64 / crate::usecases::templates::BYTES_PER_MB as f64)
}
