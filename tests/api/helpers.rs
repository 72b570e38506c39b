//! Test harness: starts the real local Ferry in-process on 127.0.0.1 with a
//! random port and a temporary data dir, and talks to it over HTTP.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use ferry_core::ports::clock::{Clock, ManualClock};
use ferry_local::{start, LocalConfig, RunningFerry};
use reqwest::{redirect, Client, Response, StatusCode};
use serde_json::{json, Value};

pub const ADMIN_KEY: &str = "test-admin-key-0123456789abcdef0123";

pub struct TestApp {
    pub ferry: Option<RunningFerry>,
    pub url: String,
    pub client: Client,
    pub data_dir: PathBuf,
    _tmp: Option<tempfile::TempDir>,
}

#[derive(Clone)]
pub struct AppOptions {
    pub data_dir: Option<PathBuf>,
    pub clock: Option<Arc<ManualClock>>,
    pub part_size: usize,
    pub workers: usize,
    pub xlsx_rows_per_sheet: Option<u32>,
    pub sample_page_rows: Option<usize>,
    /// Run the scheduler loop; tests with a manual clock drive it themselves.
    pub scheduler: bool,
    /// `FERRY_PUBLIC_URL` (the default is the server's own http address).
    pub public_url: Option<String>,
    /// The export heartbeat's real-time cadence (default: the runtime's).
    pub heartbeat: Option<Duration>,
    /// `FERRY_ADMIN_EMAIL`.
    pub admin_email: Option<String>,
}

impl Default for AppOptions {
    fn default() -> Self {
        AppOptions {
            data_dir: None,
            clock: None,
            part_size: 64 * 1024,
            workers: 2,
            xlsx_rows_per_sheet: None,
            sample_page_rows: None,
            scheduler: true,
            public_url: None,
            heartbeat: None,
            admin_email: None,
        }
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(AppOptions::default()).await
}

pub async fn spawn_app_with(opts: AppOptions) -> TestApp {
    let (tmp, data_dir) = match &opts.data_dir {
        Some(d) => (None, d.clone()),
        None => {
            let t = tempfile::tempdir().expect("temp dir");
            let p = t.path().to_path_buf();
            (Some(t), p)
        }
    };
    let ferry = start_ferry(&data_dir, &opts).await;
    let url = ferry.public_url.clone();
    let client = Client::builder().redirect(redirect::Policy::none()).build().expect("client");
    TestApp { ferry: Some(ferry), url, client, data_dir, _tmp: tmp }
}

async fn start_ferry(data_dir: &std::path::Path, opts: &AppOptions) -> RunningFerry {
    start(config_for(data_dir, opts)).await.expect("Ferry starts")
}

fn config_for(data_dir: &std::path::Path, opts: &AppOptions) -> LocalConfig {
    let mut config = LocalConfig::new(data_dir.to_path_buf(), 0);
    config.admin_key = Some(ADMIN_KEY.into());
    config.export.part_size = opts.part_size;
    config.workers = opts.workers;
    config.sample_page_rows = opts.sample_page_rows;
    config.scheduler = opts.scheduler;
    config.public_url = opts.public_url.clone();
    config.admin_email = opts.admin_email.clone();
    if let Some(beat) = opts.heartbeat {
        config.export.heartbeat = beat;
    }
    if let Some(n) = opts.xlsx_rows_per_sheet {
        config.export.xlsx_rows_per_sheet = n;
    }
    if let Some(c) = &opts.clock {
        config.clock = c.clone() as Arc<dyn Clock>;
    }
    config
}

impl TestApp {
    pub fn ferry(&mut self) -> &mut RunningFerry {
        self.ferry.as_mut().expect("running")
    }

    /// Stops the process-like runtime abruptly and starts a new one on the same data dir.
    pub async fn restart(&mut self, opts: AppOptions) {
        if let Some(f) = self.ferry.take() {
            drop(f);
        }
        // The aborted tasks release the data dir lock as they unwind.
        let mut last = None;
        for _ in 0..100 {
            let config = config_for(&self.data_dir, &opts);
            match start(config).await {
                Ok(f) => {
                    self.url = f.public_url.clone();
                    self.ferry = Some(f);
                    return;
                }
                Err(e) => last = Some(e),
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("Ferry did not restart: {last:?}");
    }

    pub fn v1(&self, path: &str) -> String {
        format!("{}/v1{}", self.url, path)
    }

    pub async fn get(&self, key: &str, path: &str) -> Response {
        self.client.get(self.v1(path)).bearer_auth(key).send().await.expect("GET")
    }

    pub async fn post(&self, key: &str, path: &str, body: &Value) -> Response {
        self.client.post(self.v1(path)).bearer_auth(key).json(body).send().await.expect("POST")
    }

    pub async fn put(&self, key: &str, path: &str, body: &Value) -> Response {
        self.client.put(self.v1(path)).bearer_auth(key).json(body).send().await.expect("PUT")
    }

    pub async fn delete(&self, key: &str, path: &str) -> Response {
        self.client.delete(self.v1(path)).bearer_auth(key).send().await.expect("DELETE")
    }

    /// Creates a member key and returns it.
    pub async fn member(&self, user: &str) -> String {
        let r = self.post(ADMIN_KEY, "/keys", &json!({"user": user, "role": "member"})).await;
        assert_eq!(r.status(), StatusCode::CREATED);
        r.json::<Value>().await.unwrap()["key"].as_str().unwrap().to_string()
    }

    /// A sample connection of the key's user.
    pub async fn sample_connection(&self, key: &str, rows: u64, seed: u64) -> String {
        let r = self
            .post(
                key,
                "/connections",
                &json!({"name": "sample", "kind": "sample", "settings": {"rows": rows, "seed": seed}}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::CREATED, "{}", r.text().await.unwrap());
        r.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string()
    }

    /// A report over a new sample connection; `extra` fields are merged into the body.
    pub async fn sample_report(&self, key: &str, rows: u64, extra: Value) -> String {
        let connection = self.sample_connection(key, rows, 7).await;
        let mut body = json!({"name": "Sample issues", "connectionId": connection, "reportType": "issues"});
        for (k, v) in extra.as_object().cloned().unwrap_or_default() {
            body[k] = v;
        }
        let r = self.post(key, "/reports", &body).await;
        assert_eq!(r.status(), StatusCode::CREATED, "{}", r.text().await.unwrap());
        r.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string()
    }

    pub async fn start_export(&self, key: &str, report_id: &str) -> Value {
        let r = self.post(key, "/exports", &json!({"reportId": report_id})).await;
        assert_eq!(r.status(), StatusCode::ACCEPTED, "{}", r.text().await.unwrap());
        r.json().await.unwrap()
    }

    pub async fn export(&self, key: &str, id: &str) -> Value {
        let r = self.get(key, &format!("/exports/{id}")).await;
        assert_eq!(r.status(), StatusCode::OK);
        r.json().await.unwrap()
    }

    /// Polls the export until `done` says so (bounded by attempts, not by a time claim).
    pub async fn wait_export(&self, key: &str, id: &str, done: impl Fn(&Value) -> bool) -> Value {
        for _ in 0..6000 {
            let e = self.export(key, id).await;
            if done(&e) {
                return e;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("export {id} never reached the expected state: {}", self.export(key, id).await);
    }

    pub async fn wait_finished(&self, key: &str, id: &str) -> Value {
        self.wait_export(key, id, |e| matches!(e["status"].as_str(), Some("COMPLETED" | "FAILED" | "CANCELLED"))).await
    }

    /// Downloads through the API's 302 and the signed URL it points at (no key on the second hop).
    pub async fn download(&self, key: &str, id: &str) -> Vec<u8> {
        let r = self.get(key, &format!("/exports/{id}/download")).await;
        assert_eq!(r.status(), StatusCode::FOUND, "{}", r.text().await.unwrap());
        let location = r.headers()["location"].to_str().unwrap().to_string();
        let file = self.client.get(&location).send().await.unwrap();
        assert_eq!(file.status(), StatusCode::OK, "signed URL {location}");
        file.bytes().await.unwrap().to_vec()
    }

    /// Every file under the file store (finished files and upload parts).
    pub fn stored_files(&self) -> Vec<PathBuf> {
        fn walk(dir: &std::path::Path, out: &mut Vec<PathBuf>) {
            if let Ok(entries) = std::fs::read_dir(dir) {
                for e in entries.flatten() {
                    let p = e.path();
                    if p.is_dir() {
                        walk(&p, out)
                    } else {
                        out.push(p)
                    }
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.data_dir.join("files"), &mut out);
        out
    }
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

pub async fn error_of(r: Response) -> (StatusCode, Value) {
    let status = r.status();
    let body: Value = r.json().await.expect("error body is JSON");
    assert!(body["error"]["code"].is_string(), "error body shape: {body}");
    assert!(body["error"]["message"].is_string(), "error body shape: {body}");
    (status, body)
}
