//! The dashboard's editors as plain forms (issue 26): each posts to its own
//! page, is decoded into the API's input type, answers 303 with `?done=saved`
//! when saved and is drawn again as typed, each error beside its field, when
//! refused. `Test connection` tests what the form holds (the page and
//! `POST /v1/connections/test`); a schedule form that moves and removes
//! destinations keeps each one's stored secret.

use hmac::{Hmac, Mac};
use reqwest::StatusCode;
use serde_json::{json, Value};
use sha2::Sha256;

use crate::dashboard::{location, sign_in};
use crate::deliveries::receiver::Receiver;
use crate::deliveries::{allow_private_networks, app, run_now, wait_delivered};
use crate::helpers::{spawn_app, ADMIN_KEY};
use crate::jira_ferry::jira_connection;
use crate::jira_sim::{JiraSim, SIM_EMAIL};

#[tokio::test]
async fn a_connection_form_saves_with_a_redirect_and_a_refusal_keeps_what_was_typed() {
    let app = spawn_app().await;
    let b = sign_in(&app, ADMIN_KEY).await;
    let saved = [("name", "Demo rows"), ("kind", "sample"), ("settings[rows]:int", "12"), ("settings[email]", "x")];
    let r = b.post(&app, "/connections/new", &saved).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", r.text().await.unwrap());
    let to = location(&r);
    assert!(to.starts_with("/connections/con_") && to.ends_with("/edit?done=saved"), "{to}");
    let id = to.trim_start_matches("/connections/").split('/').next().unwrap().to_string();
    let c: Value = app.get(ADMIN_KEY, &format!("/connections/{id}")).await.json().await.unwrap();
    assert_eq!(c["settings"], json!({"rows": 12}), "only the sample kind's settings are kept");
    let html = b.get(&app, &to).await.text().await.unwrap();
    assert!(html.contains(r#"<p class="notice flash" role="status">Saved.</p>"#), "{html}");

    let before: Value = app.get(ADMIN_KEY, "/connections").await.json().await.unwrap();
    let r = b.post(&app, "/connections/new", &[("name", ""), ("kind", "sample"), ("settings[rows]:int", "7")]).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let html = r.text().await.unwrap();
    assert!(html.contains(r#"aria-invalid="true" aria-describedby="k-name-error""#), "{html}");
    assert!(html.contains(r#"name="settings[rows]:int" value="7""#), "kept as typed: {html}");
    assert!(html.contains("Not accepted (nothing was saved)"));
    let after: Value = app.get(ADMIN_KEY, "/connections").await.json().await.unwrap();
    assert_eq!(before["items"].as_array().unwrap().len(), after["items"].as_array().unwrap().len());

    let r = b.post(&app, "/connections/new", &[("name", "x"), ("nosuchfield", "1")]).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST, "an unknown name is refused as the API refuses it");
}

#[tokio::test]
async fn test_connection_on_the_page_tests_the_typed_token_and_saves_nothing() {
    let app = spawn_app().await;
    let sim = JiraSim::start(3).await;
    allow_private_networks(&app, true).await;
    let connection = jira_connection(&app, &sim, json!({})).await;
    let b = sign_in(&app, ADMIN_KEY).await;
    let path = format!("/connections/{connection}/edit");
    let form = |token: &'static str| {
        vec![
            ("name", "sim"),
            ("kind", "jira"),
            ("settings[baseUrl]", sim.url.as_str()),
            ("settings[email]", SIM_EMAIL),
            ("settings[apiToken]:secret", token),
            ("_action", "test"),
        ]
    };
    let html = b.post(&app, &path, &form("a-wrong-token")).await.text().await.unwrap();
    assert!(html.contains("Connection refused:"), "{html}");
    assert!(html.contains("Tested the values on this form; nothing was saved."));
    let html = b.post(&app, &path, &form("•••")).await.text().await.unwrap();
    assert!(html.contains("Connection works: signed in as"), "the stored token when left as dots: {html}");
    let stored: Value =
        app.post(ADMIN_KEY, &format!("/connections/{connection}/test"), &json!({})).await.json().await.unwrap();
    assert_eq!(stored["ok"], true, "the wrong token was never saved: {stored}");
}

#[tokio::test]
async fn v1_connections_test_tries_an_unsaved_body_with_secrets_kept_only_from_a_connection_one_may_change() {
    let app = spawn_app().await;
    let sim = JiraSim::start(3).await;
    allow_private_networks(&app, true).await;
    let connection = jira_connection(&app, &sim, json!({})).await;
    let body = |id: Option<&str>, token: &str| {
        let mut b = json!({"name": "draft", "kind": "jira",
            "settings": {"baseUrl": sim.url, "email": SIM_EMAIL, "apiToken": token}});
        if let Some(id) = id {
            b["id"] = json!(id);
        }
        b
    };
    let r = app.post(ADMIN_KEY, "/connections/test", &body(None, "nope")).await;
    assert_eq!(r.status(), StatusCode::OK);
    let t: Value = r.json().await.unwrap();
    assert_eq!(t["ok"], false, "{t}");
    let t: Value =
        app.post(ADMIN_KEY, "/connections/test", &body(Some(&connection), "***")).await.json().await.unwrap();
    assert_eq!(t["ok"], true, "{t}");
    let r = app.post(ADMIN_KEY, "/connections/test", &body(None, "***")).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let e: Value = r.json().await.unwrap();
    assert_eq!(e["error"]["details"][0]["field"], "settings.apiToken", "{e}");
    let member = app.member("mia").await;
    let r = app.post(&member, "/connections/test", &body(Some(&connection), "***")).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND, "another user's stored token is not lent");
    let list: Value = app.get(ADMIN_KEY, "/connections").await.json().await.unwrap();
    assert!(!list.to_string().contains("draft"), "nothing is stored");
}

#[tokio::test]
async fn a_report_form_previews_checks_and_saves_and_a_refusal_names_the_field() {
    let app = spawn_app().await;
    let connection = app.sample_connection(ADMIN_KEY, 5, 1).await;
    let b = sign_in(&app, ADMIN_KEY).await;
    let form = |name: &'static str, action: &'static str| {
        vec![
            ("name", name),
            ("connectionId", connection.as_str()),
            ("reportType", "issues"),
            ("columns:array", ""),
            ("columns[4][field]", "summary"),
            ("columns[1][field]", "key"),
            ("columns[1][header]", "Key"),
            ("format", "csv"),
            ("formatOptions[bom]:bool", "false"),
            ("_action", action),
        ]
    };
    let html = b.post(&app, "/reports/new", &form("Five", "preview")).await.text().await.unwrap();
    assert!(html.contains("<caption>The first 5 rows"), "{html}");
    assert!(html.contains(r#"<th scope="col">summary</th><th scope="col">Key</th>"#), "columns in the form's order");
    let html = b.post(&app, "/reports/new", &form("Five", "check")).await.text().await.unwrap();
    assert!(html.contains("The query is accepted"), "{html}");
    let list: Value = app.get(ADMIN_KEY, "/reports").await.json().await.unwrap();
    assert!(!list.to_string().contains("Five"), "preview and check save nothing");

    let r = b.post(&app, "/reports/new", &form("", "save")).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let html = r.text().await.unwrap();
    assert!(html.contains(r#"id="r-name-error""#), "{html}");
    assert!(html.contains(r#"name="columns[0][field]" value="summary""#), "rows kept in order: {html}");

    let r = b.post(&app, "/reports/new", &form("Five", "save")).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", r.text().await.unwrap());
    let to = location(&r);
    let id = to.trim_start_matches("/reports/").trim_end_matches("?done=saved");
    let saved: Value = app.get(ADMIN_KEY, &format!("/reports/{id}")).await.json().await.unwrap();
    assert_eq!(saved["columns"], json!([{"field": "summary"}, {"field": "key", "header": "Key"}]), "{saved}");

    // Without script, the column buttons are server round trips.
    let mut moved = form("Five", "up:columns:1");
    moved.retain(|(k, _)| *k != "_action");
    moved.push(("_action", "up:columns:1"));
    let html = b.post(&app, "/reports/new", &moved).await.text().await.unwrap();
    let key_at = html.find(r#"value="key""#).unwrap();
    assert!(key_at < html.find(r#"value="summary""#).unwrap(), "Key moved up: {html}");
}

#[tokio::test]
async fn a_schedule_form_that_moves_and_removes_destinations_keeps_each_ones_secret() {
    let (app, _clock) = app().await;
    allow_private_networks(&app, true).await;
    let receiver = Receiver::start(&[]).await;
    let report = app.sample_report(ADMIN_KEY, 5, json!({"name": "Hooks"})).await;
    let destinations = json!([
        {"type": "email", "to": ["team@example.org"]},
        {"type": "webhook", "url": receiver.url("/a"), "secret": "secret-a", "headers": {"X-Key": "key-a"}},
        {"type": "webhook", "url": receiver.url("/b"), "secret": "secret-b", "headers": {"X-Key": "key-b"}},
    ]);
    let body = json!({"reportId": report, "destinations": destinations,
        "recurrence": {"frequency": "daily", "time": "09:00", "timezone": "UTC"}});
    let r = app.post(ADMIN_KEY, "/schedules", &body).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let created = r.json::<Value>().await.unwrap();
    let schedule = created["id"].as_str().unwrap().to_string();
    let (email_id, b_id) = (
        created["destinations"][0]["id"].as_str().unwrap().to_string(),
        created["destinations"][2]["id"].as_str().unwrap().to_string(),
    );
    let b = sign_in(&app, ADMIN_KEY).await;
    let html = b.get(&app, &format!("/schedules/{schedule}/edit")).await.text().await.unwrap();
    assert!(html.contains(&format!(r#"name="destinations[2][id]" value="{b_id}""#)), "{html}");
    let url_b = receiver.url("/b");
    // Webhook B moved to the top, webhook A removed, time and weekdays edited: one save.
    let fields = vec![
        ("reportId", report.as_str()),
        ("recurrence[frequency]", "weekly"),
        ("recurrence[interval]:int", "1"),
        ("recurrence[weekdays]:array", ""),
        ("recurrence[weekdays][]", "TUE"),
        ("recurrence[weekdays][]", "THU"),
        ("recurrence[time]", "07:15"),
        ("recurrence[timezone]", "UTC"),
        ("destinations:array", ""),
        ("destinations[2][type]", "webhook"),
        ("destinations[2][id]", b_id.as_str()),
        ("destinations[2][url]", url_b.as_str()),
        ("destinations[2][headers]:headers", "X-Key: •••"),
        ("destinations[2][secret]:secret", "•••"),
        ("destinations[0][type]", "email"),
        ("destinations[0][id]", email_id.as_str()),
        ("destinations[0][to]:list", "team@example.org"),
        ("_action", "save"),
    ];
    let r = b.post(&app, &format!("/schedules/{schedule}/edit"), &fields).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", r.text().await.unwrap());
    assert_eq!(location(&r), format!("/schedules/{schedule}?done=saved"));
    let s: Value = app.get(ADMIN_KEY, &format!("/schedules/{schedule}")).await.json().await.unwrap();
    assert_eq!(s["recurrence"]["time"], "07:15");
    assert_eq!(s["recurrence"]["weekdays"], json!(["TUE", "THU"]));
    let types: Vec<&str> = s["destinations"].as_array().unwrap().iter().map(|d| d["type"].as_str().unwrap()).collect();
    assert_eq!(types, ["webhook", "email"]);

    let export = run_now(&app, ADMIN_KEY, &schedule).await;
    let run = wait_delivered(&app, ADMIN_KEY, &schedule, export["id"].as_str().unwrap()).await;
    assert_eq!(run["status"], "SUCCEEDED", "{run}");
    let got = receiver.wait_for(1).await;
    assert_eq!(got.len(), 1, "webhook A is gone");
    let hook = &got[0];
    assert_eq!(hook.path_and_query, "/b");
    assert_eq!(hook.header("x-key"), Some("key-b"), "B's header followed it");
    let signature = hook.header("x-ferry-signature").expect("signed");
    let (t, v1) = signature.strip_prefix("t=").and_then(|s| s.split_once(",v1=")).expect("t=…,v1=…");
    let sha = hook.header("x-ferry-content-sha256").unwrap();
    let mut mac = Hmac::<Sha256>::new_from_slice(b"secret-b").unwrap();
    mac.update(format!("{t}.{sha}").as_bytes());
    mac.verify_slice(&hex::decode(v1).unwrap()).expect("signed with B's own stored secret");
}

#[tokio::test]
async fn the_member_is_offered_only_copy_and_copy_leads_to_a_new_connection_and_back() {
    let app = spawn_app().await;
    let report = app.sample_report(ADMIN_KEY, 5, json!({"name": "Team figures", "visibility": "public"})).await;
    let member = app.member("mia").await;
    let b = sign_in(&app, &member).await;
    let html = b.get(&app, &format!("/reports/{report}")).await.text().await.unwrap();
    assert!(!html.contains("Start export") && !html.contains(">Preview</button>"), "{html}");
    assert!(!html.contains("/v1/"), "no page names an API path");
    let html = b.get(&app, &format!("/reports/{report}/copy")).await.text().await.unwrap();
    let back = format!("/reports/{report}/copy");
    assert!(html.contains(&format!(r#"<a href="/connections/new?return={back}">New connection</a>"#)), "{html}");
    let html = b.get(&app, &format!("/connections/new?return={back}")).await.text().await.unwrap();
    assert!(html.contains(&format!(r#"name="_return" value="{back}""#)), "{html}");
    let r = b.post(&app, "/connections/new", &[("name", "Mine"), ("kind", "sample"), ("_return", back.as_str())]).await;
    assert_eq!(location(&r), format!("{back}?done=saved"));
    let r =
        b.post(&app, "/connections/new", &[("name", "Evil"), ("kind", "sample"), ("_return", "//evil.example")]).await;
    assert!(location(&r).starts_with("/connections/con_"), "only a dashboard path is a way back");
    let html = b.get(&app, &back).await.text().await.unwrap();
    assert!(html.contains("Mine (sample)"), "the copy offers the new connection: {html}");
}

#[tokio::test]
async fn error_pages_link_back_and_to_what_they_name() {
    let app = spawn_app().await;
    let b = sign_in(&app, ADMIN_KEY).await;
    let r = app
        .client
        .get(format!("{}/reports/rep_nothing", app.url))
        .header(reqwest::header::COOKIE, &b.cookie)
        .header(reqwest::header::REFERER, format!("{}/exports?cursor=x", app.url))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let html = r.text().await.unwrap();
    assert!(html.contains(r#"<a href="/exports?cursor=x">Back to the page you came from</a>"#), "{html}");
    assert!(html.contains(r#"<a href="/reports">Reports</a>"#), "{html}");
    let r = app
        .client
        .get(format!("{}/schedules/sch_nothing", app.url))
        .header(reqwest::header::COOKIE, &b.cookie)
        .header(reqwest::header::REFERER, "https://elsewhere.example/x")
        .send()
        .await
        .unwrap();
    let html = r.text().await.unwrap();
    assert!(!html.contains("elsewhere.example"), "another site is no way back: {html}");
}
