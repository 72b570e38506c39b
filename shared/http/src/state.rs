//! The state every handler receives: the ports a runtime chose, shared
//! behind one `Arc` so cloning it per request costs a reference count.

use std::sync::Arc;

use bytes::Bytes;
use ferry_core::Ports;

/// Shared state of the router.
#[derive(Clone)]
pub struct AppState {
    /// The adapters the use cases run on.
    pub ports: Arc<Ports>,
    /// The OpenAPI document, rendered once when the router is built.
    pub openapi_json: Bytes,
}

impl AppState {
    /// State over `ports`, serving `openapi_json` (the router renders it
    /// from its routes).
    pub fn new(ports: Ports, openapi_json: Bytes) -> Self {
        AppState { ports: Arc::new(ports), openapi_json }
    }

    /// An absolute URL of an API path (`/v1/...`), built from the public URL.
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.ports.config.public_url, path)
    }
}
