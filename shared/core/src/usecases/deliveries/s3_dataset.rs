//! A `dataset` export to an S3 destination: its zip taken apart as it
//! streams from the file store, each table put as an object of its own under
//! one prefix (the key the zip would have had, without `.zip`), in a folder
//! per entity (`…/issues/issues_<exportId>_<timestamp>.csv`, so a table of
//! Athena can point at one entity's files), then
//! `manifest.json` beside them: entities, rows, bytes and SHA-256 of each
//! file, the schema version and `fromDate`. The manifest goes last, so its
//! presence says the set is complete; a failed attempt is retried whole.

use std::collections::VecDeque;
use std::sync::Arc;

use bytes::Bytes;
use futures::lock::Mutex;
use futures::StreamExt;
use sha2::{Digest, Sha256};

use super::context::AttemptContext;
use crate::ports::delivery::DeliveryError;
use crate::ports::file_store::ByteStream;
use crate::ports::format::{ZipPiece, ZipSplitter};
use crate::ports::s3_client::S3Target;
use crate::PortError;

/// The version of `docs/dataset-schema.md` the files follow.
pub const SCHEMA_VERSION: u32 = 1;

/// The zip being read: the file store's stream, the splitter, and the pieces read ahead.
struct Zip {
    body: ByteStream,
    splitter: Box<dyn ZipSplitter>,
    pieces: VecDeque<ZipPiece>,
    ended: bool,
}

impl Zip {
    /// The next piece; None once the zip is read to its end.
    async fn piece(&mut self) -> Result<Option<ZipPiece>, String> {
        loop {
            if let Some(p) = self.pieces.pop_front() {
                return Ok(Some(p));
            }
            if self.ended {
                return Ok(None);
            }
            let mut out = Vec::new();
            match self.body.next().await {
                Some(Ok(bytes)) => self.splitter.feed(&bytes, &mut out).map_err(|e| e.to_string())?,
                Some(Err(e)) => {
                    tracing::warn!(error = %e, "reading a dataset's zip for S3");
                    return Err("the file could not be read from storage".into());
                }
                None => {
                    self.splitter.finish().map_err(|e| e.to_string())?;
                    self.ended = true;
                }
            }
            self.pieces.extend(out);
        }
    }
}

/// What one file held: rows (records after the header), bytes, SHA-256.
#[derive(Default)]
struct Tally {
    bytes: u64,
    newlines: u64,
    in_quotes: bool,
    sha: Sha256,
}

impl Tally {
    fn add(&mut self, data: &[u8]) {
        self.bytes += data.len() as u64;
        self.sha.update(data);
        for &b in data {
            match b {
                b'"' => self.in_quotes = !self.in_quotes,
                b'\n' if !self.in_quotes => self.newlines += 1,
                _ => {}
            }
        }
    }
}

/// Puts every file of the dataset's zip, then the manifest; `zip_target`
/// is where the zip itself would have gone.
pub(super) async fn put_dataset(cx: &AttemptContext<'_>, zip_target: S3Target) -> Result<u64, DeliveryError> {
    let prefix = zip_target.key.strip_suffix(".zip").unwrap_or(&zip_target.key).to_string();
    let body = cx.ports.files.read(&cx.file_key).await.map_err(|err| {
        tracing::warn!(error = %err, "reading an export's file for S3");
        DeliveryError::Failed("the file could not be read from storage".into())
    })?;
    let splitter = cx.ports.formats.dataset_splitter().map_err(|e| DeliveryError::Rejected(e.to_string()))?;
    let zip = Arc::new(Mutex::new(Zip { body, splitter, pieces: VecDeque::new(), ended: false }));
    let damaged = |m: String| DeliveryError::Rejected(format!("the export's zip: {m}"));
    let (mut sent, mut entities) = (0u64, Vec::new());
    loop {
        let name = match zip.lock().await.piece().await.map_err(damaged)? {
            None => break,
            Some(ZipPiece::Start(name)) => name,
            Some(_) => return Err(damaged("a file's content without its start".into())),
        };
        let entity = name.split(&format!("_{}_", cx.export.id)).next().unwrap_or(&name).to_string();
        let tally = Arc::new(std::sync::Mutex::new(Tally::default()));
        let target = S3Target {
            key: format!("{prefix}/{entity}/{name}"),
            content_type: "text/csv; charset=utf-8".into(),
            ..zip_target.clone()
        };
        sent += cx.ports.s3.put(&target, file_stream(zip.clone(), tally.clone())).await?;
        let tally = std::mem::take(&mut *tally.lock().expect("tally lock"));
        entities.push(serde_json::json!({
            "entity": entity,
            "key": target.key,
            "rows": tally.newlines.saturating_sub(1),
            "bytes": tally.bytes,
            "sha256": hex::encode(tally.sha.finalize()),
        }));
    }
    let e = &cx.export;
    let manifest = serde_json::json!({
        "schemaVersion": SCHEMA_VERSION,
        "exportId": e.id,
        "reportId": e.report_id,
        "createdAt": e.created_at.to_string(),
        "fromDate": e.from_date.map(|t| t.to_string()),
        "toDate": e.to_date.map(|t| t.to_string()),
        "entities": entities,
    });
    let text = serde_json::to_vec_pretty(&manifest).map_err(|e| DeliveryError::Failed(e.to_string()))?;
    let target =
        S3Target { key: format!("{prefix}/manifest.json"), content_type: "application/json".into(), ..zip_target };
    let once: ByteStream = Box::pin(futures::stream::once(async move { Ok(Bytes::from(text)) }));
    sent += cx.ports.s3.put(&target, once).await?;
    Ok(sent)
}

/// The current file's bytes, read from the zip until the file ends.
fn file_stream(zip: Arc<Mutex<Zip>>, tally: Arc<std::sync::Mutex<Tally>>) -> ByteStream {
    Box::pin(futures::stream::unfold(Some((zip, tally)), |state| async move {
        let (zip, tally) = state?;
        let next = zip.lock().await.piece().await;
        match next {
            Ok(Some(ZipPiece::Data(data))) => {
                tally.lock().expect("tally lock").add(&data);
                Some((Ok(Bytes::from(data)), Some((zip, tally))))
            }
            Ok(Some(ZipPiece::End)) | Ok(None) => None,
            Ok(Some(ZipPiece::Start(name))) => {
                Some((Err(PortError::backend(format!("the export's zip: {name} starts inside another file"))), None))
            }
            Err(m) => Some((Err(PortError::backend(format!("the export's zip: {m}"))), None)),
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_records_after_the_header_quoted_line_breaks_included() {
        let mut t = Tally::default();
        t.add(b"a,b\n1,\"x\ny\"\n");
        t.add(b"2,\"\"\"q\"\"\"\n");
        assert_eq!((t.newlines.saturating_sub(1), t.bytes), (2, 22));
    }
}
