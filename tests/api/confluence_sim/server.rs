//! The simulator's HTTP side: the Confluence Cloud routes Ferry uses, basic
//! auth, cursor paging with `_links.next` (a page holds at most `page_cap`
//! items whatever `limit` asks), injected 429s with `Retry-After` and
//! latency, every request logged.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value as Json_};

use super::site::{self, SiteSize};

/// One request as the simulator saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub path: String,
    pub status: u16,
}

/// Faults to inject; request numbers count from 1 over all routes.
#[derive(Debug, Clone, Default)]
pub struct Faults {
    /// Every n-th request is answered 429 with `Retry-After: secs`.
    pub throttle_every: Option<(u64, u64)>,
    /// Every answer waits this long (network latency).
    pub latency: Duration,
}

pub struct SimState {
    pub size: SiteSize,
    pub auth: String,
    pub page_cap: usize,
    pub faults: Mutex<Faults>,
    pub seen: Mutex<Vec<Seen>>,
}

pub(super) type Shared = Arc<SimState>;

pub fn router(state: Shared) -> Router {
    Router::new()
        .route("/wiki/rest/api/user/current", get(current_user))
        .route("/wiki/api/v2/spaces", get(spaces))
        .route("/wiki/api/v2/pages", get(pages))
        .route("/wiki/api/v2/footer-comments", get(footer_comments))
        .route("/wiki/api/v2/inline-comments", get(inline_comments))
        .route("/wiki/api/v2/labels", get(labels))
        .route("/wiki/api/v2/labels/{id}/pages", get(label_pages))
        .route("/wiki/api/v2/users-bulk", post(users_bulk))
        .with_state(state)
}

fn error(status: StatusCode, message: &str) -> Response {
    (
        status,
        Json(json!({"errors": [{"status": status.as_u16(), "code": "ERROR", "title": message, "detail": null}],
        "message": message})),
    )
        .into_response()
}

/// Logs the request and applies auth and faults; Some(answer) ends it there.
async fn gate(state: &SimState, headers: &HeaderMap, uri: &Uri) -> Option<Response> {
    let faults = state.faults.lock().unwrap().clone();
    let number = state.seen.lock().unwrap().len() as u64 + 1;
    let (status, answer) =
        if headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()) != Some(state.auth.as_str()) {
            (401, Some(error(StatusCode::UNAUTHORIZED, "Current user not permitted to use Confluence")))
        } else if let Some((_, secs)) = faults.throttle_every.filter(|(n, _)| number.is_multiple_of(*n)) {
            let throttled = (
                StatusCode::TOO_MANY_REQUESTS,
                [(header::RETRY_AFTER, secs.to_string())],
                Json(json!({"message": "Rate limit exceeded"})),
            )
                .into_response();
            (429, Some(throttled))
        } else {
            (200, None)
        };
    state.seen.lock().unwrap().push(Seen { path: uri.path().to_string(), status });
    if !faults.latency.is_zero() {
        tokio::time::sleep(faults.latency).await;
    }
    answer
}

/// One page of `items` at the request's cursor, with `_links.next` keeping
/// the request's other parameters.
fn paged(state: &SimState, uri: &Uri, params: &HashMap<String, String>, items: Vec<Json_>) -> Response {
    let offset = match params.get("cursor") {
        None => 0,
        Some(c) => match c.strip_prefix("o").and_then(|o| o.parse::<usize>().ok()).filter(|o| *o <= items.len()) {
            Some(o) => o,
            None => return error(StatusCode::BAD_REQUEST, "Invalid cursor"),
        },
    };
    let limit = params.get("limit").and_then(|l| l.parse::<usize>().ok()).unwrap_or(25).clamp(1, 250);
    let take = limit.min(state.page_cap);
    let end = (offset + take).min(items.len());
    let mut links = json!({"base": "https://sim.atlassian.net/wiki"});
    if end < items.len() {
        let mut query: Vec<String> = params
            .iter()
            .filter(|(k, _)| k.as_str() != "cursor")
            .map(|(k, v)| {
                format!("{k}={}", percent_encoding::utf8_percent_encode(v, percent_encoding::NON_ALPHANUMERIC))
            })
            .collect();
        query.sort();
        query.push(format!("cursor=o{end}"));
        links["next"] = json!(format!("{}?{}", uri.path(), query.join("&")));
    }
    Json(json!({"results": items[offset..end].to_vec(), "_links": links})).into_response()
}

type Params = Query<HashMap<String, String>>;

async fn current_user(State(state): State<Shared>, headers: HeaderMap, uri: Uri) -> Response {
    if let Some(answer) = gate(&state, &headers, &uri).await {
        return answer;
    }
    Json(json!({"type": "known", "accountId": "5b10a2844c20165700ede21g", "accountType": "atlassian",
        "email": "sim@example.com", "publicName": "Sim", "displayName": "Sim User"}))
    .into_response()
}

async fn spaces(State(state): State<Shared>, headers: HeaderMap, uri: Uri, Query(p): Params) -> Response {
    if let Some(answer) = gate(&state, &headers, &uri).await {
        return answer;
    }
    let items = (1..=state.size.spaces).map(site::space_json).collect();
    paged(&state, &uri, &p, items)
}

async fn pages(State(state): State<Shared>, headers: HeaderMap, uri: Uri, Query(p): Params) -> Response {
    if let Some(answer) = gate(&state, &headers, &uri).await {
        return answer;
    }
    let with_body = p.get("body-format").map(String::as_str) == Some("storage");
    let items = (1..=state.size.pages).map(|n| site::page_json(n, state.size, with_body)).collect();
    paged(&state, &uri, &p, items)
}

async fn comments(state: Shared, headers: HeaderMap, uri: Uri, p: HashMap<String, String>, inline: bool) -> Response {
    if let Some(answer) = gate(&state, &headers, &uri).await {
        return answer;
    }
    let items = site::comments(state.size, inline).iter().map(site::CommentRef::json).collect();
    paged(&state, &uri, &p, items)
}

async fn footer_comments(State(state): State<Shared>, headers: HeaderMap, uri: Uri, Query(p): Params) -> Response {
    comments(state, headers, uri, p, false).await
}

async fn inline_comments(State(state): State<Shared>, headers: HeaderMap, uri: Uri, Query(p): Params) -> Response {
    comments(state, headers, uri, p, true).await
}

async fn labels(State(state): State<Shared>, headers: HeaderMap, uri: Uri, Query(p): Params) -> Response {
    if let Some(answer) = gate(&state, &headers, &uri).await {
        return answer;
    }
    let items = (0..site::LABELS.len()).map(site::label_json).collect();
    paged(&state, &uri, &p, items)
}

async fn label_pages(
    State(state): State<Shared>,
    headers: HeaderMap,
    uri: Uri,
    Path(id): Path<u64>,
    Query(p): Params,
) -> Response {
    if let Some(answer) = gate(&state, &headers, &uri).await {
        return answer;
    }
    let Some(l) = (0..site::LABELS.len()).find(|l| site::label_id(*l) == id) else {
        return error(StatusCode::NOT_FOUND, "No label with this id");
    };
    let items = site::label_pages(l, state.size).into_iter().map(|n| site::page_json(n, state.size, false)).collect();
    paged(&state, &uri, &p, items)
}

async fn users_bulk(State(state): State<Shared>, headers: HeaderMap, uri: Uri, Json(body): Json<Json_>) -> Response {
    if let Some(answer) = gate(&state, &headers, &uri).await {
        return answer;
    }
    let ids: Vec<String> = body["accountIds"]
        .as_array()
        .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
        .unwrap_or_default();
    if ids.len() > 100 {
        return error(StatusCode::BAD_REQUEST, "At most 100 account ids");
    }
    let results: Vec<Json_> = ids.iter().filter_map(|id| site::user_json(id)).collect();
    Json(json!({"results": results, "_links": {}})).into_response()
}
