//! `POST /v1/destinations/test`: sends a small file of the report's first 20
//! rows through one destination's real channel now, before the schedule is
//! saved, and answers what the other side said. The destination is read and
//! checked as a schedule save reads it (`prepare_destinations`): with
//! `scheduleId` and the destination's `id`, stored secrets left out or sent
//! as `***` are the stored ones. The file is named like the run's file with
//! `_test` before its extension, kept in the file store only while it is
//! sent, and nothing is recorded as a run or a delivery. One test per user
//! every 10 seconds (`ports::test_sends`).

use std::io::Read;

use bytes::Bytes;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::context::AttemptContext;
use super::email::send_email;
use super::s3::put_s3;
use super::sftp::upload_sftp;
use super::webhook::post_webhook;
use crate::error::{CoreError, FieldError, PortError};
use crate::model::api_key::Principal;
use crate::model::delivery::Delivery;
use crate::model::destination::{Destination, DestinationInput};
use crate::model::export::{ExportStatus, Trigger};
use crate::model::ids::IdKind;
use crate::model::report::ReportType;
use crate::model::value::Row;
use crate::ports::delivery::{DeliveryError, Sent};
use crate::ports::format::FormatSpec;
use crate::usecases::access::ensure_report_owner;
use crate::usecases::connections::source_error;
use crate::usecases::destinations::prepare_destinations;
use crate::usecases::exports::{document_info, file_name, new_export};
use crate::usecases::previews::{connection_of, read_first_rows};
use crate::usecases::reports::load_report;
use crate::usecases::schedules::load_schedule;
use crate::usecases::settings::current;
use crate::usecases::templates::Placeholders;
use crate::Ports;

/// The body of `POST /v1/destinations/test`.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DestinationTestInput {
    pub report_id: String,
    /// A destination as a schedule holds it (with its `id` to use its stored secrets).
    #[schema(value_type = Object)]
    pub destination: DestinationInput,
    /// The schedule whose stored destination (by `destination.id`) lends its secrets.
    #[serde(default)]
    pub schedule_id: Option<String>,
}

/// What the test did: `outcome` `DELIVERED`, `FAILED` or `NOTHING_SENT` (a
/// link, which has nothing to send before a run), `details` the other side's
/// answer (HTTP status, SMTP reply, SFTP or S3 result) or why it failed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DestinationTestResult {
    pub ok: bool,
    pub outcome: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    pub details: String,
    /// The test file's name (`weekly_test.csv`).
    pub file_name: String,
    pub bytes: u64,
}

/// Sends the test. A refused input is a 400 naming `destination.<field>`; a
/// failed send is `ok: false` with the channel's error, not an HTTP error.
pub async fn send_test(
    ports: &Ports,
    actor: &Principal,
    input: DestinationTestInput,
) -> Result<DestinationTestResult, CoreError> {
    let report = load_report(ports, actor, &input.report_id).await?;
    ensure_report_owner(actor, &report, "send a test of")?;
    let settings = current(ports).await?;
    let (sent_id, destination) = input.destination.parse("destination")?;
    let stored = match &input.schedule_id {
        Some(id) => Some(load_schedule(ports, actor, id).await?.destinations),
        None => None,
    };
    let sent = vec![(sent_id.filter(|_| stored.is_some()), destination)];
    let destination = prepare_destinations(sent, stored.as_deref(), &settings, ports.ids.as_ref())
        .map_err(as_single_destination)?
        .remove(0)
        .destination;
    if report.report_type() == ReportType::Dataset {
        return Err(CoreError::invalid("reportId", "a dataset has no rows to test with: run the schedule instead"));
    }
    if let Err(wait) = ports.test_sends.take_turn(&actor.user, ports.clock.now()) {
        return Err(CoreError::TooManyRequests {
            message: format!("one test every 10 seconds: try again in {wait} s"),
            retry_after_secs: wait,
        });
    }

    let mut export = new_export(ports, &report, &actor.user, Trigger::RunNow, None);
    export.schedule_id = input.schedule_id.clone();
    let inner = file_name(&export, &report).map_err(|m| CoreError::invalid("reportId", m))?;
    let inner = test_name(&inner);
    let name = if export.compress { format!("{inner}.zip") } else { inner.clone() };
    let connection = connection_of(ports, &report).await?;
    let (headers, rows, _) = read_first_rows(ports, &report, connection, settings.allow_private_networks, false)
        .await
        .map_err(source_error)?;
    let spec = FormatSpec {
        format: export.format,
        options: report.format_options.resolve().map_err(CoreError::from)?,
        headers,
        compress: export.compress,
        inner_file_name: inner,
        created_at: export.created_at,
        xlsx_rows_per_sheet: ports.config.export.xlsx_rows_per_sheet,
        document: document_info(&report),
    };
    let file = write_file(ports, &spec, &rows)?;
    let key = format!("tests/{}/{name}", export.id);
    store(ports, &key, &file).await?;
    export.status = ExportStatus::Completed;
    export.rows = Some(rows.len() as u64);
    export.bytes = Some(file.len() as u64);
    export.sha256 = Some(hex::encode(Sha256::digest(&file)));
    export.file_name = Some(name.clone());
    export.file_key = Some(key.clone());
    export.completed_at = Some(ports.clock.now());

    let zone = match &stored {
        Some(_) => {
            let schedule = load_schedule(ports, actor, input.schedule_id.as_deref().unwrap_or_default()).await?;
            crate::recurrence::time_zone(&schedule.recurrence.timezone).unwrap_or(jiff::tz::TimeZone::UTC)
        }
        None => jiff::tz::TimeZone::UTC,
    };
    let placeholders = Placeholders::for_export(Some(&report), &export, &zone);
    let run_time = placeholders.get("runTime").unwrap_or_default().to_string();
    let cx = AttemptContext {
        ports,
        delivery_id: ports.ids.new_id(IdKind::Delivery),
        file_key: key.clone(),
        schedule_id: input.schedule_id.clone().unwrap_or_default(),
        destination: destination.clone(),
        settings,
        placeholders,
        run_time,
        dataset: false,
        export,
    };
    let result = send(&cx, &destination).await;
    if let Err(e) = ports.files.delete(&key).await {
        tracing::warn!(error = %e, key, "deleting a test file");
    }
    let bytes = file.len() as u64;
    Ok(match result {
        Ok(Some(sent)) => DestinationTestResult {
            ok: true,
            outcome: "DELIVERED",
            error: None,
            details: sent.answer,
            file_name: name,
            bytes: sent.bytes,
        },
        Ok(None) => DestinationTestResult {
            ok: true,
            outcome: "NOTHING_SENT",
            error: None,
            details: "a link destination sends nothing before a run: each run's link shows in the history \
                      (and is mailed to notify)"
                .into(),
            file_name: name,
            bytes,
        },
        Err(e) => {
            let message = e.to_string();
            DestinationTestResult {
                ok: false,
                outcome: "FAILED",
                error: Some(message.clone()),
                details: message,
                file_name: name,
                bytes: 0,
            }
        }
    })
}

/// One attempt over the channel; None for a link (nothing to send).
async fn send(cx: &AttemptContext<'_>, destination: &Destination) -> Result<Option<Sent>, DeliveryError> {
    match destination {
        Destination::Email(e) => {
            // Not stored: the mail's Message-ID and a too-large file's link
            // need a delivery; a 20-row file always fits.
            let mut d = unstored_delivery(cx);
            send_email(cx, &mut d, e).await.map(Some)
        }
        Destination::Link(_) => Ok(None),
        Destination::Sftp(s) => upload_sftp(cx, s).await.map(Some),
        Destination::Webhook(w) => post_webhook(cx, w).await.map(Some),
        Destination::S3(s) => put_s3(cx, s).await.map(Some),
    }
}

fn unstored_delivery(cx: &AttemptContext<'_>) -> Delivery {
    let now = cx.ports.clock.now();
    Delivery::pending(&cx.delivery_id, &cx.export.id, &cx.schedule_id, cx.destination.kind(), now)
}

/// `weekly.csv` → `weekly_test.csv`; `notes` → `notes_test`.
pub fn test_name(name: &str) -> String {
    match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => format!("{stem}_test.{ext}"),
        _ => format!("{name}_test"),
    }
}

/// The save path names fields `destinations[0].…`; here there is one destination.
fn as_single_destination(e: CoreError) -> CoreError {
    match e {
        CoreError::Invalid { details, .. } => CoreError::invalid_fields(
            details
                .into_iter()
                .map(|f| FieldError::new(f.field.replacen("destinations[0]", "destination", 1), f.message))
                .collect(),
        ),
        other => other,
    }
}

fn write_file(ports: &Ports, spec: &FormatSpec, rows: &[Row]) -> Result<Vec<u8>, CoreError> {
    let failed = |e: crate::ports::format::FormatError| CoreError::Port(PortError::backend(e));
    let mut writer = ports.formats.create(spec, None).map_err(failed)?;
    let mut out = Vec::new();
    writer.write_rows(rows, &mut out).map_err(failed)?;
    if let Some(mut assembled) = writer.finish(&mut out).map_err(failed)? {
        assembled.read_to_end(&mut out).map_err(|e| CoreError::Port(PortError::from_io(e)))?;
    }
    Ok(out)
}

/// The file as one upload of one part (a 20-row file is small).
async fn store(ports: &Ports, key: &str, file: &[u8]) -> Result<(), CoreError> {
    let upload = ports.files.start_upload(key).await?;
    let part = ports.files.upload_part(key, &upload, 1, Bytes::copy_from_slice(file)).await?;
    ports.files.complete_upload(key, &upload, &[part]).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_test_file_has_test_before_its_extension() {
        assert_eq!(test_name("weekly.csv"), "weekly_test.csv");
        assert_eq!(test_name("report.2026-12-07.xlsx"), "report.2026-12-07_test.xlsx");
        assert_eq!(test_name("notes"), "notes_test");
    }
}
