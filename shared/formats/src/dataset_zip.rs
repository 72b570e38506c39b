//! The zip of a `dataset` export: one CSV file per table, written as the
//! rows come, resumable mid-file like a plain CSV file.
//!
//! The `zip` crate cannot continue an archive another process started, so
//! this writes the format itself (APPNOTE 6.3): each entry is a local
//! header with a data descriptor (sizes follow the data, ZIP64 sizes so an
//! entry may pass 4 GiB), deflated data, and the descriptor; the central
//! directory comes at the end. Each page of rows is deflated by a fresh
//! compressor ended with a full flush, so the bytes of a page do not depend
//! on the pages before it: a run resumed from a checkpoint (the entries so
//! far, the current entry's CRC-32 and sizes, its CSV writer's state) writes
//! exactly the bytes an uninterrupted run writes. Entry times are the
//! export's `createdAt`.

use crc32fast::Hasher;
use ferry_core::model::format_options::Format;
use ferry_core::model::value::{Row, Value};
use ferry_core::ports::format::{DatasetLayout, FormatError, FormatSpec, FormatWriter};
use flate2::{Compress, Compression, FlushCompress, Status};
use serde::{Deserialize, Serialize};

use crate::csv::CsvWriter;
use crate::zip::dos_time;

/// Deflate level: CSV text compresses well at a low level, and the export's CPU goes to reading.
const LEVEL: u32 = 2;
/// Version needed to extract: 4.5 (ZIP64).
const VERSION: u16 = 45;
/// Data descriptor (bit 3) and UTF-8 names (bit 11).
const FLAGS: u16 = 0x0808;
const DEFLATED: u16 = 8;

/// A finished entry, as the central directory lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Entry {
    name: String,
    offset: u64,
    crc: u32,
    csize: u64,
    usize: u64,
}

/// Where the archive stands: what a checkpoint saves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct State {
    done: Vec<Entry>,
    /// The entry being written (its `crc`, `csize` and `usize` so far), and the file's index.
    current: Option<(usize, Entry)>,
    /// The CSV writer's state in the current entry.
    csv: Option<serde_json::Value>,
    /// Bytes of the archive written so far.
    position: u64,
}

pub struct DatasetZipWriter {
    layout: DatasetLayout,
    state: State,
    csv: Option<CsvWriter>,
    crc: Hasher,
    /// The entries' DOS time and date.
    dos: (u16, u16),
    /// The current entry's CSV bytes of one call, reused.
    scratch: Vec<u8>,
}

impl DatasetZipWriter {
    pub fn new(layout: &DatasetLayout) -> Self {
        let t = dos_time(layout.created_at);
        DatasetZipWriter {
            layout: layout.clone(),
            state: State { done: Vec::new(), current: None, csv: None, position: 0 },
            csv: None,
            crc: Hasher::new(),
            dos: (t.timepart(), t.datepart()),
            scratch: Vec::new(),
        }
    }

    /// Continues an archive from `checkpoint_state`.
    pub fn resume(layout: &DatasetLayout, state: &serde_json::Value) -> Result<Self, FormatError> {
        let mut writer = DatasetZipWriter::new(layout);
        writer.state = serde_json::from_value(state.clone())
            .map_err(|e| FormatError::Invalid(format!("a dataset's resume state is unreadable: {e}")))?;
        if let Some((index, entry)) = &writer.state.current {
            writer.crc = Hasher::new_with_initial_len(entry.crc, entry.usize);
            let spec = writer.csv_spec(*index)?;
            writer.csv = Some(match &writer.state.csv {
                Some(s) => CsvWriter::resume(&spec, s)?,
                None => CsvWriter::new(&spec),
            });
        }
        Ok(writer)
    }

    fn csv_spec(&self, index: usize) -> Result<FormatSpec, FormatError> {
        let file = self.layout.files.get(index).ok_or_else(|| FormatError::Invalid("no such dataset file".into()))?;
        Ok(FormatSpec {
            format: Format::Csv,
            options: self.layout.options.clone(),
            headers: file.headers.clone(),
            compress: false,
            inner_file_name: file.file_name.clone(),
            created_at: self.layout.created_at,
            xlsx_rows_per_sheet: 0,
            document: Default::default(),
        })
    }

    fn index_of(&self, entity: &str) -> Result<usize, FormatError> {
        self.layout.files.iter().position(|f| f.entity == entity).ok_or_else(|| {
            FormatError::Invalid(format!("the source gave a row of {entity}, which is not in the dataset"))
        })
    }

    /// The index of the next file to start: after the current or last entry.
    fn next_index(&self) -> usize {
        match &self.state.current {
            Some((i, _)) => i + 1,
            None => self.state.done.len(),
        }
    }

    fn emit(&mut self, bytes: &[u8], out: &mut Vec<u8>) {
        out.extend_from_slice(bytes);
        self.state.position += bytes.len() as u64;
    }

    /// Starts file `index`: its local header.
    fn open(&mut self, index: usize, out: &mut Vec<u8>) -> Result<(), FormatError> {
        let name = self.layout.files[index].file_name.clone();
        let mut h = Vec::with_capacity(50 + name.len());
        put32(&mut h, 0x0403_4b50);
        put16(&mut h, VERSION);
        put16(&mut h, FLAGS);
        put16(&mut h, DEFLATED);
        put16(&mut h, self.dos.0);
        put16(&mut h, self.dos.1);
        put32(&mut h, 0);
        put32(&mut h, u32::MAX);
        put32(&mut h, u32::MAX);
        put16(&mut h, name.len() as u16);
        put16(&mut h, 20);
        h.extend_from_slice(name.as_bytes());
        put16(&mut h, 0x0001);
        put16(&mut h, 16);
        put64(&mut h, 0);
        put64(&mut h, 0);
        let offset = self.state.position;
        self.emit(&h, out);
        self.state.current = Some((index, Entry { name, offset, crc: 0, csize: 0, usize: 0 }));
        self.crc = Hasher::new();
        self.csv = Some(CsvWriter::new(&self.csv_spec(index)?));
        Ok(())
    }

    /// Deflates the CSV bytes in `scratch` into the current entry.
    fn deflate_scratch(&mut self, out: &mut Vec<u8>, flush: FlushCompress) -> Result<(), FormatError> {
        let before = out.len();
        deflate(&self.scratch, out, flush)?;
        let written = (out.len() - before) as u64;
        self.crc.update(&self.scratch);
        self.state.position += written;
        if let Some((_, e)) = &mut self.state.current {
            e.usize += self.scratch.len() as u64;
            e.csize += written;
            e.crc = self.crc.clone().finalize();
        }
        self.scratch.clear();
        Ok(())
    }

    /// Ends the current entry: the CSV header if no row came, the final
    /// deflate block and the data descriptor.
    fn close(&mut self, out: &mut Vec<u8>) -> Result<(), FormatError> {
        let Some(csv) = self.csv.take() else { return Ok(()) };
        let mut scratch = std::mem::take(&mut self.scratch);
        Box::new(csv).finish(&mut scratch)?;
        self.scratch = scratch;
        if !self.scratch.is_empty() {
            self.deflate_scratch(out, FlushCompress::Full)?;
        }
        self.deflate_scratch(out, FlushCompress::Finish)?;
        let Some((_, entry)) = self.state.current.take() else { return Ok(()) };
        let mut d = Vec::with_capacity(24);
        put32(&mut d, 0x0807_4b50);
        put32(&mut d, entry.crc);
        put64(&mut d, entry.csize);
        put64(&mut d, entry.usize);
        self.emit(&d, out);
        self.state.done.push(entry);
        self.state.csv = None;
        Ok(())
    }

    /// Closes the current entry and writes every file before `index` that has
    /// not been written, header only.
    fn advance_to(&mut self, index: usize, out: &mut Vec<u8>) -> Result<(), FormatError> {
        loop {
            match &self.state.current {
                Some((i, _)) if *i == index => return Ok(()),
                Some((i, _)) if *i > index => {
                    let entity = &self.layout.files[index].entity;
                    return Err(FormatError::Invalid(format!("rows of {entity} came after those of a later entity")));
                }
                _ => {}
            }
            self.close(out)?;
            let next = self.next_index();
            if next >= self.layout.files.len() {
                return Ok(());
            }
            self.open(next, out)?;
        }
    }

    fn central_directory(&mut self, out: &mut Vec<u8>) {
        let start = self.state.position;
        let mut cd = Vec::new();
        for e in &self.state.done {
            let big = |n: u64| n >= u32::MAX as u64;
            let mut extra = Vec::new();
            for value in [e.usize, e.csize, e.offset] {
                if big(value) {
                    put64(&mut extra, value);
                }
            }
            put32(&mut cd, 0x0201_4b50);
            put16(&mut cd, (3 << 8) | VERSION);
            put16(&mut cd, VERSION);
            put16(&mut cd, FLAGS);
            put16(&mut cd, DEFLATED);
            put16(&mut cd, self.dos.0);
            put16(&mut cd, self.dos.1);
            put32(&mut cd, e.crc);
            put32(&mut cd, e.csize.min(u32::MAX as u64) as u32);
            put32(&mut cd, e.usize.min(u32::MAX as u64) as u32);
            put16(&mut cd, e.name.len() as u16);
            put16(&mut cd, if extra.is_empty() { 0 } else { extra.len() as u16 + 4 });
            put16(&mut cd, 0);
            put16(&mut cd, 0);
            put16(&mut cd, 0);
            put32(&mut cd, 0o100644 << 16);
            put32(&mut cd, e.offset.min(u32::MAX as u64) as u32);
            cd.extend_from_slice(e.name.as_bytes());
            if !extra.is_empty() {
                put16(&mut cd, 0x0001);
                put16(&mut cd, extra.len() as u16);
                cd.extend_from_slice(&extra);
            }
        }
        let size = cd.len() as u64;
        let count = self.state.done.len() as u64;
        if start >= u32::MAX as u64 || size >= u32::MAX as u64 {
            let zip64_at = start + size;
            put32(&mut cd, 0x0606_4b50);
            put64(&mut cd, 44);
            put16(&mut cd, (3 << 8) | VERSION);
            put16(&mut cd, VERSION);
            put32(&mut cd, 0);
            put32(&mut cd, 0);
            put64(&mut cd, count);
            put64(&mut cd, count);
            put64(&mut cd, size);
            put64(&mut cd, start);
            put32(&mut cd, 0x0706_4b50);
            put32(&mut cd, 0);
            put64(&mut cd, zip64_at);
            put32(&mut cd, 1);
        }
        put32(&mut cd, 0x0605_4b50);
        put16(&mut cd, 0);
        put16(&mut cd, 0);
        put16(&mut cd, count.min(0xFFFF) as u16);
        put16(&mut cd, count.min(0xFFFF) as u16);
        put32(&mut cd, size.min(u32::MAX as u64) as u32);
        put32(&mut cd, start.min(u32::MAX as u64) as u32);
        put16(&mut cd, 0);
        self.emit(&cd, out);
    }
}

impl FormatWriter for DatasetZipWriter {
    fn write_rows(&mut self, rows: &[Row], out: &mut Vec<u8>) -> Result<(), FormatError> {
        for row in rows {
            let Some(Value::Text(entity)) = row.first() else {
                return Err(FormatError::Invalid("a dataset row does not start with its entity".into()));
            };
            let index = self.index_of(entity)?;
            if self.state.current.as_ref().map(|(i, _)| *i) != Some(index) {
                self.deflate_pending(out)?;
                self.advance_to(index, out)?;
            }
            let csv = self.csv.as_mut().ok_or_else(|| FormatError::Invalid("no dataset file is open".into()))?;
            csv.write_cells(&row[1..], &mut self.scratch)?;
        }
        self.deflate_pending(out)?;
        self.state.csv = self.csv.as_ref().and_then(|c| c.checkpoint_state());
        Ok(())
    }

    fn finish(mut self: Box<Self>, out: &mut Vec<u8>) -> Result<Option<Box<dyn std::io::Read + Send>>, FormatError> {
        self.deflate_pending(out)?;
        let last = self.layout.files.len();
        // Every file gets its header, rows or not.
        while self.next_index() < last || self.state.current.is_some() {
            self.close(out)?;
            let next = self.next_index();
            if next < last {
                self.open(next, out)?;
            }
        }
        self.central_directory(out);
        Ok(None)
    }

    fn checkpoint_state(&self) -> Option<serde_json::Value> {
        serde_json::to_value(&self.state).ok()
    }
}

impl DatasetZipWriter {
    /// Deflates the rows formatted since the last flush, ending with a full flush.
    fn deflate_pending(&mut self, out: &mut Vec<u8>) -> Result<(), FormatError> {
        if self.scratch.is_empty() {
            return Ok(());
        }
        self.deflate_scratch(out, FlushCompress::Full)
    }
}

/// Deflates `input` with a fresh compressor ending in `flush` (`Full`: a
/// byte-aligned point the next chunk continues from; `Finish`: the last block).
fn deflate(input: &[u8], out: &mut Vec<u8>, flush: FlushCompress) -> Result<(), FormatError> {
    let mut c = Compress::new(Compression::new(LEVEL), false);
    loop {
        out.reserve(input.len() / 2 + 64);
        let consumed = c.total_in() as usize;
        let status =
            c.compress_vec(&input[consumed..], out, flush).map_err(|e| FormatError::Io(format!("deflate: {e}")))?;
        let all_in = c.total_in() as usize == input.len();
        let room_left = out.len() < out.capacity();
        match (flush, status) {
            (FlushCompress::Finish, Status::StreamEnd) => return Ok(()),
            (FlushCompress::Finish, _) => {}
            (_, _) if all_in && room_left => return Ok(()),
            _ => {}
        }
    }
}

fn put16(b: &mut Vec<u8>, v: u16) {
    b.extend_from_slice(&v.to_le_bytes());
}

fn put32(b: &mut Vec<u8>, v: u32) {
    b.extend_from_slice(&v.to_le_bytes());
}

fn put64(b: &mut Vec<u8>, v: u64) {
    b.extend_from_slice(&v.to_le_bytes());
}

#[cfg(test)]
#[path = "dataset_zip_tests.rs"]
mod tests;
