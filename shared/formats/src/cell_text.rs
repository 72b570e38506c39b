//! Canonical text of numbers, booleans and lists, shared by the text
//! formats (CSV, JSON, JSONL); dates are in `date_text`.
//!
//! Everything here appends to the caller's output (`Sink`): formats write
//! millions of cells, so the hot path never allocates a `String` per cell.
//! Numbers are the shortest text that reads back as the same value (itoa,
//! ryu).

use crate::out_buf::Sink;

/// Appends the decimal text of an integer.
#[inline]
pub(crate) fn write_int(out: &mut impl Sink, value: i64) {
    let mut buf = itoa::Buffer::new();
    out.put(buf.format(value).as_bytes());
}

/// Appends a finite number with exactly `decimals` decimals (`3.50`) and
/// returns true; false (nothing appended) for NaN and infinities.
#[inline]
pub(crate) fn write_decimal(out: &mut impl Sink, value: f64, decimals: u8) -> bool {
    if !value.is_finite() {
        return false;
    }
    out.put(ferry_core::model::value::decimal_text(value, decimals).as_bytes());
    true
}

/// Appends the shortest round-trip text of a finite float and returns true;
/// returns false (and appends nothing) for NaN and infinities, which have no
/// portable text: each format decides what stands in for them.
#[inline]
pub(crate) fn write_float(out: &mut impl Sink, value: f64) -> bool {
    if !value.is_finite() {
        return false;
    }
    let mut buf = ryu::Buffer::new();
    out.put(buf.format_finite(value).as_bytes());
    true
}

#[inline]
pub(crate) fn write_bool(out: &mut impl Sink, value: bool) {
    out.put(if value { b"true" } else { b"false" });
}

/// Appends list items joined with `, ` (how CSV and XLSX show labels).
pub(crate) fn write_joined(out: &mut impl Sink, items: &[String]) {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.put(b", ");
        }
        out.put(item.as_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(f: impl FnOnce(&mut Vec<u8>)) -> String {
        let mut out = Vec::new();
        f(&mut out);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn numbers_are_the_shortest_round_trip_text() {
        assert_eq!(text(|o| write_int(o, -9_223_372_036_854_775_808)), "-9223372036854775808");
        assert_eq!(text(|o| write_int(o, 42)), "42");
        assert_eq!(text(|o| assert!(write_float(o, 0.1 + 0.2))), "0.30000000000000004");
        assert_eq!(text(|o| assert!(write_float(o, 1.5))), "1.5");
        assert_eq!(text(|o| assert!(write_float(o, 1e21))), "1e21");
        assert_eq!(text(|o| assert!(!write_float(o, f64::NAN))), "");
        assert_eq!(text(|o| assert!(!write_float(o, f64::NEG_INFINITY))), "");
    }

    #[test]
    fn bools_and_lists_have_fixed_text() {
        assert_eq!(text(|o| write_bool(o, true)), "true");
        assert_eq!(text(|o| write_bool(o, false)), "false");
        assert_eq!(text(|o| write_joined(o, &["a".into(), "b c".into()])), "a, b c");
        assert_eq!(text(|o| write_joined(o, &[])), "");
    }
}
