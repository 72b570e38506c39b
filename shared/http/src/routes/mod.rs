//! The router. Every API route is named once, in [`api_routes`]: each
//! `routes!` line registers a handler at the path and methods of its
//! `#[utoipa::path]` and adds that operation to the OpenAPI document, so a
//! route cannot be served undocumented, and a name that is not a documented
//! handler does not compile. The handlers' modules deny dead code: a handler
//! left out of the list fails the build too.
//!
//! To add a route: write the handler with its `#[utoipa::path(...)]` in the
//! module of its resource and add one `.routes(routes!(module::handler))`
//! line below. One handler a line: `routes!` with several handlers routes
//! them all on one path.
#![deny(dead_code)]

mod connections;
mod data_pipeline;
mod exports;
mod files;
mod health;
mod keys;
mod reports;
mod schedules;
mod settings;

use std::sync::Arc;

use axum::http::{Method, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use axum::Router;
use ferry_core::Ports;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::ApiError;
use crate::openapi::{document_json, ApiDoc};
use crate::state::AppState;

/// Every route of the API with its OpenAPI operation, not yet bound to state.
pub(crate) fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(health::health))
        .routes(routes!(health::openapi_json))
        .routes(routes!(keys::create_key))
        .routes(routes!(keys::list_keys))
        .routes(routes!(keys::patch_key))
        .routes(routes!(keys::delete_key))
        .routes(routes!(settings::get_settings))
        .routes(routes!(settings::update_settings))
        .routes(routes!(connections::create_connection))
        .routes(routes!(connections::list_connections))
        .routes(routes!(connections::get_connection))
        .routes(routes!(connections::update_connection))
        .routes(routes!(connections::delete_connection))
        .routes(routes!(connections::connection_fields))
        .routes(routes!(connections::test_connection))
        .routes(routes!(connections::test_unsaved_connection))
        .routes(routes!(connections::connection_users))
        .routes(routes!(reports::create_report))
        .routes(routes!(reports::list_reports))
        .routes(routes!(reports::get_report))
        .routes(routes!(reports::update_report))
        .routes(routes!(reports::delete_report))
        .routes(routes!(reports::copy_report))
        .routes(routes!(reports::preview_report))
        .routes(routes!(reports::preview_draft))
        .routes(routes!(reports::preview_draft_pdf))
        .routes(routes!(schedules::preview_schedule))
        .routes(routes!(schedules::create_schedule))
        .routes(routes!(schedules::list_schedules))
        .routes(routes!(schedules::get_schedule))
        .routes(routes!(schedules::update_schedule))
        .routes(routes!(schedules::delete_schedule))
        .routes(routes!(schedules::pause_schedule))
        .routes(routes!(schedules::resume_schedule))
        .routes(routes!(schedules::run_schedule_now))
        .routes(routes!(schedules::list_schedule_runs))
        .routes(routes!(schedules::redeliver_run))
        .routes(routes!(schedules::test_destination))
        .routes(routes!(files::open_file_link))
        .routes(routes!(data_pipeline::start_pipeline_export))
        .routes(routes!(data_pipeline::get_pipeline_export))
        .routes(routes!(data_pipeline::cancel_pipeline_export))
        .routes(routes!(exports::start_export))
        .routes(routes!(exports::list_exports))
        .routes(routes!(exports::get_export))
        .routes(routes!(exports::download_export))
        .routes(routes!(exports::cancel_export))
        .routes(routes!(exports::delete_export_file))
}

/// The whole API over `ports`, with the dashboard's pages beside it:
/// `pages` (the runtimes pass `ferry_web::pages`) builds them on the same
/// ports, so this crate needs nothing of theirs. Unknown `/v1` paths and
/// methods answer in JSON here; every other unknown path is the pages' (their
/// router brings its own fallback). Serve it on a socket or through
/// lambda_http.
pub fn router(ports: Ports, pages: impl FnOnce(Arc<Ports>) -> Router) -> Router {
    let (api, document) = api_routes().split_for_parts();
    let openapi_json = document_json(document, &ports.config.public_url);
    let state = AppState::new(ports, openapi_json);
    let pages = pages(state.ports.clone());
    with_fallbacks(api).with_state(state).merge(pages).layer(axum::middleware::from_fn(run_to_completion))
}

/// The API's answers for an unknown `/v1` path (404) and a method a path does
/// not serve (405, axum keeps its `Allow` header), as JSON. Routes, not a
/// router fallback: the pages' router, merged beside, has the fallback.
fn with_fallbacks<S: Clone + Send + Sync + 'static>(router: Router<S>) -> Router<S> {
    router
        .route("/v1", any(route_not_found))
        .route("/v1/{*rest}", any(route_not_found))
        .method_not_allowed_fallback(method_not_allowed)
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

async fn route_not_found(uri: Uri) -> ApiError {
    ApiError::RouteNotFound { path: shown_path(&uri) }
}

async fn method_not_allowed(method: Method, uri: Uri) -> ApiError {
    ApiError::MethodNotAllowed { method: method.to_string(), path: shown_path(&uri) }
}

/// The request path for a message, cut so a huge path does not make a huge body.
fn shown_path(uri: &Uri) -> String {
    uri.path().chars().take(200).collect()
}

#[cfg(test)]
mod tests;
