//! The simulator's Jira Software and user-search routes:
//! `GET /rest/agile/1.0/board` and `/board/{id}/sprint` (`startAt` paging,
//! small pages so Ferry pages; a kanban board's sprints are a 400, as Jira
//! answers; every agile route a 404 when the site has no Jira Software), and
//! `GET /rest/api/3/users/search` (a plain array, `startAt` paging).

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value as Json_};

use super::server::{gate, jira_error, set_status, Shared};
use super::site::{board_sprints, site_users, sprint_json, user_json, BOARDS};

/// Boards, sprints and users per page at most, whatever is asked.
const BOARD_PAGE_CAP: usize = 2;
const SPRINT_PAGE_CAP: usize = 10;
const USER_PAGE_CAP: usize = 3;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PageParams {
    #[serde(default)]
    start_at: usize,
    #[serde(default)]
    max_results: Option<usize>,
}

fn agile_page(values: Vec<Json_>, p: &PageParams, cap: usize) -> Json_ {
    let size = p.max_results.unwrap_or(50).clamp(1, cap);
    let total = values.len();
    let page: Vec<Json_> = values.into_iter().skip(p.start_at).take(size).collect();
    let is_last = p.start_at + page.len() >= total;
    json!({"maxResults": size, "startAt": p.start_at, "total": total, "isLast": is_last, "values": page})
}

fn no_software(state: &super::server::SimState, number: u64) -> Option<Response> {
    if !state.faults.lock().unwrap().no_software {
        return None;
    }
    set_status(state, number, 404);
    Some(jira_error(StatusCode::NOT_FOUND, "Jira Software is not available on this site."))
}

pub async fn boards(
    State(state): State<Shared>,
    headers: HeaderMap,
    uri: Uri,
    Query(p): Query<PageParams>,
) -> Response {
    let (number, gated) = gate(&state, &headers, &uri, None, None).await;
    if let Some(answer) = gated.or_else(|| no_software(&state, number)) {
        return answer;
    }
    let values = BOARDS
        .iter()
        .map(|(id, name, kind)| {
            json!({"id": id, "self": format!("https://sim.atlassian.net/rest/agile/1.0/board/{id}"),
            "name": name, "type": kind, "location": {"projectKey": "SIM"}})
        })
        .collect();
    Json(agile_page(values, &p, BOARD_PAGE_CAP)).into_response()
}

pub async fn sprints(
    State(state): State<Shared>,
    headers: HeaderMap,
    uri: Uri,
    Path(id): Path<i64>,
    Query(p): Query<PageParams>,
) -> Response {
    let (number, gated) = gate(&state, &headers, &uri, None, None).await;
    if let Some(answer) = gated.or_else(|| no_software(&state, number)) {
        return answer;
    }
    match BOARDS.iter().find(|b| b.0 == id) {
        None => {
            set_status(&state, number, 404);
            jira_error(StatusCode::NOT_FOUND, "Board does not exist or you do not have permission to see it.")
        }
        Some((_, _, "kanban")) => {
            set_status(&state, number, 400);
            jira_error(StatusCode::BAD_REQUEST, "The board does not support sprints")
        }
        Some(_) => {
            let values = board_sprints(id).iter().map(sprint_json).collect();
            Json(agile_page(values, &p, SPRINT_PAGE_CAP)).into_response()
        }
    }
}

pub async fn users(State(state): State<Shared>, headers: HeaderMap, uri: Uri, Query(p): Query<PageParams>) -> Response {
    if let (_, Some(answer)) = gate(&state, &headers, &uri, None, None).await {
        return answer;
    }
    let size = p.max_results.unwrap_or(50).clamp(1, USER_PAGE_CAP);
    let page: Vec<Json_> = site_users().iter().skip(p.start_at).take(size).map(user_json).collect();
    Json(Json_::Array(page)).into_response()
}
