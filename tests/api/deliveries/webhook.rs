//! Webhook destinations against an HTTP receiver the test starts: every SPEC
//! header, a chunked body whose SHA-256 is the one announced, a signature
//! that verifies, retries with backoff on a 500, and a schedule that pauses
//! itself (and mails its owner) when its receiver stays down.

use hmac::{Hmac, Mac};
use jiff::SignedDuration;
use reqwest::StatusCode;
use serde_json::{json, Value};
use sha2::Sha256;

use super::receiver::{closed_port, Receiver};
use super::{
    allow_private_networks, app, at, attempts, read_mail, run_now, schedule, wait_delivered, wait_outbox, wait_run,
    START,
};
use crate::helpers::{sha256_hex, TestApp, ADMIN_KEY};

#[tokio::test]
async fn a_webhook_gets_every_spec_header_a_chunked_body_matching_its_hash_and_a_signature_and_a_500_is_retried() {
    let (app, clock) = app().await;
    allow_private_networks(&app, true).await;
    let receiver = Receiver::start(&[500]).await;
    let report = app.sample_report(ADMIN_KEY, 30, json!({"name": "Bugs & Ops"})).await;
    let dest = json!([{"type": "webhook", "url": receiver.url("/hook/{{reportName}}?rows={{rows}}&id={{exportId}}"),
        "headers": {"X-Custom": "v1"}, "secret": "s3cret"}]);
    let schedule = schedule(&app, ADMIN_KEY, &report, dest).await;
    let export = run_now(&app, ADMIN_KEY, &schedule).await;
    let id = export["id"].as_str().unwrap();
    let file = app.download(ADMIN_KEY, id).await;

    // The 500 is a failed attempt, and the delivery waits for its retry.
    receiver.wait_for(1).await;
    let run = wait_run(&app, ADMIN_KEY, &schedule, id, |r| attempts(r, 0).len() == 1).await;
    assert_eq!(run["status"], "RUNNING", "the run waits for its delivery");
    assert_eq!(run["deliveries"][0]["status"], "PENDING");
    let first = &attempts(&run, 0)[0];
    assert_eq!(first["outcome"], "FAILED");
    assert_eq!(first["at"], START);
    assert!(first["error"].as_str().unwrap().contains("500"), "{first}");
    assert_eq!(receiver.requests().len(), 1, "no retry before the backoff");
    assert_eq!(run["deliveries"][0]["nextAttemptAt"], "2026-11-23T08:00:30Z", "{run}");
    let browser = crate::dashboard::sign_in(&app, ADMIN_KEY).await;
    let page = browser.get(&app, &format!("/schedules/{schedule}")).await.text().await.unwrap();
    assert!(page.contains(">Pending</span>, next attempt <time"), "the retry's time on the page: {page}");
    assert!(page.contains(">2026-11-23 08:00:30 UTC</time>"), "to the second, in the schedule's zone: {page}");
    assert!(
        page.contains(": Failed <span class=\"error\">") && page.contains("500"),
        "each attempt with its error: {page}"
    );

    clock.advance(SignedDuration::from_secs(30));
    let requests = receiver.wait_for(2).await;
    let run = wait_delivered(&app, ADMIN_KEY, &schedule, id).await;
    assert_eq!(run["status"], "SUCCEEDED", "{run}");
    let page = browser.get(&app, &format!("/schedules/{schedule}")).await.text().await.unwrap();
    assert!(page.contains(">Redeliver</button>"), "a run whose file is kept can be sent again");
    assert!(run["deliveries"][0].get("nextAttemptAt").is_none(), "nothing is waiting any more: {run}");
    let second = &attempts(&run, 0)[1];
    assert_eq!(second["outcome"], "DELIVERED");
    assert_eq!(second["at"], "2026-11-23T08:00:30Z");
    assert_eq!(second["bytesSent"], file.len());
    assert!(second["error"].is_null());

    let r = &requests[1];
    assert_eq!(r.path_and_query, format!("/hook/Bugs%20%26%20Ops?rows=30&id={id}"), "placeholders URL-encoded");
    assert_eq!(r.body, file, "the body is the export");
    assert_eq!(r.header("transfer-encoding"), Some("chunked"));
    assert_eq!(r.header("content-length"), None);
    assert_eq!(r.header("user-agent"), Some(format!("Ferry/{}", env!("CARGO_PKG_VERSION")).as_str()));
    assert_eq!(r.header("content-type"), Some("text/csv; charset=utf-8"));
    let disposition = format!("attachment; filename=\"{}\"", export["fileName"].as_str().unwrap());
    assert_eq!(r.header("content-disposition"), Some(disposition.as_str()));
    assert_eq!(r.header("x-ferry-schedule-id"), Some(schedule.as_str()));
    assert_eq!(r.header("x-ferry-execution-id"), Some(id));
    let sha = sha256_hex(&r.body);
    assert_eq!(r.header("x-ferry-content-sha256"), Some(sha.as_str()));
    assert_eq!(export["sha256"], sha.as_str());
    assert_eq!(r.header("x-custom"), Some("v1"));

    let signature = r.header("x-ferry-signature").expect("signed");
    let (t, v1) = signature.strip_prefix("t=").and_then(|s| s.split_once(",v1=")).expect("t=…,v1=…");
    assert_eq!(t, at("2026-11-23T08:00:30Z").as_second().to_string(), "signed at the attempt's time");
    let mut mac = Hmac::<Sha256>::new_from_slice(b"s3cret").unwrap();
    mac.update(format!("{t}.{sha}").as_bytes());
    mac.verify_slice(&hex::decode(v1).unwrap()).expect("the signature verifies");

    // `Redeliver` on the schedule's page sends the kept file once more.
    let path = format!("/schedules/{schedule}/runs/{id}/redeliver");
    let r = browser.post(&app, &path, &[("destinations", "0")]).await;
    assert_eq!(r.status(), reqwest::StatusCode::SEE_OTHER);
    assert_eq!(receiver.wait_for(3).await[2].body, file);
}

#[tokio::test]
async fn a_json_webhook_has_content_type_exactly_application_json_and_no_content_disposition() {
    let (app, _clock) = app().await;
    allow_private_networks(&app, true).await;
    let receiver = Receiver::start(&[]).await;
    let report = app.sample_report(ADMIN_KEY, 5, json!({"format": "json"})).await;
    let schedule = schedule(&app, ADMIN_KEY, &report, json!([{"type": "webhook", "url": receiver.url("/in")}])).await;
    let export = run_now(&app, ADMIN_KEY, &schedule).await;
    let run = wait_delivered(&app, ADMIN_KEY, &schedule, export["id"].as_str().unwrap()).await;
    assert_eq!(run["status"], "SUCCEEDED", "{run}");
    let r = &receiver.wait_for(1).await[0];
    assert_eq!(r.header("content-type"), Some("application/json"), "no parameters: receivers compare it literally");
    assert_eq!(r.header("content-disposition"), None);
    assert_eq!(r.header("x-ferry-signature"), None, "no secret, no signature");
    let parsed: Value = serde_json::from_slice(&r.body).unwrap();
    assert_eq!(parsed["rows"].as_array().unwrap().len(), 5);
}

#[tokio::test]
async fn a_schedule_whose_webhook_is_down_five_runs_in_a_row_pauses_itself_and_mails_its_owner() {
    // Also: one failed-run mail an hour (notifyOnFailure), the rest summed into the next one.
    let (app, clock) = app().await;
    allow_private_networks(&app, true).await;
    let r = app.post(ADMIN_KEY, "/keys", &json!({"user": "olga", "email": "olga@example.org", "role": "member"})).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let olga = r.json::<Value>().await.unwrap()["key"].as_str().unwrap().to_string();
    let report = app.sample_report(&olga, 5, json!({"name": "Nightly"})).await;
    let down = format!("http://127.0.0.1:{}/hook", closed_port().await);
    let schedule = schedule(&app, &olga, &report, json!([{"type": "webhook", "url": down}])).await;

    for n in 1..=5u64 {
        let export = run_now(&app, &olga, &schedule).await;
        let id = export["id"].as_str().unwrap();
        // Three attempts, 30 s and 2 min apart, each recorded before the clock moves on.
        for (tries, wait) in [(1, 30), (2, 120)] {
            wait_run(&app, &olga, &schedule, id, |r| attempts(r, 0).len() == tries).await;
            clock.advance(SignedDuration::from_secs(wait));
        }
        let run = wait_delivered(&app, &olga, &schedule, id).await;
        assert_eq!(run["status"], "FAILED", "{run}");
        assert_eq!(run["deliveries"][0]["status"], "FAILED");
        let tried = attempts(&run, 0);
        assert_eq!(tried.len(), 3);
        assert!(tried.iter().all(|a| a["outcome"] == "FAILED" && a["bytesSent"] == 0));
        assert!(run["error"].as_str().unwrap().starts_with("destination 0 (webhook)"), "{run}");
        // The run's outcome shows as soon as it is decided; the count follows it.
        let s = wait_schedule(&app, &olga, &schedule, |s| s["consecutiveFailures"] == n).await;
        assert_eq!(s["paused"], n == 5, "paused only at the fifth failed run");
    }
    let s: Value = app.get(&olga, &format!("/schedules/{schedule}")).await.json().await.unwrap();
    assert_eq!(s["pausedReason"], "failures");
    assert!(s["nextRunAt"].is_null());
    assert!(s["lastError"].as_str().unwrap().starts_with("destination 0 (webhook)"), "{s}");
    assert!(s["pausedAt"].is_string(), "{s}");
    // The first failed run was mailed; the next three fell in the same hour; the fifth paused it.
    let mails = wait_outbox(&app, 2).await;
    assert_eq!(mails.len(), 2, "one failed-run mail in the hour, then the pause notice");
    let (to, subject, body, _) = read_mail(&mails[0]);
    assert_eq!(to, "olga@example.org");
    assert!(subject.contains("failed") && !subject.contains("paused") && subject.contains("Nightly"), "{subject}");
    assert!(body.contains("destination 0 (webhook)"), "the error: {body}");
    assert!(body.contains(&format!("{}/schedules/{schedule}", app.url)), "links the schedule's page: {body}");
    let (to, subject, body, _) = read_mail(&mails[1]);
    assert_eq!(to, "olga@example.org");
    assert!(subject.contains("paused") && subject.contains("Nightly"), "{subject}");
    assert!(body.contains(&schedule) && body.contains("resume"), "{body}");
    assert!(body.contains("destination 0 (webhook)"), "the last error: {body}");
    assert!(body.contains(&format!("{}/schedules/{schedule}", app.url)), "links the schedule's page: {body}");

    // An hour on, resumed, a failing run is mailed again, with the three the first mail did not tell of.
    clock.advance(SignedDuration::from_hours(1));
    let r = app.post(&olga, &format!("/schedules/{schedule}/resume"), &json!({})).await;
    assert_eq!(r.status(), StatusCode::OK);
    let export = run_now(&app, &olga, &schedule).await;
    let id = export["id"].as_str().unwrap();
    for (tries, wait) in [(1, 30), (2, 120)] {
        wait_run(&app, &olga, &schedule, id, |r| attempts(r, 0).len() == tries).await;
        clock.advance(SignedDuration::from_secs(wait));
    }
    let (_, subject, body, _) = read_mail(&wait_outbox(&app, 3).await[2]);
    assert!(subject.contains("failed"), "{subject}");
    assert!(body.contains("3 more runs failed"), "{body}");
}

async fn wait_schedule(app: &TestApp, key: &str, id: &str, done: impl Fn(&Value) -> bool) -> Value {
    for _ in 0..3000 {
        let s: Value = app.get(key, &format!("/schedules/{id}")).await.json().await.unwrap();
        if done(&s) {
            return s;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    panic!("schedule {id} never reached the expected state");
}
