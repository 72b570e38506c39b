//! The `jira` source: Jira Cloud REST v3. `issues` reports run the enhanced
//! JQL search; `worklogs` reports make one row per worklog in the export's
//! date range, with its issue's fields; `timeInStatus` reports the time
//! each issue spent in each status, from the status changelogs. Columns name system and custom
//! fields by id or name. Requests are paced per site, throttling answers are
//! waited out, and the cursor lets an export resume after a crash without
//! fetching finished pages again. The connection's `baseUrl` passes the
//! private-network guard before anything is sent.

mod adf;
mod agile;
mod changelog_reads;
mod changelogs;
mod client;
mod columns;
mod cursor;
mod dataset;
mod dataset_rows;
mod dates;
mod error;
mod fields;
mod history_items;
mod jql;
mod myself;
mod rate_limit;
mod readers;
mod retry;
mod scope;
mod search;
mod settings;
mod ssrf;
mod statuses;
mod time_in_status;
mod time_in_status_cursor;
mod users;
mod values;
mod worklogs;

#[cfg(test)]
mod fixture_tests;

use ferry_core::model::connection::Connection;
use ferry_core::model::report::{Column, ReportType};
use ferry_core::model::value::{FieldInfo, FieldType};
use ferry_core::ports::source::{ConnectionCheck, RowSource, SiteUser, SourceError, SourceRequest, UserAddress};
use ferry_core::FieldError;

pub(crate) use client::{path_segment, JiraClient};
use columns::RowPlan;
pub(crate) use error::JiraError;
use fields::FieldCatalog;
use myself::Myself;
use readers::JiraReader;
#[cfg(test)]
pub(crate) use retry::RetryPolicy;
use scope::SearchScope;
use time_in_status::{TimeInStatusReader, TimeInStatusSpec};
use worklogs::WorklogField;

pub use settings::{parse_settings, JiraSettings, DEFAULT_MAX_REQUESTS_PER_SECOND};

/// Checks a connection's settings when it is saved (no request is sent).
pub fn check_settings(connection: &Connection, allow_private_networks: bool) -> Result<(), FieldError> {
    parse_settings(&connection.settings, allow_private_networks).map(drop)
}

/// Checks a report's columns when it is saved, as far as possible without
/// the site (`worklog.*` columns; field names are resolved when it runs).
pub fn check_report(report_type: ReportType, columns: &[Column]) -> Result<(), FieldError> {
    columns::check_columns(report_type, columns)
}

/// Columns of a Jira report that lists none.
pub fn default_columns(report_type: ReportType) -> Vec<Column> {
    let fields: &[&str] = match report_type {
        ReportType::Issues => &["key", "summary", "status", "assignee", "priority", "created", "updated"],
        ReportType::Worklogs => {
            &["key", "summary", "worklog.author", "worklog.started", "worklog.timeSpentSeconds", "worklog.comment"]
        }
        ReportType::TimeInStatus => &["key", "summary"],
        // A dataset's columns are its tables'.
        ReportType::Dataset => &[],
    };
    fields.iter().map(|f| Column::new(f)).collect()
}

async fn connect(connection: &Connection, allow_private_networks: bool) -> Result<JiraClient, SourceError> {
    // Addresses are the connect-time guard's to judge (`destination_forbidden`),
    // also for a literal one saved while private networks were allowed.
    let settings = parse_settings(&connection.settings, true).map_err(SourceError::Invalid)?;
    Ok(JiraClient::connect(&settings, allow_private_networks).await?)
}

/// Logs in and says as whom.
pub async fn test_connection(
    connection: &Connection,
    allow_private_networks: bool,
) -> Result<ConnectionCheck, SourceError> {
    let client = connect(connection, allow_private_networks).await?;
    let me = Myself::fetch(&client).await?;
    Ok(ConnectionCheck { user: me.label(), site: client.site().to_string() })
}

/// The fields a report of `report_type` can use: the site's fields, and for
/// worklogs reports the `worklog.*` columns first.
pub async fn fields(
    connection: &Connection,
    report_type: ReportType,
    allow_private_networks: bool,
) -> Result<Vec<FieldInfo>, SourceError> {
    let client = connect(connection, allow_private_networks).await?;
    let catalog = FieldCatalog::fetch(&client).await?;
    let mut infos = Vec::new();
    if report_type == ReportType::Worklogs {
        infos.extend(WorklogField::ALL.iter().map(|(id, field, name)| FieldInfo {
            id: id.to_string(),
            name: name.to_string(),
            field_type: match field {
                WorklogField::Started | WorklogField::Created | WorklogField::Updated => FieldType::Datetime,
                WorklogField::TimeSpentSeconds | WorklogField::TimeSpentHours => FieldType::Number,
                _ => FieldType::String,
            },
            custom: false,
        }));
    }
    infos.extend(catalog.field_infos());
    Ok(infos)
}

/// A user's email address, for `toUsers` recipients.
pub async fn user_address(
    connection: &Connection,
    account_id: &str,
    allow_private_networks: bool,
) -> Result<UserAddress, SourceError> {
    let client = connect(connection, allow_private_networks).await?;
    Ok(users::user_address(&client, account_id).await?)
}

/// The name an account goes by, to show stored `toUsers` by name.
pub async fn user_name(
    connection: &Connection,
    account_id: &str,
    allow_private_networks: bool,
) -> Result<Option<String>, SourceError> {
    let client = connect(connection, allow_private_networks).await?;
    Ok(users::user_name(&client, account_id).await?)
}

/// People of the site by name, for `toUsers` recipients.
pub async fn search_users(
    connection: &Connection,
    query: &str,
    allow_private_networks: bool,
) -> Result<Vec<SiteUser>, SourceError> {
    let client = connect(connection, allow_private_networks).await?;
    Ok(users::search_users(&client, query).await?)
}

/// Opens a reader: connects, resolves the columns against the site's fields.
pub async fn open(request: SourceRequest) -> Result<Box<dyn RowSource>, SourceError> {
    let client =
        connect(&request.connection, request.allow_private_networks).await?.with_activity(request.activity.clone());
    if request.kind.report_type() == ReportType::Dataset {
        return Ok(Box::new(dataset::open(client, &request).await?));
    }
    let catalog = FieldCatalog::fetch(&client).await?;
    let plan =
        RowPlan::resolve(&catalog, request.kind.report_type(), &request.columns).map_err(SourceError::Invalid)?;
    let scope = SearchScope {
        report_type: request.kind.report_type(),
        user_jql: request.query.clone(),
        from: request.from_date,
        to: request.to_date,
    };
    if request.kind.report_type() == ReportType::TimeInStatus {
        let spec = TimeInStatusSpec {
            plan,
            scope,
            columns: request.columns,
            options: request.kind.time_in_status().cloned().unwrap_or_default(),
            as_of: request.as_of,
        };
        return Ok(Box::new(TimeInStatusReader::open(client, spec).await?));
    }
    Ok(Box::new(JiraReader::new(client, plan, scope)))
}
