//! The OpenAPI 3 document, generated from the handlers' `#[utoipa::path]`
//! annotations and the core's `ToSchema` types, served at
//! `GET /v1/openapi.json`.

use bytes::Bytes;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, Http, HttpAuthScheme, SecurityScheme};
use utoipa::openapi::server::Server;
use utoipa::{Modify, OpenApi};

use crate::routes::{connections, data_pipeline, exports, files, health, keys, reports, schedules, settings};

/// The API's OpenAPI description. Every route registered in the router must
/// be listed in `paths` (a test checks it).
#[derive(OpenApi)]
#[openapi(
    info(title = "Ferry API", description = "Scheduled reports and asynchronous data exports."),
    paths(
        health::health,
        health::openapi_json,
        keys::create_key,
        keys::list_keys,
        keys::patch_key,
        keys::delete_key,
        settings::get_settings,
        settings::update_settings,
        connections::create_connection,
        connections::list_connections,
        connections::get_connection,
        connections::update_connection,
        connections::delete_connection,
        connections::connection_fields,
        connections::test_connection,
        connections::test_unsaved_connection,
        connections::connection_users,
        reports::create_report,
        reports::list_reports,
        reports::get_report,
        reports::update_report,
        reports::delete_report,
        reports::copy_report,
        reports::preview_report,
        reports::preview_draft,
        reports::preview_draft_pdf,
        exports::start_export,
        exports::list_exports,
        exports::get_export,
        exports::download_export,
        exports::cancel_export,
        exports::delete_export_file,
        schedules::preview_schedule,
        schedules::create_schedule,
        schedules::list_schedules,
        schedules::get_schedule,
        schedules::update_schedule,
        schedules::delete_schedule,
        schedules::pause_schedule,
        schedules::resume_schedule,
        schedules::run_schedule_now,
        schedules::list_schedule_runs,
        schedules::redeliver_run,
        schedules::test_destination,
        files::open_file_link,
        data_pipeline::start_pipeline_export,
        data_pipeline::get_pipeline_export,
        data_pipeline::cancel_pipeline_export,
    ),
    components(schemas(crate::error::ErrorResponse, crate::error::ErrorInfo, crate::error::ErrorDetail)),
    modifiers(&SecuritySchemes),
    security(("bearer" = []), ("apikeyHeader" = []), ("basic" = []), ("apikeyQuery" = [])),
    tags(
        (name = "connections", description = "Where data comes from"),
        (name = "reports", description = "Saved export configurations"),
        (name = "exports", description = "Asynchronous export jobs"),
        (name = "schedules", description = "Recurring runs, their destinations and history"),
        (name = "files", description = "Download links of link destinations (no key)"),
        (name = "keys", description = "API keys (admins)"),
        (name = "settings", description = "Site settings (admins)"),
        (name = "other", description = "Health and this document"),
        (name = "data pipeline", description = "The Data Pipeline seed's REST surface over the dataset report of `dataPipelineReportId`"),
    )
)]
pub struct ApiDoc;

/// The four places an API key is accepted.
struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme("bearer", SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)));
        components.add_security_scheme(
            "apikeyHeader",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "Authorization",
                "The header value `Apikey KEY`.",
            ))),
        );
        components.add_security_scheme("basic", SecurityScheme::Http(Http::new(HttpAuthScheme::Basic)));
        components.add_security_scheme(
            "apikeyQuery",
            SecurityScheme::ApiKey(ApiKey::Query(ApiKeyValue::with_description(
                "apikey",
                "The key as the URL-encoded query parameter `apikey`.",
            ))),
        );
    }
}

/// The document as JSON, with this deployment's public URL as its server.
pub fn document_json(public_url: &str) -> Bytes {
    let mut doc = ApiDoc::openapi();
    doc.info.version = env!("CARGO_PKG_VERSION").to_string();
    doc.servers = Some(vec![Server::new(public_url)]);
    Bytes::from(serde_json::to_vec(&doc).expect("an OpenAPI document always serializes"))
}
