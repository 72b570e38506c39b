//! The fields of a `dataset` report: every table's columns, named
//! `entity.column`, typed as the tables declare them.

use ferry_core::model::dataset::{ColumnType, Table};
use ferry_core::model::value::{FieldInfo, FieldType};

pub fn table_fields(tables: &[Table]) -> Vec<FieldInfo> {
    tables
        .iter()
        .flat_map(|t| {
            t.columns.iter().map(move |c| FieldInfo {
                id: format!("{}.{}", t.entity, c.name),
                name: format!("{} {}", t.entity, c.name),
                field_type: match c.kind {
                    ColumnType::String => FieldType::String,
                    ColumnType::Integer => FieldType::Number,
                    ColumnType::Timestamp => FieldType::Datetime,
                    ColumnType::Boolean => FieldType::Boolean,
                },
                custom: false,
            })
        })
        .collect()
}
