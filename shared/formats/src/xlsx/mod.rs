//! XLSX, streamed: rows become sheet XML (`cells`) that is deflated straight
//! into a zip archive on a temporary file, in one pass and in constant
//! memory. No intermediate XML file and no per-cell objects: that is what
//! makes this several times faster than going through a general-purpose
//! workbook library (rust_xlsxwriter in constant-memory mode keeps a map of
//! the current row's cells and copies each sheet once more at the end).
//!
//! Cells keep their types (numbers, booleans, dates with a date format); the
//! header row is bold, frozen and carries an autofilter; column widths come
//! from the header and the first rows (`column_widths`), so the first rows
//! of the first sheet wait in memory until those are known; past
//! `xlsx_rows_per_sheet` data rows the rows continue on a new sheet with its
//! own header. The document's creation time and the zip entries' times are
//! the export's `createdAt`, so the same input makes the same bytes.
//! Dates use Excel number formats (`yyyy-mm-dd hh:mm:ss`, `yyyy-mm-dd`), not
//! the report's strftime `dateFormat`: Excel shows a date cell in its own
//! format language, and a typed date sorts and filters where text would not.
//!
//! Sheets are deflated at level 2 (zlib-rs): at the default level 6 deflate
//! takes most of the time, about 2.5 times as long for files a fifth
//! smaller; level 1 is faster still but makes files 60% bigger than level 6
//! (BENCHMARKS.md has the figures).
//!
//! An XLSX file is a zip whose directory comes last, so it cannot be
//! continued after a crash: `checkpoint_state` is None and a rerun starts over.

mod cells;
mod package;

use std::fs::File;
use std::io::{BufReader, BufWriter, Seek, SeekFrom, Write};

use ::zip::write::SimpleFileOptions;
use ::zip::{CompressionMethod, ZipWriter};
use ferry_core::model::value::Row;
use ferry_core::ports::format::{FormatError, FormatSpec, FormatWriter, XLSX_MAX_DATA_ROWS_PER_SHEET};

use crate::column_widths::ColumnWidths;
use crate::date_text::DateTimeText;
use crate::out_buf::OutBuf;
use crate::zip::{dos_time, io_error, zip_error};
use cells::RowXml;
use package::SheetSummary;

/// Deflate level of the sheets (see the module docs).
const SHEET_LEVEL: i64 = 2;
/// Sheet XML goes to the archive in pieces of about this size.
const FLUSH_BYTES: usize = 1 << 20;
/// Rows formatted between checks for a flush, a new sheet or known widths.
const ROWS_PER_STEP: usize = 512;

pub struct XlsxWriter {
    archive: ZipWriter<BufWriter<File>>,
    sheet_options: SimpleFileOptions,
    part_options: SimpleFileOptions,
    headers: Vec<String>,
    rows_per_sheet: u32,
    cells: RowXml,
    widths: ColumnWidths,
    /// The export's creation, ISO-8601, for the document properties.
    created: String,
    /// Sheets closed so far.
    closed: Vec<SheetSummary>,
    /// The sheet rows go to; None before the first row.
    sheet: Option<OpenSheet>,
    /// Sheet XML not yet in the archive.
    xml: Vec<u8>,
}

struct OpenSheet {
    data_rows: u32,
    /// The sheet's zip entry is started and its head (with widths) written.
    started: bool,
}

impl XlsxWriter {
    pub fn new(spec: &FormatSpec) -> Result<Self, FormatError> {
        let file = tempfile::tempfile().map_err(io_error)?;
        let archive = ZipWriter::new(BufWriter::with_capacity(256 * 1024, file));
        let part_options = SimpleFileOptions::default()
            .compression_method(CompressionMethod::Deflated)
            .last_modified_time(dos_time(spec.created_at))
            .unix_permissions(0o644);
        // A sheet of a million long rows can pass 4 GiB of XML: allow ZIP64.
        let sheet_options = part_options.compression_level(Some(SHEET_LEVEL)).large_file(true);
        Ok(XlsxWriter {
            archive,
            sheet_options,
            part_options,
            headers: spec.headers.clone(),
            rows_per_sheet: spec.xlsx_rows_per_sheet.clamp(1, XLSX_MAX_DATA_ROWS_PER_SHEET),
            cells: RowXml::new(spec.headers.len(), DateTimeText::new(&spec.options))?,
            widths: ColumnWidths::from_headers(&spec.headers),
            created: spec.created_at.strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
            closed: Vec::new(),
            sheet: None,
            xml: Vec::new(),
        })
    }

    /// Opens the next sheet with its header row.
    fn open_sheet(&mut self) -> Result<(), FormatError> {
        self.cells.write_header(&mut OutBuf::new(&mut self.xml), &self.headers);
        self.sheet = Some(OpenSheet { data_rows: 0, started: false });
        if self.widths.wants_more() {
            return Ok(());
        }
        // Later sheets: the widths are known already.
        self.start_entry()
    }

    /// Starts the open sheet's zip entry: its head with the column widths,
    /// then the rows that waited for them.
    fn start_entry(&mut self) -> Result<(), FormatError> {
        let number = self.closed.len() + 1;
        let name = format!("xl/worksheets/sheet{number}.xml");
        self.archive.start_file(name, self.sheet_options).map_err(zip_error)?;
        let head = package::sheet_head(&excel_widths(&self.widths), number == 1);
        self.archive.write_all(head.as_bytes()).map_err(io_error)?;
        if let Some(sheet) = &mut self.sheet {
            sheet.started = true;
        }
        self.flush()
    }

    fn flush(&mut self) -> Result<(), FormatError> {
        self.archive.write_all(&self.xml).map_err(io_error)?;
        self.xml.clear();
        Ok(())
    }

    /// Ends the open sheet with its autofilter over header and data.
    fn close_sheet(&mut self) -> Result<(), FormatError> {
        let Some(sheet) = &self.sheet else { return Ok(()) };
        let (started, last_line) = (sheet.started, sheet.data_rows + 1);
        if !started {
            self.start_entry()?;
        }
        self.flush()?;
        let last = self.cells.last_cell(last_line);
        let tail = package::sheet_tail(last.as_ref().map(|(cell, _)| format!("A1:{cell}")).as_deref());
        self.archive.write_all(tail.as_bytes()).map_err(io_error)?;
        let name = format!("Sheet{}", self.closed.len() + 1);
        self.closed.push(SheetSummary { name, filter_end: last.map(|(_, anchored)| anchored) });
        self.sheet = None;
        Ok(())
    }

    /// Writes up to `ROWS_PER_STEP` rows (fewer at a sheet's end, or where
    /// the widths become known); returns how many.
    fn write_step(&mut self, rows: &[Row]) -> Result<usize, FormatError> {
        match &self.sheet {
            None => self.open_sheet()?,
            Some(s) if s.data_rows >= self.rows_per_sheet => {
                self.close_sheet()?;
                self.open_sheet()?;
            }
            Some(_) => {}
        }
        let Some(sheet) = &mut self.sheet else { return Ok(0) };
        let mut n = rows.len().min(ROWS_PER_STEP).min((self.rows_per_sheet - sheet.data_rows) as usize);
        if self.widths.wants_more() {
            n = n.min(self.widths.rows_wanted());
        }
        let mut out = OutBuf::new(&mut self.xml);
        for row in &rows[..n] {
            if self.widths.wants_more() {
                self.widths.observe(row);
            }
            sheet.data_rows += 1;
            self.cells.write_row(&mut out, sheet.data_rows + 1, row)?;
        }
        drop(out);
        let started = sheet.started;
        if !started && !self.widths.wants_more() {
            self.start_entry()?;
        } else if started && self.xml.len() >= FLUSH_BYTES {
            self.flush()?;
        }
        Ok(n)
    }

    fn write_part(&mut self, name: &str, content: &str) -> Result<(), FormatError> {
        self.archive.start_file(name, self.part_options).map_err(zip_error)?;
        self.archive.write_all(content.as_bytes()).map_err(io_error)
    }
}

/// Column widths as Excel stores them (`(width + 5 px padding) / 7 px per
/// digit`, in 1/256ths), equal neighbours merged: `(width, first, last)`.
fn excel_widths(widths: &ColumnWidths) -> Vec<(f64, usize, usize)> {
    let mut runs: Vec<(f64, usize, usize)> = Vec::new();
    for (col, chars) in widths.widths() {
        let width = ((chars * 7.0 + 5.0) / 7.0 * 256.0).floor() / 256.0;
        let col = usize::from(col) + 1;
        match runs.last_mut() {
            Some((w, _, last)) if *w == width && *last + 1 == col => *last = col,
            _ => runs.push((width, col, col)),
        }
    }
    runs
}

impl FormatWriter for XlsxWriter {
    fn write_rows(&mut self, mut rows: &[Row], _out: &mut Vec<u8>) -> Result<(), FormatError> {
        while !rows.is_empty() {
            let n = self.write_step(rows)?;
            rows = &rows[n..];
        }
        Ok(())
    }

    fn finish(mut self: Box<Self>, _out: &mut Vec<u8>) -> Result<Option<Box<dyn std::io::Read + Send>>, FormatError> {
        if self.sheet.is_none() && self.closed.is_empty() {
            // No rows: still a sheet with the header, frozen and filtered.
            self.open_sheet()?;
        }
        self.close_sheet()?;
        let sheets = std::mem::take(&mut self.closed);
        self.write_part("[Content_Types].xml", &package::content_types(sheets.len()))?;
        self.write_part("_rels/.rels", &package::root_rels())?;
        self.write_part("xl/_rels/workbook.xml.rels", &package::workbook_rels(sheets.len()))?;
        self.write_part("xl/workbook.xml", &package::workbook(&sheets))?;
        self.write_part("xl/styles.xml", &package::styles())?;
        self.write_part("xl/theme/theme1.xml", package::THEME)?;
        self.write_part("docProps/core.xml", &package::core(&self.created))?;
        self.write_part("docProps/app.xml", &package::app(&sheets))?;
        let buffered = self.archive.finish().map_err(zip_error)?;
        let mut file = buffered.into_inner().map_err(|e| io_error(e.into_error()))?;
        file.seek(SeekFrom::Start(0)).map_err(io_error)?;
        Ok(Some(Box::new(BufReader::new(file))))
    }

    fn checkpoint_state(&self) -> Option<serde_json::Value> {
        None
    }
}
