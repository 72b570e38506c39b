//! The file as a mail attachment: read from the file store, zipped in memory
//! when the destination asks for it (and the file is not a zip already), and
//! only while it stays within `maxAttachmentMb` — past that the mail carries
//! a link instead, so memory stays bounded by the limit (at most 28 MB).

use std::io::{Cursor, Seek, SeekFrom, Write};

use bytes::Bytes;
use futures::StreamExt;
use jiff::Timestamp;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

use crate::model::export::Export;
use crate::ports::delivery::DeliveryError;
use crate::ports::mailer::MailAttachment;
use crate::Ports;

pub(super) enum Attachment {
    Fits(MailAttachment),
    /// Over the limit; `size` is the file's size (before any compression).
    TooLarge {
        size: u64,
    },
}

/// The attachment of `e`'s file, or why there is none. `limit` is in bytes.
pub(super) async fn prepare_attachment(
    ports: &Ports,
    e: &Export,
    key: &str,
    compress: bool,
    limit: u64,
) -> Result<Attachment, DeliveryError> {
    let size = e.bytes.unwrap_or(0);
    let name = e.file_name.clone().unwrap_or_else(|| format!("{}.{}", e.id, e.format.extension()));
    let zip_it = compress && !e.compress;
    if !zip_it && size > limit {
        return Ok(Attachment::TooLarge { size });
    }
    let mut stream = ports.files.read(key).await.map_err(read_failed)?;
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    if !zip_it {
        let mut data = Vec::with_capacity(size as usize);
        while let Some(chunk) = stream.next().await {
            data.extend_from_slice(&chunk.map_err(read_failed)?);
            if data.len() > limit {
                return Ok(Attachment::TooLarge { size: data.len() as u64 });
            }
        }
        let content_type = e.content_type().to_string();
        return Ok(Attachment::Fits(MailAttachment { file_name: name, content_type, data: Bytes::from(data) }));
    }
    let mut archive = ZipWriter::new(CappedBuffer { inner: Cursor::new(Vec::new()), limit });
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .last_modified_time(dos_time(e.created_at))
        .unix_permissions(0o644);
    archive.start_file(name.as_str(), options).map_err(zip_failed)?;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(read_failed)?;
        // The buffer refuses to grow past the limit: the only way a write
        // into memory fails.
        if archive.write_all(&chunk).is_err() {
            return Ok(Attachment::TooLarge { size });
        }
    }
    let Ok(buffer) = archive.finish() else { return Ok(Attachment::TooLarge { size }) };
    let data = Bytes::from(buffer.inner.into_inner());
    Ok(Attachment::Fits(MailAttachment {
        file_name: format!("{name}.zip"),
        content_type: "application/zip".into(),
        data,
    }))
}

fn read_failed(err: crate::PortError) -> DeliveryError {
    tracing::warn!(error = %err, "reading an export's file for a mail");
    DeliveryError::Failed("the file could not be read from storage".into())
}

fn zip_failed(err: zip::result::ZipError) -> DeliveryError {
    DeliveryError::Failed(format!("the attachment could not be zipped: {err}"))
}

/// An in-memory buffer that refuses writes that would take it past `limit` bytes.
struct CappedBuffer {
    inner: Cursor<Vec<u8>>,
    limit: usize,
}

impl Write for CappedBuffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let end = self.inner.position() as usize + buf.len();
        if end > self.limit {
            return Err(std::io::Error::other("over the attachment limit"));
        }
        self.inner.write(buf)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Seek for CappedBuffer {
    fn seek(&mut self, pos: SeekFrom) -> std::io::Result<u64> {
        self.inner.seek(pos)
    }
}

/// The zip (DOS) time of the export's creation, so a resent attachment is
/// byte-identical. DOS time starts in 1980; earlier instants get 1980-01-01.
fn dos_time(at: Timestamp) -> DateTime {
    let t = at.to_zoned(jiff::tz::TimeZone::UTC);
    u16::try_from(t.year())
        .ok()
        .and_then(|year| {
            DateTime::from_date_and_time(
                year,
                t.month() as u8,
                t.day() as u8,
                t.hour() as u8,
                t.minute() as u8,
                t.second() as u8,
            )
            .ok()
        })
        .unwrap_or_default()
}
