//! The editors' list buttons as server round trips, so lists work without
//! script: `Move up`, `Move down`, `Remove` and `Add …` submit the form with
//! `_action` naming the list and the item (`up:columns:2`,
//! `add:destinations:webhook`); the page applies it to the values as typed
//! and draws the form again, nothing saved. With script the same buttons
//! move rows in place and add them from `<template>`s (static/forms.js).

use serde_json::Value;

/// One list button.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListEdit {
    Up {
        list: String,
        at: usize,
    },
    Down {
        list: String,
        at: usize,
    },
    Remove {
        list: String,
        at: usize,
    },
    /// `kind`: a destination's type.
    Add {
        list: String,
        kind: Option<String>,
    },
}

impl ListEdit {
    /// `up:columns:2`, `add:destinations:email`, `add:columns`; None for other actions.
    pub fn parse(action: &str) -> Option<Self> {
        let mut parts = action.splitn(3, ':');
        let (verb, list, rest) = (parts.next()?, parts.next()?.to_string(), parts.next());
        let at = || rest.and_then(|n| n.parse::<usize>().ok());
        Some(match verb {
            "up" => ListEdit::Up { list, at: at()? },
            "down" => ListEdit::Down { list, at: at()? },
            "remove" => ListEdit::Remove { list, at: at()? },
            "add" => ListEdit::Add { list, kind: rest.map(String::from) },
            _ => return None,
        })
    }

    /// Applies the edit to the list at the top-level key `list` of `values`;
    /// `new_item` makes an added item from its kind.
    pub fn apply(&self, values: &mut Value, new_item: impl FnOnce(Option<&str>) -> Value) {
        let list = match self {
            ListEdit::Up { list, .. }
            | ListEdit::Down { list, .. }
            | ListEdit::Remove { list, .. }
            | ListEdit::Add { list, .. } => list,
        };
        let Some(object) = values.as_object_mut() else { return };
        let items = object.entry(list.clone()).or_insert_with(|| Value::Array(Vec::new()));
        let Some(items) = items.as_array_mut() else { return };
        match self {
            ListEdit::Up { at, .. } if *at > 0 && *at < items.len() => items.swap(at - 1, *at),
            ListEdit::Down { at, .. } if at + 1 < items.len() => items.swap(*at, at + 1),
            ListEdit::Remove { at, .. } if *at < items.len() => {
                items.remove(*at);
            }
            ListEdit::Add { kind, .. } => items.push(new_item(kind.as_deref())),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn buttons_move_remove_and_add_items_as_typed() {
        let mut v = json!({"destinations": [{"n": 0}, {"n": 1}, {"n": 2}]});
        ListEdit::parse("up:destinations:2").unwrap().apply(&mut v, |_| json!({}));
        assert_eq!(v["destinations"], json!([{"n": 0}, {"n": 2}, {"n": 1}]));
        ListEdit::parse("remove:destinations:0").unwrap().apply(&mut v, |_| json!({}));
        ListEdit::parse("down:destinations:0").unwrap().apply(&mut v, |_| json!({}));
        assert_eq!(v["destinations"], json!([{"n": 1}, {"n": 2}]));
        ListEdit::parse("add:destinations:email").unwrap().apply(&mut v, |k| json!({"type": k}));
        assert_eq!(v["destinations"][2], json!({"type": "email"}));
        ListEdit::parse("up:destinations:0").unwrap().apply(&mut v, |_| json!({}));
        assert_eq!(v["destinations"][0], json!({"n": 1}), "the first cannot move up");
        assert_eq!(ListEdit::parse("save"), None);
        assert_eq!(ListEdit::parse("up:columns:x"), None);
    }
}
