//! Confluence connections over the real local server against the Confluence
//! simulator: `Test connection` names the account and the site, waits out a
//! 429 with `Retry-After`, tells bad credentials in Confluence's words; a
//! loopback `baseUrl` is refused while `allowPrivateNetworks` is off; the
//! token is write-only; Jira's report types are refused naming `reportType`.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::confluence_sim::{ConfluenceSim, Faults, SiteSize};
use crate::helpers::{error_of, spawn_app, TestApp, ADMIN_KEY};
use crate::jira_ferry::allow_private_networks;

async fn create(app: &TestApp, settings: Value) -> reqwest::Response {
    app.post(ADMIN_KEY, "/connections", &json!({"name": "wiki", "kind": "confluence", "settings": settings})).await
}

async fn test_saved(app: &TestApp, id: &str) -> Value {
    let r = app.post(ADMIN_KEY, &format!("/connections/{id}/test"), &json!({})).await;
    assert_eq!(r.status(), StatusCode::OK);
    r.json().await.unwrap()
}

#[tokio::test]
async fn a_confluence_connection_tests_as_its_account_after_waiting_out_a_429() {
    let sim = ConfluenceSim::start(SiteSize { spaces: 3, pages: 10 }, 25).await;
    let app = spawn_app().await;

    // The simulator is on loopback: refused on save while private networks are off.
    let (status, body) = error_of(create(&app, sim.settings(json!({}))).await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"]["details"][0]["field"], "settings.baseUrl", "{body}");
    assert!(sim.seen().is_empty(), "nothing was sent to the site");

    allow_private_networks(&app, true).await;
    let r = create(&app, sim.settings(json!({}))).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let created: Value = r.json().await.unwrap();
    assert_eq!((created["kind"].as_str(), created["settings"]["apiToken"].as_str()), (Some("confluence"), Some("***")));
    let id = created["id"].as_str().unwrap();

    // Every second request is throttled with `Retry-After: 0`.
    sim.set_faults(Faults { throttle_every: Some((2, 0)), ..Faults::default() });
    assert_eq!(test_saved(&app, id).await, json!({"ok": true, "user": "Sim User", "site": sim.url}));
    let paths: Vec<(String, u16)> = sim.seen().into_iter().map(|s| (s.path, s.status)).collect();
    assert_eq!(
        paths,
        [
            ("/wiki/rest/api/user/current".to_string(), 200),
            ("/wiki/api/v2/spaces".to_string(), 429),
            ("/wiki/api/v2/spaces".to_string(), 200),
        ]
    );

    // Wrong credentials: Confluence's refusal, in its words, without the token.
    let wrong = "not-the-wiki-token-77";
    let r = create(&app, sim.settings(json!({"apiToken": wrong}))).await;
    let bad = r.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string();
    let r = app.post(ADMIN_KEY, &format!("/connections/{bad}/test"), &json!({})).await;
    let answer: Value = r.json().await.unwrap();
    assert_eq!(answer["ok"], false);
    assert_eq!(
        answer["error"],
        format!(
            "Confluence at {} rejected the credentials (401 Unauthorized): check settings.email and settings.apiToken",
            sim.url
        )
    );
    assert!(!answer.to_string().contains(wrong), "the token never shows");
}

#[tokio::test]
async fn confluence_settings_and_report_types_are_checked_when_saved() {
    let app = spawn_app().await;
    allow_private_networks(&app, true).await;
    let settings = json!({"baseUrl": "http://127.0.0.1:9", "email": "a@b.c", "apiToken": "t", "spaceKey": "X"});
    let (status, body) = error_of(create(&app, settings).await).await;
    assert_eq!(
        (status, body["error"]["details"][0]["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("settings.spaceKey"))
    );
    assert!(body["error"]["message"].as_str().unwrap().contains("Confluence connections"), "{body}");

    let r = create(&app, json!({"baseUrl": "http://127.0.0.1:9", "email": "a@b.c", "apiToken": "t"})).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let id = r.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string();
    let report = json!({"name": "wiki issues", "connectionId": id, "reportType": "issues"});
    let (status, body) = error_of(app.post(ADMIN_KEY, "/reports", &report).await).await;
    assert_eq!((status, body["error"]["details"][0]["field"].as_str()), (StatusCode::BAD_REQUEST, Some("reportType")));
    assert!(body["error"]["message"].as_str().unwrap().contains("Confluence connections serve"), "{body}");
}
