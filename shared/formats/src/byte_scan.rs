//! Word-at-a-time scans for the bytes that make text need quoting (CSV) or
//! escaping (JSON). Every byte of every text cell passes through one of
//! these, and most cells need nothing, so the common answer ("no such byte")
//! must cost a few operations per eight bytes rather than a branch per byte.
//! Plain integer arithmetic (the "has zero byte" trick, SWAR): no `unsafe`,
//! no target-specific code.

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// The high bit of every byte of `v` that is zero (and possibly of bytes
/// above a zero byte, which only matters when a real zero exists anyway).
#[inline(always)]
fn zero_bytes(v: u64) -> u64 {
    v.wrapping_sub(ONES) & !v & HIGHS
}

/// The high bit of every byte of `v` below `n` (n ≤ 128; same caveat).
#[inline(always)]
fn bytes_below(v: u64, n: u8) -> u64 {
    v.wrapping_sub(ONES * u64::from(n)) & !v & HIGHS
}

/// Little-endian word of the first eight bytes of `chunk`.
#[inline(always)]
pub(crate) fn word(chunk: &[u8]) -> u64 {
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(&chunk[..8]);
    u64::from_le_bytes(bytes)
}

/// A set of bytes looked for eight at a time.
pub(crate) trait WordScan {
    /// Non-zero when the word may hold one of the bytes (a superset is
    /// allowed: `exact` decides).
    fn in_word(&self, w: u64) -> u64;
    /// True when `s` holds one of the bytes.
    fn exact(&self, s: &[u8]) -> bool;
}

/// The bytes that force CSV quoting: the delimiter, `"`, CR and LF.
#[derive(Debug, Clone)]
pub(crate) struct CsvSpecials {
    delimiter: u64,
    table: [bool; 256],
}

impl CsvSpecials {
    pub(crate) fn new(delimiter: u8) -> Self {
        let mut table = [false; 256];
        for b in [delimiter, b'"', b'\r', b'\n'] {
            table[b as usize] = true;
        }
        CsvSpecials { delimiter: ONES * u64::from(delimiter), table }
    }

    /// True when `s` holds a special byte.
    #[inline(always)]
    pub(crate) fn any_in(&self, s: &[u8]) -> bool {
        if s.len() < 8 {
            return self.exact(s);
        }
        let mut hits = 0;
        let mut chunks = s.chunks_exact(8);
        for chunk in &mut chunks {
            hits |= self.in_word(word(chunk));
        }
        if !chunks.remainder().is_empty() {
            hits |= self.in_word(word(&s[s.len() - 8..]));
        }
        hits != 0 && self.exact(s)
    }
}

impl WordScan for CsvSpecials {
    #[inline(always)]
    fn in_word(&self, w: u64) -> u64 {
        // CR (0x0D) and LF (0x0A) are caught with every byte below 0x0E
        // (tabs too, which `exact` then clears): one test instead of two.
        bytes_below(w, 0x0E) | zero_bytes(w ^ (ONES * u64::from(b'"'))) | zero_bytes(w ^ self.delimiter)
    }

    #[inline]
    fn exact(&self, s: &[u8]) -> bool {
        s.iter().any(|&b| self.table[b as usize])
    }
}

/// The bytes JSON must escape inside a string: control characters (below
/// 0x20), `"` and `\`.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct JsonEscapes;

impl WordScan for JsonEscapes {
    #[inline(always)]
    fn in_word(&self, w: u64) -> u64 {
        // Bytes of 0x80 and up (UTF-8 beyond ASCII) never count: `!w` drops them.
        bytes_below(w, 0x20) | zero_bytes(w ^ (ONES * u64::from(b'"'))) | zero_bytes(w ^ (ONES * u64::from(b'\\')))
    }

    #[inline]
    fn exact(&self, s: &[u8]) -> bool {
        s.iter().any(|&b| b < 0x20 || b == b'"' || b == b'\\')
    }
}

/// Offset of the first `needle` in `s`, if any.
#[inline]
pub(crate) fn find_byte(needle: u8, s: &[u8]) -> Option<usize> {
    let repeated = ONES * u64::from(needle);
    let mut at = 0;
    while at + 8 <= s.len() {
        let found = zero_bytes(word(&s[at..]) ^ repeated);
        if found != 0 {
            // The lowest flagged byte is always a real match.
            return Some(at + (found.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    s[at..].iter().position(|&b| b == needle).map(|i| at + i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_specials_are_found_at_every_position_of_every_length() {
        for delimiter in [b',', b';', b'\t', 0] {
            let scan = CsvSpecials::new(delimiter);
            for len in 0..70 {
                let plain = vec![b'x'; len];
                assert!(!scan.any_in(&plain), "len {len}");
                for pos in 0..len {
                    for special in [delimiter, b'"', b'\r', b'\n'] {
                        let mut s = plain.clone();
                        s[pos] = special;
                        assert!(scan.any_in(&s), "{special} at {pos} of {len}");
                    }
                }
            }
        }
        // Neighbours of the targets, tabs, NUL and multi-byte UTF-8 are not special.
        let scan = CsvSpecials::new(b',');
        assert!(!scan.any_in("+-./!#\u{b}\u{c}\u{e}\t\0 Café ʤ 😀 long enough to take words".as_bytes()));
    }

    #[test]
    fn json_escapes_are_found_and_utf8_passes() {
        let scan = JsonEscapes;
        for special in ["\"", "\\", "\n", "\u{0}", "\u{1f}"] {
            for pos in 0..20 {
                let s = format!("{}{special}{}", "é".repeat(pos / 2), "x".repeat(20 - pos));
                assert!(scan.exact(s.as_bytes()));
                let hits = s.as_bytes().chunks(8).filter(|c| c.len() == 8).any(|c| scan.in_word(word(c)) != 0)
                    || scan.in_word(word(&s.as_bytes()[s.len() - 8..])) != 0;
                assert!(hits, "{s:?}");
            }
        }
        let clean = "\u{7f} ÿ 😀 \u{2028} long enough to fill words";
        assert!(!scan.exact(clean.as_bytes()));
        assert!(clean.as_bytes().chunks_exact(8).all(|c| scan.in_word(word(c)) == 0));
    }

    #[test]
    fn find_byte_finds_the_first_occurrence() {
        for len in 0..40 {
            let plain = vec![b'x'; len];
            assert_eq!(find_byte(b'"', &plain), None);
            for pos in 0..len {
                let mut s = plain.clone();
                s[pos] = b'"';
                if pos + 3 < len {
                    s[pos + 3] = b'"';
                }
                assert_eq!(find_byte(b'"', &s), Some(pos), "{pos} of {len}");
            }
        }
        // A quote right above a byte one greater than it (a borrow) is still exact.
        assert_eq!(find_byte(b'"', b"abc#\"x\"defgh"), Some(4));
    }
}
