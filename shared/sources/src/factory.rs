//! `Sources`: the one `SourceFactory` of every runtime, dispatching on the
//! connection's kind.

use async_trait::async_trait;
use ferry_core::model::connection::{Connection, ConnectionKind};
use ferry_core::model::report::{Column, ReportType};
use ferry_core::model::value::FieldInfo;
use ferry_core::ports::source::{
    ConnectionCheck, RowSource, SiteUser, SourceError, SourceFactory, SourceRequest, UserAddress,
};
use ferry_core::FieldError;

use crate::sample::{self, SampleReader};
use crate::{confluence, jira};

/// Rows per page of the sample source unless told otherwise.
pub const DEFAULT_PAGE_ROWS: usize = 5_000;

/// Every source Ferry can read.
#[derive(Debug, Clone)]
pub struct Sources {
    page_rows: usize,
}

impl Default for Sources {
    fn default() -> Self {
        Self::new()
    }
}

impl Sources {
    /// Sources with the default page size (5,000 sample rows).
    pub fn new() -> Self {
        Self::with_page_rows(DEFAULT_PAGE_ROWS)
    }

    /// Sources whose sample pages hold `page_rows` rows (at least 1); small
    /// pages let tests cross page boundaries with few rows.
    pub fn with_page_rows(page_rows: usize) -> Self {
        Sources { page_rows: page_rows.max(1) }
    }
}

#[async_trait]
impl SourceFactory for Sources {
    fn default_columns(&self, connection: &Connection, report_type: ReportType) -> Vec<Column> {
        match connection.kind {
            ConnectionKind::Sample => sample::default_columns(),
            ConnectionKind::Jira => jira::default_columns(report_type),
            ConnectionKind::Confluence => Vec::new(),
        }
    }

    fn check_report(
        &self,
        connection: &Connection,
        report_type: ReportType,
        columns: &[Column],
    ) -> Result<(), FieldError> {
        match connection.kind {
            ConnectionKind::Sample => sample::check_report(report_type, columns).map(drop),
            // Other Jira fields (custom ones included) are only known by asking the site.
            ConnectionKind::Jira => jira::check_report(report_type, columns),
            ConnectionKind::Confluence => confluence::check_report(report_type, columns),
        }
    }

    fn check_settings(&self, connection: &Connection, allow_private_networks: bool) -> Result<(), FieldError> {
        match connection.kind {
            ConnectionKind::Sample => sample::parse_settings(&connection.settings).map(drop),
            ConnectionKind::Jira => jira::check_settings(connection, allow_private_networks),
            ConnectionKind::Confluence => confluence::check_settings(connection, allow_private_networks),
        }
    }

    async fn test_connection(
        &self,
        connection: &Connection,
        allow_private_networks: bool,
    ) -> Result<ConnectionCheck, SourceError> {
        match connection.kind {
            ConnectionKind::Sample => {
                sample::parse_settings(&connection.settings).map_err(SourceError::Invalid)?;
                Ok(ConnectionCheck { user: "sample".into(), site: "sample".into() })
            }
            ConnectionKind::Jira => jira::test_connection(connection, allow_private_networks).await,
            ConnectionKind::Confluence => confluence::test_connection(connection, allow_private_networks).await,
        }
    }

    async fn fields(
        &self,
        connection: &Connection,
        report_type: ReportType,
        allow_private_networks: bool,
    ) -> Result<Vec<FieldInfo>, SourceError> {
        match connection.kind {
            ConnectionKind::Sample => {
                sample::check_report(report_type, &[]).map_err(SourceError::Invalid)?;
                Ok(sample::field_infos())
            }
            ConnectionKind::Jira if report_type == ReportType::Dataset => {
                Ok(crate::dataset_fields::table_fields(&ferry_core::model::dataset::JIRA_TABLES))
            }
            ConnectionKind::Jira => jira::fields(connection, report_type, allow_private_networks).await,
            ConnectionKind::Confluence => confluence::fields(report_type).await,
        }
    }

    async fn open(&self, request: SourceRequest) -> Result<Box<dyn RowSource>, SourceError> {
        match request.connection.kind {
            ConnectionKind::Sample => {
                let settings = sample::parse_settings(&request.connection.settings).map_err(SourceError::Invalid)?;
                let fields =
                    sample::check_report(request.kind.report_type(), &request.columns).map_err(SourceError::Invalid)?;
                Ok(Box::new(SampleReader::new(settings, fields, request.from_date, self.page_rows)))
            }
            ConnectionKind::Jira => jira::open(request).await,
            ConnectionKind::Confluence => confluence::open(request).await,
        }
    }

    async fn user_address(
        &self,
        connection: &Connection,
        account_id: &str,
        allow_private_networks: bool,
    ) -> Result<UserAddress, SourceError> {
        match connection.kind {
            ConnectionKind::Jira => jira::user_address(connection, account_id, allow_private_networks).await,
            kind @ (ConnectionKind::Sample | ConnectionKind::Confluence) => Err(SourceError::Invalid(FieldError::new(
                "toUsers",
                format!("{} connections have no users; toUsers needs a Jira connection", kind.as_str()),
            ))),
        }
    }

    async fn user_name(
        &self,
        connection: &Connection,
        account_id: &str,
        allow_private_networks: bool,
    ) -> Result<Option<String>, SourceError> {
        match connection.kind {
            ConnectionKind::Jira => jira::user_name(connection, account_id, allow_private_networks).await,
            ConnectionKind::Sample | ConnectionKind::Confluence => Ok(None),
        }
    }

    async fn search_users(
        &self,
        connection: &Connection,
        query: &str,
        allow_private_networks: bool,
    ) -> Result<Vec<SiteUser>, SourceError> {
        match connection.kind {
            ConnectionKind::Jira => jira::search_users(connection, query, allow_private_networks).await,
            kind @ (ConnectionKind::Sample | ConnectionKind::Confluence) => Err(SourceError::Invalid(FieldError::new(
                "id",
                format!("{} connections have no users; pick people from a Jira connection", kind.as_str()),
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ferry_core::model::connection::ConnectionScope;
    use ferry_core::model::value::{FieldType, Value};
    use serde_json::json;

    fn connection(kind: ConnectionKind, settings: serde_json::Value) -> Connection {
        let at = "2026-01-01T00:00:00Z".parse().unwrap();
        Connection {
            id: "con_1".into(),
            name: "demo".into(),
            kind,
            settings: settings.as_object().unwrap().clone(),
            scope: ConnectionScope::User,
            owner: "ann".into(),
            created_at: at,
            updated_at: at,
        }
    }

    fn request(connection: Connection, columns: &[&str]) -> SourceRequest {
        SourceRequest {
            connection,
            kind: ferry_core::model::report::ReportKind::Issues,
            query: None,
            columns: columns.iter().map(|c| Column::new(c)).collect(),
            from_date: None,
            to_date: None,
            allow_private_networks: false,
            as_of: "2026-01-01T00:00:00Z".parse().unwrap(),
            activity: Default::default(),
        }
    }

    #[tokio::test]
    async fn a_sample_source_yields_the_requested_columns_in_pages() {
        let sources = Sources::with_page_rows(4);
        let conn = connection(ConnectionKind::Sample, json!({"rows": 10, "seed": 1}));
        let mut reader = sources.open(request(conn, &["timeSpent", "key"])).await.unwrap();
        assert_eq!(reader.total().await.unwrap(), Some(10));
        let first = reader.page(None).await.unwrap();
        assert_eq!(first.rows.len(), 4);
        assert_eq!(first.rows[2][1], Value::Text("DEMO-3".into()));
        assert!(matches!(first.rows[0][0], Value::Int(_) | Value::Null));
        assert_eq!(first.next, Some(json!({"row": 4})));
    }

    #[tokio::test]
    async fn opening_with_an_unknown_column_is_invalid_and_names_it() {
        let conn = connection(ConnectionKind::Sample, json!({}));
        match Sources::new().open(request(conn, &["key", "summary", "nope"])).await {
            Err(SourceError::Invalid(e)) => assert_eq!(e.field, "columns[2].field"),
            other => panic!("expected Invalid, got ok={}", other.is_ok()),
        }
    }

    #[tokio::test]
    async fn sample_fields_carry_their_types() {
        let conn = connection(ConnectionKind::Sample, json!({}));
        let fields = Sources::new().fields(&conn, ReportType::Issues, false).await.unwrap();
        assert_eq!(fields.len(), 10);
        assert_eq!((fields[5].id.as_str(), fields[5].field_type), ("labels", FieldType::Array));
        assert_eq!((fields[6].id.as_str(), fields[6].field_type), ("created", FieldType::Datetime));
        assert_eq!((fields[8].id.as_str(), fields[8].field_type), ("timeSpent", FieldType::Number));
        assert!(matches!(
            Sources::new().fields(&conn, ReportType::Worklogs, false).await,
            Err(SourceError::Invalid(e)) if e.field == "reportType"
        ));
    }

    #[tokio::test]
    async fn jira_settings_are_checked_when_saved_and_guarded_when_used() {
        let sources = Sources::new();
        let conn = connection(
            ConnectionKind::Jira,
            json!({"baseUrl": "https://a.atlassian.net", "email": "a@b.c", "apiToken": "x"}),
        );
        sources.check_settings(&conn, false).unwrap();
        sources.check_report(&conn, ReportType::Worklogs, &[Column::new("customfield_10001")]).unwrap();
        let missing = connection(ConnectionKind::Jira, json!({"baseUrl": "https://a.atlassian.net", "email": "a@b.c"}));
        assert_eq!(sources.check_settings(&missing, false).unwrap_err().field, "settings.apiToken");
        let loopback = connection(
            ConnectionKind::Jira,
            json!({"baseUrl": "http://127.0.0.1:9", "email": "a@b.c", "apiToken": "x"}),
        );
        assert_eq!(sources.check_settings(&loopback, false).unwrap_err().field, "settings.baseUrl");
        sources.check_settings(&loopback, true).unwrap();
        // Saved while private networks were allowed, used after they no longer are.
        let forbidden =
            |r: Result<_, SourceError>| matches!(r, Err(SourceError::Forbidden(m)) if m.contains("127.0.0.1"));
        assert!(forbidden(sources.open(request(loopback.clone(), &["key"])).await.map(drop)));
        assert!(forbidden(sources.test_connection(&loopback, false).await.map(drop)));
        assert!(forbidden(sources.fields(&loopback, ReportType::Issues, false).await.map(drop)));
    }

    #[tokio::test]
    async fn sample_connections_test_ok_as_sample() {
        let conn = connection(ConnectionKind::Sample, json!({"rows": 5}));
        let check = Sources::new().test_connection(&conn, false).await.unwrap();
        assert_eq!((check.user.as_str(), check.site.as_str()), ("sample", "sample"));
    }

    #[test]
    fn sample_settings_and_reports_are_checked_when_saved() {
        let sources = Sources::new();
        let bad = connection(ConnectionKind::Sample, json!({"rows": 2_000_000_000u64}));
        assert_eq!(sources.check_settings(&bad, false).unwrap_err().field, "settings.rows");
        let good = connection(ConnectionKind::Sample, json!({"rows": 100_000_000, "seed": 7}));
        sources.check_settings(&good, false).unwrap();
        assert_eq!(sources.default_columns(&good, ReportType::Issues).len(), 10);
        let err = sources
            .check_report(&good, ReportType::Issues, &[Column::new("key"), Column::new("x"), Column::new("y")])
            .unwrap_err();
        assert_eq!(err.field, "columns[1].field");
    }
}
