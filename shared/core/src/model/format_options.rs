//! File formats and their options (SPEC "formatOptions"). Parsed once when a
//! report is saved, so a writer never meets an invalid option.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    #[default]
    Csv,
    Xlsx,
    Json,
    Jsonl,
    Pdf,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
            Format::Json => "json",
            Format::Jsonl => "jsonl",
            Format::Pdf => "pdf",
        }
    }
    pub fn extension(self) -> &'static str {
        self.as_str()
    }
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Csv => "text/csv; charset=utf-8",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Format::Json => "application/json",
            Format::Jsonl => "application/x-ndjson",
            Format::Pdf => "application/pdf",
        }
    }
    /// CSV, JSON and JSONL can be continued mid-file after a crash; XLSX is
    /// assembled at the end and restarts from zero, and so is PDF (its fonts,
    /// page tree and cross-reference table come last, after every page).
    pub fn resumable(self) -> bool {
        !matches!(self, Format::Xlsx | Format::Pdf)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum LineTerminator {
    #[default]
    Crlf,
    Lf,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum LineBreaks {
    /// Kept inside quoted fields (RFC 4180).
    #[default]
    Preserve,
    /// Written as `escapeChar` (default the two characters `\n`).
    Escape,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum CsvProfile {
    /// BOM, CRLF and formula sanitizing on; the rest as given.
    Excel,
}

/// PDF paper size (SPEC "Formats", PDF).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Paper {
    #[default]
    A4,
    Letter,
}

/// PDF page orientation: `auto` turns the page when the columns need the width.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Orientation {
    #[default]
    Auto,
    Portrait,
    Landscape,
}

/// Rows a PDF holds unless `maxRows` says otherwise.
pub const PDF_DEFAULT_MAX_ROWS: u64 = 10_000;
/// The largest `maxRows`: a PDF is for reading, not for bulk data.
pub const PDF_MAX_ROWS_LIMIT: u64 = 100_000;

/// The PDF options with their defaults applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PdfOptions {
    pub paper: Paper,
    pub orientation: Orientation,
    pub max_rows: u64,
}

impl Default for PdfOptions {
    fn default() -> Self {
        PdfOptions { paper: Paper::A4, orientation: Orientation::Auto, max_rows: PDF_DEFAULT_MAX_ROWS }
    }
}

/// `formatOptions` as sent by the client: every field optional.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FormatOptionsInput {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delimiter: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line_terminator: Option<LineTerminator>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bom: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line_breaks: Option<LineBreaks>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub escape_char: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sanitize_formulas: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<CsvProfile>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_format: Option<String>,
    /// PDF: `a4` (default) or `letter`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paper: Option<Paper>,
    /// PDF: `auto` (default), `portrait` or `landscape`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub orientation: Option<Orientation>,
    /// PDF: at most this many rows (1–100,000, default 10,000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_rows: Option<u64>,
}

/// Options with every default applied and every value checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormatOptions {
    pub delimiter: u8,
    pub line_terminator: LineTerminator,
    pub bom: bool,
    pub line_breaks: LineBreaks,
    pub escape_char: String,
    pub sanitize_formulas: bool,
    /// Dates are rendered in this zone (IANA name), default UTC.
    pub timezone: jiff::tz::TimeZone,
    pub timezone_name: String,
    /// strftime pattern for date-times (jiff's `strftime`); None = ISO-8601.
    pub date_format: Option<String>,
    pub pdf: PdfOptions,
}

impl Default for FormatOptions {
    fn default() -> Self {
        FormatOptions {
            delimiter: b',',
            line_terminator: LineTerminator::Crlf,
            bom: false,
            line_breaks: LineBreaks::Preserve,
            escape_char: "\\n".into(),
            sanitize_formulas: true,
            timezone: jiff::tz::TimeZone::UTC,
            timezone_name: "UTC".into(),
            date_format: None,
            pdf: PdfOptions::default(),
        }
    }
}

impl FormatOptionsInput {
    /// Applies defaults and the `excel` profile; errors name `formatOptions.<field>`.
    pub fn resolve(&self) -> Result<FormatOptions, crate::FieldError> {
        let mut o = FormatOptions::default();
        let field = |f: &str, m: &str| crate::FieldError::new(format!("formatOptions.{f}"), m);
        if let Some(d) = &self.delimiter {
            let bytes = d.as_bytes();
            if bytes.len() != 1 || bytes[0] == b'"' || bytes[0] == b'\r' || bytes[0] == b'\n' {
                return Err(field("delimiter", "must be one ASCII character other than a quote or a line break"));
            }
            o.delimiter = bytes[0];
        }
        if self.profile == Some(CsvProfile::Excel) {
            o.bom = true;
            o.line_terminator = LineTerminator::Crlf;
            o.sanitize_formulas = true;
        }
        if let Some(t) = self.line_terminator {
            if self.profile.is_none() {
                o.line_terminator = t;
            }
        }
        if let Some(b) = self.bom {
            if self.profile.is_none() {
                o.bom = b;
            }
        }
        if let Some(s) = self.sanitize_formulas {
            if self.profile.is_none() {
                o.sanitize_formulas = s;
            }
        }
        if let Some(lb) = self.line_breaks {
            o.line_breaks = lb;
        }
        if let Some(e) = &self.escape_char {
            if e.contains('\n') || e.contains('\r') {
                return Err(field("escapeChar", "must not contain a line break"));
            }
            o.escape_char = e.clone();
        }
        if let Some(tz) = &self.timezone {
            o.timezone = jiff::tz::TimeZone::get(tz).map_err(|_| field("timezone", "is not a known IANA time zone"))?;
            o.timezone_name = tz.clone();
        }
        if let Some(f) = &self.date_format {
            if f.is_empty() {
                return Err(field("dateFormat", "must not be empty"));
            }
            let probe = jiff::Timestamp::UNIX_EPOCH.to_zoned(jiff::tz::TimeZone::UTC);
            if jiff::fmt::strtime::format(f.as_str(), &probe).is_err() {
                return Err(field("dateFormat", "is not a valid strftime pattern"));
            }
            o.date_format = Some(f.clone());
        }
        if let Some(p) = self.paper {
            o.pdf.paper = p;
        }
        if let Some(r) = self.orientation {
            o.pdf.orientation = r;
        }
        if let Some(m) = self.max_rows {
            if !(1..=PDF_MAX_ROWS_LIMIT).contains(&m) {
                return Err(field("maxRows", "must be between 1 and 100000"));
            }
            o.pdf.max_rows = m;
        }
        Ok(o)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excel_profile_forces_bom_crlf_and_sanitizing() {
        let input = FormatOptionsInput {
            profile: Some(CsvProfile::Excel),
            line_terminator: Some(LineTerminator::Lf),
            sanitize_formulas: Some(false),
            delimiter: Some(";".into()),
            ..Default::default()
        };
        let o = input.resolve().unwrap();
        assert!(o.bom && o.sanitize_formulas);
        assert_eq!(o.line_terminator, LineTerminator::Crlf);
        assert_eq!(o.delimiter, b';');
    }

    #[test]
    fn bad_delimiter_and_zone_name_their_field() {
        let e = FormatOptionsInput { delimiter: Some("ab".into()), ..Default::default() }.resolve().unwrap_err();
        assert_eq!(e.field, "formatOptions.delimiter");
        let e =
            FormatOptionsInput { timezone: Some("Mars/Olympus".into()), ..Default::default() }.resolve().unwrap_err();
        assert_eq!(e.field, "formatOptions.timezone");
    }

    #[test]
    fn pdf_options_default_and_bound_max_rows() {
        let o = FormatOptionsInput::default().resolve().unwrap();
        assert_eq!(o.pdf, PdfOptions { paper: Paper::A4, orientation: Orientation::Auto, max_rows: 10_000 });
        for bad in [0, 100_001] {
            let e = FormatOptionsInput { max_rows: Some(bad), ..Default::default() }.resolve().unwrap_err();
            assert_eq!(e.field, "formatOptions.maxRows");
        }
        let o = FormatOptionsInput {
            paper: Some(Paper::Letter),
            orientation: Some(Orientation::Landscape),
            max_rows: Some(100_000),
            ..Default::default()
        }
        .resolve()
        .unwrap();
        assert_eq!(o.pdf, PdfOptions { paper: Paper::Letter, orientation: Orientation::Landscape, max_rows: 100_000 });
    }
}
