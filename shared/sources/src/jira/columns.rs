//! A report's columns resolved against the site: where each cell comes from
//! (the issue key or id, a Jira field, or a `worklog.*` column), which fields
//! the search must ask for, and the rows built from Jira's answers.

use ferry_core::model::report::{Column, ReportType};
use ferry_core::model::value::{Row, Value};
use ferry_core::FieldError;

use super::fields::{FieldCatalog, ResolvedField};
use super::search::Issue;
use super::values::render;
use super::worklogs::{Worklog, WorklogField};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CellSource {
    Key,
    Id,
    Field(ResolvedField),
    Worklog(WorklogField),
}

/// The cells of a row, in column order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowPlan {
    cells: Vec<CellSource>,
}

/// The `worklog.*` column a field names, checked against the report type;
/// None for other fields (those need the site's field list).
fn worklog_column(report_type: ReportType, index: usize, field: &str) -> Option<Result<WorklogField, FieldError>> {
    if !field.starts_with("worklog.") {
        return None;
    }
    Some(match (report_type, WorklogField::parse(field)) {
        (ReportType::Worklogs, Some(w)) => Ok(w),
        (ReportType::Worklogs, None) => Err(FieldError::new(
            format!("columns[{index}].field"),
            format!("unknown worklog column \"{field}\"; worklogs reports have {}", WorklogField::ids()),
        )),
        (other, _) => Err(FieldError::new(
            format!("columns[{index}].field"),
            format!("\"{field}\" is a column of worklogs reports, not of {} reports", other.as_str()),
        )),
    })
}

/// What can be checked when a report is saved, without asking the site:
/// the `worklog.*` columns.
pub fn check_columns(report_type: ReportType, columns: &[Column]) -> Result<(), FieldError> {
    for (i, c) in columns.iter().enumerate() {
        if let Some(Err(e)) = worklog_column(report_type, i, c.field.trim()) {
            return Err(e);
        }
    }
    Ok(())
}

impl RowPlan {
    /// Resolves every column; the first that fails is named (`columns[i].field`).
    pub fn resolve(catalog: &FieldCatalog, report_type: ReportType, columns: &[Column]) -> Result<RowPlan, FieldError> {
        let cells = columns
            .iter()
            .enumerate()
            .map(|(i, c)| match c.field.trim() {
                "key" | "issuekey" => Ok(CellSource::Key),
                "id" => Ok(CellSource::Id),
                f => match worklog_column(report_type, i, f) {
                    Some(w) => w.map(CellSource::Worklog),
                    None => catalog.resolve(i, f).map(CellSource::Field),
                },
            })
            .collect::<Result<_, _>>()?;
        Ok(RowPlan { cells })
    }

    /// The Jira fields the search must return, each once, in column order.
    pub fn field_ids(&self) -> Vec<String> {
        let mut ids: Vec<String> = Vec::new();
        for cell in &self.cells {
            if let CellSource::Field(f) = cell {
                if !ids.contains(&f.id) {
                    ids.push(f.id.clone());
                }
            }
        }
        ids
    }

    /// The row of an issues report.
    pub fn issue_row(&self, issue: &Issue) -> Row {
        self.cells.iter().map(|c| issue_cell(c, issue)).collect()
    }

    /// The row of one worklog, with its issue's columns.
    pub fn worklog_row(&self, issue: &Issue, worklog: &Worklog) -> Row {
        self.cells
            .iter()
            .map(|c| match c {
                CellSource::Worklog(w) => w.value(worklog),
                other => issue_cell(other, issue),
            })
            .collect()
    }
}

fn issue_cell(cell: &CellSource, issue: &Issue) -> Value {
    match cell {
        CellSource::Key => Value::Text(issue.key_text()),
        CellSource::Id => Value::Text(issue.id_text()),
        CellSource::Field(f) => issue.fields.get(&f.id).map_or(Value::Null, |v| render(v, f.kind)),
        CellSource::Worklog(_) => Value::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn catalog() -> FieldCatalog {
        FieldCatalog::from_json(vec![
            json!({"id": "summary", "name": "Summary", "schema": {"type": "string"}}),
            json!({"id": "created", "name": "Created", "schema": {"type": "datetime"}}),
            json!({"id": "customfield_10016", "name": "Story Points", "custom": true, "schema": {"type": "number"}}),
        ])
    }

    fn columns(ids: &[&str]) -> Vec<Column> {
        ids.iter().map(|c| Column::new(c)).collect()
    }

    #[test]
    fn issue_rows_follow_the_columns() {
        let plan = RowPlan::resolve(
            &catalog(),
            ReportType::Issues,
            &columns(&["key", "Story Points", "created", "summary", "id", "summary"]),
        )
        .unwrap();
        assert_eq!(plan.field_ids(), ["customfield_10016", "created", "summary"]);
        let issue: Issue = serde_json::from_value(json!({"id": "7", "key": "A-1", "fields": {
            "summary": "Hello", "created": "2020-12-03T14:05:20.974+0100", "customfield_10016": 3}}))
        .unwrap();
        assert_eq!(
            plan.issue_row(&issue),
            vec![
                Value::Text("A-1".into()),
                Value::Int(3),
                Value::DateTime("2020-12-03T13:05:20.974Z".parse().unwrap()),
                Value::Text("Hello".into()),
                Value::Text("7".into()),
                Value::Text("Hello".into()),
            ]
        );
    }

    #[test]
    fn worklog_columns_are_checked_when_the_report_is_saved() {
        check_columns(ReportType::Worklogs, &columns(&["key", "worklog.author", "customfield_1"])).unwrap();
        assert_eq!(
            check_columns(ReportType::Issues, &columns(&["key", "worklog.author"])).unwrap_err().field,
            "columns[1].field"
        );
        assert_eq!(
            check_columns(ReportType::Worklogs, &columns(&["worklog.nope"])).unwrap_err().field,
            "columns[0].field"
        );
    }

    #[test]
    fn worklog_columns_belong_to_worklogs_reports() {
        let err = RowPlan::resolve(&catalog(), ReportType::Issues, &columns(&["key", "worklog.author"])).unwrap_err();
        assert_eq!(err.field, "columns[1].field");
        let err = RowPlan::resolve(&catalog(), ReportType::Worklogs, &columns(&["worklog.nope"])).unwrap_err();
        assert!(err.message.contains("worklog.timeSpentSeconds"), "{}", err.message);
        let plan =
            RowPlan::resolve(&catalog(), ReportType::Worklogs, &columns(&["key", "worklog.timeSpentSeconds"])).unwrap();
        let issue: Issue = serde_json::from_value(json!({"id": "7", "key": "A-1", "fields": {}})).unwrap();
        let w: Worklog = serde_json::from_value(json!({"timeSpentSeconds": 60})).unwrap();
        assert_eq!(plan.worklog_row(&issue, &w), vec![Value::Text("A-1".into()), Value::Int(60)]);
    }
}
