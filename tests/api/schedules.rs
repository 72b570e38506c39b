//! Schedules against the real local server: firing, idempotence, history,
//! auto-pause after failures, run now, missed occurrences, and bad input.
//! Time comes from a manual clock; the scheduler step is driven by the test.

use std::sync::Arc;

use ferry_core::ports::clock::ManualClock;
use ferry_core::usecases::scheduler_tick::scheduler_step;
use ferry_core::usecases::trigger::{fire_occurrence, FireOutcome};
use jiff::{SignedDuration, Timestamp};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{error_of, spawn_app_with, AppOptions, TestApp, ADMIN_KEY};

fn at(s: &str) -> Timestamp {
    s.parse().unwrap()
}

async fn app_at(start: &str) -> (TestApp, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::new(at(start)));
    let app = spawn_app_with(AppOptions { clock: Some(clock.clone()), scheduler: false, ..Default::default() }).await;
    (app, clock)
}

async fn daily_at_nine(app: &TestApp, report: &str) -> Value {
    let body = json!({"reportId": report, "recurrence": {"frequency": "daily", "time": "09:00", "timezone": "UTC"}});
    let r = app.post(ADMIN_KEY, "/schedules", &body).await;
    assert_eq!(r.status(), StatusCode::CREATED, "{}", r.text().await.unwrap());
    r.json().await.unwrap()
}

async fn runs(app: &TestApp, schedule: &str) -> Vec<Value> {
    let r = app.get(ADMIN_KEY, &format!("/schedules/{schedule}/runs")).await;
    assert_eq!(r.status(), StatusCode::OK);
    r.json::<Value>().await.unwrap()["items"].as_array().unwrap().clone()
}

/// The schedule's runs once the newest is decided: a run is settled just
/// after its export completes, so a test that reads it must wait for that.
async fn settled_runs(app: &TestApp, schedule: &str) -> Vec<Value> {
    for _ in 0..3000 {
        let got = runs(app, schedule).await;
        if got.first().is_some_and(|r| r["status"] != "RUNNING") {
            return got;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    panic!("the newest run of {schedule} never settled: {:?}", runs(app, schedule).await);
}

async fn step(app: &mut TestApp) -> usize {
    scheduler_step(&app.ferry().ports).await.unwrap()
}

#[tokio::test]
async fn a_schedule_fires_at_its_time_its_export_completes_and_the_history_shows_it() {
    let (mut app, clock) = app_at("2026-11-23T08:59:00Z").await;
    let report = app.sample_report(ADMIN_KEY, 25, json!({})).await;
    let schedule = daily_at_nine(&app, &report).await;
    let id = schedule["id"].as_str().unwrap();
    assert_eq!(schedule["nextRunAt"], "2026-11-23T09:00:00Z");
    assert_eq!(schedule["upcoming"].as_array().unwrap().len(), 5);
    assert_eq!(schedule["upcoming"][4], "2026-11-27T09:00:00Z");
    assert_eq!(schedule["recurrence"]["interval"], 1, "defaults are filled in");

    assert_eq!(step(&mut app).await, 0, "not due yet");
    clock.advance(SignedDuration::from_secs(60));
    assert_eq!(step(&mut app).await, 1);
    assert_eq!(step(&mut app).await, 0, "an occurrence fires once");

    let history = runs(&app, id).await;
    assert_eq!(history.len(), 1);
    assert_eq!(history[0]["trigger"], "schedule");
    assert_eq!(history[0]["scheduledFor"], "2026-11-23T09:00:00Z");
    let export_id = history[0]["exportId"].as_str().unwrap();
    let done = app.wait_finished(ADMIN_KEY, export_id).await;
    assert_eq!(done["status"], "COMPLETED");
    assert_eq!(done["scheduleId"], id);
    assert_eq!(done["trigger"], "schedule");
    assert_eq!(done["rows"], 25);
    let runs_now = settled_runs(&app, id).await;
    assert_eq!(runs_now[0]["status"], "SUCCEEDED");
    assert_eq!(runs_now[0]["rows"], 25);
    // The schedule takes the run's outcome right after the run record does.
    let mut s = Value::Null;
    for _ in 0..3000 {
        s = app.get(ADMIN_KEY, &format!("/schedules/{id}")).await.json().await.unwrap();
        if !s["lastRun"].is_null() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    assert_eq!(s["lastRun"]["status"], "SUCCEEDED", "{s}");
    assert_eq!(s["nextRunAt"], "2026-11-24T09:00:00Z");
    assert_eq!(s["consecutiveFailures"], 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_occurrence_triggered_in_parallel_makes_one_export() {
    let (mut app, _clock) = app_at("2026-11-23T08:00:00Z").await;
    let report = app.sample_report(ADMIN_KEY, 5, json!({})).await;
    let schedule = daily_at_nine(&app, &report).await;
    let id = schedule["id"].as_str().unwrap().to_string();
    let ports = app.ferry().ports.clone();
    let fired: Vec<_> = (0..8)
        .map(|i| {
            let ports = ports.clone();
            let id = id.clone();
            // EventBridge may deliver the same occurrence twice, a minute apart.
            let time = at("2026-11-23T09:00:00Z") + SignedDuration::from_secs(i * 7);
            tokio::spawn(async move { fire_occurrence(&ports, &id, time).await.unwrap() })
        })
        .collect();
    let mut started = 0;
    for f in fired {
        match f.await.unwrap() {
            FireOutcome::Started { .. } => started += 1,
            FireOutcome::Duplicate => {}
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(started, 1);
    let exports: Value = app.get(ADMIN_KEY, "/exports").await.json().await.unwrap();
    let of_schedule = exports["items"].as_array().unwrap().iter().filter(|e| e["scheduleId"] == id.as_str()).count();
    assert_eq!(of_schedule, 1);
    assert_eq!(runs(&app, &id).await.len(), 1);
    // A firing on a day that is not an occurrence makes nothing.
    let weekly = json!({"reportId": report, "recurrence": {"frequency": "weekly", "weekdays": ["MON"], "time": "09:00", "timezone": "UTC"}});
    let weekly: Value = app.post(ADMIN_KEY, "/schedules", &weekly).await.json().await.unwrap();
    let tuesday = at("2026-11-24T09:00:00Z");
    let outcome = fire_occurrence(&ports, weekly["id"].as_str().unwrap(), tuesday).await.unwrap();
    assert!(matches!(outcome, FireOutcome::Skipped(_)), "{outcome:?}");
}

#[tokio::test]
async fn five_failed_runs_pause_the_schedule_and_resume_clears_the_count() {
    let (app, _clock) = app_at("2026-11-23T08:00:00Z").await;
    let r = app.put(ADMIN_KEY, "/settings", &json!({"allowAppPermissions": true})).await;
    assert_eq!(r.status(), StatusCode::OK);
    // "Run as app" with no site connection to run as: every run fails.
    let report = app.sample_report(ADMIN_KEY, 5, json!({})).await;
    let body = json!({"reportId": report, "runAs": "app",
        "recurrence": {"frequency": "daily", "time": "09:00", "timezone": "UTC"}});
    let r = app.post(ADMIN_KEY, "/schedules", &body).await;
    assert_eq!(r.status(), StatusCode::CREATED, "{}", r.text().await.unwrap());
    let schedule: Value = r.json().await.unwrap();
    let id = schedule["id"].as_str().unwrap();

    for n in 1..=5 {
        let r = app.post(ADMIN_KEY, &format!("/schedules/{id}/run"), &json!({})).await;
        assert_eq!(r.status(), StatusCode::ACCEPTED, "run now works, also while paused");
        let export: Value = r.json().await.unwrap();
        assert_eq!(export["trigger"], "run_now");
        let done = app.wait_finished(ADMIN_KEY, export["id"].as_str().unwrap()).await;
        assert_eq!(done["status"], "FAILED");
        assert!(done["error"].as_str().unwrap().contains("site connection"), "{done}");
        let s: Value = wait_schedule(&app, id, |s| s["consecutiveFailures"] == n).await;
        assert_eq!(s["paused"], n == 5, "paused only at the fifth failure");
    }
    let s: Value = app.get(ADMIN_KEY, &format!("/schedules/{id}")).await.json().await.unwrap();
    assert_eq!(s["pausedReason"], "failures");
    assert!(s["nextRunAt"].is_null());
    let r = app.post(ADMIN_KEY, &format!("/schedules/{id}/run"), &json!({})).await;
    assert_eq!(r.status(), StatusCode::ACCEPTED, "run now works while paused");
    let export: Value = r.json().await.unwrap();
    app.wait_finished(ADMIN_KEY, export["id"].as_str().unwrap()).await;
    let s = wait_schedule(&app, id, |s| s["consecutiveFailures"] == 6).await;
    assert_eq!(s["pausedReason"], "failures", "still paused by failures");
    let history = runs(&app, id).await;
    assert_eq!(history.len(), 6);
    assert!(history.iter().all(|r| r["status"] == "FAILED" && r["trigger"] == "run_now"));

    let r = app.post(ADMIN_KEY, &format!("/schedules/{id}/resume"), &json!({})).await;
    let s: Value = r.json().await.unwrap();
    assert_eq!(s["paused"], false);
    assert!(s["pausedReason"].is_null());
    assert_eq!(s["consecutiveFailures"], 0);
    assert_eq!(s["nextRunAt"], "2026-11-23T09:00:00Z");
}

async fn wait_schedule(app: &TestApp, id: &str, done: impl Fn(&Value) -> bool) -> Value {
    for _ in 0..3000 {
        let s: Value = app.get(ADMIN_KEY, &format!("/schedules/{id}")).await.json().await.unwrap();
        if done(&s) {
            return s;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    panic!("schedule {id} never reached the expected state");
}

#[tokio::test]
async fn an_occurrence_missed_by_over_an_hour_is_recorded_missed_and_a_recent_one_runs() {
    let (mut app, clock) = app_at("2026-11-23T08:00:00Z").await;
    let report = app.sample_report(ADMIN_KEY, 5, json!({})).await;
    let schedule = daily_at_nine(&app, &report).await;
    let id = schedule["id"].as_str().unwrap();
    // "Down" from 08:00 until 10:30: the 09:00 run is 90 minutes late.
    clock.set(at("2026-11-23T10:30:00Z"));
    assert_eq!(step(&mut app).await, 1);
    let history = runs(&app, id).await;
    assert_eq!(history.len(), 1);
    assert_eq!(history[0]["status"], "MISSED");
    assert!(history[0]["exportId"].is_null());
    // Down again until 09:40 next day: 40 minutes late still runs, once.
    clock.set(at("2026-11-24T09:40:00Z"));
    assert_eq!(step(&mut app).await, 1);
    assert_eq!(step(&mut app).await, 0);
    let history = runs(&app, id).await;
    assert_eq!(history.len(), 2);
    assert_eq!(history[0]["scheduledFor"], "2026-11-24T09:00:00Z");
    assert!(history[0]["exportId"].is_string());
    assert_eq!(history[1]["status"], "MISSED");
}

#[tokio::test]
async fn a_member_cannot_schedule_another_members_public_report() {
    let (app, _clock) = app_at("2026-11-23T08:00:00Z").await;
    let alice = app.member("alice").await;
    let bob = app.member("bob").await;
    let public = app.sample_report(&alice, 5, json!({"visibility": "public"})).await;
    let body = json!({"reportId": public, "recurrence": {"frequency": "daily", "time": "09:00", "timezone": "UTC"}});
    let (status, body) = error_of(app.post(&bob, "/schedules", &body).await).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(body["error"]["message"].as_str().unwrap().contains("copy"), "{body}");
    // The owner's schedule is invisible to others, and the report cannot be deleted under it.
    let owned = json!({"reportId": public, "recurrence": {"frequency": "daily", "time": "09:00", "timezone": "UTC"}});
    let s: Value = app.post(&alice, "/schedules", &owned).await.json().await.unwrap();
    assert_eq!(
        app.get(&bob, &format!("/schedules/{}", s["id"].as_str().unwrap())).await.status(),
        StatusCode::NOT_FOUND
    );
    let (status, body) = error_of(app.delete(&alice, &format!("/reports/{public}")).await).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(body["error"]["message"].as_str().unwrap().contains(s["id"].as_str().unwrap()));
}

#[tokio::test]
async fn bad_recurrences_are_400_naming_the_field() {
    let (app, _clock) = app_at("2026-11-23T08:00:00Z").await;
    let report = app.sample_report(ADMIN_KEY, 5, json!({})).await;
    let cases = [
        (json!({"frequency": "daily", "time": "09:00", "timezone": "Mars/Olympus"}), "recurrence.timezone"),
        (json!({"frequency": "daily", "time": "25:00", "timezone": "UTC"}), "recurrence.time"),
        (json!({"frequency": "weekly", "weekdays": [], "time": "09:00", "timezone": "UTC"}), "recurrence.weekdays"),
        (json!({"frequency": "monthly", "monthDay": 0, "time": "09:00", "timezone": "UTC"}), "recurrence.monthDay"),
        (json!({"frequency": "monthly", "monthDay": 32, "time": "09:00", "timezone": "UTC"}), "recurrence.monthDay"),
        (
            json!({"frequency": "yearly", "monthDay": 1, "month": 13, "time": "09:00", "timezone": "UTC"}),
            "recurrence.month",
        ),
        (
            json!({"frequency": "daily", "time": "09:00", "timezone": "UTC", "start": "2026-12-10", "end": "2026-12-01"}),
            "recurrence.end",
        ),
        (json!({"frequency": "daily", "interval": 0, "time": "09:00", "timezone": "UTC"}), "recurrence.interval"),
        (json!({"frequency": "daily", "weekdays": ["MON"], "time": "09:00", "timezone": "UTC"}), "recurrence.weekdays"),
    ];
    for (recurrence, field) in cases {
        let body = json!({"reportId": report, "recurrence": recurrence});
        let (status, err) = error_of(app.post(ADMIN_KEY, "/schedules", &body).await).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{recurrence}");
        assert_eq!(err["error"]["details"][0]["field"], field, "{recurrence}: {err}");
    }
    let both = json!({"reportId": report, "incremental": true, "range": "previous_day",
        "recurrence": {"frequency": "daily", "time": "09:00", "timezone": "UTC"}});
    let (_, err) = error_of(app.post(ADMIN_KEY, "/schedules", &both).await).await;
    assert_eq!(err["error"]["details"][0]["field"], "range");
    let app_run = json!({"reportId": report, "runAs": "app", "recurrence": {"frequency": "daily", "time": "09:00", "timezone": "UTC"}});
    let (_, err) = error_of(app.post(ADMIN_KEY, "/schedules", &app_run).await).await;
    assert_eq!(err["error"]["details"][0]["field"], "runAs");
}

#[tokio::test]
async fn preview_lists_the_next_runs_across_a_dst_gap() {
    let (app, _clock) = app_at("2026-03-27T00:00:00Z").await;
    let body = json!({"recurrence": {"frequency": "daily", "time": "02:30", "timezone": "Europe/Berlin"}, "count": 4});
    let r = app.post(ADMIN_KEY, "/schedules/preview", &body).await;
    assert_eq!(r.status(), StatusCode::OK);
    let runs: Value = r.json().await.unwrap();
    // 2026-03-29 02:30 does not exist in Berlin: it runs at 03:30 CEST (01:30Z).
    assert_eq!(
        runs["runs"],
        json!(["2026-03-27T01:30:00Z", "2026-03-28T01:30:00Z", "2026-03-29T01:30:00Z", "2026-03-30T00:30:00Z"])
    );
}

#[tokio::test]
async fn deleting_the_owners_only_key_pauses_their_schedules() {
    let (app, _clock) = app_at("2026-11-23T08:00:00Z").await;
    let dana = app.member("dana").await;
    let report = app.sample_report(&dana, 5, json!({})).await;
    let body = json!({"reportId": report, "recurrence": {"frequency": "weekly", "weekdays": ["MON", "FRI"], "time": "07:15", "timezone": "America/New_York"}});
    let s: Value = app.post(&dana, "/schedules", &body).await.json().await.unwrap();
    assert_eq!(s["owner"], "dana");
    let keys: Value = app.get(ADMIN_KEY, "/keys").await.json().await.unwrap();
    let key_id = keys["items"].as_array().unwrap().iter().find(|k| k["user"] == "dana").unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(app.delete(ADMIN_KEY, &format!("/keys/{key_id}")).await.status(), StatusCode::NO_CONTENT);
    let after: Value =
        app.get(ADMIN_KEY, &format!("/schedules/{}", s["id"].as_str().unwrap())).await.json().await.unwrap();
    assert_eq!(after["paused"], true);
    assert_eq!(after["pausedReason"], "owner_removed");
    assert!(after["nextRunAt"].is_null());
}
