//! A report's options as the report page lists them: every option the
//! report has (format, time in status, dataset), read from its API view so
//! an option added to the model shows without a template change.

use ferry_core::usecases::reports::ReportView;
use serde_json::Value;

/// One titled group of `Name: value` lines (`PDF options`, `Time in status`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct OptionGroup {
    pub(crate) title: &'static str,
    pub(crate) lines: Vec<(String, String)>,
}

/// The report's option groups that have at least one option set.
pub(crate) fn option_groups(report: &ReportView) -> Vec<OptionGroup> {
    let view = serde_json::to_value(report).unwrap_or(Value::Null);
    [("formatOptions", "Format options"), ("timeInStatus", "Time in status"), ("dataset", "Dataset options")]
        .into_iter()
        .filter_map(|(key, title)| {
            let mut lines = Vec::new();
            flatten(None, view.get(key)?, &mut lines);
            (!lines.is_empty()).then_some(OptionGroup { title, lines })
        })
        .collect()
}

/// Nested options as `Calendar timezone: Europe/Berlin`; lists joined by commas.
fn flatten(prefix: Option<&str>, value: &Value, out: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                let name = words(key);
                let name = match prefix {
                    Some(p) => format!("{p} {}", name.to_lowercase()),
                    None => name,
                };
                flatten(Some(&name), inner, out);
            }
        }
        Value::Null => {}
        other => {
            if let Some(name) = prefix {
                out.push((name.to_string(), text(other)));
            }
        }
    }
}

fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Bool(true) => "yes".into(),
        Value::Bool(false) => "no".into(),
        Value::Array(items) if items.is_empty() => "none".into(),
        Value::Array(items) => items.iter().map(text).collect::<Vec<_>>().join(", "),
        other => other.to_string(),
    }
}

/// `maxRows` → `Max rows`, `statusCount` → `Status count`.
fn words(key: &str) -> String {
    let mut out = String::with_capacity(key.len() + 4);
    for (i, c) in key.chars().enumerate() {
        if i == 0 {
            out.extend(c.to_uppercase());
        } else if c.is_uppercase() {
            out.push(' ');
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nested_options_read_as_words() {
        let mut lines = Vec::new();
        let options = json!({"unit": "days", "statusCount": true, "statuses": ["To Do", "Done"],
            "calendar": {"timezone": "Europe/Berlin", "hours": "09:00-17:00"}, "layout": null});
        flatten(None, &options, &mut lines);
        let lines: Vec<String> = lines.into_iter().map(|(k, v)| format!("{k}: {v}")).collect();
        assert_eq!(
            lines,
            [
                "Calendar hours: 09:00-17:00",
                "Calendar timezone: Europe/Berlin",
                "Status count: yes",
                "Statuses: To Do, Done",
                "Unit: days"
            ]
        );
    }

    #[test]
    fn camel_case_keys_become_words() {
        assert_eq!(words("maxRows"), "Max rows");
        assert_eq!(words("paper"), "Paper");
    }
}
