//! Reports: saved export configurations, owned by one user, private or public.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::format_options::{Format, FormatOptionsInput};
pub use super::report_kind::{ReportKind, ReportType};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Visibility {
    #[default]
    Private,
    Public,
}

/// One output column: a source field and its header (defaults to the field).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Column {
    pub field: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub header: Option<String>,
}

impl Column {
    pub fn new(field: &str) -> Self {
        Column { field: field.to_string(), header: None }
    }
    pub fn header(&self) -> &str {
        self.header.as_deref().unwrap_or(&self.field)
    }
}

pub const DEFAULT_FILE_NAME: &str = "{{reportSlug}}_{{exportId}}_{{timestamp}}.{{ext}}";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    pub id: String,
    pub name: String,
    pub owner: String,
    pub visibility: Visibility,
    pub connection_id: String,
    /// `reportType` and the options of that type (`timeInStatus`, `dataset`).
    #[serde(flatten)]
    pub kind: ReportKind,
    pub query: Option<String>,
    /// As saved; empty means the report type's default set.
    pub columns: Vec<Column>,
    pub format: Format,
    pub format_options: FormatOptionsInput,
    pub file_name: String,
    pub compress: bool,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

impl Report {
    pub fn report_type(&self) -> ReportType {
        self.kind.report_type()
    }

    /// Lowercase ASCII letters and digits, other runs become one `-`.
    pub fn slug(&self) -> String {
        slugify(&self.name)
    }
}

pub fn slugify(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut dash = false;
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
            dash = false;
        } else if !dash && !out.is_empty() {
            out.push('-');
            dash = true;
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    if out.is_empty() {
        out.push_str("report");
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn slug_keeps_ascii_words() {
        assert_eq!(super::slugify("Weekly: Bugs & Ops!"), "weekly-bugs-ops");
        assert_eq!(super::slugify("Ünïcode"), "n-code");
        assert_eq!(super::slugify("!!"), "report");
    }
}
