//! The file a PDF is written to, object by object: a temporary file (the
//! pipeline reads it back when it ends) plus the byte offset of every
//! object, for the cross-reference table that closes the file. That table
//! is the only thing kept for the whole file: eight bytes an object, a few
//! objects a page.

use std::fs::File;
use std::io::{BufWriter, Seek, SeekFrom, Write};

use ferry_core::ports::format::FormatError;
use pdf_writer::{Chunk, Ref};

pub(crate) struct ObjectFile {
    out: BufWriter<File>,
    pos: u64,
    /// Offsets by object number - 1; 0 for a number allocated but not written yet.
    offsets: Vec<u64>,
}

pub(crate) fn io_error(e: std::io::Error) -> FormatError {
    FormatError::Io(e.to_string())
}

/// Content streams are deflated: a page of text shrinks to about a fifth.
pub(crate) fn deflate(data: &[u8]) -> Vec<u8> {
    use flate2::write::ZlibEncoder;
    let mut enc = ZlibEncoder::new(Vec::with_capacity(data.len() / 3), flate2::Compression::new(6));
    enc.write_all(data).expect("writing to memory");
    enc.finish().expect("writing to memory")
}

impl ObjectFile {
    pub(crate) fn new() -> Result<Self, FormatError> {
        let file = tempfile::tempfile().map_err(io_error)?;
        let mut out = BufWriter::with_capacity(256 * 1024, file);
        // The version, and a comment of high bytes that tells tools the file is binary.
        let head = b"%PDF-1.7\n%\x80\x80\x80\x80\n";
        out.write_all(head).map_err(io_error)?;
        Ok(ObjectFile { out, pos: head.len() as u64, offsets: Vec::new() })
    }

    /// A new object number, to be written later.
    pub(crate) fn alloc(&mut self) -> Ref {
        self.offsets.push(0);
        Ref::new(self.offsets.len() as i32)
    }

    /// Writes the one object `build` puts into a chunk.
    pub(crate) fn put(&mut self, build: impl FnOnce(&mut Chunk)) -> Result<(), FormatError> {
        let mut chunk = Chunk::new();
        build(&mut chunk);
        let mut refs = chunk.refs();
        let id = refs.next().expect("one object a chunk");
        debug_assert!(refs.next().is_none(), "one object a chunk");
        self.offsets[id.get() as usize - 1] = self.pos;
        self.out.write_all(chunk.as_bytes()).map_err(io_error)?;
        self.pos += chunk.len() as u64;
        Ok(())
    }

    /// Writes the cross-reference table and trailer and returns the whole
    /// file, rewound.
    pub(crate) fn finish(mut self, catalog: Ref, info: Ref) -> Result<File, FormatError> {
        let size = self.offsets.len() + 1;
        let mut xref = format!("xref\n0 {size}\n0000000000 65535 f\r\n");
        for offset in &self.offsets {
            xref.push_str(&format!("{offset:010} 00000 n\r\n"));
        }
        xref.push_str(&format!(
            "trailer\n<< /Size {size} /Root {} 0 R /Info {} 0 R >>\nstartxref\n{}\n%%EOF\n",
            catalog.get(),
            info.get(),
            self.pos
        ));
        self.out.write_all(xref.as_bytes()).map_err(io_error)?;
        let mut file = self.out.into_inner().map_err(|e| io_error(e.into_error()))?;
        file.seek(SeekFrom::Start(0)).map_err(io_error)?;
        Ok(file)
    }
}
