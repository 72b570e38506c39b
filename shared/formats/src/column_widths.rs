//! XLSX column widths from the header and the first rows.
//!
//! A streamed sheet cannot look at every row before it is written, so the
//! writer measures the header and the first `SAMPLE_ROWS` data rows as they
//! pass, which is what a person sees on opening the file, and caps the width
//! so one long description does not push every other column off screen.

use ferry_core::model::value::Value;

/// Data rows measured.
pub(crate) const SAMPLE_ROWS: u32 = 100;
/// Widths in Excel's unit, about one digit of the default font.
const MIN_WIDTH: usize = 8;
const MAX_WIDTH: usize = 60;
/// Room for the autofilter button and a little air.
const PADDING: usize = 3;

#[derive(Debug, Clone)]
pub(crate) struct ColumnWidths {
    /// Longest text seen per column, in characters, capped at `MAX_WIDTH`.
    longest: Vec<usize>,
    sampled: u32,
}

impl ColumnWidths {
    pub(crate) fn from_headers(headers: &[String]) -> Self {
        ColumnWidths { longest: headers.iter().map(|h| text_len(h)).collect(), sampled: 0 }
    }

    /// True while rows still count towards the widths.
    pub(crate) fn wants_more(&self) -> bool {
        self.sampled < SAMPLE_ROWS
    }

    /// Data rows still to measure.
    pub(crate) fn rows_wanted(&self) -> usize {
        SAMPLE_ROWS.saturating_sub(self.sampled) as usize
    }

    /// Measures one data row (call only while `wants_more`).
    pub(crate) fn observe(&mut self, row: &[Value]) {
        self.sampled += 1;
        for (col, value) in row.iter().enumerate() {
            let len = value_len(value);
            match self.longest.get_mut(col) {
                Some(longest) => *longest = (*longest).max(len),
                None => self.longest.push(len),
            }
        }
    }

    /// `(column, width)` for every measured column.
    pub(crate) fn widths(&self) -> impl Iterator<Item = (u16, f64)> + '_ {
        self.longest
            .iter()
            .enumerate()
            .map(|(col, &len)| (col as u16, (len + PADDING).clamp(MIN_WIDTH, MAX_WIDTH) as f64))
    }
}

/// Characters of the longest line, counted no further than the cap.
fn text_len(s: &str) -> usize {
    s.split('\n').map(|line| line.chars().take(MAX_WIDTH).count()).max().unwrap_or(0)
}

fn value_len(value: &Value) -> usize {
    match value {
        Value::Null => 0,
        Value::Text(s) => text_len(s),
        Value::Int(n) => itoa::Buffer::new().format(*n).len(),
        // General format shows at most about 11 significant characters.
        Value::Float(_) => 11,
        Value::Decimal(f, decimals) => ferry_core::model::value::decimal_text(*f, *decimals).len(),
        Value::Bool(_) => 5,
        // `yyyy-mm-dd hh:mm:ss` and `yyyy-mm-dd`.
        Value::DateTime(_) => 19,
        Value::Date(_) => 10,
        Value::List(items) => items.iter().map(|i| text_len(i) + 2).sum::<usize>().min(MAX_WIDTH),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_come_from_header_and_rows_within_bounds() {
        let mut widths = ColumnWidths::from_headers(&["Key".into(), "Summary".into(), "N".into()]);
        widths.observe(&[Value::Text("DEMO-1".into()), Value::Text("x".repeat(500)), Value::Int(123_456_789_012)]);
        let got: Vec<_> = widths.widths().collect();
        assert_eq!(got, vec![(0, 9.0), (1, 60.0), (2, 15.0)]);
    }

    #[test]
    fn sampling_stops_after_the_first_rows() {
        let mut widths = ColumnWidths::from_headers(&["A".into()]);
        for _ in 0..SAMPLE_ROWS {
            assert!(widths.wants_more());
            widths.observe(&[Value::Null]);
        }
        assert!(!widths.wants_more());
        assert_eq!(widths.widths().collect::<Vec<_>>(), vec![(0, 8.0)]);
    }
}
