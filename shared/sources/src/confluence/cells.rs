//! Turning Confluence's values into the dataset's cells: numeric ids as
//! integers, ISO dates as instants, absent values as nulls.

use ferry_core::model::value::Value;
use jiff::Timestamp;

pub fn text(v: &Option<String>) -> Value {
    match v {
        Some(s) => Value::Text(s.clone()),
        None => Value::Null,
    }
}

/// An id Confluence sends as a numeric string; kept as text if it is not one.
pub fn id(v: &Option<String>) -> Value {
    match v.as_deref().map(str::trim) {
        None | Some("") => Value::Null,
        Some(s) => s.parse::<i64>().map(Value::Int).unwrap_or_else(|_| Value::Text(s.to_string())),
    }
}

pub fn instant(v: &Option<String>) -> Value {
    match parse_instant(v) {
        Some(t) => Value::DateTime(t),
        None => Value::Null,
    }
}

pub fn parse_instant(v: &Option<String>) -> Option<Timestamp> {
    v.as_deref().and_then(|s| s.parse::<Timestamp>().ok())
}

pub fn int(v: Option<i64>) -> Value {
    v.map(Value::Int).unwrap_or(Value::Null)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_dates_and_absent_values() {
        assert_eq!(id(&Some("1001".into())), Value::Int(1001));
        assert_eq!(id(&Some("abc".into())), Value::Text("abc".into()));
        assert_eq!(id(&None), Value::Null);
        let t: Timestamp = "2025-03-01T05:00:00.123Z".parse().unwrap();
        assert_eq!(instant(&Some("2025-03-01T05:00:00.123Z".into())), Value::DateTime(t));
        assert_eq!(instant(&Some("yesterday".into())), Value::Null);
    }
}
