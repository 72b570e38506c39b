//! The pages' one form mechanism: a posted form (`application/x-www-form-urlencoded`)
//! becomes a JSON tree shaped like the API's body, which then goes through
//! the same typed decoding as the API (`ferry_core::json_input`), so a page
//! and a `/v1` client get the same input type and the same field paths in
//! their errors (`destinations[1].port`).
//!
//! A field's name is its path in bracket notation, with an optional kind
//! after a colon, for the few values a form can only send as text:
//!
//! - `name`, `settings[baseUrl]`, `destinations[3][url]`: text; an empty
//!   field is left out (the API's default applies).
//! - `…:int`: a whole number (text that is not one is kept as text, so the
//!   typed decoding names the field); empty is left out.
//! - `…:bool`: `true`/`on` or `false`; the last value wins, so a hidden
//!   `false` before a checkbox sends `false` when it is unchecked.
//! - `…:list`: comma-, semicolon- or line-separated text as a list; empty is
//!   left out.
//! - `…:secret`: a write-only secret: `•••` (how pages draw a stored one)
//!   is sent as the API's `***`, empty is left out; both keep the stored value.
//! - `…:headers`: `Name: value` lines as an object (`•••` values as `***`).
//! - `…:array`: makes the list at that path exist even with no items
//!   (removing the last destination is a choice, not "left out").
//! - `…[]`: one more item of a list (checkbox groups: `recurrence[weekdays][]`).
//!
//! A number in brackets (`destinations[3]`) names a list item, not its
//! position: items come in the order the form sends them. So a row moved by
//! script or by a server round trip keeps its number, and a new row takes
//! any unused one. Names starting with `_` (buttons' actions) and `csrf` are
//! the page's own and not part of the input.

use ferry_core::json_input::from_json_value;
use ferry_core::{CoreError, FieldError};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::fields::SHOWN_SECRET;

/// The API's placeholder for a stored secret.
const API_SECRET: &str = "***";

/// A value's kind, from the name's `:kind` suffix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Text,
    Int,
    Bool,
    List,
    Secret,
    Headers,
    Array,
}

impl Kind {
    fn parse(suffix: &str) -> Option<Kind> {
        Some(match suffix {
            "int" => Kind::Int,
            "bool" => Kind::Bool,
            "list" => Kind::List,
            "secret" => Kind::Secret,
            "headers" => Kind::Headers,
            "array" => Kind::Array,
            _ => return None,
        })
    }
}

/// One step of a name's path.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    Key(String),
    /// `[3]`: the item numbered 3 of a list.
    Item(String),
    /// `[]`: a new item at the end of a list.
    Push,
}

/// The tree being built: lists keep their items in the order first seen.
#[derive(Debug)]
enum Node {
    Leaf(Value),
    /// Keys are always `Some`; the same shape as a list's keeps one `entry`.
    Object(Vec<(Option<String>, Node)>),
    List(Vec<(Option<String>, Node)>),
}

/// Whether a posted name is the page's own (CSRF token, a button's action).
pub fn is_control(name: &str) -> bool {
    name == "csrf" || name.starts_with('_')
}

/// The value of a control field (`_action`, `csrf`): the last one sent.
pub fn control<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs.iter().rev().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
}

/// A posted form as the API's JSON body.
pub fn tree(pairs: &[(String, String)]) -> Result<Value, CoreError> {
    let mut root = Node::Object(Vec::new());
    for (name, raw) in pairs {
        if is_control(name) {
            continue;
        }
        let (path, kind) = split_name(name).ok_or_else(|| bad_name(name))?;
        let value = leaf(kind, raw);
        insert(&mut root, &path, kind, value).map_err(|()| bad_name(name))?;
    }
    Ok(into_value(root))
}

/// A posted form decoded into the API's input type `T`: unknown names are
/// refused as the API refuses unknown fields, each error names its field.
pub fn decode<T: DeserializeOwned>(body: &Value) -> Result<T, CoreError> {
    from_json_value::<T>(body, "").map_err(CoreError::from)
}

fn bad_name(name: &str) -> CoreError {
    CoreError::from(FieldError::new(name.to_string(), "is not a field of this form"))
}

/// `a[b][3][]:list` → ([a, b, Item 3, Push], List).
fn split_name(name: &str) -> Option<(Vec<Step>, Kind)> {
    let (path, kind) = match name.rsplit_once(':') {
        Some((path, suffix)) => (path, Kind::parse(suffix)?),
        None => (name, Kind::Text),
    };
    let head_end = path.find('[').unwrap_or(path.len());
    let head = &path[..head_end];
    if head.is_empty() {
        return None;
    }
    let mut steps = vec![Step::Key(head.to_string())];
    let mut rest = &path[head_end..];
    while !rest.is_empty() {
        let inner_end = rest.strip_prefix('[')?.find(']')? + 1;
        let inner = &rest[1..inner_end];
        steps.push(if inner.is_empty() {
            Step::Push
        } else if inner.bytes().all(|b| b.is_ascii_digit()) {
            Step::Item(inner.to_string())
        } else {
            Step::Key(inner.to_string())
        });
        rest = &rest[inner_end + 1..];
    }
    // `[]` only last: a new item is a value, never a container.
    if steps[..steps.len() - 1].contains(&Step::Push) {
        return None;
    }
    Some((steps, kind))
}

/// The JSON value of one posted text; None leaves the field out.
fn leaf(kind: Kind, raw: &str) -> Option<Value> {
    let trimmed = raw.trim();
    match kind {
        Kind::Text => (!raw.is_empty()).then(|| Value::String(raw.to_string())),
        Kind::Int if trimmed.is_empty() => None,
        Kind::Int => Some(trimmed.parse::<i64>().map_or_else(|_| Value::String(raw.to_string()), Value::from)),
        Kind::Bool => Some(Value::Bool(matches!(trimmed, "true" | "on" | "1"))),
        Kind::List => {
            let items: Vec<Value> = trimmed
                .split([',', ';', '\n'])
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| Value::String(s.to_string()))
                .collect();
            (!items.is_empty()).then_some(Value::Array(items))
        }
        Kind::Secret if raw.is_empty() => None,
        Kind::Secret => Some(Value::String(if trimmed == SHOWN_SECRET { API_SECRET.into() } else { raw.to_string() })),
        Kind::Headers => Some(Value::Object(headers(raw))),
        Kind::Array => None,
    }
}

/// `Name: value` lines; a value drawn as `•••` is the stored one (`***`).
fn headers(raw: &str) -> Map<String, Value> {
    let mut out = Map::new();
    for line in raw.lines().filter(|l| !l.trim().is_empty()) {
        let (name, value) = line.split_once(':').unwrap_or((line, ""));
        let value = value.trim();
        let value = if value == SHOWN_SECRET { API_SECRET } else { value };
        out.insert(name.trim().to_string(), Value::String(value.to_string()));
    }
    out
}

/// Puts `value` at `path`, making the objects and lists on the way.
/// `Err(())`: the name clashes with another (`a` and `a[b]`).
fn insert(node: &mut Node, path: &[Step], kind: Kind, value: Option<Value>) -> Result<(), ()> {
    let Some((step, rest)) = path.split_first() else {
        match (kind, value) {
            (Kind::Array, _) => {
                if let Node::Leaf(Value::Null) = node {
                    *node = Node::List(Vec::new());
                }
                return if matches!(node, Node::List(_)) { Ok(()) } else { Err(()) };
            }
            (_, Some(v)) => *node = Node::Leaf(v),
            (_, None) => {}
        }
        return Ok(());
    };
    if let Node::Leaf(Value::Null) = node {
        *node = match step {
            Step::Key(_) => Node::Object(Vec::new()),
            Step::Item(_) | Step::Push => Node::List(Vec::new()),
        };
    }
    let child = match (node, step) {
        (Node::Object(entries), Step::Key(key)) => entry(entries, key),
        (Node::List(items), Step::Item(n)) => entry(items, n),
        (Node::List(items), Step::Push) => {
            items.push((None, Node::Leaf(Value::Null)));
            &mut items.last_mut().ok_or(())?.1
        }
        _ => return Err(()),
    };
    insert(child, rest, kind, value)
}

/// The child named `key` (made empty when new).
fn entry<'a>(entries: &'a mut Vec<(Option<String>, Node)>, key: &str) -> &'a mut Node {
    let at = match entries.iter().position(|(k, _)| k.as_deref() == Some(key)) {
        Some(at) => at,
        None => {
            entries.push((Some(key.to_string()), Node::Leaf(Value::Null)));
            entries.len() - 1
        }
    };
    &mut entries[at].1
}

fn into_value(node: Node) -> Value {
    match node {
        Node::Leaf(v) => v,
        Node::Object(entries) => Value::Object(
            entries
                .into_iter()
                .filter(|(_, n)| !matches!(n, Node::Leaf(Value::Null)))
                .map(|(k, n)| (k.unwrap_or_default(), into_value(n)))
                .collect(),
        ),
        Node::List(items) => Value::Array(
            items
                .into_iter()
                .filter(|(_, n)| !matches!(n, Node::Leaf(Value::Null)))
                .map(|(_, n)| into_value(n))
                .collect(),
        ),
    }
}

#[cfg(test)]
#[path = "form_input_tests.rs"]
mod tests;
