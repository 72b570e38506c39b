//! The `confluence` source: Confluence Cloud REST v2 on an Atlassian site,
//! read through the same client as Jira (one token, one request-rate ceiling
//! per site, `Retry-After` courtesy, the private-network guard), with v2's
//! cursor paging by `_links.next`. Confluence connections serve the
//! `dataset` report type (a whole site as tables); `entities` reads them
//! page by page.

mod cells;
mod client;
mod current_user;
mod dataset;
mod entities;
mod error;
mod settings;
mod shapes;
pub mod storage_text;

use ferry_core::model::connection::Connection;
use ferry_core::model::dataset::CONFLUENCE_TABLES;
use ferry_core::model::report::{Column, ReportType};
use ferry_core::model::value::FieldInfo;
use ferry_core::ports::source::{ConnectionCheck, RowSource, SourceError, SourceRequest};
use ferry_core::FieldError;

pub use client::{ConfluenceClient, Paged, API_V2};
use current_user::CurrentUser;
use dataset::ConfluenceDataset;
pub use entities::{read_page, ConfluenceEntity, EntityCursor, EntityPage, ReadOptions, PAGE_LIMIT};
pub use error::ConfluenceError;
pub use settings::parse_settings;

/// Checks a connection's settings when it is saved (no request is sent).
pub fn check_settings(connection: &Connection, allow_private_networks: bool) -> Result<(), FieldError> {
    parse_settings(&connection.settings, allow_private_networks).map(drop)
}

/// Report types a Confluence connection serves: `dataset` only (its options
/// are checked by the core against the tables).
pub fn check_report(report_type: ReportType, _columns: &[Column]) -> Result<(), FieldError> {
    match report_type {
        ReportType::Dataset => Ok(()),
        other => Err(not_served(other)),
    }
}

fn not_served(report_type: ReportType) -> FieldError {
    FieldError::new(
        "reportType",
        format!("{} is a Jira report type; Confluence connections serve the dataset report type", report_type.as_str()),
    )
}

/// Connects to the connection's site; addresses are judged by the connect-time guard.
pub async fn connect(connection: &Connection, allow_private_networks: bool) -> Result<ConfluenceClient, SourceError> {
    let settings = parse_settings(&connection.settings, true).map_err(SourceError::Invalid)?;
    Ok(ConfluenceClient::connect(&settings, allow_private_networks).await?)
}

/// Logs in, says as whom, and makes sure REST v2 answers (one space asked).
pub async fn test_connection(
    connection: &Connection,
    allow_private_networks: bool,
) -> Result<ConnectionCheck, SourceError> {
    let client = connect(connection, allow_private_networks).await?;
    let me = CurrentUser::fetch(&client).await?;
    if me.is_anonymous() {
        return Err(SourceError::Failed(format!(
            "Confluence at {} answered as an anonymous user: check settings.email and settings.apiToken",
            client.site()
        )));
    }
    let path = format!("{API_V2}/spaces");
    client
        .page::<serde_json::Value>(&path, &[("limit", "1".into())], None, "the spaces (GET /wiki/api/v2/spaces)")
        .await?;
    Ok(ConnectionCheck { user: me.label(), site: client.site().to_string() })
}

/// The fields of a dataset: every table's columns, named `entity.column`.
pub async fn fields(report_type: ReportType) -> Result<Vec<FieldInfo>, SourceError> {
    check_report(report_type, &[]).map_err(SourceError::Invalid)?;
    Ok(crate::dataset_fields::table_fields(&CONFLUENCE_TABLES))
}

/// Opens the reader of a `dataset` report.
pub async fn open(request: SourceRequest) -> Result<Box<dyn RowSource>, SourceError> {
    check_report(request.kind.report_type(), &request.columns).map_err(SourceError::Invalid)?;
    let options = request.kind.dataset().cloned().unwrap_or_default();
    let entities: Vec<ConfluenceEntity> =
        options.chosen(&CONFLUENCE_TABLES).iter().filter_map(|t| ConfluenceEntity::parse(t.entity)).collect();
    let client = connect(&request.connection, request.allow_private_networks).await?;
    let read = ReadOptions { from: request.from_date, body_length: options.body_length() };
    Ok(Box::new(ConfluenceDataset::new(client, entities, read)))
}
