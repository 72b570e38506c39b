//! What a report reads, with the options that belong to that kind only:
//! `timeInStatus` options on a `timeInStatus` report, `dataset` options on a
//! `dataset` report. A report whose type and options do not fit cannot be
//! built ([`ReportKind::from_fields`]).
//!
//! The API and stored documents keep the flat fields (`reportType` beside
//! an optional `timeInStatus` or `dataset` object, [`ReportKindFields`]);
//! serde goes through them both ways.

use serde::{Deserialize, Serialize};

use super::dataset::{self, DatasetOptions};
use super::time_in_status::{self, TimeInStatusOptions};
use crate::error::FieldError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ReportType {
    Issues,
    Worklogs,
    /// Time per status from the changelog (Jira).
    #[serde(rename = "timeInStatus", alias = "timeinstatus")]
    TimeInStatus,
    /// A whole site as tables, one CSV file per entity in one zip (the Data Pipeline seed).
    Dataset,
}

impl ReportType {
    pub fn as_str(self) -> &'static str {
        match self {
            ReportType::Issues => "issues",
            ReportType::Worklogs => "worklogs",
            ReportType::TimeInStatus => "timeInStatus",
            ReportType::Dataset => "dataset",
        }
    }
}

/// A report's kind with its options (None: that kind's defaults).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "ReportKindFields", into = "ReportKindFields")]
pub enum ReportKind {
    Issues,
    Worklogs,
    TimeInStatus { options: Option<TimeInStatusOptions> },
    Dataset { options: Option<DatasetOptions> },
}

/// A report's kind as the API and the stored documents spell it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReportKindFields {
    pub report_type: ReportType,
    /// The `timeInStatus` report type's options.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_in_status: Option<TimeInStatusOptions>,
    /// The `dataset` report type's options.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dataset: Option<DatasetOptions>,
}

impl ReportKind {
    /// The kind the flat fields describe; options given to a type they do
    /// not belong to are an error naming the options' field.
    pub fn from_fields(f: ReportKindFields) -> Result<Self, FieldError> {
        let misplaced = |field: &str, owner: &str| {
            FieldError::new(field, format!("applies only to reports of type {owner}, not {}", f.report_type.as_str()))
        };
        if f.time_in_status.is_some() && f.report_type != ReportType::TimeInStatus {
            return Err(misplaced(time_in_status::FIELD, ReportType::TimeInStatus.as_str()));
        }
        if f.dataset.is_some() && f.report_type != ReportType::Dataset {
            return Err(misplaced(dataset::FIELD, ReportType::Dataset.as_str()));
        }
        Ok(match f.report_type {
            ReportType::Issues => ReportKind::Issues,
            ReportType::Worklogs => ReportKind::Worklogs,
            ReportType::TimeInStatus => ReportKind::TimeInStatus { options: f.time_in_status },
            ReportType::Dataset => ReportKind::Dataset { options: f.dataset },
        })
    }

    pub fn report_type(&self) -> ReportType {
        match self {
            ReportKind::Issues => ReportType::Issues,
            ReportKind::Worklogs => ReportType::Worklogs,
            ReportKind::TimeInStatus { .. } => ReportType::TimeInStatus,
            ReportKind::Dataset { .. } => ReportType::Dataset,
        }
    }

    /// The `timeInStatus` options, when this is that kind and they were given.
    pub fn time_in_status(&self) -> Option<&TimeInStatusOptions> {
        match self {
            ReportKind::TimeInStatus { options } => options.as_ref(),
            _ => None,
        }
    }

    /// The `dataset` options, when this is that kind and they were given.
    pub fn dataset(&self) -> Option<&DatasetOptions> {
        match self {
            ReportKind::Dataset { options } => options.as_ref(),
            _ => None,
        }
    }

    /// The kind without options (their defaults).
    pub fn plain(report_type: ReportType) -> Self {
        match report_type {
            ReportType::Issues => ReportKind::Issues,
            ReportType::Worklogs => ReportKind::Worklogs,
            ReportType::TimeInStatus => ReportKind::TimeInStatus { options: None },
            ReportType::Dataset => ReportKind::Dataset { options: None },
        }
    }
}

impl TryFrom<ReportKindFields> for ReportKind {
    type Error = FieldError;

    fn try_from(f: ReportKindFields) -> Result<Self, FieldError> {
        ReportKind::from_fields(f)
    }
}

impl From<ReportKind> for ReportKindFields {
    fn from(k: ReportKind) -> Self {
        let report_type = k.report_type();
        let (time_in_status, dataset) = match k {
            ReportKind::TimeInStatus { options } => (options, None),
            ReportKind::Dataset { options } => (None, options),
            ReportKind::Issues | ReportKind::Worklogs => (None, None),
        };
        ReportKindFields { report_type, time_in_status, dataset }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn kind(v: serde_json::Value) -> Result<ReportKind, FieldError> {
        ReportKind::from_fields(serde_json::from_value(v).expect("the fields read"))
    }

    #[test]
    fn options_on_a_type_they_do_not_belong_to_are_refused_naming_their_field() {
        for (v, field) in [
            (json!({"reportType": "issues", "timeInStatus": {}}), "timeInStatus"),
            (json!({"reportType": "dataset", "timeInStatus": {}}), "timeInStatus"),
            (json!({"reportType": "worklogs", "dataset": {"entities": ["issues"]}}), "dataset"),
            (json!({"reportType": "timeInStatus", "dataset": {}}), "dataset"),
        ] {
            let err = kind(v.clone()).expect_err("refused");
            assert_eq!(err.field, field, "{v}");
            assert!(err.message.starts_with("applies only to reports of type"), "{err}");
        }
    }

    #[test]
    fn each_type_carries_its_own_options() {
        let k = kind(json!({"reportType": "dataset", "dataset": {"entities": ["issues"]}})).unwrap();
        assert_eq!(k.dataset().map(|d| d.entities.clone()), Some(vec!["issues".to_string()]));
        assert_eq!(k.time_in_status(), None);
        let k = kind(json!({"reportType": "timeInStatus", "timeInStatus": {}})).unwrap();
        assert!(k.time_in_status().is_some());
        assert_eq!(kind(json!({"reportType": "issues"})).unwrap(), ReportKind::Issues);
    }

    #[test]
    fn the_flat_fields_read_back_unchanged() {
        for v in [
            json!({"reportType": "issues"}),
            json!({"reportType": "dataset", "dataset": {"entities": ["issues"], "bodyLength": 10}}),
            json!({"reportType": "dataset"}),
        ] {
            let k: ReportKind = serde_json::from_value(v.clone()).unwrap();
            assert_eq!(serde_json::to_value(&k).unwrap(), v);
        }
        let refused = serde_json::from_value::<ReportKind>(json!({"reportType": "issues", "dataset": {}}));
        assert!(refused.unwrap_err().to_string().contains("dataset"));
    }
}
