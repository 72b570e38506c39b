//! The OpenAPI 3 document's frame (info, security, tags): the router adds
//! each route's operation from its handler's `#[utoipa::path]` annotation as
//! it registers it (`routes::api_routes`), with the core's `ToSchema` types.
//! Served at `GET /v1/openapi.json`.

use bytes::Bytes;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, Http, HttpAuthScheme, SecurityScheme};
use utoipa::openapi::server::Server;
use utoipa::{Modify, OpenApi};

/// The API's OpenAPI description without its paths, which come from the
/// routes themselves.
#[derive(OpenApi)]
#[openapi(
    info(title = "Ferry API", description = "Scheduled reports and asynchronous data exports."),
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
pub fn document_json(mut doc: utoipa::openapi::OpenApi, public_url: &str) -> Bytes {
    doc.info.version = env!("CARGO_PKG_VERSION").to_string();
    doc.servers = Some(vec![Server::new(public_url)]);
    Bytes::from(serde_json::to_vec(&doc).expect("an OpenAPI document always serializes"))
}
