//! Deliveries cut off by a crash: two webhooks in flight when the process is
//! killed are each sent again within a minute of the restart (the claim is a
//! heartbeat-renewed lease, not a 15-minute one), with the same
//! `Idempotency-Key` on both tries, and the history shows both attempts.
//! One that never gets an answer ends `stalled` after `stallMinutes`.

use std::sync::{Arc, Mutex};

use axum::http::{HeaderMap, StatusCode, Uri};
use axum::Router;
use jiff::SignedDuration;
use serde_json::json;

use super::{allow_private_networks, app, attempts, run_now, schedule, wait_delivered};
use crate::helpers::{spawn_app_with, AppOptions, ADMIN_KEY};
use ferry_core::ports::clock::ManualClock;

/// A receiver that never answers its first `hold` requests (the sender
/// waits until it dies), then answers 200; it keeps each request's path and
/// `Idempotency-Key`.
struct HoldingReceiver {
    port: u16,
    seen: Arc<Mutex<Vec<(String, String)>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for HoldingReceiver {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl HoldingReceiver {
    async fn start(hold: usize) -> HoldingReceiver {
        let seen: Arc<Mutex<Vec<(String, String)>>> = Arc::default();
        let shared = seen.clone();
        let app = Router::new().fallback(move |uri: Uri, headers: HeaderMap| {
            let shared = shared.clone();
            async move {
                let key = headers.get("idempotency-key").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
                let n = {
                    let mut s = shared.lock().unwrap();
                    s.push((uri.path().to_string(), key));
                    s.len()
                };
                if n <= hold {
                    std::future::pending::<()>().await;
                }
                StatusCode::OK
            }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        HoldingReceiver { port, seen, task }
    }

    fn seen(&self) -> Vec<(String, String)> {
        self.seen.lock().unwrap().clone()
    }

    async fn wait_for(&self, count: usize) -> Vec<(String, String)> {
        for _ in 0..3000 {
            if self.seen().len() >= count {
                return self.seen();
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        panic!("the receiver got {:?}, expected {count} requests", self.seen());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_webhooks_in_flight_at_a_crash_are_sent_again_within_a_minute_with_the_same_idempotency_key() {
    let (mut app, clock) = app().await;
    allow_private_networks(&app, true).await;
    let receiver = HoldingReceiver::start(2).await;
    let report = app.sample_report(ADMIN_KEY, 30, json!({})).await;
    let url = |path: &str| format!("http://127.0.0.1:{}{path}", receiver.port);
    let dest = json!([{"type": "webhook", "url": url("/a")}, {"type": "webhook", "url": url("/b")}]);
    let schedule = schedule(&app, ADMIN_KEY, &report, dest).await;
    let export = run_now(&app, ADMIN_KEY, &schedule).await;
    let id = export["id"].as_str().unwrap().to_string();
    let first = receiver.wait_for(2).await;

    // kill -9: the process ends with both requests unanswered.
    app.restart(AppOptions { clock: Some(clock.clone()), scheduler: false, ..Default::default() }).await;
    clock.advance(SignedDuration::from_secs(60));
    let all = receiver.wait_for(4).await;
    let run = wait_delivered(&app, ADMIN_KEY, &schedule, &id).await;
    assert_eq!(run["status"], "SUCCEEDED", "{run}");

    for path in ["/a", "/b"] {
        let keys: Vec<&String> = all.iter().filter(|(p, _)| p == path).map(|(_, k)| k).collect();
        assert_eq!(keys.len(), 2, "{path} got each try: {all:?}");
        assert!(keys[0].starts_with("dlv"), "{path} carries the delivery id as its Idempotency-Key: {all:?}");
        assert_eq!(keys[0], keys[1], "{path}: the same Idempotency-Key on both tries");
    }
    let key_of = |path: &str| first.iter().find(|(p, _)| p == path).unwrap().1.clone();
    assert_ne!(key_of("/a"), key_of("/b"), "one key per delivery");
    for index in 0..2 {
        let tries = attempts(&run, index);
        assert_eq!(tries.len(), 2, "both attempts in the history: {run}");
        assert_eq!(tries[0]["outcome"], "FAILED");
        assert!(tries[0]["error"].as_str().unwrap().contains("interrupted"), "{}", tries[0]);
        assert_eq!(tries[1]["outcome"], "DELIVERED");
        assert_eq!(tries[1]["at"], "2026-11-23T08:01:00Z", "sent again a minute after the crash");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_webhook_that_never_answers_ends_stalled_after_stall_minutes() {
    let clock = Arc::new(ManualClock::new(super::at(super::START)));
    let opts = AppOptions {
        clock: Some(clock.clone()),
        scheduler: false,
        heartbeat: Some(std::time::Duration::from_millis(100)),
        ..Default::default()
    };
    let app = spawn_app_with(opts).await;
    allow_private_networks(&app, true).await;
    let r = app.put(ADMIN_KEY, "/settings", &json!({"stallMinutes": 20})).await;
    assert_eq!(r.status(), reqwest::StatusCode::OK);
    let receiver = HoldingReceiver::start(100).await;
    let report = app.sample_report(ADMIN_KEY, 30, json!({})).await;
    let dest = json!([{"type": "webhook", "url": format!("http://127.0.0.1:{}/slow", receiver.port)}]);
    let schedule = schedule(&app, ADMIN_KEY, &report, dest).await;
    let export = run_now(&app, ADMIN_KEY, &schedule).await;
    let id = export["id"].as_str().unwrap().to_string();
    receiver.wait_for(1).await;

    clock.advance(SignedDuration::from_mins(20));
    let run = wait_delivered(&app, ADMIN_KEY, &schedule, &id).await;
    assert_eq!(run["status"], "FAILED", "{run}");
    assert_eq!(run["deliveries"][0]["status"], "FAILED");
    let tries = attempts(&run, 0);
    assert_eq!(tries.len(), 1, "a stall is not retried: {run}");
    let error = tries[0]["error"].as_str().unwrap();
    assert!(error.starts_with("stalled:") && error.contains("webhook") && error.contains("20 minutes"), "{error}");
    assert_eq!(receiver.seen().len(), 1);
}
