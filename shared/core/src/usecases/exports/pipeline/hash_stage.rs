//! The hash thread: every part through the file's SHA-256 and every row's
//! encoding through the content's, in order, passed on to the run with the
//! hash states its checkpoint saves.

use futures::channel::mpsc;
use futures::StreamExt;

use super::{block_on, Cut, Formatted};
use crate::hashing::ResumableSha256;

/// The hash thread's hashers: the file's bytes and the content's encoding.
pub(super) struct Hashers {
    pub(super) file: ResumableSha256,
    pub(super) content: Option<ResumableSha256>,
    pub(super) free_content: mpsc::UnboundedSender<Vec<u8>>,
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
pub(super) fn hash_parts(
    mut h: Hashers,
    mut cuts: mpsc::UnboundedReceiver<Cut>,
    out: mpsc::UnboundedSender<Formatted>,
) {
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
