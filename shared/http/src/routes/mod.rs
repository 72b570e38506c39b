//! The router: every route is registered from its handler's
//! `#[utoipa::path]`, so the path and method exist once, in the annotation,
//! and the OpenAPI document cannot silently miss a route (a test compares the
//! registered list with the document).

pub mod connections;
pub mod data_pipeline;
pub mod exports;
pub mod files;
pub mod health;
pub mod keys;
pub mod reports;
pub mod schedules;
pub mod settings;

use axum::extract::State;
use axum::handler::Handler;
use axum::http::{header, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{on, MethodFilter};
use axum::{Json, Router};
use ferry_core::Ports;
use serde::Serialize;
use utoipa::openapi::path::HttpMethod;

use crate::error::ApiError;
use crate::state::AppState;

/// The whole API over `ports` and the dashboard's pages (ferry-web) beside
/// it, with 404/405 answers for unknown routes and methods: JSON under `/v1`,
/// an HTML page elsewhere. Serve it on a socket or through lambda_http.
pub fn router(ports: Ports) -> Router {
    let state = AppState::new(ports);
    let pages = ferry_web::pages(state.ports.clone());
    api_routes()
        .router
        .fallback(route_not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(state)
        .merge(pages)
        .layer(axum::middleware::from_fn(run_to_completion))
}

/// Runs each request on a task of its own, so a client that hangs up
/// mid-request (a timeout, a closed tab) cannot cut a use case in half: the
/// server drops the request's future, but not the task. Without it a start
/// dropped between storing its export and queueing its job would leave the
/// export QUEUED for ever, holding its report.
async fn run_to_completion(request: axum::extract::Request, next: axum::middleware::Next) -> Response {
    match tokio::spawn(next.run(request)).await {
        Ok(response) => response,
        Err(e) => {
            tracing::error!(error = %e, "a request's task ended without an answer");
            ApiError::Core(ferry_core::CoreError::Port(ferry_core::PortError::backend("request task failed")))
                .into_response()
        }
    }
}

/// The routes and the `(method, path)` list they were registered under.
pub(crate) struct RouteTable {
    pub(crate) router: Router<AppState>,
    /// `("GET", "/v1/health")` and so on, in registration order.
    pub(crate) registered: Vec<(&'static str, String)>,
}

impl RouteTable {
    /// Registers `handler` at the path and methods its `#[utoipa::path]` declares.
    pub(crate) fn add<P, H, T>(mut self, handler: H) -> Self
    where
        P: utoipa::Path,
        H: Handler<T, AppState>,
        T: 'static,
    {
        let path = P::path();
        for method in P::methods() {
            let (filter, name) = method_filter(&method);
            self.router = self.router.route(&path, on(filter, handler.clone()));
            self.registered.push((name, path.clone()));
        }
        self
    }
}

fn method_filter(method: &HttpMethod) -> (MethodFilter, &'static str) {
    match method {
        HttpMethod::Get => (MethodFilter::GET, "GET"),
        HttpMethod::Post => (MethodFilter::POST, "POST"),
        HttpMethod::Put => (MethodFilter::PUT, "PUT"),
        HttpMethod::Delete => (MethodFilter::DELETE, "DELETE"),
        HttpMethod::Patch => (MethodFilter::PATCH, "PATCH"),
        HttpMethod::Head => (MethodFilter::HEAD, "HEAD"),
        HttpMethod::Options => (MethodFilter::OPTIONS, "OPTIONS"),
        HttpMethod::Trace => (MethodFilter::TRACE, "TRACE"),
    }
}

/// Every route of the API, not yet bound to state.
pub(crate) fn api_routes() -> RouteTable {
    let table = RouteTable { router: Router::new(), registered: Vec::new() };
    let table = health::register(table);
    let table = keys::register(table);
    let table = settings::register(table);
    let table = connections::register(table);
    let table = reports::register(table);
    let table = schedules::register(table);
    let table = files::register(table);
    let table = data_pipeline::register(table);
    exports::register(table)
}

/// JSON answers for an unknown API path (404) and a method a path does not
/// serve (405, axum keeps its `Allow` header), as `router` gives them.
#[cfg(test)]
pub(crate) fn with_fallbacks<S: Clone + Send + Sync + 'static>(router: Router<S>) -> Router<S> {
    router.fallback(api_route_not_found).method_not_allowed_fallback(api_method_not_allowed)
}

#[cfg(test)]
async fn api_route_not_found(uri: Uri) -> ApiError {
    ApiError::RouteNotFound { path: shown_path(&uri) }
}

#[cfg(test)]
async fn api_method_not_allowed(method: Method, uri: Uri) -> ApiError {
    ApiError::MethodNotAllowed { method: method.to_string(), path: shown_path(&uri) }
}

async fn route_not_found(State(state): State<AppState>, uri: Uri) -> Response {
    if is_api(&uri) {
        ApiError::RouteNotFound { path: shown_path(&uri) }.into_response()
    } else {
        ferry_web::not_found_page(&state.ports).await
    }
}

async fn method_not_allowed(State(state): State<AppState>, method: Method, uri: Uri) -> Response {
    if is_api(&uri) {
        ApiError::MethodNotAllowed { method: method.to_string(), path: shown_path(&uri) }.into_response()
    } else {
        ferry_web::not_found_page(&state.ports).await
    }
}

/// API paths answer in JSON; everything else belongs to the pages.
fn is_api(uri: &Uri) -> bool {
    uri.path() == "/v1" || uri.path().starts_with("/v1/")
}

/// The request path for a message, cut so a huge path does not make a huge body.
fn shown_path(uri: &Uri) -> String {
    uri.path().chars().take(200).collect()
}

/// 201 Created with an absolute `Location` of the new resource.
pub(crate) fn created<T: Serialize>(state: &AppState, location_path: &str, body: T) -> Response {
    (StatusCode::CREATED, [(header::LOCATION, state.url(location_path))], Json(body)).into_response()
}

#[cfg(test)]
mod tests;
