//! `OutBuf`: the text writers' way of appending to the caller's `Vec<u8>`.
//!
//! A row is a dozen short pieces (a key, a status, a date, delimiters), and
//! `Vec::extend_from_slice` pays a capacity check and a `memcpy` call for
//! each: measured with callgrind, that was most of the CSV writer's
//! instructions. `OutBuf` instead keeps zeroed slack after the data and
//! writes through a cursor, so a short copy is two overlapping word moves
//! into memory already there, and text can be copied a word at a time while
//! it is scanned (`put_scanned`). The vector is cut back to the cursor when
//! the `OutBuf` is dropped, so the caller only ever sees the bytes written.
//! Safe code only: the slack is real, initialized bytes.

use crate::byte_scan::{word, WordScan};

const HIGHS: u64 = 0x8080_8080_8080_8080;

/// Zeroed bytes added ahead of the cursor at a time: zeroing is one fast
/// pass over memory about to be written anyway, done every 64 KiB.
const SLACK: usize = 64 * 1024;
/// A copy may write this far past its end (into slack, later overwritten).
const OVERRUN: usize = 32;

pub(crate) struct OutBuf<'a> {
    buf: &'a mut Vec<u8>,
    pos: usize,
}

impl<'a> OutBuf<'a> {
    pub(crate) fn new(buf: &'a mut Vec<u8>) -> Self {
        let pos = buf.len();
        buf.resize(pos + SLACK, 0);
        OutBuf { buf, pos }
    }

    /// Bytes in the vector so far (the caller's and ours).
    #[inline(always)]
    pub(crate) fn len(&self) -> usize {
        self.pos
    }

    /// Drops everything written after `len`.
    #[inline(always)]
    pub(crate) fn truncate(&mut self, len: usize) {
        self.pos = self.pos.min(len);
    }

    /// What was written from `start` on.
    pub(crate) fn since(&self, start: usize) -> &[u8] {
        &self.buf[start..self.pos]
    }

    #[inline(always)]
    fn room(&mut self, n: usize) {
        if self.pos + n + OVERRUN > self.buf.len() {
            self.grow(n);
        }
    }

    #[cold]
    fn grow(&mut self, n: usize) {
        // Only the new bytes are zeroed; the vector's capacity still doubles.
        self.buf.resize(self.pos + n + OVERRUN + SLACK, 0);
    }

    #[inline(always)]
    pub(crate) fn push(&mut self, b: u8) {
        self.room(1);
        self.buf[self.pos] = b;
        self.pos += 1;
    }

    #[inline(always)]
    pub(crate) fn put(&mut self, s: &[u8]) {
        self.room(s.len());
        copy_short(&mut self.buf[self.pos..], s);
        self.pos += s.len();
    }

    /// Copies `s` eight bytes at a time while `scan` looks at every word;
    /// returns `scan`'s verdict on the whole of `s` (its word test can be a
    /// superset: `WordScan::exact` settles a hit). The bytes are written
    /// either way; a caller that wants them otherwise truncates.
    #[inline(always)]
    pub(crate) fn put_scanned(&mut self, s: &[u8], scan: &impl WordScan) -> bool {
        let n = s.len();
        if n < 8 {
            self.put(s);
            // The word of the bytes, zeros above them; only their lanes count.
            let lanes = u64::MAX.checked_shr(64 - 8 * n as u32).unwrap_or(0);
            let hits = scan.in_word(short_word(s)) & lanes & HIGHS;
            return hits != 0 && scan.exact(s);
        }
        self.room(n);
        let dst = &mut self.buf[self.pos..self.pos + n];
        let mut hits = 0u64;
        let chunks = s.chunks_exact(8);
        let rest = chunks.remainder().len();
        for (to, from) in dst.chunks_exact_mut(8).zip(chunks) {
            to.copy_from_slice(from);
            hits |= scan.in_word(word(from));
        }
        if rest > 0 {
            // The last eight bytes, overlapping the ones already copied.
            dst[n - 8..].copy_from_slice(&s[n - 8..]);
            hits |= scan.in_word(word(&s[n - 8..]));
        }
        self.pos += n;
        hits != 0 && scan.exact(s)
    }
}

/// Where cell text goes: an `OutBuf` on the hot path, a plain `Vec` for
/// scratch work (list joins, XLSX text).
pub(crate) trait Sink {
    fn put(&mut self, s: &[u8]);
    fn push(&mut self, b: u8);
}

impl Sink for Vec<u8> {
    #[inline(always)]
    fn put(&mut self, s: &[u8]) {
        self.extend_from_slice(s);
    }

    #[inline(always)]
    fn push(&mut self, b: u8) {
        Vec::push(self, b);
    }
}

impl Sink for OutBuf<'_> {
    #[inline(always)]
    fn put(&mut self, s: &[u8]) {
        OutBuf::put(self, s);
    }

    #[inline(always)]
    fn push(&mut self, b: u8) {
        OutBuf::push(self, b);
    }
}

impl Drop for OutBuf<'_> {
    fn drop(&mut self) {
        self.buf.truncate(self.pos);
    }
}

/// `s` (fewer than eight bytes) as a little-endian word, zeros above it,
/// from two overlapping loads instead of a loop.
#[inline(always)]
fn short_word(s: &[u8]) -> u64 {
    let n = s.len();
    if n >= 4 {
        let low = u32::from_le_bytes([s[0], s[1], s[2], s[3]]);
        let high = u32::from_le_bytes([s[n - 4], s[n - 3], s[n - 2], s[n - 1]]);
        u64::from(low) | u64::from(high) << (8 * (n - 4))
    } else if n > 0 {
        u64::from(s[0]) | u64::from(s[n / 2]) << (8 * (n / 2)) | u64::from(s[n - 1]) << (8 * (n - 1))
    } else {
        0
    }
}

/// Copies `src` to the start of `dst`, which has at least `OVERRUN` bytes
/// to spare; short lengths as overlapping fixed-size moves.
#[inline(always)]
fn copy_short(dst: &mut [u8], src: &[u8]) {
    let n = src.len();
    if n <= 16 {
        if n >= 8 {
            dst[..8].copy_from_slice(&src[..8]);
            dst[n - 8..n].copy_from_slice(&src[n - 8..]);
        } else if n >= 4 {
            dst[..4].copy_from_slice(&src[..4]);
            dst[n - 4..n].copy_from_slice(&src[n - 4..]);
        } else if n > 0 {
            dst[0] = src[0];
            dst[n / 2] = src[n / 2];
            dst[n - 1] = src[n - 1];
        }
    } else if n <= 32 {
        dst[..16].copy_from_slice(&src[..16]);
        dst[n - 16..n].copy_from_slice(&src[n - 16..]);
    } else {
        dst[..n].copy_from_slice(src);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::byte_scan::CsvSpecials;

    #[test]
    fn every_length_is_copied_exactly_and_the_vector_ends_at_the_cursor() {
        let source: Vec<u8> = (0..200u8).collect();
        let mut v = b"head".to_vec();
        let mut expected = v.clone();
        {
            let mut out = OutBuf::new(&mut v);
            for n in 0..200 {
                out.put(&source[..n]);
                out.push(b'|');
                expected.extend_from_slice(&source[..n]);
                expected.push(b'|');
            }
            // Growing past the slack keeps what was written.
            out.put(&vec![7u8; 40_000]);
            expected.extend_from_slice(&[7u8; 40_000]);
        }
        assert!(v == expected);
    }

    #[test]
    fn short_words_hold_the_bytes_in_order_with_zeros_above() {
        let source = b"abcdefg";
        for n in 0..8 {
            let mut bytes = [0u8; 8];
            bytes[..n].copy_from_slice(&source[..n]);
            assert_eq!(short_word(&source[..n]), u64::from_le_bytes(bytes), "{n}");
        }
    }

    #[test]
    fn short_scans_see_only_their_own_bytes() {
        let scan = CsvSpecials::new(0);
        let mut v = Vec::new();
        let mut out = OutBuf::new(&mut v);
        for n in 0..8 {
            // NUL is the delimiter here: the zero padding must not count.
            assert!(!out.put_scanned(&b"abcdefg"[..n], &scan), "{n}");
            for pos in 0..n {
                let mut s = b"abcdefg"[..n].to_vec();
                s[pos] = b'\n';
                assert!(out.put_scanned(&s, &scan), "{pos} of {n}");
            }
        }
    }

    #[test]
    fn scanned_copies_report_specials_and_truncate_rewinds() {
        let scan = CsvSpecials::new(b',');
        let mut v = Vec::new();
        {
            let mut out = OutBuf::new(&mut v);
            assert!(!out.put_scanned(b"plain text without any", &scan));
            let start = out.len();
            assert!(out.put_scanned(b"has, a comma somewhere", &scan));
            out.truncate(start);
            // A tab passes the word test's superset but is not special.
            assert!(!out.put_scanned(b"tab\there and more text", &scan));
            assert_eq!(out.since(start), b"tab\there and more text");
        }
        assert_eq!(v, b"plain text without anytab\there and more text");
    }
}
