//! JSON text of strings and cells, shared by the JSON and JSONL writers.
//!
//! Written by hand into the output buffer rather than through serde_json's
//! serializer, so a cell costs no allocation; the escaping is serde_json's
//! (short escapes for `\n`, `\r`, `\t`, `\b`, `\f`, `\u00XX` for the other
//! control characters), which the tests check against serde_json itself.

use ferry_core::model::value::Value;
use ferry_core::ports::format::FormatError;

use crate::byte_scan::JsonEscapes;
use crate::cell_text;
use crate::date_text::{self, DateTimeText};
use crate::out_buf::{OutBuf, Sink};

/// For each byte, what it becomes inside a JSON string: 0 = itself,
/// `u` = `\u00XX`, anything else = `\` and that letter.
static ESCAPE: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = b'u';
        b += 1;
    }
    table[b'\n' as usize] = b'n';
    table[b'\r' as usize] = b'r';
    table[b'\t' as usize] = b't';
    table[0x08] = b'b';
    table[0x0c] = b'f';
    table[b'"' as usize] = b'"';
    table[b'\\' as usize] = b'\\';
    table
};

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Appends `s` as a quoted JSON string. Most strings need no escape: they
/// are copied a word at a time while being scanned, and only a string that
/// turns out to hold an escape is written again, byte by byte.
#[inline]
pub(crate) fn write_string(out: &mut OutBuf, s: &str) {
    out.push(b'"');
    let start = out.len();
    if out.put_scanned(s.as_bytes(), &JsonEscapes) {
        out.truncate(start);
        write_escaped(out, s.as_bytes());
    }
    out.push(b'"');
}

/// The body of a JSON string with its escapes. `s` must be UTF-8; only ASCII
/// bytes are ever escaped, so multi-byte characters pass through.
#[cold]
fn write_escaped(out: &mut impl Sink, s: &[u8]) {
    let mut start = 0;
    for (i, &b) in s.iter().enumerate() {
        let escape = ESCAPE[b as usize];
        if escape == 0 {
            continue;
        }
        out.put(&s[start..i]);
        if escape == b'u' {
            out.put(b"\\u00");
            out.push(HEX[(b >> 4) as usize]);
            out.push(HEX[(b & 0xf) as usize]);
        } else {
            out.push(b'\\');
            out.push(escape);
        }
        start = i + 1;
    }
    out.put(&s[start..]);
}

/// Writes cells as JSON values. Holds the date rendering and a scratch
/// buffer for dates written with a user pattern (which may need escaping).
pub(crate) struct JsonCells {
    dates: DateTimeText,
    scratch: Vec<u8>,
}

impl JsonCells {
    pub(crate) fn new(dates: DateTimeText) -> Self {
        JsonCells { dates, scratch: Vec::new() }
    }

    /// Appends one cell: strings, numbers, booleans, null; dates as ISO
    /// strings (or the report's pattern); lists as arrays of strings.
    #[inline]
    pub(crate) fn write(&mut self, out: &mut OutBuf, value: &Value) -> Result<(), FormatError> {
        match value {
            Value::Null => out.put(b"null"),
            Value::Text(s) => write_string(out, s),
            Value::Int(n) => cell_text::write_int(out, *n),
            Value::Float(f) => {
                // JSON has no NaN or infinity.
                if !cell_text::write_float(out, *f) {
                    out.put(b"null");
                }
            }
            // A JSON number written with its decimals (`3.50`).
            Value::Decimal(f, decimals) => {
                if !cell_text::write_decimal(out, *f, *decimals) {
                    out.put(b"null");
                }
            }
            Value::Bool(b) => cell_text::write_bool(out, *b),
            Value::Date(d) => {
                out.push(b'"');
                date_text::write_date(out, *d);
                out.push(b'"');
            }
            Value::DateTime(ts) => {
                out.push(b'"');
                if self.dates.is_free_form() {
                    self.scratch.clear();
                    self.dates.write(&mut self.scratch, *ts)?;
                    write_escaped(out, &self.scratch);
                } else {
                    self.dates.write(out, *ts)?;
                }
                out.push(b'"');
            }
            Value::List(items) => {
                out.push(b'[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    write_string(out, item);
                }
                out.push(b']');
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ferry_core::model::format_options::{FormatOptions, FormatOptionsInput};

    #[test]
    fn strings_are_escaped_exactly_like_serde_json() {
        let mut all_ascii = String::new();
        for b in 0u8..0x80 {
            all_ascii.push(b as char);
        }
        for s in [
            "",
            "plain",
            "quote \" backslash \\ slash /",
            "line\nbreak\r\ntab\tbell\u{7}nul\u{0}esc\u{1b}del\u{7f}",
            "non-ASCII: ʤ Café 😀 \u{2028}",
            all_ascii.as_str(),
        ] {
            let mut v = Vec::new();
            write_string(&mut OutBuf::new(&mut v), s);
            assert_eq!(String::from_utf8(v).unwrap(), serde_json::to_string(s).unwrap(), "{s:?}");
        }
    }

    fn cell(value: Value, options: &FormatOptions) -> String {
        let mut cells = JsonCells::new(DateTimeText::new(options));
        let mut v = Vec::new();
        cells.write(&mut OutBuf::new(&mut v), &value).unwrap();
        String::from_utf8(v).unwrap()
    }

    #[test]
    fn cells_have_their_json_types() {
        let o = FormatOptions::default();
        assert_eq!(cell(Value::Null, &o), "null");
        assert_eq!(cell(Value::Int(-7), &o), "-7");
        assert_eq!(cell(Value::Float(2.5), &o), "2.5");
        assert_eq!(cell(Value::Decimal(2.5, 2), &o), "2.50");
        assert_eq!(cell(Value::Decimal(f64::NAN, 2), &o), "null");
        assert_eq!(cell(Value::Float(f64::NAN), &o), "null");
        assert_eq!(cell(Value::Float(f64::INFINITY), &o), "null");
        assert_eq!(cell(Value::Bool(false), &o), "false");
        assert_eq!(cell(Value::Date(jiff::civil::date(2026, 3, 4)), &o), "\"2026-03-04\"");
        let ts = "2026-01-02T03:04:05Z".parse().unwrap();
        assert_eq!(cell(Value::DateTime(ts), &o), "\"2026-01-02T03:04:05Z\"");
        assert_eq!(cell(Value::List(vec!["a\"".into(), "b".into()]), &o), "[\"a\\\"\",\"b\"]");
        assert_eq!(cell(Value::List(vec![]), &o), "[]");
    }

    #[test]
    fn a_patterned_date_is_escaped() {
        let o = FormatOptionsInput { date_format: Some("\"%Y\"".into()), ..Default::default() }.resolve().unwrap();
        let ts = "2026-01-02T03:04:05Z".parse().unwrap();
        assert_eq!(cell(Value::DateTime(ts), &o), "\"\\\"2026\\\"\"");
    }
}
