//! Builders shared by the unit tests of the writers.

use ferry_core::model::format_options::{Format, FormatOptions};
use ferry_core::ports::format::{FormatSpec, XLSX_MAX_DATA_ROWS_PER_SHEET};

/// A spec for `format` with these options and headers, created at a fixed instant.
pub(crate) fn spec_with(format: Format, options: FormatOptions, headers: &[&str]) -> FormatSpec {
    FormatSpec {
        format,
        options,
        headers: headers.iter().map(|h| h.to_string()).collect(),
        compress: false,
        inner_file_name: format!("report.{}", format.extension()),
        created_at: "2026-01-02T03:04:05Z".parse().expect("a valid instant"),
        xlsx_rows_per_sheet: XLSX_MAX_DATA_ROWS_PER_SHEET,
        document: Default::default(),
    }
}
