//! The pages: their size and columns, the title block on the first one,
//! the header row on each, rows placed until one does not fit, the `n / N`
//! footer, and the chart page. A page is written (`close_page`) as soon as
//! it is full; only its object number stays.

use ferry_core::model::format_options::{Orientation, Paper};
use ferry_core::ports::format::{FormatError, FormatSpec};
use jiff::Timestamp;
use pdf_writer::{Filter, Name, Rect, Ref};

use super::cells::{grouped, CellText};
use super::chart::{average_text, Bar};
use super::font::EmbeddedFont;
use super::layout::{column_widths, needs_landscape, wrap, MAX_CELL_LINES};
use super::objects::ObjectFile;
use super::painter::{Painter, FONT};

/// Resource names of the forms written at the end.
pub(crate) const TOTAL: Name<'static> = Name(b"Total");
pub(crate) const SUMMARY: Name<'static> = Name(b"Summary");

const MARGIN: f32 = 36.0;
const TITLE_SIZE: f32 = 14.0;
pub(crate) const META_SIZE: f32 = 9.0;
pub(crate) const META_LINE: f32 = 12.0;
const TABLE_SIZE: f32 = 8.0;
const TABLE_LINE: f32 = 9.6;
const PAD_X: f32 = 3.0;
const PAD_Y: f32 = 2.5;
pub(crate) const FOOTER_SIZE: f32 = 8.0;
const FOOTER_Y: f32 = 20.0;
/// How far the baseline sits above a line's bottom.
const DESCENT: f32 = 2.2;

pub(crate) struct PageFlow {
    paper: Paper,
    orientation: Orientation,
    width: f32,
    height: f32,
    headers: Vec<String>,
    col_x: Vec<f32>,
    col_w: Vec<f32>,
    laid_out: bool,
    /// The page being filled and how far down it is.
    page: Option<Painter>,
    y: f32,
    kids: Vec<Ref>,
    pages_ref: Ref,
    font_ref: Ref,
    total_ref: Ref,
    summary_ref: Ref,
    title: String,
    query: Option<String>,
    run_time: String,
    created_at: Timestamp,
}

impl PageFlow {
    pub(crate) fn new(spec: &FormatSpec, pages_ref: Ref, font_ref: Ref, total_ref: Ref, summary_ref: Ref) -> Self {
        let zoned = spec.created_at.to_zoned(spec.options.timezone.clone());
        PageFlow {
            paper: spec.options.pdf.paper,
            orientation: spec.options.pdf.orientation,
            width: 0.0,
            height: 0.0,
            headers: spec.headers.clone(),
            col_x: Vec::new(),
            col_w: Vec::new(),
            laid_out: false,
            page: None,
            y: 0.0,
            kids: Vec::new(),
            pages_ref,
            font_ref,
            total_ref,
            summary_ref,
            title: spec.document.report_name.clone(),
            query: spec.document.query.clone().filter(|q| !q.trim().is_empty()),
            run_time: zoned.strftime("%Y-%m-%d %H:%M %Z").to_string(),
            created_at: spec.created_at,
        }
    }

    pub(crate) fn is_laid_out(&self) -> bool {
        self.laid_out
    }

    pub(crate) fn kids(&self) -> &[Ref] {
        &self.kids
    }

    pub(crate) fn title(&self) -> &str {
        &self.title
    }

    pub(crate) fn created_at(&self) -> Timestamp {
        self.created_at
    }

    /// Sizes the page and the columns from the header and `sample`, and opens page 1.
    pub(crate) fn lay_out(
        &mut self,
        sample: &[Vec<CellText>],
        font: &mut EmbeddedFont,
        file: &mut ObjectFile,
    ) -> Result<(), FormatError> {
        let measure = |text: &str| text.split('\n').map(|l| font.width(l, TABLE_SIZE)).fold(0.0, f32::max);
        let natural: Vec<f32> = (0..self.headers.len())
            .map(|i| {
                let cells = sample.iter().filter_map(|r| r.get(i)).map(|c| measure(&c.text));
                cells.fold(measure(&self.headers[i]), f32::max) + 2.0 * PAD_X
            })
            .collect();
        let (short, long) = match self.paper {
            Paper::A4 => (595.28, 841.89),
            Paper::Letter => (612.0, 792.0),
        };
        let landscape = match self.orientation {
            Orientation::Portrait => false,
            Orientation::Landscape => true,
            Orientation::Auto => needs_landscape(&natural, short - 2.0 * MARGIN),
        };
        (self.width, self.height) = if landscape { (long, short) } else { (short, long) };
        self.col_w = column_widths(&natural, self.width - 2.0 * MARGIN);
        self.col_x = self.col_w.iter().scan(MARGIN, |x, w| Some(std::mem::replace(x, *x + w))).collect();
        self.laid_out = true;
        self.open_page(font, file)
    }

    fn open_page(&mut self, font: &mut EmbeddedFont, _file: &mut ObjectFile) -> Result<(), FormatError> {
        let mut page = Painter::new();
        self.y = self.height - MARGIN;
        let full = self.width - 2.0 * MARGIN;
        if self.kids.is_empty() {
            for line in wrap(&self.title, full, |c| font.advance(c) * TITLE_SIZE / 1000.0).iter().take(2) {
                self.y -= TITLE_SIZE * 1.2;
                page.text(font, MARGIN, self.y + DESCENT, TITLE_SIZE, line);
            }
            self.y -= 4.0;
            let mut meta = vec![format!("Run: {}", self.run_time)];
            if let Some(q) = &self.query {
                meta.extend(wrap(&format!("Query: {q}"), full, |c| font.advance(c) * META_SIZE / 1000.0));
            }
            for line in meta.iter().take(MAX_CELL_LINES) {
                self.y -= META_LINE;
                page.text(font, MARGIN, self.y + DESCENT, META_SIZE, line);
            }
            self.y -= META_LINE;
            page.place(SUMMARY, MARGIN, self.y + DESCENT);
            self.y -= META_LINE + 8.0;
        }
        let headers: Vec<CellText> = self.headers.iter().map(|h| CellText { text: h.clone(), right: false }).collect();
        self.page = Some(page);
        self.draw_row(&headers, font, Some(0.88));
        Ok(())
    }

    /// Places a row, on a new page when it does not fit on this one.
    pub(crate) fn row(
        &mut self,
        cells: &[CellText],
        font: &mut EmbeddedFont,
        file: &mut ObjectFile,
    ) -> Result<(), FormatError> {
        let height = self.row_height(cells, font);
        if self.y - height < MARGIN {
            self.close_page(font, file)?;
            self.open_page(font, file)?;
        }
        self.draw_row(cells, font, None);
        Ok(())
    }

    fn lines(&self, i: usize, cell: &CellText, font: &EmbeddedFont) -> Vec<String> {
        let width = self.col_w.get(i).copied().unwrap_or(0.0) - 2.0 * PAD_X;
        wrap(&cell.text, width, |c| font.advance(c) * TABLE_SIZE / 1000.0)
    }

    fn row_height(&self, cells: &[CellText], font: &EmbeddedFont) -> f32 {
        let most = cells.iter().enumerate().map(|(i, c)| self.lines(i, c, font).len()).max().unwrap_or(1);
        most.max(1) as f32 * TABLE_LINE + 2.0 * PAD_Y
    }

    fn draw_row(&mut self, cells: &[CellText], font: &mut EmbeddedFont, shade: Option<f32>) {
        let height = self.row_height(cells, font);
        let wrapped: Vec<Vec<String>> = cells.iter().enumerate().map(|(i, c)| self.lines(i, c, font)).collect();
        let (left, right) = (MARGIN, self.width - MARGIN);
        let page = self.page.as_mut().expect("a page is open");
        if let Some(gray) = shade {
            page.fill_rect(left, self.y - height, right - left, height, gray);
        }
        for (i, (cell, lines)) in cells.iter().zip(&wrapped).enumerate() {
            let (Some(x), Some(w)) = (self.col_x.get(i), self.col_w.get(i)) else { continue };
            for (n, line) in lines.iter().enumerate() {
                let baseline = self.y - PAD_Y - (n as f32 + 1.0) * TABLE_LINE + DESCENT;
                let at = if cell.right { x + w - PAD_X - font.width(line, TABLE_SIZE) } else { x + PAD_X };
                page.text(font, at, baseline, TABLE_SIZE, line);
            }
        }
        self.y -= height;
        page.rule(left, right, self.y, 0.75);
    }

    /// A line of text under the table (`No rows.`).
    pub(crate) fn note(&mut self, text: &str, font: &mut EmbeddedFont) {
        if let Some(page) = self.page.as_mut() {
            self.y -= META_LINE + 4.0;
            page.text(font, MARGIN, self.y + DESCENT, META_SIZE, text);
        }
    }

    /// Adds the footer and writes the open page.
    pub(crate) fn close_page(&mut self, font: &mut EmbeddedFont, file: &mut ObjectFile) -> Result<(), FormatError> {
        let Some(mut page) = self.page.take() else { return Ok(()) };
        let label = format!("{} / ", self.kids.len() + 1);
        let x = self.width / 2.0 - font.width(&label, FOOTER_SIZE);
        page.text(font, x, FOOTER_Y, FOOTER_SIZE, &label);
        page.place(TOTAL, x + font.width(&label, FOOTER_SIZE), FOOTER_Y);
        let data = page.finish();
        let (content, id) = (file.alloc(), file.alloc());
        file.put(|c| {
            c.stream(content, &data).filter(Filter::FlateDecode);
        })?;
        let first = self.kids.is_empty();
        let (pages, fonts, total, summary) = (self.pages_ref, self.font_ref, self.total_ref, self.summary_ref);
        let media = Rect::new(0.0, 0.0, self.width, self.height);
        file.put(|c| {
            let mut p = c.page(id);
            p.media_box(media).parent(pages).contents(content);
            let mut resources = p.resources();
            resources.fonts().pair(FONT, fonts);
            let mut forms = resources.x_objects();
            forms.pair(TOTAL, total);
            if first {
                forms.pair(SUMMARY, summary);
            }
        })?;
        self.kids.push(id);
        Ok(())
    }

    /// A page with the average time per status as bars.
    pub(crate) fn chart_page(
        &mut self,
        bars: &[Bar],
        unit: &str,
        rows: u64,
        font: &mut EmbeddedFont,
        file: &mut ObjectFile,
    ) -> Result<(), FormatError> {
        let mut page = Painter::new();
        let mut y = self.height - MARGIN - TITLE_SIZE * 1.2;
        page.text(font, MARGIN, y + DESCENT, TITLE_SIZE, &format!("Average time in status ({unit})"));
        y -= META_LINE;
        page.text(font, MARGIN, y + DESCENT, META_SIZE, &format!("Over all {} rows of the report.", grouped(rows)));
        y -= 2.0 * META_LINE;
        if bars.is_empty() {
            page.text(font, MARGIN, y + DESCENT, META_SIZE, "No times in numbers to chart.");
        }
        let label_w = bars.iter().map(|b| font.width(&b.status, META_SIZE)).fold(0.0, f32::max).min(200.0) + 8.0;
        let bar_x = MARGIN + label_w;
        let bar_room = self.width - MARGIN - bar_x - 60.0;
        let top = bars.iter().map(|b| b.average).fold(0.0, f64::max);
        let (bar_h, gap) = (14.0, 6.0);
        for bar in bars {
            if y - bar_h < MARGIN {
                break;
            }
            y -= bar_h;
            let length = if top > 0.0 { (bar.average / top) as f32 * bar_room } else { 0.0 };
            let label = wrap(&bar.status, label_w - 8.0, |c| font.advance(c) * META_SIZE / 1000.0);
            page.text(font, MARGIN, y + 4.0, META_SIZE, label.first().map_or("", String::as_str));
            page.fill_rect(bar_x, y, length.max(0.5), bar_h, 0.45);
            page.text(font, bar_x + length + 4.0, y + 4.0, META_SIZE, &average_text(bar.average));
            y -= gap;
        }
        self.page = Some(page);
        self.close_page(font, file)
    }
}
