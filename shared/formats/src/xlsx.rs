//! XLSX through rust_xlsxwriter in constant-memory mode.
//!
//! Each row goes straight to the worksheet's temporary file, so memory stays
//! flat however many rows come. Cells keep their types (numbers, booleans,
//! dates with a date format); the header row is bold, frozen and carries an
//! autofilter; past `xlsx_rows_per_sheet` data rows the rows continue on a new
//! sheet with its own header. The document's creation time is the export's
//! `createdAt`, so the same input makes the same bytes on a rerun.
//! Dates use Excel number formats (`yyyy-mm-dd hh:mm:ss`, `yyyy-mm-dd`), not
//! the report's strftime `dateFormat`: Excel shows a date cell in its own
//! format language, and a typed date sorts and filters where text would not.
//!
//! An XLSX file is a zip assembled at the end, so it cannot be continued
//! after a crash: `checkpoint_state` is None and a rerun starts over.

use std::io::{BufReader, Seek, SeekFrom};

use ferry_core::model::value::{Row, Value};
use ferry_core::ports::format::{FormatError, FormatSpec, FormatWriter, XLSX_MAX_DATA_ROWS_PER_SHEET};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

use crate::cell_text::{self, DateTimeText};
use crate::column_widths::ColumnWidths;
use crate::excel_serial;

/// Excel's cell limit, counted in UTF-16 units as rust_xlsxwriter does.
const MAX_CELL_UTF16: usize = 32_767;

/// The styles every cell of one kind shares.
struct CellFormats {
    header: Format,
    datetime: Format,
    date: Format,
}

pub struct XlsxWriter {
    workbook: Workbook,
    headers: Vec<String>,
    rows_per_sheet: u32,
    /// Index of the sheet rows go to; None before the first row.
    sheet: Option<usize>,
    rows_in_sheet: u32,
    widths: ColumnWidths,
    formats: CellFormats,
    dates: DateTimeText,
    /// Reused for joined lists and for text that has to be rendered first.
    scratch: Vec<u8>,
}

impl XlsxWriter {
    pub fn new(spec: &FormatSpec) -> Result<Self, FormatError> {
        let mut workbook = Workbook::new();
        let created = ExcelDateTime::from_timestamp(spec.created_at.as_second()).map_err(xlsx_error)?;
        workbook.set_properties(&DocProperties::new().set_creation_datetime(&created));
        Ok(XlsxWriter {
            workbook,
            headers: spec.headers.clone(),
            rows_per_sheet: spec.xlsx_rows_per_sheet.clamp(1, XLSX_MAX_DATA_ROWS_PER_SHEET),
            sheet: None,
            rows_in_sheet: 0,
            widths: ColumnWidths::from_headers(&spec.headers),
            formats: CellFormats {
                header: Format::new().set_bold(),
                datetime: Format::new().set_num_format("yyyy-mm-dd hh:mm:ss"),
                date: Format::new().set_num_format("yyyy-mm-dd"),
            },
            dates: DateTimeText::new(&spec.options),
            scratch: Vec::new(),
        })
    }

    /// Adds a sheet with the bold header row frozen above the data.
    fn open_sheet(&mut self) -> Result<(), FormatError> {
        let sheet = self.workbook.add_worksheet_with_constant_memory().map_err(xlsx_error)?;
        for (col, header) in self.headers.iter().enumerate() {
            sheet
                .write_string_with_format(0, column(col)?, truncate_for_cell(header), &self.formats.header)
                .map_err(xlsx_error)?;
        }
        sheet.set_freeze_panes(1, 0).map_err(xlsx_error)?;
        self.sheet = Some(self.workbook.worksheets().len() - 1);
        self.rows_in_sheet = 0;
        Ok(())
    }

    /// Gives the open sheet its widths and the autofilter over header and data.
    fn close_sheet(&mut self) -> Result<(), FormatError> {
        let Some(index) = self.sheet.take() else { return Ok(()) };
        let sheet = self.workbook.worksheet_from_index(index).map_err(xlsx_error)?;
        for (col, width) in self.widths.widths() {
            sheet.set_column_width(col, width).map_err(xlsx_error)?;
        }
        if !self.headers.is_empty() {
            let last_col = column(self.headers.len() - 1)?;
            sheet.autofilter(0, 0, self.rows_in_sheet, last_col).map_err(xlsx_error)?;
        }
        Ok(())
    }

    fn write_row(&mut self, row: &Row) -> Result<(), FormatError> {
        if self.sheet.is_none() {
            self.open_sheet()?;
        } else if self.rows_in_sheet >= self.rows_per_sheet {
            self.close_sheet()?;
            self.open_sheet()?;
        }
        if self.widths.wants_more() {
            self.widths.observe(row);
        }
        self.rows_in_sheet += 1;
        let line = self.rows_in_sheet;
        let index = self.sheet.unwrap_or_default();
        let sheet = self.workbook.worksheet_from_index(index).map_err(xlsx_error)?;
        for (col, value) in row.iter().enumerate() {
            write_cell(sheet, line, column(col)?, value, &self.formats, &self.dates, &mut self.scratch)?;
        }
        Ok(())
    }
}

fn write_cell(
    sheet: &mut Worksheet,
    line: u32,
    col: u16,
    value: &Value,
    formats: &CellFormats,
    dates: &DateTimeText,
    scratch: &mut Vec<u8>,
) -> Result<(), FormatError> {
    let written = match value {
        Value::Null => return Ok(()),
        Value::Text(s) => sheet.write_string(line, col, truncate_for_cell(s)),
        Value::Int(n) => sheet.write_number(line, col, *n as f64),
        // Excel cannot hold NaN or infinities: an empty cell, like JSON's null.
        Value::Float(f) if !f.is_finite() => return Ok(()),
        Value::Float(f) => sheet.write_number(line, col, *f),
        Value::Bool(b) => sheet.write_boolean(line, col, *b),
        Value::DateTime(ts) => {
            // Excel has no zones: store the wall time in the report's zone.
            match excel_serial::datetime_serial(dates.wall_time(*ts)) {
                Some(serial) => sheet.write_number_with_format(line, col, serial, &formats.datetime),
                None => {
                    scratch.clear();
                    dates.write(scratch, *ts)?;
                    sheet.write_string(line, col, text_of(scratch))
                }
            }
        }
        Value::Date(d) => match excel_serial::date_serial(*d) {
            Some(serial) => sheet.write_number_with_format(line, col, serial, &formats.date),
            None => {
                scratch.clear();
                cell_text::write_date(scratch, *d);
                sheet.write_string(line, col, text_of(scratch))
            }
        },
        Value::List(items) if items.is_empty() => return Ok(()),
        Value::List(items) => {
            scratch.clear();
            cell_text::write_joined(scratch, items);
            sheet.write_string(line, col, truncate_for_cell(text_of(scratch)))
        }
    };
    written.map(|_| ()).map_err(xlsx_error)
}

/// Scratch holds only text built from `&str` pieces and ASCII.
fn text_of(bytes: &[u8]) -> &str {
    std::str::from_utf8(bytes).unwrap_or_default()
}

/// Cuts text to Excel's 32,767-unit cell limit (at a character boundary),
/// rather than failing a whole export over one long description.
fn truncate_for_cell(s: &str) -> &str {
    // Fast path: no character takes more UTF-16 units than UTF-8 bytes.
    if s.len() <= MAX_CELL_UTF16 {
        return s;
    }
    let mut units = 0;
    for (i, ch) in s.char_indices() {
        units += ch.len_utf16();
        if units > MAX_CELL_UTF16 {
            return &s[..i];
        }
    }
    s
}

fn column(index: usize) -> Result<u16, FormatError> {
    // Excel's last column is XFD, 16,384 columns.
    u16::try_from(index)
        .ok()
        .filter(|&c| c < 16_384)
        .ok_or_else(|| FormatError::Invalid(format!("XLSX has at most 16384 columns, got column {}", index + 1)))
}

fn xlsx_error(error: XlsxError) -> FormatError {
    match error {
        XlsxError::IoError(e) => FormatError::Io(e.to_string()),
        XlsxError::TempFileError(dir, e) => FormatError::Io(format!("temporary file in {}: {e}", dir.display())),
        other => FormatError::Invalid(format!("XLSX: {other}")),
    }
}

impl FormatWriter for XlsxWriter {
    fn write_rows(&mut self, rows: &[Row], _out: &mut Vec<u8>) -> Result<(), FormatError> {
        for row in rows {
            self.write_row(row)?;
        }
        Ok(())
    }

    fn finish(mut self: Box<Self>, _out: &mut Vec<u8>) -> Result<Option<Box<dyn std::io::Read + Send>>, FormatError> {
        if self.sheet.is_none() {
            // No rows: still a sheet with the header, frozen and filtered.
            self.open_sheet()?;
        }
        self.close_sheet()?;
        let mut file = tempfile::tempfile().map_err(|e| FormatError::Io(e.to_string()))?;
        self.workbook.save_to_writer(&mut file).map_err(xlsx_error)?;
        file.seek(SeekFrom::Start(0)).map_err(|e| FormatError::Io(e.to_string()))?;
        Ok(Some(Box::new(BufReader::new(file))))
    }

    fn checkpoint_state(&self) -> Option<serde_json::Value> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_text_is_cut_at_the_cell_limit_on_a_character_boundary() {
        let s = "é".repeat(40_000);
        let cut = truncate_for_cell(&s);
        assert_eq!(cut.chars().count(), MAX_CELL_UTF16);
        let astral = "😀".repeat(20_000);
        assert_eq!(truncate_for_cell(&astral).chars().count(), MAX_CELL_UTF16 / 2);
        assert_eq!(truncate_for_cell("short"), "short");
    }

    #[test]
    fn columns_past_xfd_are_refused() {
        assert_eq!(column(16_383).unwrap(), 16_383);
        assert!(column(16_384).is_err());
    }
}
