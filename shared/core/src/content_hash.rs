//! The bytes an export's `contentSha256` is taken over: its header and rows
//! as the source yielded them, in one unambiguous encoding that no format,
//! file name or time stamp inside a file enters. Two exports with the same
//! columns and rows have the same content hash whether they are CSV or a
//! zipped XLSX written at another instant.
//!
//! Each field is tagged and length-prefixed (LEB128), so no two different tables
//! encode alike ("a,b" as one cell differs from "a" and "b"). The format
//! thread encodes each page into a buffer that the hash thread hashes, so
//! the per-row cost on the format thread is a copy of the row's bytes.

use crate::model::value::{Row, Value};

const HEADER: u8 = b'H';
const ROW: u8 = b'R';

/// Appends the encoding of the column headers (once, before the rows).
pub fn encode_header(headers: &[String], out: &mut Vec<u8>) {
    out.push(HEADER);
    len(headers.len(), out);
    for h in headers {
        text(h, out);
    }
}

/// Appends the encoding of `rows`.
pub fn encode_rows(rows: &[Row], out: &mut Vec<u8>) {
    for row in rows {
        out.push(ROW);
        len(row.len(), out);
        for cell in row {
            encode_value(cell, out);
        }
    }
}

fn encode_value(v: &Value, out: &mut Vec<u8>) {
    match v {
        Value::Null => out.push(0),
        Value::Text(s) => {
            out.push(1);
            text(s, out);
        }
        Value::Int(i) => {
            out.push(2);
            out.extend_from_slice(&i.to_le_bytes());
        }
        // The same content as the float it was before it carried its decimals.
        Value::Float(f) | Value::Decimal(f, _) => {
            out.push(3);
            out.extend_from_slice(&f.to_bits().to_le_bytes());
        }
        Value::Bool(b) => out.extend_from_slice(&[4, u8::from(*b)]),
        Value::DateTime(t) => {
            out.push(5);
            out.extend_from_slice(&t.as_second().to_le_bytes());
            out.extend_from_slice(&t.subsec_nanosecond().to_le_bytes());
        }
        Value::Date(d) => {
            out.push(6);
            out.extend_from_slice(&d.year().to_le_bytes());
            out.extend_from_slice(&[d.month() as u8, d.day() as u8]);
        }
        Value::List(items) => {
            out.push(7);
            len(items.len(), out);
            for s in items {
                text(s, out);
            }
        }
    }
}

/// A count or a length as LEB128: one byte for the short texts most cells
/// hold, so the encoding (and the hashing) stays close to the rows' own size.
fn len(n: usize, out: &mut Vec<u8>) {
    let mut n = n as u64;
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

fn text(s: &str, out: &mut Vec<u8>) {
    len(s.len(), out);
    out.extend_from_slice(s.as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encoded(rows: &[Row]) -> Vec<u8> {
        let mut out = Vec::new();
        encode_rows(rows, &mut out);
        out
    }

    #[test]
    fn different_tables_never_encode_alike() {
        let t = |s: &str| Value::Text(s.into());
        let cases: Vec<Vec<Row>> = vec![
            vec![vec![t("a,b")]],
            vec![vec![t("a"), t("b")]],
            vec![vec![t("a")], vec![t("b")]],
            vec![vec![Value::List(vec!["a".into(), "b".into()])]],
            vec![vec![Value::Int(1)]],
            vec![vec![Value::Float(1.0)]],
            vec![vec![t("1")]],
            vec![vec![Value::Null]],
            vec![vec![t("")]],
            vec![],
        ];
        for (i, a) in cases.iter().enumerate() {
            for b in &cases[i + 1..] {
                assert_ne!(encoded(a), encoded(b), "{a:?} vs {b:?}");
            }
        }
    }

    #[test]
    fn lengths_are_leb128() {
        for (n, bytes) in [(0usize, vec![0u8]), (127, vec![0x7f]), (128, vec![0x80, 1]), (300, vec![0xac, 2])] {
            let mut out = Vec::new();
            len(n, &mut out);
            assert_eq!(out, bytes, "{n}");
        }
    }

    #[test]
    fn pages_concatenate_to_the_whole() {
        let rows: Vec<Row> = (0..5).map(|i| vec![Value::Int(i), Value::Text(format!("r{i}"))]).collect();
        let mut split = encoded(&rows[..2]);
        split.extend(encoded(&rows[2..]));
        assert_eq!(split, encoded(&rows));
    }
}
