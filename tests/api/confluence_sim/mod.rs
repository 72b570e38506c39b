//! A Confluence Cloud simulator for behaviour tests: an axum server on
//! 127.0.0.1 (port 0) serving a generated site (`site.rs`) through REST v2's
//! routes with cursor paging by `_links.next`, the v1 current-user route
//! `Test connection` uses, injected 429s with `Retry-After`, and the log of
//! every request it saw.

mod server;
pub mod site;

use std::sync::Arc;

use base64::Engine;

use server::SimState;
pub use server::{Faults, Seen};
pub use site::SiteSize;

pub const SIM_EMAIL: &str = "wiki-sim@example.com";
pub const SIM_TOKEN: &str = "wiki-token-5c3cr3t";

pub struct ConfluenceSim {
    pub url: String,
    pub size: SiteSize,
    state: Arc<SimState>,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for ConfluenceSim {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl ConfluenceSim {
    /// A site of `size`, whose lists answer at most `page_cap` items per page.
    pub async fn start(size: SiteSize, page_cap: usize) -> ConfluenceSim {
        let auth =
            format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(format!("{SIM_EMAIL}:{SIM_TOKEN}")));
        let state = Arc::new(SimState { size, auth, page_cap, faults: Default::default(), seen: Default::default() });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("simulator binds");
        let url = format!("http://{}", listener.local_addr().unwrap());
        let app = server::router(state.clone());
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        ConfluenceSim { url, size, state, server }
    }

    /// Replaces the injected faults.
    pub fn set_faults(&self, faults: Faults) {
        *self.state.faults.lock().unwrap() = faults;
    }

    /// Every request so far, in arrival order.
    pub fn seen(&self) -> Vec<Seen> {
        self.state.seen.lock().unwrap().clone()
    }

    /// Requests answered with `status`.
    pub fn answered(&self, status: u16) -> usize {
        self.seen().iter().filter(|s| s.status == status).count()
    }

    /// Connection settings for Ferry, `extra` merged in.
    pub fn settings(&self, extra: serde_json::Value) -> serde_json::Value {
        let mut settings = serde_json::json!({"baseUrl": self.url, "email": SIM_EMAIL, "apiToken": SIM_TOKEN});
        for (k, v) in extra.as_object().cloned().unwrap_or_default() {
            settings[k] = v;
        }
        settings
    }
}
