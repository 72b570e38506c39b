//! The two `RowSource`s of a Jira connection. One source page is one page of
//! the JQL search: the `issues` reader makes a row per issue, the `worklogs`
//! reader a row per worklog in the range (fetching an issue's further
//! worklog pages before the search page is handed on). The cursor after a
//! page names the next search page, so a resumed export starts there.

use std::time::Instant;

use async_trait::async_trait;
use ferry_core::model::report::ReportType;
use ferry_core::model::value::Row;
use ferry_core::ports::source::{RowSource, SourceError, SourcePage};
use serde_json::Value as Json;

use super::client::JiraClient;
use super::columns::RowPlan;
use super::cursor::JiraCursor;
use super::scope::SearchScope;
use super::search::{approximate_count, search_page, SearchPage};
use super::worklogs::{fetch_worklogs, inline_worklogs, WorklogRange};

/// Reads one export's search, page by page.
pub struct JiraReader {
    client: JiraClient,
    plan: RowPlan,
    scope: SearchScope,
    /// Fields asked of the search.
    fields: Vec<String>,
    /// The JQL of a fresh search, built on first use.
    jql: Option<String>,
}

impl JiraReader {
    pub fn new(client: JiraClient, plan: RowPlan, scope: SearchScope) -> Self {
        let mut fields = plan.field_ids();
        let extra = match scope.report_type {
            // Kept exactly by `updated` (JQL only has minutes).
            ReportType::Issues => scope.from.map(|_| "updated"),
            ReportType::Worklogs => Some("worklog"),
            // Datasets have readers of their own; nothing extra to ask.
            ReportType::TimeInStatus | ReportType::Dataset => None,
        };
        if let Some(extra) = extra {
            if !fields.iter().any(|f| f == extra) {
                fields.push(extra.to_string());
            }
        }
        if fields.is_empty() {
            // Asked for no field, Jira answers with ids only, without keys.
            fields.push("summary".to_string());
        }
        JiraReader { client, plan, scope, fields, jql: None }
    }

    async fn fresh_jql(&mut self) -> Result<String, SourceError> {
        if self.jql.is_none() {
            self.jql = Some(self.scope.jql(&self.client).await?);
        }
        Ok(self.jql.clone().unwrap_or_default())
    }

    fn issue_rows(&self, page: &SearchPage) -> Vec<Row> {
        page.issues.iter().filter(|i| !self.scope.updated_before_from(i)).map(|i| self.plan.issue_row(i)).collect()
    }

    async fn worklog_rows(&self, page: &SearchPage) -> Result<Vec<Row>, SourceError> {
        let range = WorklogRange { from: self.scope.from, to: self.scope.to };
        let mut rows = Vec::new();
        for issue in &page.issues {
            let (inline, complete) = inline_worklogs(issue);
            let worklogs = if complete { inline } else { fetch_worklogs(&self.client, issue, range).await? };
            rows.extend(worklogs.iter().filter(|w| range.contains(w)).map(|w| self.plan.worklog_row(issue, w)));
        }
        Ok(rows)
    }
}

#[async_trait]
impl RowSource for JiraReader {
    async fn total(&mut self) -> Result<Option<u64>, SourceError> {
        match self.scope.report_type {
            ReportType::Issues => {
                let jql = self.fresh_jql().await?;
                Ok(approximate_count(&self.client, &jql).await?)
            }
            // The count of worklogs is only known once they are read.
            ReportType::Worklogs | ReportType::TimeInStatus | ReportType::Dataset => Ok(None),
        }
    }

    async fn page(&mut self, cursor: Option<&Json>) -> Result<SourcePage, SourceError> {
        let (jql, token) = match cursor {
            Some(c) => {
                let c = JiraCursor::from_json(c)?;
                (c.jql, Some(c.next_page_token))
            }
            None => (self.fresh_jql().await?, None),
        };
        let started = Instant::now();
        let page = search_page(&self.client, &jql, &self.fields, token.as_deref()).await?;
        let rows = match self.scope.report_type {
            ReportType::Issues | ReportType::TimeInStatus | ReportType::Dataset => self.issue_rows(&page),
            ReportType::Worklogs => self.worklog_rows(&page).await?,
        };
        tracing::debug!(site = %self.client.site(), issues = page.issues.len(), rows = rows.len(),
            ms = started.elapsed().as_millis() as u64, "Jira page read");
        let next = page.next_token().map(|t| JiraCursor { jql, next_page_token: t.to_string() }.to_json());
        Ok(SourcePage { rows, next })
    }
}
