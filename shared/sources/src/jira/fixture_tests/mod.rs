//! Parsing tests against real Jira payloads written by others (the copies
//! in `fixtures/`, see its README): every fixture is parsed the way
//! an export parses Jira's answers, and its rows are compared cell by cell.

mod adf_document;
mod airbyte;
mod demisto;
mod jira_cli;
mod jira_ruby;
mod openapi_examples;

use ferry_core::model::report::{Column, ReportType};
use ferry_core::model::value::{Row, Value};
use serde_json::Value as Json;

use super::columns::RowPlan;
use super::fields::FieldCatalog;

/// A fixture file, parsed. Panics with where it was looked for when missing.
pub fn fixture(relative: &str) -> Json {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures");
    let path = std::path::Path::new(root).join(relative);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "Jira fixture {} is missing ({e}); the tests read the repository's fixtures/ folder (see its README)",
            path.display()
        )
    });
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("fixture {} is not JSON: {e}", path.display()))
}

/// A catalog as `GET /field` would give it: `(id, name, schema type)`.
pub fn catalog(fields: &[(&str, &str, &str)]) -> FieldCatalog {
    FieldCatalog::from_json(
        fields
            .iter()
            .map(|(id, name, kind)| {
                serde_json::json!({"id": id, "name": name, "custom": id.starts_with("customfield_"), "schema": {"type": kind}})
            })
            .collect(),
    )
}

pub fn plan(catalog: &FieldCatalog, report_type: ReportType, columns: &[&str]) -> RowPlan {
    let columns: Vec<Column> = columns.iter().map(|c| Column::new(c)).collect();
    RowPlan::resolve(catalog, report_type, &columns).unwrap_or_else(|e| panic!("columns resolve: {e}"))
}

pub fn text(s: &str) -> Value {
    Value::Text(s.to_string())
}

pub fn list(items: &[&str]) -> Value {
    Value::List(items.iter().map(|s| s.to_string()).collect())
}

pub fn at(s: &str) -> Value {
    Value::DateTime(s.parse().unwrap_or_else(|e| panic!("{s}: {e}")))
}

/// Compares rows cell by cell, naming the first difference.
pub fn assert_rows(actual: &[Row], expected: &[Row], headers: &[&str]) {
    assert_eq!(actual.len(), expected.len(), "row count");
    for (r, (a, e)) in actual.iter().zip(expected).enumerate() {
        assert_eq!(a.len(), e.len(), "row {r}: cell count");
        for (c, (x, y)) in a.iter().zip(e).enumerate() {
            assert_eq!(x, y, "row {r}, column {} ({})", c, headers.get(c).unwrap_or(&"?"));
        }
    }
}
