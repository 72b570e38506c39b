//! Typed input from JSON with errors that name the offending field by its
//! path as the client wrote it (`formatOptions.delimiter`, `columns[0].header`,
//! `destinations[1].port`) and say what was expected. The HTTP layer parses a
//! body with it; the core uses it again where a value's type is known only
//! after reading part of it (a destination's `type`), so both report alike.
//!
//! serde says what went wrong only in a sentence; the few shapes of that
//! sentence read here are serde's own, documented formats (`unknown field`,
//! `missing field`, `unknown variant`), never Ferry's errors.

use serde::de::DeserializeOwned;
use serde_json::Value;
use serde_path_to_error::Segment;

use crate::error::FieldError;

/// Deserializes `value` into `T`; an error names `prefix` + the path inside `value`.
pub fn from_json_value<T: DeserializeOwned>(value: &Value, prefix: &str) -> Result<T, FieldError> {
    let err = match serde_path_to_error::deserialize::<_, T>(value) {
        Ok(v) => return Ok(v),
        Err(e) => e,
    };
    let segments: Vec<Segment> = err.path().iter().cloned().collect();
    let message = err.into_inner().to_string();
    let mut field = join(prefix, &segments);
    let named = quoted_name(&message, "unknown field `").or_else(|| quoted_name(&message, "missing field `"));
    // A missing field is reported at its parent (an unknown one too, by some
    // versions of serde_path_to_error): name the field itself.
    let last_key = match segments.last() {
        Some(Segment::Map { key }) => Some(key.as_str()),
        _ => None,
    };
    if let Some(name) = named.filter(|n| last_key != Some(*n)) {
        push_key(&mut field, name);
    }
    if field.is_empty() {
        field.push_str("body");
    }
    let message = match expected_variants::<T>(value, &segments) {
        Some(expected) => format!("expected {expected}, not {}", value_at(value, &segments).unwrap_or(&Value::Null)),
        None => message,
    };
    Err(FieldError::new(field, message))
}

/// When the value at `path` is not a string but the field is an enum of
/// names (`"format": 5`), the names it accepts, as serde lists them
/// (`` one of `csv`, `xlsx`, `json`, `jsonl` ``): found by asking serde again
/// with a string no enum accepts in that place.
fn expected_variants<T: DeserializeOwned>(root: &Value, path: &[Segment]) -> Option<String> {
    let found = value_at(root, path)?;
    if found.is_string() {
        return None;
    }
    let mut probe = root.clone();
    *value_at_mut(&mut probe, path)? = Value::String("\u{0}".into());
    let again = serde_path_to_error::deserialize::<_, T>(&probe).err()?;
    let again_path: Vec<Segment> = again.path().iter().cloned().collect();
    if join("", &again_path) != join("", path) {
        return None;
    }
    let text = again.into_inner().to_string();
    let rest = text.strip_prefix("unknown variant `\u{0}`, expected ")?;
    Some(rest.to_string())
}

fn value_at<'a>(root: &'a Value, path: &[Segment]) -> Option<&'a Value> {
    path.iter().try_fold(root, |v, segment| match segment {
        Segment::Seq { index } => v.get(index),
        Segment::Map { key } => v.get(key),
        _ => None,
    })
}

fn value_at_mut<'a>(root: &'a mut Value, path: &[Segment]) -> Option<&'a mut Value> {
    path.iter().try_fold(root, |v, segment| match segment {
        Segment::Seq { index } => v.get_mut(index),
        Segment::Map { key } => v.get_mut(key),
        _ => None,
    })
}

/// `prefix` then the path as the client wrote it: `a.b[0].c`.
fn join(prefix: &str, path: &[Segment]) -> String {
    let mut out = prefix.to_string();
    for segment in path {
        match segment {
            Segment::Seq { index } => out.push_str(&format!("[{index}]")),
            Segment::Map { key } | Segment::Enum { variant: key } => push_key(&mut out, key),
            Segment::Unknown => push_key(&mut out, "?"),
        }
    }
    out
}

fn push_key(out: &mut String, key: &str) {
    if !out.is_empty() {
        out.push('.');
    }
    out.push_str(key);
}

/// `name` in "<prefix>name`…".
fn quoted_name<'a>(message: &'a str, prefix: &str) -> Option<&'a str> {
    message.strip_prefix(prefix)?.split('`').next()
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;
    use serde_json::json;

    use super::*;

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "lowercase")]
    enum Colour {
        Red,
        Blue,
    }

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    #[allow(dead_code)]
    struct Inner {
        colour: Colour,
        port: u16,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Outer {
        name: String,
        items: Vec<Inner>,
    }

    fn error(v: Value) -> FieldError {
        from_json_value::<Outer>(&v, "").unwrap_err()
    }

    #[test]
    fn a_wrong_type_in_an_enum_field_names_it_and_lists_the_names() {
        let e = error(json!({"name": "n", "items": [{"colour": "red", "port": 1}, {"colour": 5, "port": 1}]}));
        assert_eq!(e.field, "items[1].colour");
        assert_eq!(e.message, "expected `red` or `blue`, not 5");
        let e = error(json!({"name": "n", "items": [{"colour": true, "port": 1}]}));
        assert_eq!(e.message, "expected `red` or `blue`, not true");
    }

    #[test]
    fn out_of_range_numbers_missing_and_unknown_fields_are_named() {
        assert_eq!(error(json!({"name": "n", "items": [{"colour": "red", "port": 70000}]})).field, "items[0].port");
        assert_eq!(error(json!({"name": "n", "items": [{"colour": "red"}]})).field, "items[0].port");
        assert_eq!(error(json!({"name": "n", "items": [], "x": 1})).field, "x");
        assert_eq!(error(json!({"items": []})).field, "name");
        let e = from_json_value::<Inner>(&json!({"colour": "red", "port": -1}), "destinations[2]").unwrap_err();
        assert_eq!(e.field, "destinations[2].port");
    }

    #[test]
    fn a_bad_name_keeps_serdes_list_and_a_wrong_root_names_body() {
        let e = error(json!({"name": "n", "items": [{"colour": "green", "port": 1}]}));
        assert_eq!(e.field, "items[0].colour");
        assert!(e.message.contains("green") && e.message.contains("`blue`"), "{}", e.message);
        assert_eq!(from_json_value::<Outer>(&json!("text"), "").unwrap_err().field, "body");
    }
}
