//! The `timeInStatus` reader: one source page is one batch of up to 1000
//! issues of the JQL search (each search page asks for the rest of the
//! batch), whose status
//! changelogs are fetched together (`changelogs`), turned into time per
//! status by the core's engine and laid out as the report asks. The cursor
//! after a page names the next search page, so checkpoints fall on batch
//! boundaries and a resumed export starts at the batch after the last one
//! stored, computing the same durations (they end at the export's
//! `createdAt`, not at the time of reading).

use std::time::Instant;

use async_trait::async_trait;
use ferry_core::model::report::Column;
use ferry_core::model::time_in_status::{Layout, TimeInStatusOptions};
use ferry_core::model::value::Row;
use ferry_core::ports::source::{RowSource, SourceError, SourcePage};
use ferry_core::time_in_status::{StatusHistory, StatusTable, WorkingCalendar};
use jiff::Timestamp;
use serde_json::Value as Json;

use super::changelogs::{status_changes, ChangelogRoute, BATCH_SIZE};
use super::client::JiraClient;
use super::columns::RowPlan;
use super::cursor::JiraCursor;
use super::dates::parse_datetime;
use super::scope::SearchScope;
use super::search::{approximate_count, search_page_of, Issue};
use super::statuses::site_statuses;

const DAY_MS: i64 = 86_400_000;
/// The cursor's field holding a wide file's status columns.
const STATUSES_KEY: &str = "statuses";

/// What a `timeInStatus` export reads and how it lays it out.
pub struct TimeInStatusSpec {
    pub plan: RowPlan,
    pub scope: SearchScope,
    pub columns: Vec<Column>,
    pub options: TimeInStatusOptions,
    pub as_of: Timestamp,
}

pub struct TimeInStatusReader {
    client: JiraClient,
    plan: RowPlan,
    scope: SearchScope,
    layout: Layout,
    fields: Vec<String>,
    jql: Option<String>,
    table: StatusTable,
    headers: Vec<String>,
    calendar: Option<WorkingCalendar>,
    as_of: Timestamp,
    route: ChangelogRoute,
}

impl TimeInStatusReader {
    /// Checks the options and, for a wide file without `statuses`, asks the
    /// site for its statuses: the header is known before the first row.
    pub async fn open(client: JiraClient, spec: TimeInStatusSpec) -> Result<TimeInStatusReader, SourceError> {
        let TimeInStatusSpec { plan, scope, columns, options, as_of } = spec;
        options.check().map_err(SourceError::Invalid)?;
        let calendar = options.working_calendar().map_err(SourceError::Invalid)?;
        let statuses = match (options.layout, options.statuses.clone()) {
            (_, Some(listed)) => Some(listed),
            (Layout::Wide, None) => Some(site_statuses(&client).await?),
            (Layout::Long, None) => None,
        };
        let table = StatusTable {
            layout: options.layout,
            unit: options.unit,
            statuses,
            status_count: options.status_count,
            day_millis: calendar.as_ref().map_or(DAY_MS, WorkingCalendar::day_millis),
        };
        let issue_headers: Vec<String> = columns.iter().map(|c| c.header().to_string()).collect();
        let headers = table.headers(&issue_headers);
        let mut fields = plan.field_ids();
        let needed = ["created", "status"].into_iter().chain(scope.from.map(|_| "updated"));
        for extra in needed {
            if !fields.iter().any(|f| f == extra) {
                fields.push(extra.to_string());
            }
        }
        Ok(TimeInStatusReader {
            client,
            plan,
            scope,
            layout: options.layout,
            fields,
            jql: None,
            table,
            headers,
            calendar,
            as_of,
            route: ChangelogRoute::Bulk,
        })
    }

    async fn fresh_jql(&mut self) -> Result<String, SourceError> {
        if self.jql.is_none() {
            self.jql = Some(self.scope.jql(&self.client).await?);
        }
        Ok(self.jql.clone().unwrap_or_default())
    }

    /// Search pages from `token`, each asking for the rest of the batch
    /// (Jira gives as many as it will for the fields asked), until the batch
    /// is full; the issues kept and the token after the batch.
    async fn batch(&self, jql: &str, mut token: Option<String>) -> Result<(Vec<Issue>, Option<String>), SourceError> {
        let mut issues = Vec::new();
        let mut searched = 0;
        loop {
            let rest = (BATCH_SIZE - searched) as u32;
            let page = search_page_of(&self.client, jql, &self.fields, token.as_deref(), rest).await?;
            searched += page.issues.len();
            token = page.next_token().map(str::to_string);
            issues.extend(page.issues.into_iter().filter(|i| !self.scope.updated_before_from(i)));
            if token.is_none() || searched >= BATCH_SIZE {
                return Ok((issues, token));
            }
        }
    }

    /// The search's cursor, plus (wide) the status columns, so a resumed
    /// export lays out its rows like the rows already written even if the
    /// site's statuses changed meanwhile.
    fn cursor(&self, jql: String, next_page_token: String) -> Json {
        let mut cursor = JiraCursor { jql, next_page_token }.to_json();
        if let (Layout::Wide, Some(statuses)) = (self.layout, &self.table.statuses) {
            cursor[STATUSES_KEY] = serde_json::json!(statuses);
        }
        cursor
    }

    fn issue_rows(&self, issue: &Issue, changes: &[ferry_core::time_in_status::StatusChange]) -> Vec<Row> {
        let created = issue.fields.get("created").and_then(Json::as_str).and_then(parse_datetime);
        // Jira always has `created`; without it the history starts at its first change.
        let created = created.or(changes.first().map(|c| c.at)).unwrap_or(self.as_of);
        let current = issue.fields.get("status").and_then(|s| s.get("name")).and_then(Json::as_str).unwrap_or("");
        let history = StatusHistory { created, current, changes };
        let times = history.times(self.as_of, self.calendar.as_ref());
        self.table.rows(self.plan.issue_row(issue), &times)
    }
}

#[async_trait]
impl RowSource for TimeInStatusReader {
    async fn total(&mut self) -> Result<Option<u64>, SourceError> {
        match self.layout {
            Layout::Wide => {
                let jql = self.fresh_jql().await?;
                Ok(approximate_count(&self.client, &jql).await?)
            }
            // Rows per issue depend on its history.
            Layout::Long => Ok(None),
        }
    }

    fn headers(&self) -> Option<Vec<String>> {
        Some(self.headers.clone())
    }

    async fn page(&mut self, cursor: Option<&Json>) -> Result<SourcePage, SourceError> {
        let (jql, token) = match cursor {
            Some(c) => {
                // The wide columns the file was started with, whatever the site has now.
                if let Some(statuses) = c.get(STATUSES_KEY).filter(|_| self.layout == Layout::Wide) {
                    self.table.statuses = Some(
                        serde_json::from_value(statuses.clone())
                            .map_err(|_| SourceError::Failed("the saved status columns are not valid".into()))?,
                    );
                }
                let c = JiraCursor::from_json(c)?;
                (c.jql, Some(c.next_page_token))
            }
            None => (self.fresh_jql().await?, None),
        };
        let started = Instant::now();
        let (issues, next) = self.batch(&jql, token).await?;
        let ids: Vec<String> = issues.iter().map(Issue::id_text).collect();
        let changes = status_changes(&self.client, &ids, &mut self.route).await?;
        let mut rows = Vec::with_capacity(issues.len());
        for (issue, id) in issues.iter().zip(&ids) {
            rows.extend(self.issue_rows(issue, changes.get(id).map_or(&[], Vec::as_slice)));
        }
        tracing::debug!(site = %self.client.site(), issues = issues.len(), rows = rows.len(),
            ms = started.elapsed().as_millis() as u64, "Jira time-in-status batch read");
        let next = next.map(|t| self.cursor(jql, t));
        Ok(SourcePage { rows, next })
    }
}
