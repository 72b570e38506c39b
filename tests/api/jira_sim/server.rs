//! The simulator's HTTP side: Jira Cloud's routes that Ferry uses, basic
//! auth, paging by `nextPageToken` and `startAt`, and the injected faults
//! (429 with `Retry-After`, 500, slow answers), every request logged.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value as Json_};

use super::dataset::{fields_json, issue_json, worklog_count, worklog_json, worklog_started, USER_TIME_ZONE};
use super::jql::{parse, Query as Jql};
use super::{agile_routes, changelog_routes};

/// Worklogs per page of `/issue/{id}/worklog`, whatever is asked (Jira may
/// answer with fewer than asked; this makes Ferry page).
const WORKLOG_PAGE_CAP: usize = 10;
/// Issues per search page at most, like Jira with many fields.
const SEARCH_PAGE_CAP: usize = 100;
/// Issues per search page at most when a few small fields are asked (Jira:
/// "the greatest number of items per page is achieved when requesting id or
/// key only", up to 5000).
const SMALL_PAGE_CAP: usize = 1000;

fn page_cap(fields: Option<&[String]>) -> usize {
    let small = ["summary", "status", "created", "updated", "key", "id"];
    match fields {
        Some(f) if f.len() <= 4 && f.iter().all(|x| small.contains(&x.as_str())) => SMALL_PAGE_CAP,
        _ => SEARCH_PAGE_CAP,
    }
}

/// One request as the simulator saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub path: String,
    /// The search's `nextPageToken` (None on a first page or another route).
    pub token: Option<String>,
    /// The JQL of a search or count.
    pub jql: Option<String>,
    pub status: u16,
}

/// Faults to inject; request numbers count from 1 over all routes.
#[derive(Debug, Clone, Default)]
pub struct Faults {
    /// Every n-th request is answered 429 with `Retry-After: secs`.
    pub throttle_every: Option<(u64, u64)>,
    /// These request numbers are answered 500.
    pub fail_requests: Vec<u64>,
    /// Search pages wait this long before answering (slow pages).
    pub page_delay: Duration,
    /// Every answer waits this long (network latency).
    pub latency: Duration,
    /// The bulk changelog endpoint answers this status (404, 403, 405: refused).
    pub bulk_refused: Option<u16>,
    /// The site has no Jira Software: its agile routes answer 404.
    pub no_software: bool,
}

pub struct SimState {
    pub project: String,
    pub issues: u32,
    pub auth: String,
    pub faults: Mutex<Faults>,
    pub seen: Mutex<Vec<Seen>>,
    matches: Mutex<HashMap<String, Arc<Vec<u32>>>>,
}

impl SimState {
    pub fn new(project: &str, issues: u32, auth: String) -> Self {
        SimState {
            project: project.to_string(),
            issues,
            auth,
            faults: Mutex::new(Faults::default()),
            seen: Mutex::new(Vec::new()),
            matches: Mutex::new(HashMap::new()),
        }
    }

    fn matching(&self, jql: &str) -> Result<Arc<Vec<u32>>, String> {
        if let Some(m) = self.matches.lock().unwrap().get(jql) {
            return Ok(m.clone());
        }
        let q: Jql = parse(jql, &self.project)?;
        let found: Arc<Vec<u32>> = Arc::new((1..=self.issues).filter(|n| q.matches(*n)).collect());
        self.matches.lock().unwrap().insert(jql.to_string(), found.clone());
        Ok(found)
    }
}

pub(super) type Shared = Arc<SimState>;

pub fn router(state: Shared) -> Router {
    Router::new()
        .route("/rest/api/3/myself", get(myself))
        .route("/rest/api/3/field", get(fields))
        .route("/rest/api/3/search/jql", post(search))
        .route("/rest/api/3/search/approximate-count", post(count))
        .route("/rest/api/3/issue/{id}/worklog", get(worklogs))
        .route("/rest/api/3/issue/{id}/changelog", get(changelog_routes::issue_changelog))
        .route("/rest/api/3/changelog/bulkfetch", post(changelog_routes::bulk_changelogs))
        .route("/rest/api/3/status", get(changelog_routes::statuses))
        .route("/rest/api/3/user", get(changelog_routes::user))
        .route("/rest/api/3/user/search", get(changelog_routes::user_search))
        .route("/rest/api/3/users/search", get(agile_routes::users))
        .route("/rest/agile/1.0/board", get(agile_routes::boards))
        .route("/rest/agile/1.0/board/{id}/sprint", get(agile_routes::sprints))
        .with_state(state)
}

pub(super) fn jira_error(status: StatusCode, message: &str) -> Response {
    (status, Json(json!({"errorMessages": [message], "errors": {}}))).into_response()
}

/// Logs the request and applies auth and faults; Some(answer) ends it there.
pub(super) async fn gate(
    state: &SimState,
    headers: &HeaderMap,
    uri: &Uri,
    token: Option<String>,
    jql: Option<String>,
) -> (u64, Option<Response>) {
    let faults = state.faults.lock().unwrap().clone();
    let number = {
        let seen = state.seen.lock().unwrap();
        seen.len() as u64 + 1
    };
    let mut answer = None;
    let mut status = 200;
    if headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()) != Some(state.auth.as_str()) {
        status = 401;
        answer = Some(jira_error(StatusCode::UNAUTHORIZED, "Client must be authenticated to access this resource."));
    } else if let Some((n, secs)) = faults.throttle_every.filter(|(n, _)| number % n == 0) {
        let _ = n;
        status = 429;
        answer = Some(
            (
                StatusCode::TOO_MANY_REQUESTS,
                [(header::RETRY_AFTER, secs.to_string())],
                Json(json!({"errorMessages": ["Rate limit exceeded."]})),
            )
                .into_response(),
        );
    } else if faults.fail_requests.contains(&number) {
        status = 500;
        answer = Some(jira_error(StatusCode::INTERNAL_SERVER_ERROR, "Internal server error"));
    }
    state.seen.lock().unwrap().push(Seen { path: uri.path().to_string(), token, jql, status });
    if !faults.latency.is_zero() {
        tokio::time::sleep(faults.latency).await;
    }
    (number, answer)
}

pub(super) fn set_status(state: &SimState, number: u64, status: u16) {
    if let Some(s) = state.seen.lock().unwrap().get_mut(number as usize - 1) {
        s.status = status;
    }
}

async fn myself(State(state): State<Shared>, headers: HeaderMap, uri: Uri) -> Response {
    if let (_, Some(answer)) = gate(&state, &headers, &uri, None, None).await {
        return answer;
    }
    Json(json!({"self": "https://sim.atlassian.net/rest/api/3/user?accountId=sim", "accountId": "5b10a2844c20165700ede21g",
        "accountType": "atlassian", "emailAddress": "sim@example.com", "displayName": "Sim User", "active": true,
        "timeZone": USER_TIME_ZONE, "locale": "en_US", "groups": {"size": 3, "items": []}}))
    .into_response()
}

async fn fields(State(state): State<Shared>, headers: HeaderMap, uri: Uri) -> Response {
    if let (_, Some(answer)) = gate(&state, &headers, &uri, None, None).await {
        return answer;
    }
    Json(fields_json()).into_response()
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SearchBody {
    #[serde(default)]
    jql: String,
    #[serde(default)]
    fields: Option<Vec<String>>,
    #[serde(default)]
    max_results: Option<usize>,
    #[serde(default)]
    next_page_token: Option<String>,
}

pub(super) fn token_for(jql: &str, offset: usize) -> String {
    let hash = jql.bytes().fold(0xcbf29ce484222325u64, |h, b| (h ^ b as u64).wrapping_mul(0x100000001b3));
    format!("CAEa{offset:x}x{hash:016x}")
}

/// The offset a token was made for (checked against the query by the caller).
pub(super) fn offset_of(token: &str) -> Option<usize> {
    let hex = token.strip_prefix("CAEa")?.split('x').next()?;
    usize::from_str_radix(hex, 16).ok()
}

async fn search(State(state): State<Shared>, headers: HeaderMap, uri: Uri, Json(body): Json<SearchBody>) -> Response {
    let (number, gated) = gate(&state, &headers, &uri, body.next_page_token.clone(), Some(body.jql.clone())).await;
    if let Some(answer) = gated {
        return answer;
    }
    let delay = state.faults.lock().unwrap().page_delay;
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let found = match state.matching(&body.jql) {
        Ok(f) => f,
        Err(message) => {
            set_status(&state, number, 400);
            return jira_error(StatusCode::BAD_REQUEST, &message);
        }
    };
    let offset = match &body.next_page_token {
        None => 0,
        Some(t) => match offset_of(t).filter(|o| *o <= found.len() && token_for(&body.jql, *o) == *t) {
            Some(o) => o,
            None => {
                set_status(&state, number, 400);
                return jira_error(StatusCode::BAD_REQUEST, "The provided next page token is invalid or expired.");
            }
        },
    };
    let size = body.max_results.unwrap_or(50).clamp(1, page_cap(body.fields.as_deref()));
    let end = (offset + size).min(found.len());
    let issues: Vec<Json_> = found[offset..end].iter().map(|n| issue_json(*n, body.fields.as_deref())).collect();
    let is_last = end >= found.len();
    let mut answer = json!({"issues": issues, "isLast": is_last});
    if !is_last {
        answer["nextPageToken"] = json!(token_for(&body.jql, end));
    }
    Json(answer).into_response()
}

async fn count(State(state): State<Shared>, headers: HeaderMap, uri: Uri, Json(body): Json<SearchBody>) -> Response {
    let (number, gated) = gate(&state, &headers, &uri, None, Some(body.jql.clone())).await;
    if let Some(answer) = gated {
        return answer;
    }
    match state.matching(&body.jql) {
        Ok(found) => Json(json!({"count": found.len()})).into_response(),
        Err(message) => {
            set_status(&state, number, 400);
            jira_error(StatusCode::BAD_REQUEST, &message)
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WorklogParams {
    #[serde(default)]
    start_at: usize,
    #[serde(default)]
    max_results: Option<usize>,
    #[serde(default)]
    started_after: Option<i64>,
    #[serde(default)]
    started_before: Option<i64>,
}

async fn worklogs(
    State(state): State<Shared>,
    headers: HeaderMap,
    uri: Uri,
    Path(id): Path<String>,
    Query(p): Query<WorklogParams>,
) -> Response {
    let (number, gated) = gate(&state, &headers, &uri, None, None).await;
    if let Some(answer) = gated {
        return answer;
    }
    let n = id.parse::<u32>().ok().and_then(|i| i.checked_sub(10_000)).filter(|n| (1..=state.issues).contains(n));
    let Some(n) = n else {
        set_status(&state, number, 404);
        return jira_error(StatusCode::NOT_FOUND, "Issue does not exist or you do not have permission to see it.");
    };
    // Jira's bounds on `started`, both exclusive here.
    let kept: Vec<usize> = (0..worklog_count(n))
        .filter(|j| {
            let ms = worklog_started(n, *j).as_millisecond();
            p.started_after.is_none_or(|a| ms > a) && p.started_before.is_none_or(|b| ms < b)
        })
        .collect();
    let size = p.max_results.unwrap_or(5000).clamp(1, WORKLOG_PAGE_CAP);
    let page: Vec<Json_> = kept.iter().skip(p.start_at).take(size).map(|j| worklog_json(n, *j)).collect();
    Json(json!({"startAt": p.start_at, "maxResults": size, "total": kept.len(), "worklogs": page})).into_response()
}
