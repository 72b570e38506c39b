//! The `dataset` report over a Jira connection: the chosen tables of
//! `JIRA_TABLES` read one after another, each row led by its entity's name
//! for the dataset's zip writer. The issue tables each run the same search
//! (the report's JQL and `updated >= fromDate`, written once and kept in the
//! cursor) with the fields they need: `issues` the fixed ones, `issue_fields`
//! all (`*all`), `issue_history` ids only (1000 a page) and then the
//! changelogs of the page in bulk, `worklogs` the inline worklogs (an issue
//! with more than Jira inlines is read on). `sprints` walks the boards,
//! `users` the site's user search. The cursor says which table is being read,
//! where in it, and the rows so far per table (the export's progress), so an
//! export resumes exactly where its last checkpoint was.

use std::collections::BTreeMap;

use async_trait::async_trait;
use ferry_core::model::dataset::JIRA_TABLES;
use ferry_core::model::value::{Row, Value};
use ferry_core::ports::source::{LeftOut, RowSource, SourceError, SourcePage, SourceRequest};
use serde::{Deserialize, Serialize};

use super::agile::{boards, has_software, sprint_rows, user_rows, Board};
use super::client::JiraClient;
use super::dataset_rows::{field_rows, issue_row, worklog_changed, worklog_row, ISSUE_FIELDS};
use super::fields::FieldCatalog;
use super::history_items::{history_rows, IssueRef};
use super::jql::split_order_by;
use super::scope::SearchScope;
use super::search::{search_page_of, SearchPage, PAGE_SIZE};
use super::worklogs::{fetch_worklogs, inline_worklogs, WorklogRange};

/// Issues per search page of the history pass, which asks for ids only
/// (Jira gives up to 5000 of those a page; the bulk changelog takes 1000).
const HISTORY_PAGE: u32 = 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JiraEntity {
    Issues,
    IssueFields,
    IssueHistory,
    Worklogs,
    Sprints,
    Users,
}

impl JiraEntity {
    const ALL: [JiraEntity; 6] =
        [Self::Issues, Self::IssueFields, Self::IssueHistory, Self::Worklogs, Self::Sprints, Self::Users];

    pub fn name(self) -> &'static str {
        match self {
            Self::Issues => "issues",
            Self::IssueFields => "issue_fields",
            Self::IssueHistory => "issue_history",
            Self::Worklogs => "worklogs",
            Self::Sprints => "sprints",
            Self::Users => "users",
        }
    }

    fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.name() == name)
    }
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct DatasetCursor {
    /// The table being read (its name, so a cursor names what it reads).
    entity: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    at: Option<EntityCursor>,
    /// The search every issue table runs, written on first use.
    #[serde(skip_serializing_if = "String::is_empty")]
    jql: String,
    /// Rows read so far per table (`ferry_core::model::dataset::DatasetProgress`).
    rows: BTreeMap<String, u64>,
}

/// Where a table's reading stands.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct EntityCursor {
    /// The search's next page.
    #[serde(skip_serializing_if = "Option::is_none")]
    token: Option<String>,
    /// Users, or the sprints of the first pending board: items already read.
    #[serde(skip_serializing_if = "is_zero")]
    start: usize,
    /// Sprints: boards listed so far, whether the list is done, and the
    /// boards whose sprints are still to read (the first is being read).
    #[serde(skip_serializing_if = "is_zero")]
    boards_start: usize,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    boards_done: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pending: Vec<Board>,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

pub struct JiraDataset {
    client: JiraClient,
    entities: Vec<JiraEntity>,
    scope: SearchScope,
    catalog: Option<FieldCatalog>,
    left_out: Vec<LeftOut>,
}

/// Opens the reader of a `dataset` report; asks whether the site has Jira
/// Software when `sprints` is chosen.
pub async fn open(client: JiraClient, request: &SourceRequest) -> Result<JiraDataset, SourceError> {
    let options = request.kind.dataset().cloned().unwrap_or_default();
    let mut entities: Vec<JiraEntity> =
        options.chosen(&JIRA_TABLES).iter().filter_map(|t| JiraEntity::parse(t.entity)).collect();
    let mut left_out = Vec::new();
    if entities.contains(&JiraEntity::Sprints) && !has_software(&client).await? {
        entities.retain(|e| *e != JiraEntity::Sprints);
        left_out.push(LeftOut {
            entity: "sprints".into(),
            warning: format!(
                "sprints left out: {} has no Jira Software (GET /rest/agile/1.0/board is not there), so no boards or sprints",
                client.site()
            ),
        });
    }
    let scope = SearchScope {
        report_type: request.kind.report_type(),
        user_jql: request.query.clone(),
        from: request.from_date,
        to: None,
    };
    Ok(JiraDataset { client, entities, scope, catalog: None, left_out })
}

impl JiraDataset {
    /// The search of the issue tables: the report's JQL with `updated >=`,
    /// in a stable order when the report gives none.
    async fn jql(&self) -> Result<String, SourceError> {
        let jql = self.scope.jql(&self.client).await?;
        Ok(match split_order_by(&jql).1 {
            Some(_) => jql,
            None => format!("{jql} ORDER BY key ASC"),
        })
    }

    async fn search(
        &self,
        jql: &str,
        fields: &[&str],
        token: Option<&str>,
        size: u32,
    ) -> Result<SearchPage, SourceError> {
        let fields: Vec<String> = fields.iter().map(|f| f.to_string()).collect();
        Ok(search_page_of(&self.client, jql, &fields, token, size).await?)
    }

    /// One page of `entity` at `at`: its rows and where the next page starts.
    async fn read(
        &mut self,
        entity: JiraEntity,
        jql: &str,
        at: EntityCursor,
    ) -> Result<(Vec<Row>, Option<EntityCursor>), SourceError> {
        let token = at.token.as_deref();
        let kept = |scope: &SearchScope, page: &SearchPage| -> Vec<usize> {
            (0..page.issues.len()).filter(|i| !scope.updated_before_from(&page.issues[*i])).collect()
        };
        let searched =
            |page: &SearchPage| page.next_token().map(|t| EntityCursor { token: Some(t.into()), ..Default::default() });
        match entity {
            JiraEntity::Issues => {
                let page = self.search(jql, &ISSUE_FIELDS, token, PAGE_SIZE).await?;
                let rows = kept(&self.scope, &page).into_iter().map(|i| issue_row(&page.issues[i])).collect();
                Ok((rows, searched(&page)))
            }
            JiraEntity::IssueFields => {
                if self.catalog.is_none() {
                    self.catalog = Some(FieldCatalog::fetch(&self.client).await?);
                }
                let page = self.search(jql, &["*all"], token, PAGE_SIZE).await?;
                let catalog = self.catalog.as_ref().expect("fetched above");
                let rows =
                    kept(&self.scope, &page).into_iter().flat_map(|i| field_rows(&page.issues[i], catalog)).collect();
                Ok((rows, searched(&page)))
            }
            JiraEntity::IssueHistory => {
                let page = self.search(jql, &["updated"], token, HISTORY_PAGE).await?;
                let issues: Vec<IssueRef> = kept(&self.scope, &page)
                    .into_iter()
                    .map(|i| IssueRef { id: page.issues[i].id_text(), key: page.issues[i].key_text() })
                    .collect();
                let rows = if issues.is_empty() {
                    Vec::new()
                } else {
                    history_rows(&self.client, &issues, self.scope.from).await?
                };
                Ok((rows, searched(&page)))
            }
            JiraEntity::Worklogs => {
                let page = self.search(jql, &["updated", "worklog"], token, PAGE_SIZE).await?;
                let mut rows = Vec::new();
                for i in kept(&self.scope, &page) {
                    let issue = &page.issues[i];
                    let (inline, complete) = inline_worklogs(issue);
                    let all = if complete {
                        inline
                    } else {
                        fetch_worklogs(&self.client, issue, WorklogRange::default()).await?
                    };
                    let from = self.scope.from;
                    rows.extend(
                        all.iter()
                            .filter(|w| from.is_none_or(|f| worklog_changed(w).is_none_or(|t| t >= f)))
                            .map(|w| worklog_row(issue, w)),
                    );
                }
                Ok((rows, searched(&page)))
            }
            JiraEntity::Sprints => self.sprints(at).await,
            JiraEntity::Users => {
                let (rows, read) = user_rows(&self.client, at.start).await?;
                let next = (read > 0).then(|| EntityCursor { start: at.start + read, ..Default::default() });
                Ok((rows, next))
            }
        }
    }

    async fn sprints(&self, mut at: EntityCursor) -> Result<(Vec<Row>, Option<EntityCursor>), SourceError> {
        let Some(board) = at.pending.first().cloned() else {
            if at.boards_done {
                return Ok((Vec::new(), None));
            }
            let (listed, read, more) = boards(&self.client, at.boards_start).await?;
            at.boards_start += read;
            at.boards_done = !more;
            at.pending = listed;
            let done = at.pending.is_empty() && at.boards_done;
            return Ok((Vec::new(), (!done).then_some(at)));
        };
        let (rows, read, more) = sprint_rows(&self.client, &board, at.start).await?;
        if more {
            at.start += read;
        } else {
            at.start = 0;
            at.pending.remove(0);
        }
        let done = at.pending.is_empty() && at.boards_done;
        Ok((rows, (!done).then_some(at)))
    }
}

#[async_trait]
impl RowSource for JiraDataset {
    async fn total(&mut self) -> Result<Option<u64>, SourceError> {
        Ok(None)
    }

    fn left_out(&self) -> Vec<LeftOut> {
        self.left_out.clone()
    }

    async fn page(&mut self, cursor: Option<&serde_json::Value>) -> Result<SourcePage, SourceError> {
        let mut c: DatasetCursor = match cursor {
            Some(v) => serde_json::from_value(v.clone())
                .map_err(|e| SourceError::Failed(format!("the export's saved position is unreadable: {e}")))?,
            None => DatasetCursor::default(),
        };
        let index = match self.entities.iter().position(|e| e.name() == c.entity) {
            Some(i) => i,
            None if cursor.is_none() => 0,
            None => return Err(SourceError::Failed(format!("the export's saved position names {}", c.entity))),
        };
        let Some(&entity) = self.entities.get(index) else {
            return Ok(SourcePage { rows: Vec::new(), next: None });
        };
        let searches = !matches!(entity, JiraEntity::Sprints | JiraEntity::Users);
        if searches && c.jql.is_empty() {
            c.jql = self.jql().await?;
        }
        let (rows, at) = self.read(entity, &c.jql.clone(), c.at.take().unwrap_or_default()).await?;
        *c.rows.entry(entity.name().to_string()).or_default() += rows.len() as u64;
        let rows: Vec<Row> = rows
            .into_iter()
            .map(|cells| std::iter::once(Value::Text(entity.name().to_string())).chain(cells).collect())
            .collect();
        let next = match at {
            Some(at) => Some((entity, Some(at))),
            None => self.entities.get(index + 1).map(|e| (*e, None)),
        };
        let next = next.map(|(e, at)| {
            c.entity = e.name().to_string();
            c.at = at;
            serde_json::to_value(&c).unwrap_or_default()
        });
        Ok(SourcePage { rows, next })
    }
}
