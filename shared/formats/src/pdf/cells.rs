//! A cell's value as the text a PDF shows, and which side it sits on:
//! numbers to the right, so their digits line up down a column.

use ferry_core::model::value::Value;
use ferry_core::ports::format::FormatError;

use crate::cell_text::{write_bool, write_decimal, write_float, write_int, write_joined};
use crate::date_text::{write_date, DateTimeText};

/// One cell, ready to lay out.
pub(crate) struct CellText {
    pub text: String,
    pub right: bool,
}

pub(crate) fn cell_text(value: &Value, dates: &mut DateTimeText) -> Result<CellText, FormatError> {
    let mut out = Vec::new();
    let right = matches!(value, Value::Int(_) | Value::Float(_) | Value::Decimal(..));
    match value {
        Value::Null => {}
        Value::Text(s) => out.extend_from_slice(s.as_bytes()),
        Value::Int(i) => write_int(&mut out, *i),
        Value::Float(f) => {
            if !write_float(&mut out, *f) {
                out.extend_from_slice(f.to_string().as_bytes());
            }
        }
        Value::Decimal(f, decimals) => {
            write_decimal(&mut out, *f, *decimals);
        }
        Value::Bool(b) => write_bool(&mut out, *b),
        Value::DateTime(ts) => dates.write(&mut out, *ts)?,
        Value::Date(d) => write_date(&mut out, *d),
        Value::List(items) => write_joined(&mut out, items),
    }
    // Every piece above is UTF-8 text; a tab reads as a space on paper.
    let text = String::from_utf8(out).map_err(|e| FormatError::Invalid(e.to_string()))?.replace('\t', " ");
    Ok(CellText { text, right })
}

/// `12345` as `12,345`: counts on the title page read at a glance.
pub(crate) fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_grouped_by_thousands() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(20_000), "20,000");
        assert_eq!(grouped(1_234_567), "1,234,567");
    }
}
