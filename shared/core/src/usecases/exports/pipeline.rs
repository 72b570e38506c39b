//! The stages of an export run, overlapped: rows are read and formatted on a
//! thread of their own, each part's bytes are hashed on another, and the run
//! task uploads and checkpoints, so reading and formatting, hashing and
//! uploading (the store's own hashing and writing) all proceed at once:
//!
//! ```text
//!   format thread ──parts──▶ hash thread ──parts──▶ run task: upload, checkpoint
//!     ▲ (rows)                                           │
//!     └───────────────── emptied buffers ────────────────┘
//! ```
//!
//! Where the rows are read depends on the source. One that computes its
//! pages (`RowSource::runs_anywhere`, the sample generator) is driven on the
//! format thread itself: a page is formatted on the core that just built it,
//! instead of every row's cache lines crossing to another core and back
//! when the page is reused (measured: that traffic cost a third of the
//! export's CPU time). A source that talks to the network stays on the run
//! task, where its runtime is, and a `pump` there hands its pages over:
//!
//! ```text
//!   run task: pump ──pages──▶ format thread        (and emptied pages back)
//! ```
//!
//! Memory is bounded by the pools: `PAGES` page buffers and `PARTS` part
//! buffers exist at any time, and a stage that finds its pool empty waits, so
//! a slow upload holds back formatting and a slow formatter holds back
//! reading. Buffers go round and round, which also lets a source reuse its
//! rows' allocations (`RowSource::page_into`).
//!
//! A part is cut only at a page boundary, and it carries the source cursor
//! after its last row and the writer's state at that point: the run saves a
//! checkpoint with them only after the part is uploaded, so a resumed export
//! continues exactly after the last row of the last stored part. A part is
//! cut when it is full, or earlier when the run's heartbeat asks for a
//! checkpoint (`PartRules::checkpoint_wanted`) and the store takes a part
//! that small, so a slow source never reads long without one.
//!
//! The threads are plain `std::thread`s (the core names no async runtime);
//! they wait on the channels with a small `block_on`.

use std::future::Future;
use std::io::Read;
use std::pin::{pin, Pin};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};

use futures::channel::mpsc;
use futures::{SinkExt, StreamExt};
use serde_json::Value as Json;

use crate::content_hash::encode_rows;
use crate::hashing::{ResumableSha256, Sha256State};
use crate::model::export::SUMMARY_ROWS;
use crate::model::value::{Row, Value};
use crate::ports::format::FormatWriter;
use crate::ports::source::RowSource;

/// Page buffers in flight when a pump reads: one being read, one being
/// formatted, one waiting.
const PAGES: usize = 3;
/// Part buffers in flight: being filled, hashed, uploaded.
const PARTS: usize = 3;
/// The most bytes a checkpoint keeps in itself (`Checkpoint::pending`): it
/// is stored with the export (a DynamoDB item holds 400 KB).
pub(crate) const MAX_PENDING: usize = 192 * 1024;

/// Where a resumed export continues after a part.
pub(crate) struct Resume {
    pub cursor: Json,
    pub format_state: Option<Json>,
}

/// What the stages tell the run.
pub(crate) enum Formatted {
    /// One more page is formatted; `rows` counts all rows formatted so far.
    Page { rows: u64 },
    /// Upload `data` as the next part; `sha256` is the file's hash state
    /// after it, `content_sha256` the content hash's state after its rows.
    /// `resume` is set for a part cut at a page boundary of a resumable
    /// file, and then its checkpoint can be saved; it is None for the last
    /// parts of a finished file.
    Part { data: Vec<u8>, rows: u64, resume: Option<Resume>, sha256: Sha256State, content_sha256: Option<Sha256State> },
    /// A checkpoint between parts: `data` is a copy of the bytes after the
    /// last part (not yet hashed into the file's SHA-256), `content_sha256`
    /// the content hash after `rows`.
    Pending { data: Vec<u8>, rows: u64, resume: Resume, content_sha256: Option<Sha256State> },
    /// The file is finished and every part of it was sent; `sha256` is its
    /// hash, `content_sha256` the hash of its header and rows (None when the
    /// run resumed from a checkpoint that did not keep it).
    Done { rows: u64, sha256: String, content_sha256: Option<String> },
    /// The file's first rows as text (`SUMMARY_ROWS` at most), once known.
    Summary(Vec<Vec<String>>),
    /// Reading or formatting failed; the message is for the user.
    Failed(String),
}

/// What the format thread sends the hash thread: `Formatted` before hashing.
/// `content` is the content-hash encoding of the rows formatted since the
/// previous message (see `content_hash`).
enum Cut {
    Page { rows: u64, content: Vec<u8> },
    Part { data: Vec<u8>, rows: u64, resume: Option<Resume>, content: Vec<u8> },
    Pending { data: Vec<u8>, rows: u64, resume: Resume, content: Vec<u8> },
    Done { rows: u64, content: Vec<u8> },
    Summary(Vec<Vec<String>>),
    Failed(String),
}

/// A page of rows and the cursor after it, or why reading failed.
type PageRead = Result<(Vec<Row>, Option<Json>), String>;

/// The running stages: the run task polls `pump` alongside its own work and
/// reads `formatted`; it hands uploaded buffers back through `free_parts`.
pub(crate) struct Pipeline {
    pub formatted: mpsc::UnboundedReceiver<Formatted>,
    pub free_parts: mpsc::UnboundedSender<Vec<u8>>,
    /// Reads pages for the format thread; done at once when it reads them itself.
    pub pump: Pin<Box<dyn Future<Output = ()> + Send>>,
}

/// How the format thread cuts parts.
pub(crate) struct PartRules {
    pub part_size: usize,
    /// Cut parts mid-file with checkpoints (CSV, JSON, JSONL, not zipped).
    pub resumable: bool,
    /// The smallest part the file store takes before the last one.
    pub min_part: usize,
    /// Set by the run: cut a part at the next page if it is at least `min_part`.
    pub checkpoint_wanted: Arc<AtomicBool>,
}

impl PartRules {
    /// Whether a checkpoint was asked for that a part cannot give: the bytes
    /// since the last part are then kept in the checkpoint itself.
    fn keep_pending(&self, buffered: usize) -> bool {
        self.resumable
            && buffered < self.min_part
            && buffered <= MAX_PENDING
            && self.checkpoint_wanted.load(Ordering::Acquire)
    }

    /// Whether a page boundary with `buffered` bytes ends a part.
    fn cut_here(&self, buffered: usize) -> bool {
        if !self.resumable {
            return false;
        }
        if buffered >= self.part_size {
            return true;
        }
        buffered > 0 && buffered >= self.min_part && self.checkpoint_wanted.load(Ordering::Acquire)
    }

    /// The parts an assembled file (XLSX, PDF, a zip) is read back in: the
    /// smallest the store takes, at least `READ_BACK_PART`. Nothing is gained
    /// from big ones there (no checkpoint follows them), and each part in
    /// flight is memory: a PDF's peak would otherwise grow with its file
    /// until two full `part_size` buffers.
    fn read_back_part(&self) -> usize {
        self.min_part.max(READ_BACK_PART).min(self.part_size)
    }
}

/// The smallest part an assembled file is read back in (1 MiB).
const READ_BACK_PART: usize = 1024 * 1024;

/// Where the file stands when the stages start: a resumed export continues
/// after the rows and bytes of its checkpoint.
pub(crate) struct Position {
    pub cursor: Option<Json>,
    pub rows: u64,
    pub hasher: ResumableSha256,
    /// The content hash so far (the header included); None when a resumed
    /// checkpoint did not keep one, and then the export has no content hash.
    pub content: Option<ResumableSha256>,
    /// The file's bytes after the last part, kept in the checkpoint.
    pub pending: Vec<u8>,
}

/// Starts reading at `at` and formatting with `writer`.
pub(crate) fn start(
    source: Box<dyn RowSource>,
    writer: Box<dyn FormatWriter>,
    rules: PartRules,
    at: Position,
) -> std::io::Result<Pipeline> {
    let (cut_tx, cut_rx) = mpsc::unbounded::<Cut>();
    let (formatted_tx, formatted) = mpsc::unbounded::<Formatted>();
    let (free_parts, free_parts_rx) = mpsc::unbounded::<Vec<u8>>();
    for _ in 0..PARTS {
        let _ = free_parts.unbounded_send(Vec::new());
    }
    let (pages, pump): (Pages, Pin<Box<dyn Future<Output = ()> + Send>>) = if source.runs_anywhere() {
        (Pages::Here { source, cursor: at.cursor, rows: Vec::new() }, Box::pin(async {}))
    } else {
        let (pages_tx, pages_rx) = mpsc::channel::<PageRead>(PAGES);
        let (free_pages_tx, free_pages_rx) = mpsc::unbounded::<Vec<Row>>();
        for _ in 0..PAGES {
            let _ = free_pages_tx.unbounded_send(Vec::new());
        }
        let pump = Box::pin(pump(source, at.cursor, pages_tx, free_pages_rx));
        (Pages::Pumped { pages: pages_rx, free_pages: free_pages_tx }, pump)
    };
    let (free_content_tx, free_content) = mpsc::unbounded::<Vec<u8>>();
    let stage = FormatStage {
        rules,
        // A resumed file's first rows were summarised by the run that wrote them.
        summary: (at.rows == 0).then(Vec::new),
        rows: at.rows,
        pending: at.pending,
        pages,
        out: cut_tx,
        free_parts: free_parts_rx,
        content: Vec::new(),
        free_content,
    };
    std::thread::Builder::new().name("ferry-format".into()).spawn(move || stage.run(writer))?;
    let hashers = Hashers { file: at.hasher, content: at.content, free_content: free_content_tx };
    std::thread::Builder::new().name("ferry-hash".into()).spawn(move || hash_parts(hashers, cut_rx, formatted_tx))?;
    Ok(Pipeline { formatted, free_parts, pump })
}

/// Reads pages into emptied page buffers until the source ends or fails, or
/// the format thread is gone.
async fn pump(
    mut source: Box<dyn RowSource>,
    mut cursor: Option<Json>,
    mut pages: mpsc::Sender<PageRead>,
    mut free_pages: mpsc::UnboundedReceiver<Vec<Row>>,
) {
    while let Some(mut rows) = free_pages.next().await {
        let page = match source.page_into(cursor.as_ref(), &mut rows).await {
            Ok(next) => {
                cursor = next.clone();
                Ok((rows, next))
            }
            Err(err) => Err(err.to_string()),
        };
        let last = !matches!(&page, Ok((_, Some(_))));
        if pages.send(page).await.is_err() || last {
            return;
        }
    }
}

/// Where the format thread gets its pages.
enum Pages {
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

struct FormatStage {
    rules: PartRules,
    /// The first rows' text, until `SUMMARY_ROWS` are in or the rows end.
    summary: Option<Vec<Vec<String>>>,
    rows: u64,
    /// Bytes of a resumed checkpoint that start the first part.
    pending: Vec<u8>,
    pages: Pages,
    out: mpsc::UnboundedSender<Cut>,
    free_parts: mpsc::UnboundedReceiver<Vec<u8>>,
    /// The content encoding of the rows since the last message sent.
    content: Vec<u8>,
    /// Content buffers the hash thread is done with, to be reused.
    free_content: mpsc::UnboundedReceiver<Vec<u8>>,
}

impl FormatStage {
    /// Formats pages until the last one (then finishes the file) or until
    /// the run stops listening. Failures go to the run as `Failed`.
    fn run(mut self, writer: Box<dyn FormatWriter>) {
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

/// The hash thread's hashers: the file's bytes and the content's encoding.
struct Hashers {
    file: ResumableSha256,
    content: Option<ResumableSha256>,
    free_content: mpsc::UnboundedSender<Vec<u8>>,
}

impl Hashers {
    /// Hashes a content buffer and hands it back to the format thread.
    fn content(&mut self, mut buf: Vec<u8>) {
        if buf.is_empty() {
            return;
        }
        if let Some(c) = &mut self.content {
            c.update(&buf);
        }
        buf.clear();
        let _ = self.free_content.unbounded_send(buf);
    }
}

/// Feeds every part to the file's SHA-256 and every row's encoding to the
/// content's, in order, and passes them on with the hash states the
/// checkpoint saves.
fn hash_parts(mut h: Hashers, mut cuts: mpsc::UnboundedReceiver<Cut>, out: mpsc::UnboundedSender<Formatted>) {
    while let Some(cut) = block_on(cuts.next()) {
        let message = match cut {
            Cut::Page { rows, content } => {
                h.content(content);
                Formatted::Page { rows }
            }
            Cut::Part { data, rows, resume, content } => {
                h.file.update(&data);
                h.content(content);
                let content_sha256 = h.content.as_ref().map(ResumableSha256::snapshot);
                Formatted::Part { data, rows, resume, sha256: h.file.snapshot(), content_sha256 }
            }
            Cut::Pending { data, rows, resume, content } => {
                h.content(content);
                let content_sha256 = h.content.as_ref().map(ResumableSha256::snapshot);
                Formatted::Pending { data, rows, resume, content_sha256 }
            }
            Cut::Done { rows, content } => {
                h.content(content);
                let content_sha256 = h.content.as_ref().map(ResumableSha256::finish_hex);
                Formatted::Done { rows, sha256: h.file.finish_hex(), content_sha256 }
            }
            Cut::Summary(rows) => Formatted::Summary(rows),
            Cut::Failed(message) => Formatted::Failed(message),
        };
        if out.unbounded_send(message).is_err() {
            return;
        }
    }
}

/// Runs a future to completion on this thread, parking the thread while the
/// future waits (the stage threads' side of the channels).
fn block_on<F: Future>(future: F) -> F::Output {
    struct Unpark(std::thread::Thread);
    impl Wake for Unpark {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
        fn wake_by_ref(self: &Arc<Self>) {
            self.0.unpark();
        }
    }
    let waker = Waker::from(Arc::new(Unpark(std::thread::current())));
    let mut cx = Context::from_waker(&waker);
    let mut future = pin!(future);
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
        std::thread::park();
    }
}
