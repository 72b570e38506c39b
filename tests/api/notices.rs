//! Someone always hears of a failing schedule: the pause notice goes to the
//! owner and `alertEmail`, else to every admin with an email, else admins
//! see a banner on every page; keys' emails are set with `PATCH
//! /v1/keys/{id}` (or on the Keys page), the first admin's from
//! `FERRY_ADMIN_EMAIL`; keys show `lastUsedAt`; the dashboard shows each
//! schedule's state, the count needing attention, and a banner on a
//! schedule Ferry paused.

use mail_parser::MessageParser;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::dashboard::sign_in;
use crate::deliveries::receiver::Receiver;
use crate::deliveries::{allow_private_networks, app, outbox, run_now, wait_delivered, wait_outbox};
use crate::helpers::{error_of, spawn_app_with, AppOptions, TestApp, ADMIN_KEY};

/// Recipients and subject of an outbox mail.
fn mail_to(path: &std::path::Path) -> (Vec<String>, String) {
    let raw = std::fs::read(path).unwrap();
    let m = MessageParser::default().parse(&raw).expect("a MIME message");
    let to = m.to().map(|a| a.iter().filter_map(|x| x.address()).map(str::to_string).collect()).unwrap_or_default();
    (to, m.subject().unwrap_or_default().to_string())
}

async fn key_id(app: &TestApp, user: &str) -> String {
    let keys: Value = app.get(ADMIN_KEY, "/keys").await.json().await.unwrap();
    let k = keys["items"].as_array().unwrap().iter().find(|k| k["user"] == user).expect("the key is listed");
    k["id"].as_str().unwrap().to_string()
}

async fn patch_email(app: &TestApp, id: &str, email: Value) -> reqwest::Response {
    app.client
        .patch(app.v1(&format!("/keys/{id}")))
        .bearer_auth(ADMIN_KEY)
        .json(&json!({ "email": email }))
        .send()
        .await
        .unwrap()
}

/// Five failed runs in a row (a webhook answering 404 is not retried): the
/// schedule pauses itself. Returns the mails that came of it (`expected` of them).
async fn fail_five_times(app: &TestApp, key: &str, report: &str, expected: usize) -> (String, Vec<std::path::PathBuf>) {
    let receiver = Receiver::start(&[404; 5]).await;
    let before = outbox(app).len();
    // Pause notices only: no failed-run mails.
    let body = json!({"reportId": report, "notifyOnFailure": false,
        "destinations": [{"type": "webhook", "url": receiver.url("/gone")}],
        "recurrence": {"frequency": "daily", "time": "09:00", "timezone": "UTC"}});
    let r = app.post(key, "/schedules", &body).await;
    assert_eq!(r.status(), StatusCode::CREATED, "{}", r.text().await.unwrap());
    let id = r.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string();
    for _ in 0..5 {
        let export = run_now(app, key, &id).await;
        let run = wait_delivered(app, key, &id, export["id"].as_str().unwrap()).await;
        assert_eq!(run["status"], "FAILED", "{run}");
    }
    let s: Value = app.get(key, &format!("/schedules/{id}")).await.json().await.unwrap();
    assert_eq!(
        (&s["paused"], &s["pausedReason"], &s["notifyOnFailure"]),
        (&json!(true), &json!("failures"), &json!(false))
    );
    assert!(s["lastError"].as_str().unwrap().contains("404"), "{s}");
    assert!(s["pausedAt"].is_string(), "{s}");
    // The notice is mailed after the pause is stored.
    let mails = if expected > 0 { wait_outbox(app, before + expected).await } else { outbox(app) };
    (id, mails[before..].to_vec())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pause_notices_reach_the_owner_and_alert_email_else_the_admins_else_a_banner_says_so() {
    let (app, _clock) = app().await;
    allow_private_networks(&app, true).await;
    let nina = app.member("nina").await;
    let report = app.sample_report(&nina, 5, json!({"name": "Weekly"})).await;
    let admin = sign_in(&app, ADMIN_KEY).await;
    let banner = "Failure notices cannot be mailed";

    // Nobody: no owner email, no alertEmail, no admin email → no mail, a banner for admins only.
    assert!(admin.get(&app, "/reports").await.text().await.unwrap().contains(banner));
    let (paused, mails) = fail_five_times(&app, &nina, &report, 0).await;
    assert!(mails.is_empty(), "no address, no mail: {mails:?}");
    let page = admin.get(&app, "/exports").await.text().await.unwrap();
    assert!(page.contains(banner) && page.contains("Alert email"), "every admin page says how to fix it");
    let member = sign_in(&app, &nina).await;
    let page = member.get(&app, "/schedules").await.text().await.unwrap();
    assert!(!page.contains(banner), "members are not told to change settings");
    assert!(page.contains("Paused by Ferry") && page.contains("state-paused-ferry"), "{page}");
    assert!(page.contains(r#"<span class="attention""#), "the count beside Schedules: {page}");
    let page = member.get(&app, &format!("/schedules/{paused}")).await.text().await.unwrap();
    assert!(page.contains("<strong>Paused by Ferry</strong> because 5 runs failed in a row"), "{page}");
    assert!(page.contains("The last error:") && page.contains("404"), "{page}");
    assert!(page.contains(">Resume</button>"), "{page}");

    // Keys get emails by PATCH; a bad one is refused naming the field.
    let admin_id = key_id(&app, "admin").await;
    let r = patch_email(&app, &admin_id, json!("not an address")).await;
    let (status, body) = error_of(r).await;
    assert_eq!((status, &body["error"]["details"][0]["field"]), (StatusCode::BAD_REQUEST, &json!("email")));
    assert_eq!(patch_email(&app, "key_nope", json!("a@example.org")).await.status(), StatusCode::NOT_FOUND);
    let r = app
        .client
        .patch(app.v1(&format!("/keys/{admin_id}")))
        .bearer_auth(&nina)
        .json(&json!({"email": "x@example.org"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = patch_email(&app, &admin_id, json!("root@example.org")).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.json::<Value>().await.unwrap()["email"], "root@example.org");
    assert!(!admin.get(&app, "/reports").await.text().await.unwrap().contains(banner), "an address is known now");

    // The admins, when neither the owner nor alertEmail is known.
    let (_, mails) = fail_five_times(&app, &nina, &report, 1).await;
    assert_eq!(mails.len(), 1);
    let (to, subject) = mail_to(&mails[0]);
    assert_eq!(to, ["root@example.org"]);
    assert!(subject.contains("paused") && subject.contains("Weekly"), "{subject}");

    // The owner and alertEmail, and not the admins.
    let nina_id = key_id(&app, "nina").await;
    assert_eq!(patch_email(&app, &nina_id, json!("nina@example.org")).await.status(), StatusCode::OK);
    let r = app.put(ADMIN_KEY, "/settings", &json!({"alertEmail": "ops@example.org"})).await;
    assert_eq!(r.status(), StatusCode::OK);
    let (_, mails) = fail_five_times(&app, &nina, &report, 1).await;
    assert_eq!(mails.len(), 1);
    let (mut to, _) = mail_to(&mails[0]);
    to.sort();
    assert_eq!(to, ["nina@example.org", "ops@example.org"]);
    let r = app.put(ADMIN_KEY, "/settings", &json!({"alertEmail": "nope"})).await;
    assert_eq!(error_of(r).await.1["error"]["details"][0]["field"], "alertEmail");

    // Keys show when they were last used; a null email removes it.
    let keys: Value = app.get(ADMIN_KEY, "/keys").await.json().await.unwrap();
    let nina_key = keys["items"].as_array().unwrap().iter().find(|k| k["user"] == "nina").unwrap().clone();
    assert!(nina_key["lastUsedAt"].is_string(), "{nina_key}");
    let r = patch_email(&app, &nina_id, Value::Null).await;
    assert!(r.json::<Value>().await.unwrap()["email"].is_null());
    let page = admin.get(&app, "/keys").await.text().await.unwrap();
    assert!(page.contains("Last used") && page.contains("Email of nina"), "{page}");
}

#[tokio::test]
async fn the_first_admin_key_takes_its_email_from_ferry_admin_email() {
    let opts = AppOptions { admin_email: Some("first@example.org".into()), ..Default::default() };
    let app = spawn_app_with(opts).await;
    let keys: Value = app.get(ADMIN_KEY, "/keys").await.json().await.unwrap();
    assert_eq!(keys["items"][0]["user"], "admin");
    assert_eq!(keys["items"][0]["email"], "first@example.org");
    let b = sign_in(&app, ADMIN_KEY).await;
    assert!(!b.get(&app, "/reports").await.text().await.unwrap().contains("Failure notices cannot be mailed"));
}
