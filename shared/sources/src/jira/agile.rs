//! Jira Software's boards and sprints (`/rest/agile/1.0`, `startAt` paging)
//! for a dataset's `sprints` table, and the site's accounts
//! (`GET /rest/api/3/users/search`, apps and inactive ones included) for its
//! `users` table. A sprint is listed on every board whose filter shows it;
//! it is written once, on its origin board. Kanban boards have no sprints
//! (Jira answers 400 when asked), so they are not asked.

use ferry_core::model::value::{Row, Value};
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

use super::client::{path_segment, JiraClient};
use super::dates::parse_datetime;
use super::error::JiraError;

const BOARDS: &str = "/rest/agile/1.0/board";
/// Boards or sprints asked per page (the Agile API's maximum).
const AGILE_PAGE: u32 = 50;
/// Accounts asked per page of the user search (its maximum).
pub const USERS_PAGE: u32 = 1000;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Board {
    #[serde(default)]
    pub id: i64,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct AgilePage<T> {
    #[serde(default = "Vec::new")]
    values: Vec<T>,
    #[serde(default)]
    is_last: Option<bool>,
    #[serde(default)]
    total: Option<u64>,
}

impl<T> AgilePage<T> {
    /// Whether pages follow the one read from `start`.
    fn more(&self, start: usize) -> bool {
        let read = start + self.values.len();
        !self.values.is_empty() && self.is_last != Some(true) && self.total.is_none_or(|t| (read as u64) < t)
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Sprint {
    #[serde(default)]
    id: Option<i64>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    state: Option<String>,
    #[serde(default)]
    origin_board_id: Option<i64>,
    #[serde(default)]
    start_date: Option<String>,
    #[serde(default)]
    end_date: Option<String>,
    #[serde(default)]
    complete_date: Option<String>,
    #[serde(default)]
    goal: Option<String>,
}

/// Whether the site has Jira Software: its board list answers. A site
/// without it answers 404 (or 403) there.
pub async fn has_software(client: &JiraClient) -> Result<bool, JiraError> {
    let what = "the boards (GET /rest/agile/1.0/board)";
    match client.get::<Json>(BOARDS, &[("maxResults", "1".into())], what).await {
        Ok(_) => Ok(true),
        Err(e) if e.is_not_found() || matches!(e, JiraError::Status { code: 403, .. }) => Ok(false),
        Err(e) => Err(e),
    }
}

/// A page of boards from `start` (kanban ones left out), the number read,
/// and whether more follow.
pub async fn boards(client: &JiraClient, start: usize) -> Result<(Vec<Board>, usize, bool), JiraError> {
    let query = [("startAt", start.to_string()), ("maxResults", AGILE_PAGE.to_string())];
    let page: AgilePage<Board> = client.get(BOARDS, &query, "the boards (GET /rest/agile/1.0/board)").await?;
    let (more, read) = (page.more(start), page.values.len());
    Ok((page.values.into_iter().filter(|b| b.kind.as_deref() != Some("kanban")).collect(), read, more))
}

fn text(v: &Option<String>) -> Value {
    v.clone().map_or(Value::Null, Value::Text)
}

/// An empty text (a sprint without a goal, a hidden address) is no value.
fn non_empty(v: &Option<String>) -> Value {
    v.clone().filter(|s| !s.is_empty()).map_or(Value::Null, Value::Text)
}

fn time(v: &Option<String>) -> Value {
    v.as_deref().and_then(parse_datetime).map_or(Value::Null, Value::DateTime)
}

/// A page of the board's sprints from `start` as `sprints` rows (those
/// whose origin is the board), the number read, and whether more follow.
pub async fn sprint_rows(
    client: &JiraClient,
    board: &Board,
    start: usize,
) -> Result<(Vec<Row>, usize, bool), JiraError> {
    let path = format!("{BOARDS}/{}/sprint", path_segment(&board.id.to_string()));
    let what = format!("the sprints of board {} (GET {BOARDS}/{{id}}/sprint)", board.id);
    let query = [("startAt", start.to_string()), ("maxResults", AGILE_PAGE.to_string())];
    let page: AgilePage<Sprint> = match client.get(&path, &query, &what).await {
        Ok(p) => p,
        // A board without sprints (or gone since it was listed).
        Err(JiraError::Status { code: 400, .. }) => return Ok((Vec::new(), 0, false)),
        Err(e) if e.is_not_found() => return Ok((Vec::new(), 0, false)),
        Err(e) => return Err(e),
    };
    let more = page.more(start);
    let read = page.values.len();
    let rows = page
        .values
        .iter()
        .filter(|s| s.id.is_some() && s.origin_board_id.is_none_or(|o| o == board.id))
        .map(|s| {
            vec![
                s.id.map_or(Value::Null, Value::Int),
                text(&s.name),
                text(&s.state),
                Value::Int(board.id),
                text(&board.name),
                time(&s.start_date),
                time(&s.end_date),
                time(&s.complete_date),
                non_empty(&s.goal),
            ]
        })
        .collect();
    Ok((rows, read, more))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SiteUser {
    #[serde(default)]
    account_id: Option<String>,
    #[serde(default)]
    display_name: Option<String>,
    #[serde(default)]
    email_address: Option<String>,
    #[serde(default)]
    account_type: Option<String>,
    #[serde(default)]
    active: Option<bool>,
}

/// A page of the site's accounts from `start` as `users` rows, and the
/// number read. Jira may answer a page with fewer than asked while more
/// follow, so only an empty page ends the list.
pub async fn user_rows(client: &JiraClient, start: usize) -> Result<(Vec<Row>, usize), JiraError> {
    let query = [("startAt", start.to_string()), ("maxResults", USERS_PAGE.to_string())];
    let what = "the users (GET /rest/api/3/users/search)";
    let users: Vec<SiteUser> = client.get("/rest/api/3/users/search", &query, what).await?;
    let rows = users
        .iter()
        .filter(|u| u.account_id.as_deref().is_some_and(|a| !a.is_empty()))
        .map(|u| {
            vec![
                text(&u.account_id),
                text(&u.display_name),
                non_empty(&u.email_address),
                text(&u.account_type),
                u.active.map_or(Value::Null, Value::Bool),
            ]
        })
        .collect();
    Ok((rows, users.len()))
}
