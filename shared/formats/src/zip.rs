//! Zip compression around any other writer (a report's `compress`).
//!
//! The inner writer's bytes are deflated as they come into a one-entry
//! archive on a temporary file, so memory does not grow with the file. The
//! entry's timestamp is the export's `createdAt` and its permissions are
//! fixed, so a rerun gives the same bytes. A zip's central directory is
//! written at the end, so a crash means starting over: `checkpoint_state`
//! is None.

use std::fs::File;
use std::io::{BufReader, BufWriter, Seek, SeekFrom, Write};

use ::zip::write::SimpleFileOptions;
use ::zip::{CompressionMethod, DateTime, ZipWriter};
use ferry_core::model::value::Row;
use ferry_core::ports::format::{FormatError, FormatSpec, FormatWriter};
use jiff::Timestamp;

pub struct ZipFormatWriter {
    inner: Box<dyn FormatWriter>,
    archive: ZipWriter<BufWriter<File>>,
    /// The inner writer's output of one call, reused.
    scratch: Vec<u8>,
}

impl ZipFormatWriter {
    /// Starts an archive with one entry, `spec.inner_file_name`, that will
    /// hold everything `inner` writes.
    pub fn new(inner: Box<dyn FormatWriter>, spec: &FormatSpec) -> Result<Self, FormatError> {
        let file = tempfile::tempfile().map_err(io_error)?;
        let mut archive = ZipWriter::new(BufWriter::new(file));
        let options = SimpleFileOptions::default()
            .compression_method(CompressionMethod::Deflated)
            .last_modified_time(dos_time(spec.created_at))
            .unix_permissions(0o644)
            // Exports of many millions of rows pass 4 GiB; the size is not
            // known when the entry starts, so always allow ZIP64 (20 bytes).
            .large_file(true);
        archive.start_file(spec.inner_file_name.as_str(), options).map_err(zip_error)?;
        Ok(ZipFormatWriter { inner, archive, scratch: Vec::new() })
    }

    fn flush_scratch(&mut self) -> Result<(), FormatError> {
        self.archive.write_all(&self.scratch).map_err(io_error)?;
        self.scratch.clear();
        Ok(())
    }
}

/// The zip (DOS) time of an instant, in UTC. DOS time starts in 1980 and
/// counts seconds in twos; an instant outside its range gets 1980-01-01.
pub(crate) fn dos_time(at: Timestamp) -> DateTime {
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

pub(crate) fn io_error(e: std::io::Error) -> FormatError {
    FormatError::Io(e.to_string())
}

pub(crate) fn zip_error(e: ::zip::result::ZipError) -> FormatError {
    match e {
        ::zip::result::ZipError::Io(e) => io_error(e),
        other => FormatError::Invalid(format!("zip: {other}")),
    }
}

impl FormatWriter for ZipFormatWriter {
    fn write_rows(&mut self, rows: &[Row], _out: &mut Vec<u8>) -> Result<(), FormatError> {
        self.inner.write_rows(rows, &mut self.scratch)?;
        self.flush_scratch()
    }

    fn finish(self: Box<Self>, _out: &mut Vec<u8>) -> Result<Option<Box<dyn std::io::Read + Send>>, FormatError> {
        let ZipFormatWriter { inner, mut archive, mut scratch } = *self;
        let assembled = inner.finish(&mut scratch)?;
        archive.write_all(&scratch).map_err(io_error)?;
        if let Some(mut reader) = assembled {
            std::io::copy(&mut reader, &mut archive).map_err(io_error)?;
        }
        let buffered = archive.finish().map_err(zip_error)?;
        let mut file = buffered.into_inner().map_err(|e| io_error(e.into_error()))?;
        file.seek(SeekFrom::Start(0)).map_err(io_error)?;
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
    fn dos_time_is_the_instant_in_utc_and_falls_back_to_1980() {
        let t = dos_time("2026-01-02T03:04:05Z".parse().unwrap());
        assert_eq!((t.year(), t.month(), t.day(), t.hour(), t.minute(), t.second()), (2026, 1, 2, 3, 4, 4));
        let t = dos_time("1970-01-01T00:00:00Z".parse().unwrap());
        assert_eq!((t.year(), t.month(), t.day()), (1980, 1, 1));
    }
}
