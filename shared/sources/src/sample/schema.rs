//! The fixed schema of the sample tracker's `issues`: field names, types,
//! default columns, and the checks a report over it must pass.

use ferry_core::model::report::{Column, ReportType};
use ferry_core::model::value::{FieldInfo, FieldType};
use ferry_core::FieldError;

/// A field of a sample issue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SampleField {
    Key,
    Summary,
    Status,
    Assignee,
    Priority,
    Labels,
    Created,
    Updated,
    TimeSpent,
    Description,
}

impl SampleField {
    /// Every field, in the order of the default columns.
    pub const ALL: [SampleField; 10] = [
        SampleField::Key,
        SampleField::Summary,
        SampleField::Status,
        SampleField::Assignee,
        SampleField::Priority,
        SampleField::Labels,
        SampleField::Created,
        SampleField::Updated,
        SampleField::TimeSpent,
        SampleField::Description,
    ];

    /// The field's id, as columns name it.
    pub fn id(self) -> &'static str {
        match self {
            SampleField::Key => "key",
            SampleField::Summary => "summary",
            SampleField::Status => "status",
            SampleField::Assignee => "assignee",
            SampleField::Priority => "priority",
            SampleField::Labels => "labels",
            SampleField::Created => "created",
            SampleField::Updated => "updated",
            SampleField::TimeSpent => "timeSpent",
            SampleField::Description => "description",
        }
    }

    /// The field's display name.
    pub fn name(self) -> &'static str {
        match self {
            SampleField::Key => "Key",
            SampleField::Summary => "Summary",
            SampleField::Status => "Status",
            SampleField::Assignee => "Assignee",
            SampleField::Priority => "Priority",
            SampleField::Labels => "Labels",
            SampleField::Created => "Created",
            SampleField::Updated => "Updated",
            SampleField::TimeSpent => "Time spent",
            SampleField::Description => "Description",
        }
    }

    /// The field's type.
    pub fn field_type(self) -> FieldType {
        match self {
            SampleField::Labels => FieldType::Array,
            SampleField::Created | SampleField::Updated => FieldType::Datetime,
            SampleField::TimeSpent => FieldType::Number,
            _ => FieldType::String,
        }
    }

    /// The field with this id.
    pub fn parse(id: &str) -> Option<SampleField> {
        SampleField::ALL.into_iter().find(|f| f.id() == id)
    }
}

/// The ten sample fields, headers equal to the field ids.
pub fn default_columns() -> Vec<Column> {
    SampleField::ALL.iter().map(|f| Column::new(f.id())).collect()
}

/// The fields a sample report can use.
pub fn field_infos() -> Vec<FieldInfo> {
    SampleField::ALL
        .iter()
        .map(|f| FieldInfo { id: f.id().into(), name: f.name().into(), field_type: f.field_type(), custom: false })
        .collect()
}

/// Checks the report type and resolves the columns to fields, in order.
pub fn check_report(report_type: ReportType, columns: &[Column]) -> Result<Vec<SampleField>, FieldError> {
    if report_type != ReportType::Issues {
        return Err(FieldError::new(
            "reportType",
            format!("sample connections support only the report type issues, not {}", report_type.as_str()),
        ));
    }
    columns
        .iter()
        .enumerate()
        .map(|(index, column)| {
            SampleField::parse(&column.field).ok_or_else(|| {
                let valid: Vec<&str> = SampleField::ALL.iter().map(|f| f.id()).collect();
                FieldError::new(
                    format!("columns[{index}].field"),
                    format!("unknown field \"{}\"; sample issues have {}", column.field, valid.join(", ")),
                )
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_columns_are_the_ten_fields_in_order() {
        let ids: Vec<String> = default_columns().into_iter().map(|c| c.header().to_string()).collect();
        assert_eq!(
            ids,
            [
                "key",
                "summary",
                "status",
                "assignee",
                "priority",
                "labels",
                "created",
                "updated",
                "timeSpent",
                "description"
            ]
        );
    }

    #[test]
    fn an_unknown_column_is_named_by_its_index_and_the_valid_fields_listed() {
        let columns = [Column::new("key"), Column::new("summary"), Column::new("sumary")];
        let err = check_report(ReportType::Issues, &columns).unwrap_err();
        assert_eq!(err.field, "columns[2].field");
        assert_eq!(
            err.message,
            "unknown field \"sumary\"; sample issues have key, summary, status, assignee, priority, labels, created, updated, timeSpent, description"
        );
    }

    #[test]
    fn worklogs_are_refused_on_the_report_type() {
        let err = check_report(ReportType::Worklogs, &[]).unwrap_err();
        assert_eq!(err.field, "reportType");
    }

    #[test]
    fn known_columns_resolve_in_their_order() {
        let columns = [Column::new("description"), Column::new("key"), Column::new("key")];
        let fields = check_report(ReportType::Issues, &columns).unwrap();
        assert_eq!(fields, [SampleField::Description, SampleField::Key, SampleField::Key]);
    }
}
