//! CSV (RFC 4180) with Ferry's options: delimiter, line terminator, BOM,
//! line-break escaping and formula sanitizing (SPEC "formatOptions").
//!
//! A hand-written writer rather than the `csv` crate's: Ferry needs the
//! empty-string-versus-null distinction (`""` versus nothing), the sanitizing
//! rule and resumable state, and it writes straight into the caller's buffer,
//! scanning text eight bytes at a time for bytes that force quoting, which is
//! what keeps it at millions of rows per second.

use ferry_core::model::format_options::{FormatOptions, LineBreaks, LineTerminator};
use ferry_core::model::value::{Row, Value};
use ferry_core::ports::format::{FormatError, FormatSpec, FormatWriter};

use crate::byte_scan::{find_byte, CsvSpecials};
use crate::cell_text;
use crate::date_text::{self, DateTimeText};
use crate::formula_guard::needs_formula_guard;
use crate::out_buf::OutBuf;
use crate::resume_state;

const BOM: &[u8] = b"\xEF\xBB\xBF";

pub struct CsvWriter {
    delimiter: u8,
    terminator: &'static [u8],
    bom: bool,
    /// Replacement of CR, LF and CRLF inside values (`lineBreaks: escape`).
    break_escape: Option<Vec<u8>>,
    /// The escape text itself holds the delimiter or a quote, so a value
    /// whose line breaks are replaced by it must be quoted.
    break_escape_needs_quotes: bool,
    sanitize: bool,
    dates: DateTimeText,
    headers: Vec<String>,
    header_written: bool,
    /// Bytes that force quoting: delimiter, quote, CR, LF.
    special: CsvSpecials,
    /// The delimiter can occur in a rendered number, boolean or ISO date
    /// (a digit, letter, `-`, `+`, `:` or `.`), so those need a look too.
    check_rendered: bool,
    /// Reused for list cells and for re-quoting rendered values.
    scratch: Vec<u8>,
}

impl CsvWriter {
    pub fn new(spec: &FormatSpec) -> Self {
        let options = &spec.options;
        let break_escape = match options.line_breaks {
            LineBreaks::Preserve => None,
            LineBreaks::Escape => Some(options.escape_char.as_bytes().to_vec()),
        };
        let break_escape_needs_quotes =
            break_escape.as_deref().is_some_and(|e| e.iter().any(|&b| b == options.delimiter || b == b'"'));
        CsvWriter {
            delimiter: options.delimiter,
            terminator: terminator_bytes(options),
            bom: options.bom,
            break_escape,
            break_escape_needs_quotes,
            sanitize: options.sanitize_formulas,
            dates: DateTimeText::new(options),
            headers: spec.headers.clone(),
            header_written: false,
            special: CsvSpecials::new(options.delimiter),
            check_rendered: options.delimiter.is_ascii_alphanumeric() || b"-+:.".contains(&options.delimiter),
            scratch: Vec::new(),
        }
    }

    /// Continues a file from `checkpoint_state`: BOM and header are not
    /// written again when they already were.
    pub fn resume(spec: &FormatSpec, state: &serde_json::Value) -> Result<Self, FormatError> {
        let mut writer = CsvWriter::new(spec);
        writer.header_written = resume_state::flag(state, "headerWritten")?;
        Ok(writer)
    }

    fn write_header(&mut self, out: &mut OutBuf) {
        if self.bom {
            out.put(BOM);
        }
        let headers = std::mem::take(&mut self.headers);
        for (i, header) in headers.iter().enumerate() {
            if i > 0 {
                out.push(self.delimiter);
            }
            // Headers are the report's own column names, not source data:
            // they are quoted as needed but never sanitized.
            self.write_text(header.as_bytes(), false, out);
        }
        self.headers = headers;
        out.put(self.terminator);
        self.header_written = true;
    }

    #[inline]
    /// Writes one row of `cells` (after the header, written once): for a
    /// writer that takes rows apart, such as a dataset's zip.
    pub(crate) fn write_cells(&mut self, cells: &[Value], out: &mut Vec<u8>) -> Result<(), FormatError> {
        let mut out = OutBuf::new(out);
        if !self.header_written {
            self.write_header(&mut out);
        }
        self.write_row(cells, &mut out)
    }

    fn write_row(&mut self, row: &[Value], out: &mut OutBuf) -> Result<(), FormatError> {
        for (i, value) in row.iter().enumerate() {
            if i > 0 {
                out.push(self.delimiter);
            }
            self.write_value(value, out)?;
        }
        out.put(self.terminator);
        Ok(())
    }

    #[inline]
    fn write_value(&mut self, value: &Value, out: &mut OutBuf) -> Result<(), FormatError> {
        match value {
            Value::Null => {}
            Value::Text(s) => self.write_text(s.as_bytes(), self.sanitize, out),
            Value::Int(n) => self.write_rendered(out, |o| cell_text::write_int(o, *n)),
            Value::Float(f) => self.write_rendered(out, |o| {
                // NaN and infinities have no CSV text: an empty field, like null.
                cell_text::write_float(o, *f);
            }),
            Value::Decimal(f, decimals) => self.write_rendered(out, |o| {
                cell_text::write_decimal(o, *f, *decimals);
            }),
            Value::Bool(b) => self.write_rendered(out, |o| cell_text::write_bool(o, *b)),
            Value::Date(d) => self.write_rendered(out, |o| date_text::write_date(o, *d)),
            Value::DateTime(ts) => {
                let start = out.len();
                self.dates.write(out, *ts)?;
                if self.check_rendered || self.dates.is_free_form() {
                    self.requote_tail(out, start);
                }
            }
            // No labels is an empty field, not an empty string.
            Value::List(items) if items.is_empty() => {}
            Value::List(items) if items.len() == 1 => self.write_text(items[0].as_bytes(), false, out),
            Value::List(items) if self.delimiter == b',' && self.break_escape.is_none() => {
                // Joined by ", ", so quoted anyway: no need to look first.
                out.push(b'"');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.put(b", ");
                    }
                    copy_doubling_quotes(item.as_bytes(), out);
                }
                out.push(b'"');
            }
            Value::List(items) => {
                let mut joined = std::mem::take(&mut self.scratch);
                joined.clear();
                cell_text::write_joined(&mut joined, items);
                self.write_text(&joined, false, out);
                self.scratch = joined;
            }
        }
        Ok(())
    }

    /// Writes a non-text value straight into `out`, then quotes it in the
    /// rare case its text holds a special byte (a `.` or `-` delimiter).
    #[inline]
    fn write_rendered(&mut self, out: &mut OutBuf, render: impl FnOnce(&mut OutBuf)) {
        let start = out.len();
        render(out);
        if self.check_rendered {
            self.requote_tail(out, start);
        }
    }

    fn requote_tail(&mut self, out: &mut OutBuf, start: usize) {
        if self.special.any_in(out.since(start)) {
            let mut tail = std::mem::take(&mut self.scratch);
            tail.clear();
            tail.extend_from_slice(out.since(start));
            out.truncate(start);
            self.write_text(&tail, false, out);
            self.scratch = tail;
        }
    }

    /// One text field: `""` when empty, quoted when it holds a special byte,
    /// `'`-prefixed when it could start a formula. The common case (nothing
    /// special) is one pass that copies and scans together.
    #[inline]
    fn write_text(&self, s: &[u8], sanitize: bool, out: &mut OutBuf) {
        if s.is_empty() {
            // SPEC: an empty string is `""`, so a reader can tell it from null.
            out.put(b"\"\"");
            return;
        }
        let guard = sanitize && needs_formula_guard(s);
        if !guard {
            let start = out.len();
            if !out.put_scanned(s, &self.special) {
                return;
            }
            out.truncate(start);
        } else if !self.special.any_in(s) {
            out.push(b'\'');
            out.put(s);
            return;
        }
        self.write_special_text(s, guard, out);
    }

    /// True when `s` holds a byte that forces quoting.
    #[cfg(test)]
    fn has_special(&self, s: &[u8]) -> bool {
        self.special.any_in(s)
    }

    #[cold]
    fn write_special_text(&self, s: &[u8], guard: bool, out: &mut OutBuf) {
        let Some(escape) = &self.break_escape else {
            // RFC 4180: quote, double the quotes, keep everything else.
            out.push(b'"');
            if guard {
                out.push(b'\'');
            }
            copy_doubling_quotes(s, out);
            out.push(b'"');
            return;
        };
        let has_break = s.iter().any(|&b| b == b'\r' || b == b'\n');
        let quote =
            s.iter().any(|&b| b == self.delimiter || b == b'"') || (has_break && self.break_escape_needs_quotes);
        if quote {
            out.push(b'"');
        }
        if guard {
            out.push(b'\'');
        }
        let mut i = 0;
        while i < s.len() {
            let b = s[i];
            match b {
                b'"' => out.put(b"\"\""),
                b'\r' | b'\n' => {
                    out.put(escape);
                    // CRLF is one line break, escaped once.
                    if b == b'\r' && s.get(i + 1) == Some(&b'\n') {
                        i += 1;
                    }
                }
                _ => out.push(b),
            }
            i += 1;
        }
        if quote {
            out.push(b'"');
        }
    }
}

/// Copies `s` with every `"` doubled, in runs between the quotes (most
/// quoted values hold a comma or a line break and no quote at all).
#[inline]
fn copy_doubling_quotes(mut s: &[u8], out: &mut OutBuf) {
    while let Some(i) = find_byte(b'"', s) {
        out.put(&s[..=i]);
        out.push(b'"');
        s = &s[i + 1..];
    }
    out.put(s);
}

fn terminator_bytes(options: &FormatOptions) -> &'static [u8] {
    match options.line_terminator {
        LineTerminator::Crlf => b"\r\n",
        LineTerminator::Lf => b"\n",
    }
}

impl FormatWriter for CsvWriter {
    fn write_rows(&mut self, rows: &[Row], out: &mut Vec<u8>) -> Result<(), FormatError> {
        let mut out = OutBuf::new(out);
        if !self.header_written {
            self.write_header(&mut out);
        }
        for row in rows {
            self.write_row(row, &mut out)?;
        }
        Ok(())
    }

    fn finish(mut self: Box<Self>, out: &mut Vec<u8>) -> Result<Option<Box<dyn std::io::Read + Send>>, FormatError> {
        if !self.header_written {
            self.write_header(&mut OutBuf::new(out));
        }
        Ok(None)
    }

    fn checkpoint_state(&self) -> Option<serde_json::Value> {
        Some(serde_json::json!({ "headerWritten": self.header_written }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::spec_with;
    use ferry_core::model::format_options::Format;

    fn csv(options: FormatOptions, rows: &[Row]) -> String {
        let spec = spec_with(Format::Csv, options, &["a", "b"]);
        let mut writer: Box<dyn FormatWriter> = Box::new(CsvWriter::new(&spec));
        let mut out = Vec::new();
        writer.write_rows(rows, &mut out).unwrap();
        assert!(writer.finish(&mut out).unwrap().is_none());
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn null_is_an_empty_field_and_an_empty_string_is_quoted() {
        let rows = vec![vec![Value::Null, Value::Text(String::new())]];
        assert_eq!(csv(FormatOptions::default(), &rows), "a,b\r\n,\"\"\r\n");
    }

    #[test]
    fn special_bytes_quote_the_field_and_quotes_are_doubled() {
        let rows = vec![vec![Value::Text("x,\"y\"".into()), Value::Text(" lead and trail ".into())]];
        assert_eq!(csv(FormatOptions::default(), &rows), "a,b\r\n\"x,\"\"y\"\"\", lead and trail \r\n");
    }

    #[test]
    fn a_delimiter_inside_a_rendered_number_gets_quoted() {
        let options = FormatOptions { delimiter: b'.', ..FormatOptions::default() };
        let rows = vec![vec![Value::Float(1.5), Value::Int(-3)]];
        assert_eq!(csv(options, &rows), "a.b\r\n\"1.5\".-3\r\n");
    }

    #[test]
    fn a_decimal_keeps_its_decimals() {
        let rows = vec![vec![Value::Decimal(211.7, 2), Value::Decimal(1.0, 2)]];
        assert_eq!(csv(FormatOptions::default(), &rows), "a,b\r\n211.70,1.00\r\n");
    }

    #[test]
    fn special_bytes_are_found_at_every_position() {
        let writer = CsvWriter::new(&spec_with(Format::Csv, FormatOptions::default(), &["a"]));
        for len in 1..40 {
            let plain = vec![b'x'; len];
            assert!(!writer.has_special(&plain));
            for pos in 0..len {
                for special in [b',', b'"', b'\r', b'\n'] {
                    let mut s = plain.clone();
                    s[pos] = special;
                    assert!(writer.has_special(&s), "{special} at {pos} of {len}");
                }
            }
        }
        // Bytes next to the targets (and multi-byte UTF-8) are not special.
        assert!(!writer.has_special("+-./!#\u{b}\u{c}\u{e}\t Café ʤ 😀 ,".trim_end_matches(',').as_bytes()));
    }

    #[test]
    fn escaped_crlf_is_one_line_break() {
        let options = FormatOptions { line_breaks: LineBreaks::Escape, ..FormatOptions::default() };
        let rows = vec![vec![Value::Text("1\r\n2\n3\r4".into()), Value::Null]];
        assert_eq!(csv(options, &rows), "a,b\r\n1\\n2\\n3\\n4,\r\n");
    }

    #[test]
    fn an_escape_text_holding_the_delimiter_is_quoted() {
        let options =
            FormatOptions { line_breaks: LineBreaks::Escape, escape_char: ",".into(), ..FormatOptions::default() };
        let rows = vec![vec![Value::Text("x\ny".into()), Value::Text("plain".into())]];
        assert_eq!(csv(options, &rows), "a,b\r\n\"x,y\",plain\r\n");
    }

    #[test]
    fn lists_are_joined_and_quoted_when_needed() {
        let rows = vec![vec![Value::List(vec!["a".into(), "b".into()]), Value::List(vec![])]];
        assert_eq!(csv(FormatOptions::default(), &rows), "a,b\r\n\"a, b\",\r\n");
        let rows = vec![
            vec![Value::List(vec!["say \"hi\"".into(), "x".into()]), Value::List(vec!["plain".into()])],
            vec![Value::List(vec!["a,b".into()]), Value::List(vec!["=1".into(), "y".into()])],
        ];
        let expected = "a,b\r\n\"say \"\"hi\"\", x\",plain\r\n\"a,b\",\"=1, y\"\r\n";
        assert_eq!(csv(FormatOptions::default(), &rows), expected);
        let semicolon = FormatOptions { delimiter: b';', ..FormatOptions::default() };
        assert_eq!(csv(semicolon, &rows[..1]), "a;b\r\n\"say \"\"hi\"\", x\";plain\r\n");
    }

    #[test]
    fn non_finite_floats_are_empty_fields() {
        let rows = vec![vec![Value::Float(f64::NAN), Value::Float(f64::INFINITY)]];
        assert_eq!(csv(FormatOptions::default(), &rows), "a,b\r\n,\r\n");
    }
}
