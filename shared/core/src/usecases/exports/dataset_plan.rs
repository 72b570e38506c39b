//! How a `dataset` export is planned: its files (one per chosen table,
//! named `<entity>_<exportId>_<timestamp>.csv`), its CSV options (for a data
//! platform rather than a spreadsheet: embedded line breaks escaped as `\n`,
//! LF line ends, no formula guard, unless the report says otherwise), the
//! zip's name, and `fromDate`'s default of 365 days before the export.

use jiff::{SignedDuration, Timestamp};

use crate::model::connection::Connection;
use crate::model::dataset::tables_for;
use crate::model::export::Export;
use crate::model::format_options::{FormatOptions, FormatOptionsInput, LineBreaks, LineTerminator};
use crate::model::report::Report;
use crate::ports::format::{DatasetFile, DatasetLayout};
use crate::FieldError;

/// Instants in dataset files: UTC with milliseconds, `2025-03-01T05:00:00.000Z`.
pub const DATASET_TIME_FORMAT: &str = "%Y-%m-%dT%H:%M:%S%.3fZ";

/// Days before the export that `fromDate` reaches when none is given (the seed's default).
pub const DEFAULT_FROM_DAYS: i64 = 365;

/// The report's CSV options with the dataset's defaults.
pub(crate) fn dataset_options(input: &FormatOptionsInput) -> Result<FormatOptions, FieldError> {
    let mut with_defaults = input.clone();
    with_defaults.line_breaks = with_defaults.line_breaks.or(Some(LineBreaks::Escape));
    with_defaults.line_terminator = with_defaults.line_terminator.or(Some(LineTerminator::Lf));
    with_defaults.sanitize_formulas = with_defaults.sanitize_formulas.or(Some(false));
    if input.date_format.is_none() && input.timezone.is_none() {
        // One shape for every instant, as table definitions declare it.
        with_defaults.date_format = Some(DATASET_TIME_FORMAT.to_string());
    }
    with_defaults.resolve()
}

/// The files of the export, in the source's order.
pub(crate) fn layout(e: &Export, report: &Report, connection: &Connection, options: FormatOptions) -> DatasetLayout {
    let ts = e.created_at.strftime("%Y%m%dT%H%M%SZ").to_string();
    let chosen = report.kind.dataset().cloned().unwrap_or_default();
    let files = chosen
        .chosen(tables_for(connection.kind))
        .into_iter()
        .map(|t| DatasetFile {
            entity: t.entity.to_string(),
            file_name: format!("{}_{}_{ts}.csv", t.entity, e.id),
            headers: t.headers(),
        })
        .collect();
    DatasetLayout { files, options, created_at: e.created_at }
}

/// The headers the content hash starts with: every file's columns, named `entity.column`.
pub(crate) fn qualified_headers(layout: &DatasetLayout) -> Vec<String> {
    layout.files.iter().flat_map(|f| f.headers.iter().map(move |h| format!("{}.{h}", f.entity))).collect()
}

/// The zip's name from the report's rendered file name (`….csv` becomes `….zip`).
pub(crate) fn zip_name(rendered: &str) -> String {
    format!("{}.zip", rendered.strip_suffix(".csv").unwrap_or(rendered))
}

pub(crate) fn default_from(created_at: Timestamp) -> Timestamp {
    created_at - SignedDuration::from_hours(24 * DEFAULT_FROM_DAYS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dataset_defaults_escape_line_breaks_and_a_report_may_choose_otherwise() {
        let o = dataset_options(&FormatOptionsInput::default()).unwrap();
        assert_eq!(
            (o.line_breaks, o.line_terminator, o.sanitize_formulas),
            (LineBreaks::Escape, LineTerminator::Lf, false)
        );
        assert_eq!(o.date_format.as_deref(), Some(DATASET_TIME_FORMAT));
        let given = FormatOptionsInput { line_breaks: Some(LineBreaks::Preserve), ..Default::default() };
        assert_eq!(dataset_options(&given).unwrap().line_breaks, LineBreaks::Preserve);
        assert_eq!(zip_name("wiki_exp_1_20260101T000000Z.csv"), "wiki_exp_1_20260101T000000Z.zip");
        let at: Timestamp = "2026-12-07T00:00:00Z".parse().unwrap();
        assert_eq!(default_from(at).to_string(), "2025-12-07T00:00:00Z");
    }
}
