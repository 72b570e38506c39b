//! `POST /v1/reports/preview/pdf`: the first rows of an unsaved PDF report
//! written by the PDF writer itself, so the dashboard's `Preview` shows the
//! first page as the export will lay it out (paper, orientation, wrapped
//! cells, numbers flush right), not a table that only looks alike.

use std::io::Read;

use crate::error::{CoreError, PortError};
use crate::model::api_key::Principal;
use crate::model::format_options::Format;
use crate::ports::format::{FormatError, FormatSpec, XLSX_MAX_DATA_ROWS_PER_SHEET};
use crate::usecases::connections::source_error;
use crate::usecases::exports::document_info;
use crate::usecases::previews::{connection_of, read_first_rows};
use crate::usecases::reports::{draft_report, ReportInput};
use crate::usecases::settings::current;
use crate::Ports;

/// The preview's PDF: the title block and the first rows (up to 20), as the
/// report's export would write them now.
pub async fn preview_draft_pdf(ports: &Ports, actor: &Principal, input: ReportInput) -> Result<Vec<u8>, CoreError> {
    let report = draft_report(ports, actor, input).await?;
    if report.format != Format::Pdf {
        return Err(CoreError::invalid("format", "a PDF preview is for a report whose format is pdf"));
    }
    let options = report.format_options.resolve().map_err(CoreError::from)?;
    let allow_private_networks = current(ports).await?.allow_private_networks;
    let connection = connection_of(ports, &report).await?;
    let (headers, rows, _) =
        read_first_rows(ports, &report, connection, allow_private_networks, false).await.map_err(source_error)?;
    let spec = FormatSpec {
        format: Format::Pdf,
        options,
        headers,
        compress: false,
        inner_file_name: "preview.pdf".into(),
        created_at: ports.clock.now(),
        xlsx_rows_per_sheet: XLSX_MAX_DATA_ROWS_PER_SHEET,
        document: document_info(&report),
    };
    write_pdf(ports, &spec, &rows).map_err(|e| CoreError::Port(PortError::backend(e)))
}

fn write_pdf(ports: &Ports, spec: &FormatSpec, rows: &[crate::model::value::Row]) -> Result<Vec<u8>, FormatError> {
    let mut writer = ports.formats.create(spec, None)?;
    let mut out = Vec::new();
    writer.write_rows(rows, &mut out)?;
    if let Some(mut assembled) = writer.finish(&mut out)? {
        assembled.read_to_end(&mut out).map_err(|e| FormatError::Io(e.to_string()))?;
    }
    Ok(out)
}
