//! What saving a `dataset` report checks (the Data Pipeline seed for cloud
//! sites): its options against the connection's tables and the format (CSV
//! files in one zip); and, when
//! one starts, that no other `dataset` export of the same connection runs.

use crate::error::CoreError;
use crate::model::api_key::Principal;
use crate::model::connection::Connection;
use crate::model::dataset::tables_for;
use crate::model::export::ExportStatus;
use crate::model::format_options::Format;
use crate::model::page::PageRequest;
use crate::model::report::{Column, Report, ReportKind, ReportType};
use crate::ports::export_store::ExportFilter;
use crate::usecases::access::can_read_export;
use crate::Ports;

/// Checks a `dataset` report's format, columns and options; true when the
/// report is a dataset (its file is always a zip, so it is saved with
/// `compress` on).
pub fn check_dataset(
    connection: &Connection,
    kind: &ReportKind,
    format: Format,
    columns: &[Column],
) -> Result<bool, CoreError> {
    let ReportKind::Dataset { options } = kind else {
        return Ok(false);
    };
    if format != Format::Csv {
        return Err(CoreError::invalid("format", "a dataset is written as CSV files in one zip: use csv"));
    }
    if !columns.is_empty() {
        return Err(CoreError::invalid(
            "columns",
            "a dataset's columns are fixed per entity (docs/dataset-schema.md); choose entities in dataset.entities",
        ));
    }
    if let Some(options) = options {
        options.check(tables_for(connection.kind)).map_err(|f| CoreError::invalid(f.field, f.message))?;
    }
    Ok(true)
}

/// The QUEUED/RUNNING/CANCELLING `dataset` export of another report on the
/// same connection, if any: a site is read by one dataset export at a time.
pub async fn running_dataset_export(ports: &Ports, actor: &Principal, report: &Report) -> Result<(), CoreError> {
    if report.report_type() != ReportType::Dataset {
        return Ok(());
    }
    for status in [ExportStatus::Running, ExportStatus::Queued, ExportStatus::Cancelling] {
        let filter = ExportFilter { status: Some(status), ..ExportFilter::default() };
        let mut page = PageRequest::first(1000);
        loop {
            let found = ports.exports.list_exports(&filter, &page).await?;
            for e in found.items {
                if e.report_id == report.id {
                    continue;
                }
                let Some(other) = ports.reports.get_report(&e.report_id).await? else { continue };
                if other.report_type() == ReportType::Dataset && other.connection_id == report.connection_id {
                    let visible = can_read_export(actor, &e).then(|| Box::new(e));
                    return Err(CoreError::ExportRunning { running: visible });
                }
            }
            match found.next_cursor {
                Some(c) => page.cursor = Some(c),
                None => break,
            }
        }
    }
    Ok(())
}
