//! The simulator's changelog and user routes: `POST /changelog/bulkfetch`
//! (histories of the asked issues ordered by date then issue id across the
//! batch, paged by `nextPageToken`, or refused when a fault says so),
//! `GET /issue/{id}/changelog` (`startAt` paging, at most 100 per page),
//! `GET /status` and `GET /user?accountId=` (one account hides its address).

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value as Json_};

use super::changelog::{bulk_all_histories, bulk_history, issue_histories, status_changes, statuses_json};
use super::server::{gate, jira_error, offset_of, set_status, token_for, Shared};

/// Histories per bulk page at most, whatever is asked.
const BULK_PAGE_CAP: usize = 1000;
/// Histories per page of one issue's changelog at most.
const ISSUE_PAGE_CAP: usize = 100;

/// The site's users: account id, display name, address (None: hidden by
/// the user's privacy setting).
pub const USERS: [(&str, &str, Option<&str>); 3] = [
    ("5b10a2844c20165700ede21g", "Mia Krystof", Some("mia@example.com")),
    ("5fc9e78d2730d800760becc4", "Zoë Ångström", Some("zoe@example.org")),
    ("6300ff00ee11dd22cc33bb44", "Sam Doe", None),
];

fn issue_number(state: &super::server::SimState, id: &str) -> Option<u32> {
    id.parse::<u32>().ok().and_then(|i| i.checked_sub(10_000)).filter(|n| (1..=state.issues).contains(n))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BulkBody {
    #[serde(default)]
    issue_ids_or_keys: Vec<String>,
    #[serde(default)]
    field_ids: Vec<String>,
    #[serde(default)]
    max_results: Option<usize>,
    #[serde(default)]
    next_page_token: Option<String>,
}

pub async fn bulk_changelogs(
    State(state): State<Shared>,
    headers: HeaderMap,
    uri: Uri,
    Json(body): Json<BulkBody>,
) -> Response {
    let (number, gated) = gate(&state, &headers, &uri, body.next_page_token.clone(), None).await;
    if let Some(answer) = gated {
        return answer;
    }
    if let Some(code) = state.faults.lock().unwrap().bulk_refused {
        set_status(&state, number, code);
        let status = StatusCode::from_u16(code).unwrap();
        return jira_error(status, "This endpoint is not available to you.");
    }
    if body.issue_ids_or_keys.is_empty() || body.issue_ids_or_keys.len() > 1000 {
        set_status(&state, number, 400);
        return jira_error(StatusCode::BAD_REQUEST, "issueIdsOrKeys must hold 1 to 1000 issues.");
    }
    let delay = state.faults.lock().unwrap().page_delay;
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let status_only = body.field_ids.iter().any(|f| f == "status");
    if !status_only && !body.field_ids.is_empty() {
        set_status(&state, number, 400);
        return jira_error(StatusCode::BAD_REQUEST, "The simulator serves status changelogs or whole ones only.");
    }
    let numbers: Vec<u32> = body.issue_ids_or_keys.iter().filter_map(|id| issue_number(&state, id)).collect();
    let mut all: Vec<(u32, jiff::Timestamp, Json_)> = if status_only {
        numbers.iter().flat_map(|n| status_changes(*n).into_iter().map(move |c| (*n, c.at, bulk_history(&c)))).collect()
    } else {
        numbers.iter().flat_map(|n| bulk_all_histories(*n).into_iter().map(move |(at, h)| (*n, at, h))).collect()
    };
    // Jira: by change date, then issue id, across the batch.
    all.sort_by_key(|(n, at, _)| (*at, *n));
    let key = body.issue_ids_or_keys.join(",");
    let offset = match &body.next_page_token {
        None => 0,
        Some(t) => match offset_of(t).filter(|o| *o <= all.len() && token_for(&key, *o) == *t) {
            Some(o) => o,
            None => {
                set_status(&state, number, 400);
                return jira_error(StatusCode::BAD_REQUEST, "The provided next page token is invalid.");
            }
        },
    };
    let size = body.max_results.unwrap_or(1000).clamp(1, BULK_PAGE_CAP);
    let end = (offset + size).min(all.len());
    let mut logs: Vec<(u32, Vec<Json_>)> = Vec::new();
    for (n, _, history) in &all[offset..end] {
        match logs.iter_mut().find(|(m, _)| m == n) {
            Some((_, histories)) => histories.push(history.clone()),
            None => logs.push((*n, vec![history.clone()])),
        }
    }
    let logs: Vec<Json_> = logs
        .into_iter()
        .map(|(n, histories)| json!({"issueId": (10_000 + n).to_string(), "changeHistories": histories}))
        .collect();
    let mut answer = json!({"issueChangeLogs": logs});
    if end < all.len() {
        answer["nextPageToken"] = json!(token_for(&key, end));
    }
    Json(answer).into_response()
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PageParams {
    #[serde(default)]
    start_at: usize,
    #[serde(default)]
    max_results: Option<usize>,
}

pub async fn issue_changelog(
    State(state): State<Shared>,
    headers: HeaderMap,
    uri: Uri,
    Path(id): Path<String>,
    Query(p): Query<PageParams>,
) -> Response {
    let (number, gated) = gate(&state, &headers, &uri, None, None).await;
    if let Some(answer) = gated {
        return answer;
    }
    let Some(n) = issue_number(&state, &id) else {
        set_status(&state, number, 404);
        return jira_error(StatusCode::NOT_FOUND, "Issue does not exist or you do not have permission to see it.");
    };
    let histories = issue_histories(n);
    let size = p.max_results.unwrap_or(100).clamp(1, ISSUE_PAGE_CAP);
    let page: Vec<Json_> = histories.iter().skip(p.start_at).take(size).cloned().collect();
    let is_last = p.start_at + page.len() >= histories.len();
    Json(
        json!({"startAt": p.start_at, "maxResults": size, "total": histories.len(), "isLast": is_last, "values": page}),
    )
    .into_response()
}

pub async fn statuses(State(state): State<Shared>, headers: HeaderMap, uri: Uri) -> Response {
    if let (_, Some(answer)) = gate(&state, &headers, &uri, None, None).await {
        return answer;
    }
    Json(statuses_json()).into_response()
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserParams {
    #[serde(default)]
    account_id: Option<String>,
}

pub async fn user(State(state): State<Shared>, headers: HeaderMap, uri: Uri, Query(p): Query<UserParams>) -> Response {
    let (number, gated) = gate(&state, &headers, &uri, None, None).await;
    if let Some(answer) = gated {
        return answer;
    }
    let found = USERS.iter().find(|(id, _, _)| Some(*id) == p.account_id.as_deref());
    let Some((id, name, email)) = found else {
        set_status(&state, number, 404);
        return jira_error(
            StatusCode::NOT_FOUND,
            "Specified user does not exist or you do not have required permissions",
        );
    };
    let mut user = json!({"self": format!("https://sim.atlassian.net/rest/api/3/user?accountId={id}"), "accountId": id,
        "accountType": "atlassian", "displayName": name, "active": true, "timeZone": "Europe/Berlin"});
    if let Some(email) = email {
        user["emailAddress"] = json!(email);
    }
    Json(user).into_response()
}

#[derive(Deserialize)]
pub struct SearchParams {
    #[serde(default)]
    query: String,
}

/// `GET /rest/api/3/user/search?query=`: Jira matches the start of a
/// display name's words or of an address, case-insensitively; hidden
/// addresses stay out of the answer (and out of the match).
pub async fn user_search(
    State(state): State<Shared>,
    headers: HeaderMap,
    uri: Uri,
    Query(p): Query<SearchParams>,
) -> Response {
    if let (_, Some(answer)) = gate(&state, &headers, &uri, None, None).await {
        return answer;
    }
    let q = p.query.to_lowercase();
    let found: Vec<_> = USERS
        .iter()
        .filter(|(_, name, email)| {
            !q.is_empty()
                && (name.to_lowercase().split(' ').any(|w| w.starts_with(&q))
                    || email.is_some_and(|e| e.to_lowercase().starts_with(&q)))
        })
        .map(|(id, name, email)| {
            let mut user = json!({"accountId": id, "accountType": "atlassian", "displayName": name, "active": true});
            if let Some(email) = email {
                user["emailAddress"] = json!(email);
            }
            user
        })
        .collect();
    Json(found).into_response()
}
