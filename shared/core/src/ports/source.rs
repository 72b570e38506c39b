//! The source port: where rows come from (`sample`, `jira`). A source reads in
//! pages and names its position with an opaque cursor, so an export can stop
//! after any page and continue there later.

use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use jiff::Timestamp;

use crate::model::connection::Connection;
use crate::model::report::{Column, ReportKind, ReportType};
use crate::model::value::{FieldInfo, Row};
use crate::FieldError;

#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    /// The report asks for something the source cannot give (bad column, bad query).
    #[error("{0}")]
    Invalid(FieldError),
    /// The source refused or failed; the message is safe to show the user.
    #[error("{0}")]
    Failed(String),
    /// The source's address is a private, loopback, link-local or metadata
    /// address and `allowPrivateNetworks` is off (SPEC "Private networks").
    #[error("destination_forbidden: {0}")]
    Forbidden(String),
}

/// Who a connection's credentials log in as, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectionCheck {
    /// The account the credentials belong to (a display name or email).
    pub user: String,
    /// The site answered (its base URL or name).
    pub site: String,
}

/// What to read.
#[derive(Debug, Clone)]
pub struct SourceRequest {
    pub connection: Connection,
    /// The report's type with its options (`timeInStatus`, `dataset`).
    pub kind: ReportKind,
    pub query: Option<String>,
    /// Resolved columns (never empty).
    pub columns: Vec<Column>,
    pub from_date: Option<Timestamp>,
    pub to_date: Option<Timestamp>,
    /// Whether the source may reach private network addresses.
    pub allow_private_networks: bool,
    /// The instant the data is read as of: the export's `createdAt`, so a
    /// resumed or re-run export computes the same durations (time in the
    /// current status lasts until then).
    pub as_of: Timestamp,
    /// Where the source notes what it last asked and heard.
    pub activity: SourceActivity,
}

/// What a source last asked its site and what it heard back: the export's
/// stall guard names them when the source stops making progress. Shared
/// between the source (which writes) and the run (which reads).
#[derive(Debug, Clone, Default)]
pub struct SourceActivity(Arc<Mutex<Activity>>);

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Activity {
    /// Where the source reads from (a site's address).
    pub source: Option<String>,
    /// The last request sent (`POST /rest/api/3/search/jql`).
    pub request: Option<String>,
    /// The last answer (`429 Too Many Requests`, or why none came).
    pub answer: Option<String>,
}

impl SourceActivity {
    pub fn reading_from(&self, source: &str) {
        self.0.lock().expect("activity lock").source = Some(source.to_string());
    }
    /// A request goes out: the answer to the one before no longer applies.
    pub fn requested(&self, request: String) {
        let mut a = self.0.lock().expect("activity lock");
        a.request = Some(request);
        a.answer = None;
    }
    pub fn answered(&self, answer: String) {
        self.0.lock().expect("activity lock").answer = Some(answer);
    }
    pub fn get(&self) -> Activity {
        self.0.lock().expect("activity lock").clone()
    }
}

/// An entity a dataset source leaves out, and the warning saying why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeftOut {
    pub entity: String,
    pub warning: String,
}

pub struct SourcePage {
    /// Rows, cells in the order of the request's columns.
    pub rows: Vec<Row>,
    /// Where the next page starts; None after the last page.
    pub next: Option<serde_json::Value>,
}

#[async_trait]
pub trait RowSource: Send {
    /// Total rows expected, when the source can tell.
    async fn total(&mut self) -> Result<Option<u64>, SourceError>;
    /// The file's headers when the source decides them (a `timeInStatus`
    /// report's status columns come from the site); None: the columns' headers.
    /// Called once, after opening and before the first page.
    fn headers(&self) -> Option<Vec<String>> {
        None
    }
    /// A dataset's entities the site cannot give (Jira's `sprints` without
    /// Jira Software), each with the warning the export carries; their files
    /// are left out of the zip. Called once, after opening.
    fn left_out(&self) -> Vec<LeftOut> {
        Vec::new()
    }
    /// The page at `cursor` (None = the first page).
    async fn page(&mut self, cursor: Option<&serde_json::Value>) -> Result<SourcePage, SourceError>;
    /// The page at `cursor` written over `rows`; returns where the next page
    /// starts (None after the last). The export loop hands the same rows back
    /// page after page, so a source that overrides this can reuse the cells'
    /// allocations; the default just replaces them with `page`'s.
    async fn page_into(
        &mut self,
        cursor: Option<&serde_json::Value>,
        rows: &mut Vec<Row>,
    ) -> Result<Option<serde_json::Value>, SourceError> {
        let page = self.page(cursor).await?;
        *rows = page.rows;
        Ok(page.next)
    }
    /// True when the source computes its pages without I/O, so its futures
    /// need no async runtime and any thread may drive them: the export then
    /// reads pages on the thread that formats them. False (the default) for
    /// a source that talks to the network.
    fn runs_anywhere(&self) -> bool {
        false
    }
}

/// A person of the connection's site, found by name (`GET /v1/connections/{id}/users`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SiteUser {
    pub account_id: String,
    pub display_name: String,
    /// Absent when the user's privacy setting hides it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email_address: Option<String>,
}

/// A user's email address as the source tells it (`toUsers` recipients).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UserAddress {
    Found(String),
    /// The user's privacy setting hides it.
    Hidden,
    /// No such account (or not visible to the connection).
    Unknown,
}

#[async_trait]
pub trait SourceFactory: Send + Sync {
    /// Columns used when a report lists none.
    fn default_columns(&self, connection: &Connection, report_type: ReportType) -> Vec<Column>;
    /// Checks what can be checked without reaching the source (report type, column names of fixed-schema sources).
    fn check_report(
        &self,
        connection: &Connection,
        report_type: ReportType,
        columns: &[Column],
    ) -> Result<(), FieldError>;
    /// Checks a connection's settings when it is saved, without reaching the
    /// source. A literal private address in a URL is refused here (naming the
    /// setting) unless `allow_private_networks`; host names are checked when
    /// connecting.
    fn check_settings(&self, connection: &Connection, allow_private_networks: bool) -> Result<(), FieldError>;
    /// Logs in with the connection's settings and says as whom (`POST /v1/connections/{id}/test`).
    async fn test_connection(
        &self,
        connection: &Connection,
        allow_private_networks: bool,
    ) -> Result<ConnectionCheck, SourceError>;
    /// Fields a report over this connection can use.
    async fn fields(
        &self,
        connection: &Connection,
        report_type: ReportType,
        allow_private_networks: bool,
    ) -> Result<Vec<FieldInfo>, SourceError>;
    /// Opens a reader.
    async fn open(&self, request: SourceRequest) -> Result<Box<dyn RowSource>, SourceError>;
    /// The email address of the account `account_id` on the connection's
    /// site (Jira's `GET /user`). Sources without users refuse (`Invalid`).
    async fn user_address(
        &self,
        connection: &Connection,
        account_id: &str,
        allow_private_networks: bool,
    ) -> Result<UserAddress, SourceError> {
        let _ = (account_id, allow_private_networks);
        Err(SourceError::Invalid(FieldError::new(
            "toUsers",
            format!("{} connections have no users; toUsers needs a Jira connection", connection.kind.as_str()),
        )))
    }
    /// The name a person of the connection's site goes by (Jira's
    /// `GET /user?accountId=`), for showing stored `toUsers` by name; None
    /// for an account the site does not know. Sources without users have none.
    async fn user_name(
        &self,
        connection: &Connection,
        account_id: &str,
        allow_private_networks: bool,
    ) -> Result<Option<String>, SourceError> {
        let _ = (connection, account_id, allow_private_networks);
        Ok(None)
    }

    /// People of the connection's site whose name or address matches
    /// `query` (Jira's `GET /user/search`), at most 20. Sources without
    /// users refuse (`Invalid`, naming `id`).
    async fn search_users(
        &self,
        connection: &Connection,
        query: &str,
        allow_private_networks: bool,
    ) -> Result<Vec<SiteUser>, SourceError> {
        let _ = (query, allow_private_networks);
        Err(SourceError::Invalid(FieldError::new(
            "id",
            format!("{} connections have no users; pick people from a Jira connection", connection.kind.as_str()),
        )))
    }
}
