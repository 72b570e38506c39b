//! PDF, streamed a page at a time (SPEC "Formats", PDF): a title block on
//! the first page, the table with its header on every page, cells wrapped,
//! numbers right-aligned, `n / N` under every page, and for a
//! `timeInStatus` report a chart page. Text is real text in an embedded
//! subset of DejaVu Sans Condensed (`font`), so it is selectable and
//! extracts as written.
//!
//! Memory is bounded by a page: a page's content is written to a temporary
//! file as soon as the next row does not fit, and only its object number
//! is kept. What is only known at the end (the page count N, the row
//! count and how many rows `maxRows` left out, the font subset) lives in
//! objects written last: N and the row count are small forms (XObjects)
//! that the pages draw by name, so the pages need not wait for them.
//!
//! Column widths come from the header and the first rows (`SAMPLE_ROWS`),
//! which wait in memory until then; `orientation: auto` turns the page to
//! landscape when those columns need more than a portrait page's width.
//!
//! A PDF's cross-reference table, font and page tree come after every page,
//! so a killed export restarts the file (`checkpoint_state` is None), as XLSX
//! does; `maxRows` (at most 100,000) bounds what a restart redoes.

mod cells;
mod chart;
mod font;
mod layout;
mod objects;
mod pages;
mod painter;

use std::io::BufReader;

use ferry_core::model::value::Row;
use ferry_core::ports::format::{FormatError, FormatSpec, FormatWriter};
use pdf_writer::{Date, Rect, Ref, TextStr};

use cells::{cell_text, CellText};
use chart::StatusTimes;
use font::{EmbeddedFont, FontRefs};
use objects::ObjectFile;
use pages::PageFlow;
use painter::{Painter, FONT};

use crate::date_text::DateTimeText;

/// Rows whose text sets the column widths.
const SAMPLE_ROWS: usize = 100;

pub struct PdfWriter {
    file: ObjectFile,
    font: EmbeddedFont,
    refs: Refs,
    flow: PageFlow,
    dates: DateTimeText,
    max_rows: u64,
    rows_read: u64,
    /// Rows before the columns are laid out.
    sample: Vec<Vec<CellText>>,
    chart: Option<(StatusTimes, String)>,
}

/// Objects every file has, numbered first and written last.
struct Refs {
    catalog: Ref,
    pages: Ref,
    font: FontRefs,
    /// The form that shows N, the page count.
    total: Ref,
    /// The form that shows the row count on page 1.
    summary: Ref,
    info: Ref,
}

impl PdfWriter {
    pub fn new(spec: &FormatSpec) -> Result<Self, FormatError> {
        let mut file = ObjectFile::new()?;
        let mut next = || file.alloc();
        let refs = Refs {
            catalog: next(),
            pages: next(),
            font: FontRefs { type0: next(), cid: next(), descriptor: next(), file: next(), to_unicode: next() },
            total: next(),
            summary: next(),
            info: next(),
        };
        let flow = PageFlow::new(spec, refs.pages, refs.font.type0, refs.total, refs.summary);
        let chart =
            spec.document.time_in_status_unit.as_ref().map(|unit| (StatusTimes::new(&spec.headers), unit.clone()));
        Ok(PdfWriter {
            file,
            font: EmbeddedFont::new(),
            refs,
            flow,
            dates: DateTimeText::new(&spec.options),
            max_rows: spec.options.pdf.max_rows,
            rows_read: 0,
            sample: Vec::new(),
            chart,
        })
    }

    fn lay_out(&mut self) -> Result<(), FormatError> {
        let sample = std::mem::take(&mut self.sample);
        self.flow.lay_out(&sample, &mut self.font, &mut self.file)?;
        for row in sample {
            self.flow.row(&row, &mut self.font, &mut self.file)?;
        }
        Ok(())
    }

    /// The forms that say what was only known at the end.
    fn write_forms(&mut self, pages: usize) -> Result<(), FormatError> {
        let shown = self.rows_read.min(self.max_rows);
        let mut lines = vec![format!("Rows: {}", cells::grouped(self.rows_read))];
        if self.rows_read > shown {
            lines = vec![
                format!(
                    "Rows: {} — this PDF shows the first {}; {} rows were left out (maxRows {}).",
                    cells::grouped(self.rows_read),
                    cells::grouped(shown),
                    cells::grouped(self.rows_read - shown),
                    cells::grouped(self.max_rows)
                ),
                "Export as CSV or XLSX for every row.".to_string(),
            ];
        }
        let mut summary = Painter::new();
        for (i, line) in lines.iter().enumerate() {
            summary.text(&mut self.font, 0.0, -(i as f32) * pages::META_LINE, pages::META_SIZE, line);
        }
        self.form(self.refs.summary, summary, Rect::new(0.0, -40.0, 2000.0, 20.0))?;
        let mut total = Painter::new();
        total.text(&mut self.font, 0.0, 0.0, pages::FOOTER_SIZE, &pages.to_string());
        self.form(self.refs.total, total, Rect::new(0.0, -10.0, 200.0, 20.0))
    }

    fn form(&mut self, id: Ref, painter: Painter, bbox: Rect) -> Result<(), FormatError> {
        let data = painter.finish();
        let font = self.refs.font.type0;
        self.file.put(|c| {
            let mut form = c.form_xobject(id, &data);
            form.bbox(bbox);
            form.resources().fonts().pair(FONT, font);
            form.filter(pdf_writer::Filter::FlateDecode);
        })
    }
}

impl FormatWriter for PdfWriter {
    fn write_rows(&mut self, rows: &[Row], _out: &mut Vec<u8>) -> Result<(), FormatError> {
        for row in rows {
            self.rows_read += 1;
            if let Some((times, _)) = &mut self.chart {
                times.add(row);
            }
            if self.rows_read > self.max_rows {
                continue;
            }
            let cells = row.iter().map(|v| cell_text(v, &mut self.dates)).collect::<Result<Vec<_>, _>>()?;
            if self.flow.is_laid_out() {
                self.flow.row(&cells, &mut self.font, &mut self.file)?;
            } else {
                self.sample.push(cells);
                if self.sample.len() >= SAMPLE_ROWS {
                    self.lay_out()?;
                }
            }
        }
        Ok(())
    }

    fn finish(self: Box<Self>, _out: &mut Vec<u8>) -> Result<Option<Box<dyn std::io::Read + Send>>, FormatError> {
        let mut this = *self;
        if !this.flow.is_laid_out() {
            this.lay_out()?;
        }
        if this.rows_read == 0 {
            this.flow.note("No rows.", &mut this.font);
        }
        this.flow.close_page(&mut this.font, &mut this.file)?;
        if let Some((times, unit)) = this.chart.take() {
            this.flow.chart_page(&times.bars(), &unit, this.rows_read, &mut this.font, &mut this.file)?;
        }
        let kids = this.flow.kids().to_vec();
        this.write_forms(kids.len())?;
        this.font.write(this.refs.font, &mut this.file)?;
        let (pages, catalog, info) = (this.refs.pages, this.refs.catalog, this.refs.info);
        this.file.put(|c| {
            c.pages(pages).kids(kids.iter().copied()).count(kids.len() as i32);
        })?;
        this.file.put(|c| {
            c.indirect(catalog).start::<pdf_writer::writers::Catalog>().pages(pages);
        })?;
        let (title, created) = (this.flow.title().to_string(), pdf_date(this.flow.created_at()));
        this.file.put(|c| {
            let mut dict = c.indirect(info).start::<pdf_writer::writers::DocumentInfo>();
            dict.title(TextStr(&title)).producer(TextStr("Ferry")).creation_date(created);
        })?;
        let file = this.file.finish(catalog, info)?;
        Ok(Some(Box::new(BufReader::with_capacity(256 * 1024, file))))
    }

    fn checkpoint_state(&self) -> Option<serde_json::Value> {
        None
    }
}

/// A PDF date (UTC) from an instant.
fn pdf_date(ts: jiff::Timestamp) -> Date {
    let t = ts.to_zoned(jiff::tz::TimeZone::UTC);
    Date::new(t.year().clamp(0, 9999) as u16)
        .month(t.month() as u8)
        .day(t.day() as u8)
        .hour(t.hour() as u8)
        .minute(t.minute() as u8)
        .second(t.second() as u8)
        .utc_offset_hour(0)
}
