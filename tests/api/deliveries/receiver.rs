//! A webhook receiver for the tests: an axum server on 127.0.0.1 that keeps
//! every request (path, headers, body) and answers with the statuses it was
//! given, in order, then 200.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::Router;
use tokio::task::JoinHandle;

#[derive(Debug, Clone)]
pub(crate) struct Received {
    pub path_and_query: String,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Received {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(|v| v.to_str().expect("visible ASCII"))
    }
}

#[derive(Default)]
struct State {
    requests: Vec<Received>,
    statuses: VecDeque<u16>,
}

pub(crate) struct Receiver {
    pub port: u16,
    state: Arc<Mutex<State>>,
    task: JoinHandle<()>,
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Receiver {
    /// Starts a receiver that answers `statuses` first, then 200.
    pub async fn start(statuses: &[u16]) -> Receiver {
        let state = Arc::new(Mutex::new(State { requests: Vec::new(), statuses: statuses.iter().copied().collect() }));
        let shared = state.clone();
        let app = Router::new().fallback(move |uri: Uri, headers: HeaderMap, body: Bytes| {
            let shared = shared.clone();
            async move {
                let mut s = shared.lock().unwrap();
                let path_and_query = uri.path_and_query().map(|p| p.to_string()).unwrap_or_default();
                s.requests.push(Received { path_and_query, headers, body: body.to_vec() });
                StatusCode::from_u16(s.statuses.pop_front().unwrap_or(200)).unwrap()
            }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        Receiver { port, state, task }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    pub fn requests(&self) -> Vec<Received> {
        self.state.lock().unwrap().requests.clone()
    }

    /// Waits for the `count`th request (bounded by attempts).
    pub async fn wait_for(&self, count: usize) -> Vec<Received> {
        for _ in 0..3000 {
            let got = self.requests();
            if got.len() >= count {
                return got;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("the receiver never got {count} requests (got {})", self.requests().len());
    }
}

/// A port on 127.0.0.1 where nothing listens.
pub(crate) async fn closed_port() -> u16 {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    listener.local_addr().unwrap().port()
}
