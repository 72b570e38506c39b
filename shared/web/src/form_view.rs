//! What an editor template draws its fields from: the values (a stored
//! thing as the API shows it, or a refused form as typed, both the API's
//! JSON shape) and the refusal's errors, each found by the path the API's
//! `details[].field` uses (`settings.baseUrl`, `destinations[1].url`).

use ferry_core::{CoreError, FieldError};
use serde_json::Value;

use crate::fields::SHOWN_SECRET;

/// The API's placeholder for a stored secret.
const API_SECRET: &str = "***";

#[derive(Debug, Clone, Default)]
pub struct FormView {
    values: Value,
    errors: Vec<FieldError>,
    /// A refusal with no field (`Forbidden`, a source's message).
    summary: Option<String>,
}

impl FormView {
    pub fn new(values: Value) -> Self {
        FormView { values, errors: Vec::new(), summary: None }
    }

    /// The form as typed with a use case's refusal: fields named by an
    /// `Invalid` error; a `Forbidden` or `Conflict` said at the top. Other
    /// errors (not found, an adapter) are no refusal of the form: `Err`.
    pub fn refused(values: Value, err: CoreError) -> Result<Self, CoreError> {
        let mut view = FormView::new(values);
        match err {
            CoreError::Invalid { details, message } if details.is_empty() => view.summary = Some(message),
            CoreError::Invalid { details, .. } => view.errors = details,
            CoreError::Forbidden(message) | CoreError::Conflict { message, .. } => view.summary = Some(message),
            other => return Err(other),
        }
        Ok(view)
    }

    pub fn values(&self) -> &Value {
        &self.values
    }

    pub fn is_refused(&self) -> bool {
        !self.errors.is_empty() || self.summary.is_some()
    }

    pub fn summary(&self) -> Option<&str> {
        self.summary.as_deref()
    }

    /// Every field error, for the summary at the top of the form.
    pub fn errors(&self) -> &[FieldError] {
        &self.errors
    }

    fn get(&self, path: &str) -> Option<&Value> {
        get(&self.values, path)
    }

    /// A field's value as text (a list joined by `, `).
    pub fn text(&self, path: &str) -> String {
        match self.get(path) {
            None | Some(Value::Null) => String::new(),
            Some(Value::String(s)) => s.clone(),
            Some(Value::Array(items)) => items.iter().map(scalar).collect::<Vec<_>>().join(", "),
            Some(other) => other.to_string(),
        }
    }

    /// A write-only secret: the stored one drawn as `•••`, one typed on this
    /// form as typed (the person's own, back to them on a no-store page).
    pub fn secret(&self, path: &str) -> String {
        match self.text(path) {
            s if s == API_SECRET => SHOWN_SECRET.to_string(),
            s => s,
        }
    }

    /// Headers as `Name: value` lines, stored values as `•••`.
    pub fn headers(&self, path: &str) -> String {
        let Some(Value::Object(map)) = self.get(path) else { return String::new() };
        map.iter()
            .map(|(k, v)| {
                let v = scalar(v);
                format!("{k}: {}", if v == API_SECRET { SHOWN_SECRET } else { &v })
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// Whether the field is `value` or, when a list, holds it (options, checkbox groups).
    pub fn is(&self, path: &str, value: &str) -> bool {
        match self.get(path) {
            Some(Value::Array(items)) => items.iter().any(|i| scalar(i) == value),
            Some(v) => scalar(v) == value,
            None => false,
        }
    }

    /// A boolean field; `default` when absent.
    pub fn checked(&self, path: &str, default: bool) -> bool {
        self.get(path).and_then(Value::as_bool).unwrap_or(default)
    }

    /// Whether the field has a value at all.
    pub fn has(&self, path: &str) -> bool {
        !matches!(self.get(path), None | Some(Value::Null))
    }

    /// The error of exactly this field.
    pub fn error(&self, path: &str) -> Option<&str> {
        self.errors.iter().find(|e| e.field == path).map(|e| e.message.as_str())
    }

    /// The items of the list at `path`, each with its path (`destinations[1]`).
    pub fn items(&self, path: &str) -> Vec<Item<'_>> {
        match self.get(path) {
            Some(Value::Array(items)) => (0..items.len())
                .map(|index| Item { view: self, path: format!("{path}[{index}]"), key: index.to_string(), index })
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The empty item a list's `<template>` draws: its number `__N__`, which
    /// the script replaces by one no row of the page has.
    pub fn template_item(&self, path: &str) -> Item<'_> {
        Item { view: self, path: format!("{path}[__N__]"), key: "__N__".into(), index: usize::MAX }
    }
}

/// One item of a list field, read through its form.
#[derive(Debug, Clone)]
pub struct Item<'a> {
    view: &'a FormView,
    /// `destinations[1]`: the API's path, and the error paths under it.
    pub path: String,
    /// The number its posted names carry (`destinations[3][url]`): its
    /// position when drawn by the server, `__N__` in a template.
    pub key: String,
    /// Its position (0-based); `usize::MAX` in a template.
    pub index: usize,
}

impl Item<'_> {
    fn at(&self, key: &str) -> String {
        format!("{}.{key}", self.path)
    }

    pub fn text(&self, key: &str) -> String {
        self.view.text(&self.at(key))
    }

    pub fn secret(&self, key: &str) -> String {
        self.view.secret(&self.at(key))
    }

    pub fn headers(&self, key: &str) -> String {
        self.view.headers(&self.at(key))
    }

    pub fn is(&self, key: &str, value: &str) -> bool {
        self.view.is(&self.at(key), value)
    }

    pub fn checked(&self, key: &str, default: bool) -> bool {
        self.view.checked(&self.at(key), default)
    }

    pub fn has(&self, key: &str) -> bool {
        self.view.has(&self.at(key))
    }

    pub fn error(&self, key: &str) -> Option<&str> {
        self.view.error(&self.at(key))
    }

    /// The error of the item as a whole (`destinations[1]`).
    pub fn own_error(&self) -> Option<&str> {
        self.view.error(&self.path)
    }

    /// Its 1-based number, for legends (`Webhook 2`); empty in a template
    /// (the script numbers the rows).
    pub fn number(&self) -> String {
        if self.index == usize::MAX {
            String::new()
        } else {
            (self.index + 1).to_string()
        }
    }
}

fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// The value at an API path (`a.b[2].c`).
pub fn get<'a>(root: &'a Value, path: &str) -> Option<&'a Value> {
    let mut at = root;
    for part in path.split('.') {
        let (key, mut indexes) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        at = at.get(key)?;
        while let Some(rest) = indexes.strip_prefix('[') {
            let end = rest.find(']')?;
            at = at.get(rest[..end].parse::<usize>().ok()?)?;
            indexes = &rest[end + 1..];
        }
    }
    Some(at)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn values_are_found_by_the_apis_paths_and_secrets_drawn_as_dots() {
        let v = FormView::new(json!({"settings": {"apiToken": "***"}, "destinations": [{}, {"to": ["a", "b"],
            "headers": {"X-Key": "***"}, "compress": true}], "recurrence": {"weekdays": ["MON"]}}));
        assert_eq!(v.secret("settings.apiToken"), "•••");
        let items = v.items("destinations");
        assert_eq!(items[1].text("to"), "a, b");
        assert_eq!(items[1].headers("headers"), "X-Key: •••");
        assert!(items[1].checked("compress", false) && !items[0].checked("compress", false));
        assert!(v.is("recurrence.weekdays", "MON") && !v.is("recurrence.weekdays", "TUE"));
    }
}
