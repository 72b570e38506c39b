//! A Jira Cloud simulator for behaviour tests: an axum server on 127.0.0.1
//! (port 0) serving a generated site (`SIM-1` … `SIM-n`) in Jira's real
//! payload shapes, paged by `nextPageToken`, with `/myself`, `/field`,
//! approximate counts and worklogs over several pages. Tests inject 429s
//! with `Retry-After`, 500s and slow pages, and read back every request it
//! saw: per simulator second, and per page token.

mod agile_routes;
pub mod changelog;
mod changelog_routes;
pub mod dataset;
mod jql;
mod server;
pub mod site;

use std::collections::BTreeMap;
use std::sync::Arc;

use base64::Engine;

use server::SimState;
pub use server::{Faults, Seen};

pub const SIM_EMAIL: &str = "sim@example.com";
pub const SIM_TOKEN: &str = "sim-token-5c3cr3t";
pub const SEARCH_PATH: &str = "/rest/api/3/search/jql";
pub const BULK_CHANGELOG_PATH: &str = "/rest/api/3/changelog/bulkfetch";

pub struct JiraSim {
    pub url: String,
    state: Arc<SimState>,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for JiraSim {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl JiraSim {
    /// A site of `issues` issues in project `SIM`, on a free loopback port.
    pub async fn start(issues: u32) -> JiraSim {
        let auth =
            format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(format!("{SIM_EMAIL}:{SIM_TOKEN}")));
        let state = Arc::new(SimState::new("SIM", issues, auth));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("simulator binds");
        let url = format!("http://{}", listener.local_addr().unwrap());
        let app = server::router(state.clone());
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        JiraSim { url, state, server }
    }

    /// Replaces the injected faults.
    pub fn set_faults(&self, faults: Faults) {
        *self.state.faults.lock().unwrap() = faults;
    }

    /// Every request so far, in arrival order.
    pub fn seen(&self) -> Vec<Seen> {
        self.state.seen.lock().unwrap().clone()
    }

    /// Search requests answered 200, per page token (None: the first page).
    pub fn pages_served(&self) -> BTreeMap<Option<String>, usize> {
        let mut per = BTreeMap::new();
        for s in self.seen().into_iter().filter(|s| s.path == SEARCH_PATH && s.status == 200) {
            *per.entry(s.token).or_insert(0) += 1;
        }
        per
    }

    /// Requests answered with `status`.
    pub fn answered(&self, status: u16) -> usize {
        self.seen().iter().filter(|s| s.status == status).count()
    }
}
