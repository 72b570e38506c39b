//! Reading a dataset's zip (as `dataset_zip` writes it) back as a stream of
//! its files, without seeking and without holding the archive: fed the zip's
//! bytes as they arrive, it gives each entry's name, its CSV bytes inflated a
//! chunk at a time, and its end (the CRC-32 checked against the data
//! descriptor). An S3 destination puts each file as an object of its own.
//! Only the layout `dataset_zip` writes is read (data descriptors with ZIP64
//! sizes, deflate); the central directory ends the stream.

use crc32fast::Hasher;
use ferry_core::ports::format::{FormatError, ZipPiece, ZipSplitter};
use flate2::{Decompress, FlushDecompress, Status};

const LOCAL: u32 = 0x0403_4b50;
const CENTRAL: u32 = 0x0201_4b50;
const END: u32 = 0x0605_4b50;
const DESCRIPTOR: u32 = 0x0807_4b50;
/// Local header before the name: signature and 26 bytes of fields.
const HEADER: usize = 30;
/// Signature, CRC-32 and two ZIP64 sizes.
const DESCRIPTOR_LEN: usize = 24;
/// Inflated bytes per piece.
const CHUNK: usize = 256 * 1024;

enum Stage {
    Header,
    Data,
    Descriptor,
    Done,
}

pub struct DatasetSplitter {
    stage: Stage,
    /// Bytes fed and not yet consumed (a header or descriptor cut by a chunk boundary).
    buf: Vec<u8>,
    inflater: Decompress,
    crc: Hasher,
    name: String,
    chunk: Vec<u8>,
}

impl Default for DatasetSplitter {
    fn default() -> Self {
        DatasetSplitter {
            stage: Stage::Header,
            buf: Vec::new(),
            inflater: Decompress::new(false),
            crc: Hasher::new(),
            name: String::new(),
            chunk: vec![0; CHUNK],
        }
    }
}

fn u16_at(b: &[u8], at: usize) -> usize {
    u16::from_le_bytes([b[at], b[at + 1]]) as usize
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

fn invalid(what: &str) -> FormatError {
    FormatError::Invalid(format!("the dataset's zip is damaged: {what}"))
}

impl ZipSplitter for DatasetSplitter {
    fn feed(&mut self, input: &[u8], out: &mut Vec<ZipPiece>) -> Result<(), FormatError> {
        self.buf.extend_from_slice(input);
        let mut at = 0;
        loop {
            let left = self.buf.len() - at;
            match self.stage {
                Stage::Done => {
                    at = self.buf.len();
                    break;
                }
                Stage::Header => {
                    if left < 4 {
                        break;
                    }
                    match u32_at(&self.buf, at) {
                        CENTRAL | END => {
                            self.stage = Stage::Done;
                            continue;
                        }
                        LOCAL => {}
                        _ => return Err(invalid("no entry where one should start")),
                    }
                    if left < HEADER {
                        break;
                    }
                    let (name_len, extra_len) = (u16_at(&self.buf, at + 26), u16_at(&self.buf, at + 28));
                    if left < HEADER + name_len + extra_len {
                        break;
                    }
                    let name = &self.buf[at + HEADER..at + HEADER + name_len];
                    self.name = String::from_utf8(name.to_vec()).map_err(|_| invalid("a name is not UTF-8"))?;
                    at += HEADER + name_len + extra_len;
                    self.inflater.reset(false);
                    self.crc = Hasher::new();
                    out.push(ZipPiece::Start(self.name.clone()));
                    self.stage = Stage::Data;
                }
                Stage::Data => {
                    let (before_in, before_out) = (self.inflater.total_in(), self.inflater.total_out());
                    let status = self
                        .inflater
                        .decompress(&self.buf[at..], &mut self.chunk, FlushDecompress::None)
                        .map_err(|e| invalid(&format!("{} does not inflate: {e}", self.name)))?;
                    let used = (self.inflater.total_in() - before_in) as usize;
                    let produced = (self.inflater.total_out() - before_out) as usize;
                    at += used;
                    if produced > 0 {
                        self.crc.update(&self.chunk[..produced]);
                        out.push(ZipPiece::Data(self.chunk[..produced].to_vec()));
                    }
                    match status {
                        Status::StreamEnd => self.stage = Stage::Descriptor,
                        _ if used == 0 && produced == 0 => break,
                        _ => {}
                    }
                }
                Stage::Descriptor => {
                    if left < DESCRIPTOR_LEN {
                        break;
                    }
                    if u32_at(&self.buf, at) != DESCRIPTOR {
                        return Err(invalid(&format!("{} has no data descriptor", self.name)));
                    }
                    if u32_at(&self.buf, at + 4) != self.crc.clone().finalize() {
                        return Err(invalid(&format!("{} fails its CRC-32", self.name)));
                    }
                    at += DESCRIPTOR_LEN;
                    out.push(ZipPiece::End);
                    self.stage = Stage::Header;
                }
            }
        }
        self.buf.drain(..at);
        Ok(())
    }

    fn finish(&self) -> Result<(), FormatError> {
        match self.stage {
            Stage::Done => Ok(()),
            _ => Err(invalid("it ends before its central directory")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataset_zip::DatasetZipWriter;
    use ferry_core::model::format_options::FormatOptions;
    use ferry_core::model::value::Value;
    use ferry_core::ports::format::{DatasetFile, DatasetLayout, FormatWriter};

    #[test]
    fn a_dataset_zip_fed_in_small_chunks_gives_each_file_back() {
        let file = |e: &str| DatasetFile { entity: e.into(), file_name: format!("{e}.csv"), headers: vec!["a".into()] };
        let layout = DatasetLayout {
            files: vec![file("one"), file("two"), file("three")],
            options: FormatOptions::default(),
            created_at: "2026-01-01T00:00:00Z".parse().unwrap(),
        };
        let mut w: Box<dyn FormatWriter> = Box::new(DatasetZipWriter::new(&layout));
        let mut zip = Vec::new();
        let rows: Vec<Vec<Value>> =
            (0..3000).map(|i| vec![Value::Text("one".into()), Value::Text(format!("row {i}, \"x\""))]).collect();
        w.write_rows(&rows, &mut zip).unwrap();
        w.write_rows(&[vec![Value::Text("three".into()), Value::Int(7)]], &mut zip).unwrap();
        w.finish(&mut zip).unwrap();

        let mut archive = ::zip::ZipArchive::new(std::io::Cursor::new(zip.clone())).unwrap();
        let mut expected = Vec::new();
        for i in 0..archive.len() {
            let mut f = archive.by_index(i).unwrap();
            let mut text = Vec::new();
            std::io::Read::read_to_end(&mut f, &mut text).unwrap();
            expected.push((f.name().unwrap().to_string(), text));
        }

        for size in [1, 7, 4096, zip.len()] {
            let mut s = DatasetSplitter::default();
            let mut pieces = Vec::new();
            for chunk in zip.chunks(size) {
                s.feed(chunk, &mut pieces).unwrap();
            }
            s.finish().unwrap();
            let mut got: Vec<(String, Vec<u8>)> = Vec::new();
            for p in pieces {
                match p {
                    ZipPiece::Start(name) => got.push((name, Vec::new())),
                    ZipPiece::Data(d) => got.last_mut().unwrap().1.extend(d),
                    ZipPiece::End => {}
                }
            }
            assert_eq!(got, expected, "fed {size} bytes at a time");
        }
        let mut cut = DatasetSplitter::default();
        cut.feed(&zip[..zip.len() / 2], &mut Vec::new()).unwrap();
        assert!(cut.finish().is_err(), "a zip cut short is damaged");
    }
}
