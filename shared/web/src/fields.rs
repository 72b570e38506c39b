//! Settings shown read-only: a JSON object (as the API answers it, secrets
//! already replaced by `***`) flattened to `name: value` lines, secrets drawn
//! as `•••`.

use serde_json::Value;

/// The API's placeholder for a stored secret.
const API_SECRET: &str = "***";
/// How the pages draw a stored secret.
pub const SHOWN_SECRET: &str = "•••";

/// `(name, value)` pairs of an object, nested names joined by dots.
pub fn flatten(value: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    walk("", value, &mut out);
    out
}

fn walk(prefix: &str, value: &Value, out: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                let name = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
                walk(&name, v, out);
            }
        }
        Value::Array(items) if items.iter().all(|i| !i.is_object() && !i.is_array()) => {
            out.push((prefix.to_string(), items.iter().map(scalar).collect::<Vec<_>>().join(", ")));
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                walk(&format!("{prefix}[{i}]"), v, out);
            }
        }
        other => out.push((prefix.to_string(), scalar(other))),
    }
}

fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) if s == API_SECRET => SHOWN_SECRET.to_string(),
        Value::String(s) => s.clone(),
        Value::Null => "none".into(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn secrets_are_dots_and_names_are_paths() {
        let v = json!({"type": "sftp", "password": "***", "to": ["a@x.org", "b@x.org"], "headers": {"X-Key": "***"}});
        let f = flatten(&v);
        assert!(f.contains(&("password".into(), "•••".into())));
        assert!(f.contains(&("headers.X-Key".into(), "•••".into())));
        assert!(f.contains(&("to".into(), "a@x.org, b@x.org".into())));
    }
}
