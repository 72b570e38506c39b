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
use std::pin::{pin, Pin};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};

mod format_stage;
mod hash_stage;

use futures::channel::mpsc;
use futures::{SinkExt, StreamExt};
use serde_json::Value as Json;

use crate::hashing::{ResumableSha256, Sha256State};
use crate::model::value::Row;
use crate::ports::format::FormatWriter;
use crate::ports::source::RowSource;
use format_stage::{FormatStage, Pages};
use hash_stage::{hash_parts, Hashers};

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
