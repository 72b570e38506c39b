//! The format thread: pages in, the writer's bytes out, cut into parts at
//! page boundaries by the `PartRules`, with the content encoding of the rows
//! and the first rows' summary alongside.

use std::io::Read;
use std::sync::atomic::Ordering;

use futures::channel::mpsc;
use futures::StreamExt;
use serde_json::Value as Json;

use super::{block_on, Cut, PageRead, PartRules, Resume};
use crate::content_hash::encode_rows;
use crate::model::export::SUMMARY_ROWS;
use crate::model::value::{Row, Value};
use crate::ports::format::FormatWriter;
use crate::ports::source::RowSource;

/// Where the format thread gets its pages.
pub(super) enum Pages {
    /// From the pump on the run task.
    Pumped { pages: mpsc::Receiver<PageRead>, free_pages: mpsc::UnboundedSender<Vec<Row>> },
    /// Read on the format thread: the source computes them.
    Here { source: Box<dyn RowSource>, cursor: Option<Json>, rows: Vec<Row> },
}

impl Pages {
    /// The next page; None when the run has stopped listening.
    fn next(&mut self) -> Option<PageRead> {
        match self {
            Pages::Pumped { pages, .. } => block_on(pages.next()),
            Pages::Here { source, cursor, rows } => {
                let mut page = std::mem::take(rows);
                let read = block_on(source.page_into(cursor.as_ref(), &mut page));
                Some(read.map_err(|e| e.to_string()).map(|next| {
                    *cursor = next.clone();
                    (page, next)
                }))
            }
        }
    }

    /// Gives a formatted page's rows back, to be overwritten by a later page.
    fn recycle(&mut self, page: Vec<Row>) {
        match self {
            Pages::Pumped { free_pages, .. } => {
                let _ = free_pages.unbounded_send(page);
            }
            Pages::Here { rows, .. } => *rows = page,
        }
    }
}

pub(super) struct FormatStage {
    pub(super) rules: PartRules,
    /// The first rows' text, until `SUMMARY_ROWS` are in or the rows end.
    pub(super) summary: Option<Vec<Vec<String>>>,
    pub(super) rows: u64,
    /// Bytes of a resumed checkpoint that start the first part.
    pub(super) pending: Vec<u8>,
    pub(super) pages: Pages,
    pub(super) out: mpsc::UnboundedSender<Cut>,
    pub(super) free_parts: mpsc::UnboundedReceiver<Vec<u8>>,
    /// The content encoding of the rows since the last message sent.
    pub(super) content: Vec<u8>,
    /// Content buffers the hash thread is done with, to be reused.
    pub(super) free_content: mpsc::UnboundedReceiver<Vec<u8>>,
}

impl FormatStage {
    /// Formats pages until the last one (then finishes the file) or until
    /// the run stops listening. Failures go to the run as `Failed`.
    pub(super) fn run(mut self, writer: Box<dyn FormatWriter>) {
        if let Err(message) = self.format_all(writer) {
            let _ = self.out.unbounded_send(Cut::Failed(message));
        }
    }

    fn format_all(&mut self, mut writer: Box<dyn FormatWriter>) -> Result<(), String> {
        let Some(mut buf) = self.free_buffer() else { return Ok(()) };
        buf.append(&mut self.pending);
        loop {
            let Some(page) = self.pages.next() else { return Ok(()) };
            let (rows, next) = page?;
            writer.write_rows(&rows, &mut buf).map_err(|e| e.to_string())?;
            encode_rows(&rows, &mut self.content);
            self.summarise(&rows, next.is_none())?;
            self.rows += rows.len() as u64;
            self.pages.recycle(rows);
            let Some(cursor) = next else {
                return self.finish(writer, buf);
            };
            let message = if self.rules.cut_here(buf.len()) {
                self.rules.checkpoint_wanted.store(false, Ordering::Release);
                let resume = Resume { cursor, format_state: writer.checkpoint_state() };
                let data = std::mem::take(&mut buf);
                match self.free_buffer() {
                    Some(b) => buf = b,
                    None => return Ok(()),
                }
                Cut::Part { data, rows: self.rows, resume: Some(resume), content: self.take_content() }
            } else if self.rules.keep_pending(buf.len()) {
                self.rules.checkpoint_wanted.store(false, Ordering::Release);
                let resume = Resume { cursor, format_state: writer.checkpoint_state() };
                Cut::Pending { data: buf.clone(), rows: self.rows, resume, content: self.take_content() }
            } else {
                Cut::Page { rows: self.rows, content: self.take_content() }
            };
            if self.out.unbounded_send(message).is_err() {
                return Ok(());
            }
        }
    }

    /// Ends the file and sends what is left as parts of `part_size` (an
    /// assembled XLSX, PDF or zip file is read back in `read_back_part`s), then `Done`.
    fn finish(&mut self, writer: Box<dyn FormatWriter>, mut buf: Vec<u8>) -> Result<(), String> {
        let assembled = writer.finish(&mut buf).map_err(|e| e.to_string())?;
        if let Some(mut reader) = assembled {
            let part = self.rules.read_back_part();
            loop {
                let want = part.saturating_sub(buf.len());
                let got = (&mut reader)
                    .take(want as u64)
                    .read_to_end(&mut buf)
                    .map_err(|e| format!("reading the assembled file: {e}"))?;
                if buf.len() >= part {
                    let data = std::mem::take(&mut buf);
                    self.send(Cut::Part { data, rows: self.rows, resume: None, content: Vec::new() })?;
                    buf = self.free_buffer().ok_or("the export stopped")?;
                } else if got == 0 {
                    break;
                }
            }
        }
        if !buf.is_empty() {
            self.send(Cut::Part { data: buf, rows: self.rows, resume: None, content: Vec::new() })?;
        }
        let content = self.take_content();
        self.send(Cut::Done { rows: self.rows, content })
    }

    /// Keeps the text of the first rows and sends it once there are enough
    /// or there are no more.
    fn summarise(&mut self, rows: &[Row], last: bool) -> Result<(), String> {
        let Some(summary) = &mut self.summary else { return Ok(()) };
        let room = SUMMARY_ROWS.saturating_sub(summary.len());
        summary.extend(rows.iter().take(room).map(|row| row.iter().map(Value::summary_text).collect()));
        if last || summary.len() >= SUMMARY_ROWS {
            let rows = self.summary.take().unwrap_or_default();
            self.send(Cut::Summary(rows))?;
        }
        Ok(())
    }

    /// The content encoded since the last message, leaving an emptied buffer in its place.
    fn take_content(&mut self) -> Vec<u8> {
        let fresh = self.free_content.try_recv().unwrap_or_default();
        std::mem::replace(&mut self.content, fresh)
    }

    fn send(&self, message: Cut) -> Result<(), String> {
        self.out.unbounded_send(message).map_err(|_| "the export stopped".to_string())
    }

    /// An emptied part buffer; None when the run has stopped.
    fn free_buffer(&mut self) -> Option<Vec<u8>> {
        let mut buf = block_on(self.free_parts.next())?;
        buf.clear();
        // A buffer the store kept comes back as a new, empty one; room for a
        // part plus the page that crosses its end means it never regrows.
        buf.reserve(self.rules.part_size + self.rules.part_size / 4);
        Some(buf)
    }
}
