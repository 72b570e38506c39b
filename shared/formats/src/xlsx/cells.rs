//! Rows as SpreadsheetML, written straight into the sheet's buffer:
//! `<row r="2"><c r="A2" t="inlineStr"><is><t>DEMO-1</t></is></c>…</row>`.
//!
//! Text is inline (no shared-strings table, so memory stays flat) and escaped
//! the way Excel does: `&`, `<` and `>` as entities, control characters as
//! `_xHHHH_` (so a CR survives), and a literal `_xHHHH_` with its underscore
//! escaped. The common case, text with none of that, is one scanned copy.
//! Numbers are itoa/ryu text; dates are Excel serials with a date style.

use ferry_core::model::value::{Row, Value};
use ferry_core::ports::format::FormatError;

use super::package::{STYLE_DATE, STYLE_DATETIME, STYLE_DECIMALS, STYLE_HEADER};
use crate::byte_scan::WordScan;
use crate::cell_text;
use crate::date_text::{self, DateTimeText};
use crate::excel_serial;
use crate::out_buf::OutBuf;

/// Excel's cell limit, counted in UTF-16 units.
const MAX_CELL_UTF16: usize = 32_767;
/// Excel's last column is XFD.
const MAX_COLUMNS: usize = 16_384;

pub(super) struct RowXml {
    /// `<c r="A`, `<c r="B`, … per column: the start of every cell.
    cell_starts: Vec<Vec<u8>>,
    dates: DateTimeText,
    scratch: Vec<u8>,
}

impl RowXml {
    pub(super) fn new(columns: usize, dates: DateTimeText) -> Result<Self, FormatError> {
        if columns > MAX_COLUMNS {
            return Err(FormatError::Invalid(format!("XLSX has at most 16384 columns, got {columns}")));
        }
        let cell_starts = (0..columns).map(|c| [b"<c r=\"".as_slice(), &column_name(c)].concat()).collect();
        Ok(RowXml { cell_starts, dates, scratch: Vec::new() })
    }

    /// Column letters of the last column and `$`-anchored, e.g. `$J$1001`.
    pub(super) fn last_cell(&self, line: u32) -> Option<(String, String)> {
        let name = column_name(self.cell_starts.len().checked_sub(1)?);
        let name = String::from_utf8(name).unwrap_or_default();
        Some((format!("{name}{line}"), format!("${name}${line}")))
    }

    /// The bold header row, row 1.
    pub(super) fn write_header(&mut self, out: &mut OutBuf, headers: &[String]) {
        out.put(b"<row r=\"1\">");
        for (col, header) in headers.iter().enumerate() {
            self.start_cell(out, col, b"1");
            out.put(b"\" s=\"");
            out.push(b'0' + STYLE_HEADER);
            write_text_value(out, header);
        }
        out.put(b"</row>");
    }

    /// Data row number `line` (2 and up).
    pub(super) fn write_row(&mut self, out: &mut OutBuf, line: u32, row: &Row) -> Result<(), FormatError> {
        let mut number = itoa::Buffer::new();
        let line = number.format(line).as_bytes();
        out.put(b"<row r=\"");
        out.put(line);
        out.put(b"\">");
        for (col, value) in row.iter().enumerate().take(self.cell_starts.len()) {
            self.write_cell(out, col, line, value)?;
        }
        out.put(b"</row>");
        Ok(())
    }

    #[inline]
    fn start_cell(&self, out: &mut OutBuf, col: usize, line: &[u8]) {
        out.put(&self.cell_starts[col]);
        out.put(line);
    }

    #[inline]
    fn write_cell(&mut self, out: &mut OutBuf, col: usize, line: &[u8], value: &Value) -> Result<(), FormatError> {
        match value {
            Value::Null => {}
            Value::Text(s) => {
                self.start_cell(out, col, line);
                write_text_value(out, s);
            }
            Value::Int(n) => {
                self.start_cell(out, col, line);
                out.put(b"\"><v>");
                cell_text::write_int(out, *n);
                out.put(b"</v></c>");
            }
            // Excel cannot hold NaN or infinities: an empty cell, like JSON's null.
            Value::Float(f) | Value::Decimal(f, _) if !f.is_finite() => {}
            // The number as it is, shown with its decimals by the cell's format.
            Value::Decimal(f, decimals) => {
                let style = STYLE_DECIMALS[usize::from(*decimals).min(STYLE_DECIMALS.len() - 1)];
                self.write_serial(out, col, line, *f, style);
            }
            Value::Float(f) => {
                self.start_cell(out, col, line);
                out.put(b"\"><v>");
                cell_text::write_float(out, *f);
                out.put(b"</v></c>");
            }
            Value::Bool(b) => {
                self.start_cell(out, col, line);
                out.put(if *b { b"\" t=\"b\"><v>1</v></c>" } else { b"\" t=\"b\"><v>0</v></c>" });
            }
            Value::DateTime(ts) => {
                // Excel has no zones: store the wall time in the report's zone.
                match excel_serial::datetime_serial(self.dates.wall_time(*ts)) {
                    Some(serial) => self.write_serial(out, col, line, serial, STYLE_DATETIME),
                    None => {
                        self.scratch.clear();
                        self.dates.write(&mut self.scratch, *ts)?;
                        self.write_scratch(out, col, line);
                    }
                }
            }
            Value::Date(d) => match excel_serial::date_serial(*d) {
                Some(serial) => self.write_serial(out, col, line, serial, STYLE_DATE),
                None => {
                    self.scratch.clear();
                    date_text::write_date(&mut self.scratch, *d);
                    self.write_scratch(out, col, line);
                }
            },
            Value::List(items) if items.is_empty() => {}
            Value::List(items) => {
                self.scratch.clear();
                cell_text::write_joined(&mut self.scratch, items);
                self.write_scratch(out, col, line);
            }
        }
        Ok(())
    }

    /// A number with a style: a date's serial, or a number shown with its decimals.
    fn write_serial(&self, out: &mut OutBuf, col: usize, line: &[u8], serial: f64, style: u8) {
        self.start_cell(out, col, line);
        out.put(b"\" s=\"");
        out.push(b'0' + style);
        out.put(b"\"><v>");
        cell_text::write_float(out, serial);
        out.put(b"</v></c>");
    }

    /// A text cell from `scratch`, which holds only UTF-8 built from `&str`s.
    fn write_scratch(&self, out: &mut OutBuf, col: usize, line: &[u8]) {
        self.start_cell(out, col, line);
        write_text_value(out, std::str::from_utf8(&self.scratch).unwrap_or_default());
    }
}

/// The rest of an inline-string cell after `<c r="A2"`: its type, the text
/// (cut to Excel's cell limit, escaped) and the closing tags.
#[inline]
fn write_text_value(out: &mut OutBuf, text: &str) {
    let text = truncate_for_cell(text);
    let bytes = text.as_bytes();
    let spaced = |b: Option<&u8>| matches!(b, Some(b' ' | b'\t' | b'\n'));
    if spaced(bytes.first()) || spaced(bytes.last()) {
        out.put(b"\" t=\"inlineStr\"><is><t xml:space=\"preserve\">");
    } else {
        out.put(b"\" t=\"inlineStr\"><is><t>");
    }
    let start = out.len();
    if out.put_scanned(bytes, &XmlText) {
        out.truncate(start);
        write_escaped(out, bytes);
    }
    out.put(b"</t></is></c>");
}

/// Bytes that may need escaping in cell text: control characters, `&`,
/// `<`, `>`, `_` (a literal `_xHHHH_`) and 0xEF (the lead byte of U+FFFE and
/// U+FFFF). A superset: `exact` says whether anything really changes.
struct XmlText;

impl WordScan for XmlText {
    #[inline(always)]
    fn in_word(&self, w: u64) -> u64 {
        const ONES: u64 = 0x0101_0101_0101_0101;
        const HIGHS: u64 = 0x8080_8080_8080_8080;
        let zero = |v: u64| v.wrapping_sub(ONES) & !v & HIGHS;
        let below_space = w.wrapping_sub(ONES * 0x20) & !w & HIGHS;
        below_space
            | zero(w ^ (ONES * u64::from(b'&')))
            | zero(w ^ (ONES * u64::from(b'<')))
            | zero(w ^ (ONES * u64::from(b'>')))
            | zero(w ^ (ONES * u64::from(b'_')))
            | zero(w ^ (ONES * 0xEF))
    }

    fn exact(&self, s: &[u8]) -> bool {
        (0..s.len()).any(|i| escape_at(s, i).is_some())
    }
}

/// What the bytes at `i` become, and how many bytes that replaces.
fn escape_at(s: &[u8], i: usize) -> Option<(Escape, usize)> {
    match s[i] {
        b'&' => Some((Escape::Text("&amp;"), 1)),
        b'<' => Some((Escape::Text("&lt;"), 1)),
        b'>' => Some((Escape::Text("&gt;"), 1)),
        b'\t' | b'\n' => None,
        b if b < 0x20 => Some((Escape::Control(b), 1)),
        b'_' if is_literal_escape(&s[i..]) => Some((Escape::Text("_x005F"), 0)),
        0xEF if s.get(i + 1) == Some(&0xBF) && matches!(s.get(i + 2), Some(0xBE | 0xBF)) => {
            Some((Escape::Text(if s[i + 2] == 0xBE { "_xFFFE_" } else { "_xFFFF_" }), 3))
        }
        _ => None,
    }
}

enum Escape {
    Text(&'static str),
    Control(u8),
}

/// `_xHHHH_` with four hex digits: what Excel would read as an escape.
fn is_literal_escape(s: &[u8]) -> bool {
    s.len() >= 7 && s[1] == b'x' && s[2..6].iter().all(u8::is_ascii_hexdigit) && s[6] == b'_'
}

#[cold]
fn write_escaped(out: &mut OutBuf, s: &[u8]) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let (mut i, mut copied) = (0, 0);
    while i < s.len() {
        let Some((escape, replaced)) = escape_at(s, i) else {
            i += 1;
            continue;
        };
        out.put(&s[copied..i]);
        match escape {
            Escape::Text(t) => out.put(t.as_bytes()),
            Escape::Control(b) => {
                out.put(b"_x00");
                out.push(HEX[usize::from(b >> 4)]);
                out.push(HEX[usize::from(b & 0xf)]);
                out.push(b'_');
            }
        }
        // An escape that replaces nothing (before a literal `_x…_`) keeps
        // the byte, which is copied with what follows.
        i += replaced.max(1);
        copied = if replaced == 0 { i - 1 } else { i };
    }
    out.put(&s[copied..]);
}

/// Cuts text to Excel's 32,767-unit cell limit (at a character boundary),
/// rather than failing a whole export over one long description.
fn truncate_for_cell(s: &str) -> &str {
    // Fast path: no character takes more UTF-16 units than UTF-8 bytes.
    if s.len() <= MAX_CELL_UTF16 {
        return s;
    }
    let mut units = 0;
    for (i, ch) in s.char_indices() {
        units += ch.len_utf16();
        if units > MAX_CELL_UTF16 {
            return &s[..i];
        }
    }
    s
}

/// `A`, …, `Z`, `AA`, …, `XFD` for a zero-based column.
pub(super) fn column_name(col: usize) -> Vec<u8> {
    let mut name = Vec::with_capacity(3);
    let mut n = col + 1;
    while n > 0 {
        name.insert(0, b'A' + ((n - 1) % 26) as u8);
        n = (n - 1) / 26;
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    fn escaped(s: &str) -> String {
        let mut v = Vec::new();
        write_text_value(&mut OutBuf::new(&mut v), s);
        String::from_utf8(v).unwrap()
    }

    #[test]
    fn text_is_escaped_like_excel() {
        assert_eq!(escaped("a & b < c > d"), "\" t=\"inlineStr\"><is><t>a &amp; b &lt; c &gt; d</t></is></c>");
        assert!(escaped("ABC\r\nDEF").contains("<t>ABC_x000D_\nDEF</t>"));
        assert!(escaped("literal _x000D_ text").contains("<t>literal _x005F_x000D_ text</t>"));
        assert!(escaped("snake_case_name and _x12_").contains("<t>snake_case_name and _x12_</t>"));
        assert!(escaped("bell\u{7} nul\u{0}").contains("<t>bell_x0007_ nul_x0000_</t>"));
        assert!(escaped("odd \u{FFFE}\u{FFFF} ＭＳ").contains("<t>odd _xFFFE__xFFFF_ ＭＳ</t>"));
        assert!(escaped("  padded  ").contains("<t xml:space=\"preserve\">  padded  </t>"));
        assert!(escaped("tab\tinside").contains("<t>tab\tinside</t>"));
    }

    #[test]
    fn long_text_is_cut_at_the_cell_limit_on_a_character_boundary() {
        let s = "é".repeat(40_000);
        assert_eq!(truncate_for_cell(&s).chars().count(), MAX_CELL_UTF16);
        let astral = "😀".repeat(20_000);
        assert_eq!(truncate_for_cell(&astral).chars().count(), MAX_CELL_UTF16 / 2);
        assert_eq!(truncate_for_cell("short"), "short");
    }

    #[test]
    fn columns_are_named_up_to_xfd() {
        let name = |c| String::from_utf8(column_name(c)).unwrap();
        assert_eq!(
            (name(0), name(25), name(26), name(701), name(702)),
            ("A".into(), "Z".into(), "AA".into(), "ZZ".into(), "AAA".into())
        );
        assert_eq!(name(16_383), "XFD");
        assert!(RowXml::new(16_385, DateTimeText::new(&Default::default())).is_err());
    }
}
