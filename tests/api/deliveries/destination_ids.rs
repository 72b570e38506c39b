//! Destinations with identity through the real server: every destination
//! has a read-only `dst_…` id kept across PUTs; a move, a removal, an edit
//! and an addition in one PUT keep the secrets of every destination that
//! stays (the webhook still signs with its old secret) and its `changed`
//! memory; runs name `destinationId`; redeliver takes ids; and a data dir
//! written before ids existed gets them when read, memory and secrets kept.

use hmac::{Hmac, Mac};
use jiff::SignedDuration;
use reqwest::StatusCode;
use serde_json::{json, Value};
use sha2::Sha256;

use super::receiver::{Received, Receiver};
use super::{allow_private_networks, app, run_now, wait_delivered};
use crate::helpers::{error_of, sha256_hex, AppOptions, TestApp, ADMIN_KEY};

const HOOK_SECRET: &str = "old-hook-secret";
const OTHER_SECRET: &str = "other-hook-secret";

/// Checks the request's `X-Ferry-Signature` against `secret`.
fn assert_signed_with(r: &Received, secret: &str) {
    let signature = r.header("x-ferry-signature").expect("signed");
    let (t, v1) = signature.strip_prefix("t=").and_then(|s| s.split_once(",v1=")).expect("t=…,v1=…");
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{t}.{}", sha256_hex(&r.body)).as_bytes());
    mac.verify_slice(&hex::decode(v1).unwrap()).expect("the signature verifies with the stored secret");
}

async fn sample_report(app: &TestApp, rows: u64) -> (String, String) {
    let connection = app.sample_connection(ADMIN_KEY, rows, 7).await;
    let body = json!({"name": "Ids", "connectionId": connection, "reportType": "issues"});
    let r = app.post(ADMIN_KEY, "/reports", &body).await;
    assert_eq!(r.status(), StatusCode::CREATED, "{}", r.text().await.unwrap());
    (connection, r.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string())
}

async fn set_rows(app: &TestApp, connection: &str, rows: u64) {
    let body = json!({"name": "sample", "kind": "sample", "settings": {"rows": rows, "seed": 7}});
    let r = app.put(ADMIN_KEY, &format!("/connections/{connection}"), &body).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
}

async fn get_schedule(app: &TestApp, id: &str) -> Value {
    app.get(ADMIN_KEY, &format!("/schedules/{id}")).await.json().await.unwrap()
}

/// A run to its end: the run with its deliveries.
async fn run(app: &TestApp, schedule: &str) -> Value {
    let export = run_now(app, ADMIN_KEY, schedule).await;
    wait_delivered(app, ADMIN_KEY, schedule, export["id"].as_str().unwrap()).await
}

/// Waits until the schedule remembers what `count` destinations have: each
/// delivery writes its memory just after it is recorded DELIVERED, so a
/// test that stops the server must wait for it too.
async fn wait_remembered(app: &TestApp, schedule: &str, count: usize) {
    for _ in 0..3000 {
        let stored =
            app.ferry.as_ref().expect("running").ports.schedules.get_schedule(schedule).await.unwrap().unwrap();
        if stored.delivered.len() >= count {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    panic!("the schedule never remembered {count} destinations' content");
}

/// (destinationId, status, reason) of each delivery of a run, by destination id.
fn deliveries(run: &Value) -> Vec<(String, String, Option<String>)> {
    let mut out: Vec<_> = run["deliveries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["destinationId"].as_str().unwrap().to_string(),
                d["status"].as_str().unwrap().to_string(),
                d["reason"].as_str().map(String::from),
            )
        })
        .collect();
    out.sort();
    out
}

fn ids(schedule: &Value) -> Vec<String> {
    schedule["destinations"].as_array().unwrap().iter().map(|d| d["id"].as_str().unwrap().to_string()).collect()
}

/// A link, a webhook to `other` with a secret, and a webhook to `hook` with
/// a header and a secret, delivered when the content changed.
async fn three_destinations(app: &TestApp, report: &str, hook: &Receiver, other: &Receiver) -> String {
    let destinations = json!([
        {"type": "link"},
        {"type": "webhook", "url": other.url("/b"), "secret": OTHER_SECRET},
        {"type": "webhook", "url": hook.url("/hook"), "headers": {"X-Token": "t0k"}, "secret": HOOK_SECRET},
    ]);
    let body = json!({"reportId": report, "destinations": destinations, "deliverWhen": "changed",
        "recurrence": {"frequency": "daily", "time": "09:00", "timezone": "UTC"}});
    let r = app.post(ADMIN_KEY, "/schedules", &body).await;
    assert_eq!(r.status(), StatusCode::CREATED, "{}", r.text().await.unwrap());
    r.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn move_remove_edit_and_add_in_one_put_keep_every_secret_and_the_changed_memory_of_what_stays() {
    let (mut app, clock) = app().await;
    allow_private_networks(&app, true).await;
    let receiver = Receiver::start(&[]).await;
    let other_receiver = Receiver::start(&[]).await;
    let (connection, report) = sample_report(&app, 20).await;
    let schedule = three_destinations(&app, &report, &receiver, &other_receiver).await;
    let shown = get_schedule(&app, &schedule).await;
    let [link, other, hook] = <[String; 3]>::try_from(ids(&shown)).unwrap();
    assert!([&link, &other, &hook].iter().all(|id| id.starts_with("dst_") && id.len() == 30), "{shown}");
    assert_eq!(ids(&get_schedule(&app, &schedule).await), [link.clone(), other.clone(), hook.clone()], "stable");

    // The first run: every destination gets the file.
    let first = run(&app, &schedule).await;
    assert!(deliveries(&first).iter().all(|d| d.1 == "DELIVERED"), "{first}");
    assert_signed_with(&receiver.wait_for(1).await[0], HOOK_SECRET);
    wait_remembered(&app, &schedule, 3).await;

    // One save: the webhook moves to the top, the link goes, the other
    // webhook's URL changes, an email is added; secrets are sent back masked.
    let mut body = shown.clone();
    let d = shown["destinations"].as_array().unwrap();
    let mut other_edited = d[1].clone();
    other_edited["url"] = json!(other_receiver.url("/b2"));
    body["destinations"] = json!([d[2].clone(), other_edited, {"type": "email", "to": ["ops@example.org"]}]);
    let r = app.put(ADMIN_KEY, &format!("/schedules/{schedule}"), &body).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    let saved: Value = r.json().await.unwrap();
    let now = ids(&saved);
    assert_eq!(&now[..2], [hook.clone(), other.clone()], "the ids follow the destinations");
    assert!(now[2].starts_with("dst_") && ![&link, &other, &hook].contains(&&now[2]), "a new id: {saved}");

    let stored = app.ferry().ports.schedules.get_schedule(&schedule).await.unwrap().unwrap();
    let stored = serde_json::to_value(&stored.destinations).unwrap();
    assert_eq!(stored[0]["secret"], HOOK_SECRET);
    assert_eq!(stored[0]["headers"]["X-Token"], "t0k");
    assert_eq!(stored[1]["secret"], OTHER_SECRET);

    // Same rows again: the moved webhook remembers it has them; the edited
    // webhook points elsewhere and the new email is new: they get the file.
    clock.advance(SignedDuration::from_hours(24));
    let second = run(&app, &schedule).await;
    let by_id = deliveries(&second);
    assert!(by_id.contains(&(hook.clone(), "SKIPPED".into(), Some("unchanged".into()))), "{second}");
    assert!(by_id.contains(&(other.clone(), "DELIVERED".into(), None)), "{second}");
    assert!(by_id.contains(&(now[2].clone(), "DELIVERED".into(), None)), "{second}");
    assert_eq!(receiver.requests().len(), 1, "nothing sent to the webhook");
    let moved = other_receiver.wait_for(2).await;
    assert_eq!(moved[1].path_and_query, "/b2");
    assert_signed_with(&moved[1], OTHER_SECRET);

    // New rows: the webhook gets them, signed with the secret it had all along.
    set_rows(&app, &connection, 21).await;
    clock.advance(SignedDuration::from_hours(24));
    let third = run(&app, &schedule).await;
    assert!(deliveries(&third).contains(&(hook.clone(), "DELIVERED".into(), None)), "{third}");
    let got = receiver.wait_for(2).await;
    assert_signed_with(&got[1], HOOK_SECRET);
    assert_eq!(got[1].header("x-token"), Some("t0k"));
}

#[tokio::test]
async fn an_id_the_schedule_does_not_have_is_a_400_naming_it_and_redeliver_takes_ids() {
    let (app, _clock) = app().await;
    allow_private_networks(&app, true).await;
    let receiver = Receiver::start(&[]).await;
    let (_, report) = sample_report(&app, 5).await;
    let destinations = json!([{"type": "link"}, {"type": "webhook", "url": receiver.url("/a"), "secret": HOOK_SECRET}]);
    let body = json!({"reportId": report, "destinations": destinations,
        "recurrence": {"frequency": "daily", "time": "09:00", "timezone": "UTC"}});
    let r = app.post(ADMIN_KEY, "/schedules", &body).await;
    let shown: Value = r.json().await.unwrap();
    let schedule = shown["id"].as_str().unwrap().to_string();
    let [_, hook] = <[String; 2]>::try_from(ids(&shown)).unwrap();

    let mut wrong = shown.clone();
    wrong["destinations"][1]["id"] = json!("dst_01JAAAAAAAAAAAAAAAAAAAAAAA");
    let (status, err) = error_of(app.put(ADMIN_KEY, &format!("/schedules/{schedule}"), &wrong).await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(err["error"]["details"][0]["field"], "destinations[1].id", "{err}");

    let first = run(&app, &schedule).await;
    let export = first["exportId"].as_str().unwrap();
    assert_eq!(receiver.wait_for(1).await.len(), 1);
    let path = format!("/schedules/{schedule}/runs/{export}/redeliver");
    let r = app.post(ADMIN_KEY, &path, &json!({"destinations": [hook]})).await;
    assert_eq!(r.status(), StatusCode::ACCEPTED, "{}", r.text().await.unwrap());
    let again = receiver.wait_for(2).await;
    assert_eq!(again[1].body, again[0].body, "the kept file again");
    assert_signed_with(&again[1], HOOK_SECRET);
    let (status, err) =
        error_of(app.post(ADMIN_KEY, &path, &json!({"destinations": ["dst_01JAAAAAAAAAAAAAAAAAAAAAAA"]})).await).await;
    assert_eq!(
        (status, err["error"]["details"][0]["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("destinations[0]"))
    );
}

/// Rewrites the stored documents in the shape Ferry wrote before
/// destinations had ids: destinations without `id`, the `changed` memory
/// by index (`destination`), deliveries without `destinationId`.
fn write_documents_without_ids(db: &std::path::Path) {
    let conn = rusqlite::Connection::open(db).unwrap();
    let rewrite = |table: &str, edit: &dyn Fn(&mut Value)| {
        let rows: Vec<(String, String)> = conn
            .prepare(&format!("SELECT id, doc FROM {table}"))
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        for (id, doc) in rows {
            let mut v: Value = serde_json::from_str(&doc).unwrap();
            edit(&mut v);
            conn.execute(&format!("UPDATE {table} SET doc = ?1 WHERE id = ?2"), [v.to_string(), id]).unwrap();
        }
    };
    rewrite("schedules", &|s| {
        let ids: Vec<Value> = s["destinations"].as_array().unwrap().iter().map(|d| d["id"].clone()).collect();
        for d in s["destinations"].as_array_mut().unwrap() {
            d.as_object_mut().unwrap().remove("id");
        }
        for c in s["delivered"].as_array_mut().unwrap() {
            let id = c.as_object_mut().unwrap().remove("destinationId").unwrap();
            c["destination"] = json!(ids.iter().position(|i| *i == id).unwrap());
        }
    });
    rewrite("deliveries", &|d| {
        d.as_object_mut().unwrap().remove("destinationId");
    });
}

#[tokio::test]
async fn a_data_dir_from_before_destination_ids_gets_them_when_read_and_keeps_memory_and_secrets() {
    let (mut app, clock) = app().await;
    allow_private_networks(&app, true).await;
    let receiver = Receiver::start(&[]).await;
    let other_receiver = Receiver::start(&[]).await;
    let (_, report) = sample_report(&app, 20).await;
    let schedule = three_destinations(&app, &report, &receiver, &other_receiver).await;
    let first = run(&app, &schedule).await;
    assert_eq!(receiver.wait_for(1).await.len(), 1, "{first}");
    wait_remembered(&app, &schedule, 3).await;
    drop(app.ferry.take());
    write_documents_without_ids(&app.data_dir.join("ferry.sqlite"));

    app.restart(AppOptions { clock: Some(clock.clone()), scheduler: false, ..Default::default() }).await;
    let shown = get_schedule(&app, &schedule).await;
    let given = ids(&shown);
    assert!(given.iter().all(|id| id.starts_with("dst_") && id.len() == 30), "{shown}");
    assert_eq!(ids(&get_schedule(&app, &schedule).await), given, "the same ids on every read");
    // The old run names the same destinations as the schedule now does.
    let runs: Value = app.get(ADMIN_KEY, &format!("/schedules/{schedule}/runs")).await.json().await.unwrap();
    let old: Vec<String> = deliveries(&runs["items"][0]).into_iter().map(|d| d.0).collect();
    let mut expected = given.clone();
    expected.sort();
    assert_eq!(old, expected, "{runs}");

    // The memory kept by index now follows the id: same rows, nothing sent.
    clock.advance(SignedDuration::from_hours(24));
    let second = run(&app, &schedule).await;
    assert!(deliveries(&second).contains(&(given[2].clone(), "SKIPPED".into(), Some("unchanged".into()))), "{second}");

    // Sent back reordered, every secret stays; the webhook still signs with its secret.
    let mut body = shown.clone();
    let d = shown["destinations"].as_array().unwrap();
    body["destinations"] = json!([d[2].clone(), d[1].clone()]);
    let r = app.put(ADMIN_KEY, &format!("/schedules/{schedule}"), &body).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    assert_eq!(ids(&r.json::<Value>().await.unwrap()), [given[2].clone(), given[1].clone()]);
    let export = second["exportId"].as_str().unwrap();
    let path = format!("/schedules/{schedule}/runs/{export}/redeliver");
    let r = app.post(ADMIN_KEY, &path, &json!({"destinations": [0]})).await;
    assert_eq!(r.status(), StatusCode::ACCEPTED, "{}", r.text().await.unwrap());
    let got = receiver.wait_for(2).await;
    assert_signed_with(&got[1], HOOK_SECRET);
    assert_eq!(got[1].header("x-token"), Some("t0k"));
}
