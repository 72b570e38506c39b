//! The API function: ferry-http's router behind API Gateway's REST proxy
//! integration, through lambda_http. The first admin key on AWS comes from
//! the stack parameter `AdminKeySha256` (env `FERRY_ADMIN_KEY_SHA256`): the
//! operator generates a key locally and deploys only its SHA-256; a cold
//! start on an install without keys stores it (`first_start`).

use axum::Router;
use ferry_core::usecases::bootstrap::{adopt_admin_email, bootstrap_with_hash};
use ferry_core::Ports;
use lambda_http::request::LambdaRequest;
use lambda_http::{Adapter, Context, LambdaEvent, Service};

/// The service `lambda_http::run` serves: the router, told each request's
/// client address from API Gateway's request context (`identity.sourceIp`,
/// which API Gateway sets from the connection, never from a header).
pub fn app(ports: Ports) -> Router {
    ferry_http::router(ports, ferry_web::pages).layer(axum::middleware::map_request(source_ip))
}

async fn source_ip(mut request: axum::extract::Request) -> axum::extract::Request {
    use lambda_http::request::RequestContext;
    use lambda_http::RequestExt;
    let ip = match request.request_context_ref() {
        Some(RequestContext::ApiGatewayV1(context)) => context.identity.source_ip.clone(),
        _ => None,
    };
    if let Some(ip) = ip {
        request.extensions_mut().insert(ferry_http::ClientAddress(ip));
    }
    request
}

/// On a cold start: stores the first admin key (and the demo connection and
/// report) when the install has no keys and a key hash was deployed, and
/// gives that key the stack's `AdminEmail` (env `FERRY_ADMIN_EMAIL`) while it
/// has no email. A failure is logged, not fatal: the API still serves
/// existing keys.
pub async fn first_start(ports: &Ports, admin_key_sha256: Option<&str>) {
    if let Some(hash) = admin_key_sha256.filter(|h| !h.trim().is_empty()) {
        match bootstrap_with_hash(ports, hash).await {
            Ok(Some(demo)) => tracing::info!(demo_report = %demo.id, "first admin key stored from AdminKeySha256"),
            Ok(None) => {}
            Err(err) => tracing::error!(error = %err, "storing the first admin key failed"),
        }
    }
    let email = std::env::var("FERRY_ADMIN_EMAIL").unwrap_or_default();
    if let Err(err) = adopt_admin_email(ports, &email, "AdminEmail").await {
        tracing::error!(error = %err, "giving the first admin key its email failed");
    }
}

/// Serves one API Gateway REST proxy event the way `lambda_http::run` does
/// and returns the proxy response JSON (`statusCode`, `headers`, `body`,
/// `isBase64Encoded`). The handler tests feed it real event JSON.
pub async fn invoke(
    app: &Router,
    event: serde_json::Value,
    context: Context,
) -> Result<serde_json::Value, lambda_http::Error> {
    let request: LambdaRequest = serde_json::from_value(event)?;
    let mut adapter = Adapter::from(app.clone());
    let response = adapter.call(LambdaEvent::new(request, context)).await?;
    Ok(serde_json::to_value(response)?)
}
