//! The `timeInStatus` reader: one source page is one chunk of issues of a
//! JQL search page, whose status changelogs are fetched together
//! (`changelogs`), turned into time per status by the core's engine and laid
//! out as the report asks. A chunk is as many issues as the site answers for
//! in a few seconds (`TARGET_PAGE_TIME`): up to 1000 in bulk, far fewer when
//! each issue's changelog is read or the site throttles, so the export can
//! show progress and checkpoint every few seconds however slow the site is.
//! The cursor after a page names the search page and how many of its issues
//! were read (`time_in_status_cursor`); a resumed export starts at the
//! chunk after the last one stored, computing the same durations (they end
//! at the export's `createdAt`, not at the time of reading).

use std::time::{Duration, Instant};

use async_trait::async_trait;
use ferry_core::model::report::Column;
use ferry_core::model::time_in_status::{Layout, TimeInStatusOptions};
use ferry_core::model::value::Row;
use ferry_core::ports::source::{RowSource, SourceError, SourcePage};
use ferry_core::time_in_status::{StatusHistory, StatusTable, WorkingCalendar};
use jiff::Timestamp;
use serde_json::Value as Json;

use super::changelogs::{bulk_status_changes, per_issue_status_changes, ChangelogRoute, StatusChanges, BATCH_SIZE};
use super::client::JiraClient;
use super::columns::RowPlan;
use super::dates::parse_datetime;
use super::scope::SearchScope;
use super::search::{approximate_count, search_page_of, Issue};
use super::statuses::site_statuses;
use super::time_in_status_cursor::ChunkCursor;

const DAY_MS: i64 = 86_400_000;
/// How long reading one chunk should take: the chunk grows or shrinks
/// towards it, so progress and checkpoints come every few seconds.
const TARGET_PAGE_TIME: Duration = Duration::from_secs(5);
/// The first chunk once each issue's changelog must be read.
const FIRST_PER_ISSUE_CHUNK: usize = 25;
/// The smallest chunk.
const MIN_CHUNK: usize = 5;

/// The search page being read, kept between this reader's pages.
struct SearchBuffer {
    jql: String,
    /// The token it was asked with (None: the first page).
    token: Option<String>,
    issues: Vec<Issue>,
    next_token: Option<String>,
    /// Issues of it already read.
    read: usize,
}

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
    /// Issues per page now (see `TARGET_PAGE_TIME`).
    chunk: usize,
    buffer: Option<SearchBuffer>,
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
            chunk: BATCH_SIZE,
            buffer: None,
        })
    }

    async fn fresh_jql(&mut self) -> Result<String, SourceError> {
        if self.jql.is_none() {
            self.jql = Some(self.scope.jql(&self.client).await?);
        }
        Ok(self.jql.clone().unwrap_or_default())
    }

    /// The search page at `token` with `skip` of its issues read: the one
    /// in hand when the export goes on, else asked for (again, on resume).
    async fn search_buffer(
        &mut self,
        jql: String,
        token: Option<String>,
        skip: usize,
    ) -> Result<SearchBuffer, SourceError> {
        if let Some(b) = self.buffer.take().filter(|b| b.jql == jql && b.token == token && b.read == skip) {
            return Ok(b);
        }
        let page = search_page_of(&self.client, &jql, &self.fields, token.as_deref(), BATCH_SIZE as u32).await?;
        let next_token = page.next_token().map(str::to_string);
        let read = skip.min(page.issues.len());
        Ok(SearchBuffer { jql, token, issues: page.issues, next_token, read })
    }

    /// The status changes of the issues `from..` of the buffer, as many as
    /// one chunk; and where the chunk ended. A refused bulk endpoint turns
    /// the route to each issue's changelog and the chunk small, for good.
    async fn chunk_changes(
        &mut self,
        buffer: &SearchBuffer,
        from: usize,
    ) -> Result<(Vec<String>, usize, StatusChanges), SourceError> {
        loop {
            let end = (from + self.chunk).min(buffer.issues.len());
            let kept = buffer.issues[from..end].iter().filter(|i| !self.scope.updated_before_from(i));
            let ids: Vec<String> = kept.map(Issue::id_text).collect();
            if ids.is_empty() {
                return Ok((ids, end, StatusChanges::new()));
            }
            if self.route == ChangelogRoute::PerIssue {
                let changes = per_issue_status_changes(&self.client, &ids).await?;
                return Ok((ids, end, changes));
            }
            match bulk_status_changes(&self.client, &ids).await? {
                Some(changes) => return Ok((ids, end, changes)),
                None => {
                    self.route = ChangelogRoute::PerIssue;
                    self.chunk = self.chunk.min(FIRST_PER_ISSUE_CHUNK);
                }
            }
        }
    }

    /// Moves the chunk size towards what the site answers in `TARGET_PAGE_TIME`.
    fn adapt_chunk(&mut self, read: usize, took: Duration) {
        if read < self.chunk {
            return; // the end of a search page says nothing of the site's pace
        }
        if took > TARGET_PAGE_TIME {
            let scaled = (self.chunk as f64 * TARGET_PAGE_TIME.as_secs_f64() / took.as_secs_f64()) as usize;
            self.chunk = scaled.min(self.chunk / 2 + 1).max(MIN_CHUNK);
        } else if took < TARGET_PAGE_TIME / 4 {
            self.chunk = (self.chunk * 2).min(BATCH_SIZE);
        }
    }

    /// The position after the issues `..read` of the buffer; None at the end of the search.
    fn cursor_after(&self, buffer: &SearchBuffer) -> Option<Json> {
        let (next_page_token, skip) = if buffer.read < buffer.issues.len() {
            (buffer.token.clone(), buffer.read)
        } else {
            (Some(buffer.next_token.clone()?), 0)
        };
        let statuses = self.table.statuses.clone().filter(|_| self.layout == Layout::Wide);
        Some(ChunkCursor { jql: buffer.jql.clone(), next_page_token, skip, statuses }.to_json())
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
        let (jql, token, skip) = match cursor {
            Some(c) => {
                let c = ChunkCursor::from_json(c)?;
                // The wide columns the file was started with, whatever the site has now.
                if let (Layout::Wide, Some(statuses)) = (self.layout, c.statuses) {
                    self.table.statuses = Some(statuses);
                }
                (c.jql, c.next_page_token, c.skip)
            }
            None => (self.fresh_jql().await?, None, 0),
        };
        let mut buffer = self.search_buffer(jql, token, skip).await?;
        let started = Instant::now();
        let from = buffer.read;
        let (ids, end, changes) = self.chunk_changes(&buffer, from).await?;
        let mut rows = Vec::with_capacity(ids.len());
        let kept = buffer.issues[from..end].iter().filter(|i| !self.scope.updated_before_from(i));
        for (issue, id) in kept.zip(&ids) {
            rows.extend(self.issue_rows(issue, changes.get(id).map_or(&[], Vec::as_slice)));
        }
        let took = started.elapsed();
        tracing::debug!(site = %self.client.site(), issues = ids.len(), rows = rows.len(), chunk = self.chunk,
            ms = took.as_millis() as u64, "Jira time-in-status chunk read");
        self.adapt_chunk(end - from, took);
        buffer.read = end;
        let next = self.cursor_after(&buffer);
        self.buffer = Some(buffer);
        Ok(SourcePage { rows, next })
    }
}
