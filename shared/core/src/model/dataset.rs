//! The `dataset` report type's tables (the Data Pipeline seed for cloud
//! sites): which entities a source exports and each one's columns, types and
//! key. This is the contract `docs/dataset-schema.md` documents and the
//! files are written by; the order of `columns` is the order in every file.

/// A column's type, as the table definitions declare it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    /// Text; empty for null.
    String,
    /// A whole number (ids, counts, versions).
    Integer,
    /// An instant, ISO-8601 in UTC (`2026-01-31T09:15:00.123Z`).
    Timestamp,
    /// `true` or `false`.
    Boolean,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TableColumn {
    pub name: &'static str,
    pub kind: ColumnType,
}

/// One entity's table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Table {
    pub entity: &'static str,
    /// The columns that identify a row.
    pub key: &'static [&'static str],
    pub columns: &'static [TableColumn],
}

impl Table {
    pub fn headers(&self) -> Vec<String> {
        self.columns.iter().map(|c| c.name.to_string()).collect()
    }
}

const fn col(name: &'static str, kind: ColumnType) -> TableColumn {
    TableColumn { name, kind }
}

use ColumnType::{Boolean as B, Integer as I, String as S, Timestamp as T};

/// Confluence's tables, in export order (users last: they are the accounts
/// seen in the others).
pub const CONFLUENCE_TABLES: [Table; 5] = [
    Table {
        entity: "spaces",
        key: &["space_id"],
        columns: &[
            col("space_id", I),
            col("space_key", S),
            col("space_name", S),
            col("space_type", S),
            col("space_status", S),
            col("author_id", S),
            col("created_date", T),
            col("homepage_id", I),
            col("space_url", S),
        ],
    },
    Table {
        entity: "pages",
        key: &["page_id"],
        columns: &[
            col("page_id", I),
            col("space_id", I),
            col("page_title", S),
            col("page_status", S),
            col("parent_id", I),
            col("author_id", S),
            col("owner_id", S),
            col("last_modifier_id", S),
            col("created_date", T),
            col("updated_date", T),
            col("page_version", I),
            col("version_message", S),
            col("page_url", S),
            col("body_text", S),
            col("body_truncated", B),
        ],
    },
    Table {
        entity: "comments",
        key: &["comment_id"],
        columns: &[
            col("comment_id", I),
            col("comment_type", S),
            col("page_id", I),
            col("parent_comment_id", I),
            col("author_id", S),
            col("updated_date", T),
            col("comment_version", I),
            col("comment_status", S),
            col("resolution_status", S),
            col("inline_selection", S),
            col("body_text", S),
            col("body_truncated", B),
        ],
    },
    Table {
        entity: "labels",
        key: &["label_id", "content_id"],
        columns: &[
            col("label_id", I),
            col("label_name", S),
            col("label_prefix", S),
            col("content_id", I),
            col("content_type", S),
        ],
    },
    Table {
        entity: "users",
        key: &["account_id"],
        columns: &[
            col("account_id", S),
            col("display_name", S),
            col("email", S),
            col("account_type", S),
            col("account_status", S),
            col("time_zone", S),
        ],
    },
];

/// Jira's tables, in export order. Issue ids are Jira's numeric ids; users
/// are every account of the site's user search (`GET /users/search`).
pub const JIRA_TABLES: [Table; 6] = [
    Table {
        entity: "issues",
        key: &["issue_id"],
        columns: &[
            col("issue_id", I),
            col("issue_key", S),
            col("project_key", S),
            col("issue_type", S),
            col("summary", S),
            col("status", S),
            col("status_category", S),
            col("priority", S),
            col("resolution", S),
            col("assignee_id", S),
            col("reporter_id", S),
            col("parent_key", S),
            col("created_date", T),
            col("updated_date", T),
            col("resolution_date", T),
            col("due_date", S),
            col("description", S),
        ],
    },
    Table {
        entity: "issue_fields",
        key: &["issue_id", "field_id", "value"],
        columns: &[col("issue_id", I), col("issue_key", S), col("field_id", S), col("field_name", S), col("value", S)],
    },
    Table {
        entity: "issue_history",
        key: &["history_id", "item_index"],
        columns: &[
            col("issue_id", I),
            col("issue_key", S),
            col("history_id", I),
            col("item_index", I),
            col("author_id", S),
            col("created_date", T),
            col("field", S),
            col("field_id", S),
            col("from_value", S),
            col("from_string", S),
            col("to_value", S),
            col("to_string", S),
        ],
    },
    Table {
        entity: "worklogs",
        key: &["worklog_id"],
        columns: &[
            col("worklog_id", I),
            col("issue_id", I),
            col("issue_key", S),
            col("author_id", S),
            col("update_author_id", S),
            col("started_date", T),
            col("created_date", T),
            col("updated_date", T),
            col("time_spent_seconds", I),
            col("comment", S),
        ],
    },
    Table {
        entity: "sprints",
        key: &["sprint_id"],
        columns: &[
            col("sprint_id", I),
            col("sprint_name", S),
            col("sprint_state", S),
            col("board_id", I),
            col("board_name", S),
            col("start_date", T),
            col("end_date", T),
            col("complete_date", T),
            col("goal", S),
        ],
    },
    Table {
        entity: "users",
        key: &["account_id"],
        columns: &[
            col("account_id", S),
            col("display_name", S),
            col("email", S),
            col("account_type", S),
            col("active", B),
        ],
    },
];

/// Characters of a page's or comment's body kept as plain text unless the
/// report says otherwise: under a spreadsheet cell's 32,767 characters.
pub const DEFAULT_BODY_LENGTH: usize = 32_000;

/// The `dataset` options of a report (`"dataset": {...}` beside the other fields).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DatasetOptions {
    /// The entities to export, by name; empty: every entity of the source.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub entities: Vec<String>,
    /// Characters of a page's or comment's body kept as plain text
    /// (Confluence), 0–1,000,000; None: `DEFAULT_BODY_LENGTH`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_length: Option<u32>,
}

/// The report field the options live in, as errors name it.
pub const FIELD: &str = "dataset";
const MAX_BODY_LENGTH: u32 = 1_000_000;

impl DatasetOptions {
    /// Checks the options against the source's tables, naming the bad field.
    pub fn check(&self, tables: &[Table]) -> Result<(), crate::FieldError> {
        for (i, e) in self.entities.iter().enumerate() {
            if table(tables, e).is_none() {
                let names: Vec<&str> = tables.iter().map(|t| t.entity).collect();
                return Err(crate::FieldError::new(
                    format!("{FIELD}.entities[{i}]"),
                    format!("is not an entity of this source (it has {})", names.join(", ")),
                ));
            }
            if self.entities[..i].contains(e) {
                return Err(crate::FieldError::new(format!("{FIELD}.entities[{i}]"), "is listed twice"));
            }
        }
        if self.body_length.is_some_and(|n| n > MAX_BODY_LENGTH) {
            return Err(crate::FieldError::new(
                format!("{FIELD}.bodyLength"),
                "must be a whole number from 0 to 1000000",
            ));
        }
        Ok(())
    }

    /// The tables to write, in the source's order.
    pub fn chosen<'a>(&self, tables: &'a [Table]) -> Vec<&'a Table> {
        tables.iter().filter(|t| self.entities.is_empty() || self.entities.iter().any(|e| e == t.entity)).collect()
    }

    pub fn body_length(&self) -> usize {
        self.body_length.map_or(DEFAULT_BODY_LENGTH, |n| n as usize)
    }
}

/// The tables of a connection kind's dataset (none: the kind has no dataset).
pub fn tables_for(kind: crate::model::connection::ConnectionKind) -> &'static [Table] {
    match kind {
        crate::model::connection::ConnectionKind::Confluence => &CONFLUENCE_TABLES,
        crate::model::connection::ConnectionKind::Jira => &JIRA_TABLES,
        _ => &[],
    }
}

/// Where a running dataset export stands, as `GET /v1/exports/{id}` shows it
/// (`datasetProgress`): the entity being read and the rows of each entity
/// read so far, as of the last checkpoint.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct DatasetProgress {
    pub entity: String,
    pub rows: std::collections::BTreeMap<String, u64>,
}

impl DatasetProgress {
    /// Read from a dataset source's cursor, which carries `entity` (the one
    /// being read) and `rows` (rows per entity so far) for this purpose.
    pub fn from_cursor(cursor: &serde_json::Value) -> Option<DatasetProgress> {
        let entity = cursor.get("entity")?.as_str()?.to_string();
        let rows = cursor
            .get("rows")
            .and_then(|r| r.as_object())
            .map(|m| m.iter().filter_map(|(k, v)| v.as_u64().map(|n| (k.clone(), n))).collect())
            .unwrap_or_default();
        Some(DatasetProgress { entity, rows })
    }
}

/// The table of `entity` among `tables`.
pub fn table<'a>(tables: &'a [Table], entity: &str) -> Option<&'a Table> {
    tables.iter().find(|t| t.entity == entity)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_is_a_column_and_entities_are_unique() {
        for tables in [&CONFLUENCE_TABLES[..], &JIRA_TABLES[..]] {
            for t in tables {
                for k in t.key {
                    assert!(t.columns.iter().any(|c| c.name == *k), "{}: key {k}", t.entity);
                }
                assert_eq!(tables.iter().filter(|o| o.entity == t.entity).count(), 1);
            }
        }
        assert_eq!(table(&CONFLUENCE_TABLES, "pages").unwrap().headers()[2], "page_title");
    }

    #[test]
    fn options_name_a_bad_entity_or_body_length_and_choose_in_source_order() {
        let o = DatasetOptions { entities: vec!["users".into(), "pages".into()], body_length: Some(10) };
        o.check(&CONFLUENCE_TABLES).unwrap();
        let chosen: Vec<&str> = o.chosen(&CONFLUENCE_TABLES).iter().map(|t| t.entity).collect();
        assert_eq!(chosen, ["pages", "users"]);
        assert_eq!(DatasetOptions::default().chosen(&CONFLUENCE_TABLES).len(), 5);
        let bad = DatasetOptions { entities: vec!["pages".into(), "blogs".into()], body_length: None };
        assert_eq!(bad.check(&CONFLUENCE_TABLES).unwrap_err().field, "dataset.entities[1]");
        let twice = DatasetOptions { entities: vec!["pages".into(), "pages".into()], body_length: None };
        assert_eq!(twice.check(&CONFLUENCE_TABLES).unwrap_err().field, "dataset.entities[1]");
        let long = DatasetOptions { entities: vec![], body_length: Some(2_000_000) };
        assert_eq!(long.check(&CONFLUENCE_TABLES).unwrap_err().field, "dataset.bodyLength");
        assert_eq!(DatasetOptions::default().body_length(), DEFAULT_BODY_LENGTH);
    }
}
