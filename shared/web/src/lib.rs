//! Ferry's dashboard: pages for people, served beside the API (the runtimes
//! hand [`pages`] to `ferry_http::router`) and built from the same use cases.
//! The session and the error statuses come from `ferry-inbound`, which the
//! API shares; neither adapter depends on the other.
//!
//! Templates are askama (`templates/`, checked at compile time, escaping on);
//! one module per page or page group with its template of the same name.
//! Every form, the editors included, posts to its page route and is decoded
//! into the API's own input type ([`form_input`]). The little JavaScript
//! there is (`static/`) is ours, embedded, and only makes the live parts
//! live: every action is a plain form first.

pub mod assets;
pub mod connection_form;
pub mod connections;
pub mod deletes;
pub mod destination_helpers;
pub mod destination_kinds;
pub mod error;
pub mod exports;
pub mod fields;
pub mod flash;
pub mod form_input;
#[cfg(test)]
mod form_names;
pub mod form_view;
pub mod frame;
pub mod headers;
pub mod history;
pub mod keys;
pub mod list_edit;
pub mod recurrence_words;
mod report_details;
pub mod report_form;
pub mod reports;
pub mod schedule;
pub mod schedule_form;
pub mod schedules;
pub mod settings;
pub mod sign_in;
pub mod time_zones;
pub mod times;

use std::sync::Arc;

use axum::routing::{get, post};
use axum::Router;
use ferry_core::Ports;

pub use error::WebError;
pub use ferry_inbound::client_address::{client_address, ClientAddress};
pub use ferry_inbound::session;

/// What every page handler receives.
#[derive(Clone)]
pub struct WebState {
    pub ports: Arc<Ports>,
    pub keys: session::SessionKeys,
    /// The path of `FERRY_PUBLIC_URL` without a trailing slash (`""` or `/prod`):
    /// every link and redirect starts with it.
    pub base: String,
    /// `FERRY_PUBLIC_URL` is https: cookies get `Secure`.
    pub secure: bool,
}

impl WebState {
    pub fn new(ports: Arc<Ports>) -> Self {
        let public_url = ports.config.public_url.clone();
        let keys = session::SessionKeys::derive(&ports.config.link_key);
        WebState { ports, keys, base: base_path(&public_url), secure: public_url.starts_with("https://") }
    }

    /// A path of the dashboard under the public URL's path.
    pub fn link(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }
}

/// `https://host/prod/` → `/prod`; `http://127.0.0.1:8080` → ``.
fn base_path(public_url: &str) -> String {
    let after_scheme = public_url.split_once("://").map_or(public_url, |(_, rest)| rest);
    let path = after_scheme.find('/').map_or("", |i| &after_scheme[i..]);
    path.trim_end_matches('/').to_string()
}

/// The dashboard's routes, bound to their state, with the pages' security
/// headers and the HTML 404 of every path outside them (the API's router
/// answers its own `/v1` paths, so the two merge without a second fallback).
pub fn pages(ports: Arc<Ports>) -> Router {
    let state = WebState::new(ports);
    Router::new()
        .route("/", get(schedules::home))
        .route("/sign-in", get(sign_in::form).post(sign_in::submit))
        .route("/sign-out", post(sign_in::sign_out))
        .route("/schedules", get(schedules::list))
        .route("/schedules/new", get(schedule_form::new).post(schedule_form::submit_new))
        .route("/schedules/next-runs", post(schedule_form::next_runs_part))
        .route("/schedules/{id}", get(schedule::show))
        .route("/schedules/{id}/history", get(history::part))
        .route("/schedules/{id}/edit", get(schedule_form::edit).post(schedule_form::submit_edit))
        .route("/schedules/{id}/delete", get(deletes::confirm_schedule).post(deletes::delete_schedule))
        .route("/schedules/{id}/pause", post(schedules::pause))
        .route("/schedules/{id}/resume", post(schedules::resume))
        .route("/schedules/{id}/run", post(schedules::run_now))
        .route("/schedules/{id}/runs/{export_id}/redeliver", post(schedule::redeliver))
        .route("/exports", get(exports::list))
        .route("/exports/{id}/download", get(exports::download))
        .route("/exports/{id}/cancel", get(exports::confirm_cancel).post(exports::cancel))
        .route("/exports/{id}/file/delete", get(deletes::confirm_export_file).post(deletes::delete_export_file))
        .route("/reports", get(reports::list))
        .route("/reports/new", get(report_form::new).post(report_form::submit_new))
        .route("/reports/{id}", get(reports::show))
        .route("/reports/{id}/edit", get(report_form::edit).post(report_form::submit_edit))
        .route("/reports/{id}/copy", get(report_form::copy_form).post(report_form::copy))
        .route("/reports/{id}/delete", get(deletes::confirm_report).post(deletes::delete_report))
        .route("/reports/{id}/preview", get(reports::preview))
        .route("/reports/{id}/export", post(reports::start_export))
        .route("/connections", get(connections::list))
        .route("/connections/new", get(connection_form::new).post(connection_form::submit_new))
        .route("/connections/{id}/edit", get(connection_form::edit).post(connection_form::submit_edit))
        .route("/connections/{id}/delete", get(deletes::confirm_connection).post(deletes::delete_connection))
        .route("/settings", get(settings::show).post(settings::save))
        .route("/keys", get(keys::list).post(keys::create))
        .route("/keys/created", get(keys::created))
        .route("/keys/{id}/delete", get(deletes::confirm_key).post(deletes::delete_key))
        .route("/keys/{id}/email", post(keys::set_email))
        .merge(assets::routes())
        .fallback(not_found)
        .layer(axum::middleware::map_response(headers::page_headers))
        .with_state(state)
}

/// The HTML 404 for a path no page has.
async fn not_found(axum::extract::State(state): axum::extract::State<WebState>) -> WebError {
    WebError::NoSuchPage { base: state.base }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_base_path_is_the_public_urls_path() {
        assert_eq!(super::base_path("http://127.0.0.1:8080"), "");
        assert_eq!(super::base_path("https://x.execute-api.us-east-1.amazonaws.com/prod"), "/prod");
        assert_eq!(super::base_path("https://ferry.example.org/"), "");
    }
}
