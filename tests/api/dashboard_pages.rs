//! The dashboard's pages over HTTP: schedules (pause, resume, run now),
//! ownership (a member gets a 404 page for an admin's schedule), exports,
//! reports with their preview, and HTML escaping of what people typed.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::dashboard::{location, schedule_of, sign_in};
use crate::helpers::{spawn_app, ADMIN_KEY};

#[tokio::test]
async fn the_schedules_table_pauses_resumes_and_runs_now() {
    let app = spawn_app().await;
    let id = schedule_of(&app, ADMIN_KEY, "Weekly numbers").await;
    let b = sign_in(&app, ADMIN_KEY).await;
    let html = b.get(&app, "/schedules").await.text().await.unwrap();
    assert!(html.contains("Weekly numbers"));
    assert!(html.contains("Weekly on Mon, Wed at 09:00 (Europe/Berlin)"), "{html}");
    assert!(html.contains("(Europe/Berlin)</time>"), "next run in the schedule's zone");
    assert!(html.contains("<th scope=\"col\">Report</th>"));

    let r = b.post(&app, &format!("/schedules/{id}/pause"), &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/schedules?done=paused");
    let html = b.get(&app, "/schedules?done=paused").await.text().await.unwrap();
    assert!(html.contains(r#"<p class="notice flash" role="status">Paused.</p>"#), "{html}");
    assert!(html.contains("Paused by hand"));
    assert!(html.contains(">Resume</button>"));
    let s: Value = app.get(ADMIN_KEY, &format!("/schedules/{id}")).await.json().await.unwrap();
    assert_eq!(s["paused"], true);

    b.post(&app, &format!("/schedules/{id}/resume"), &[]).await;
    let html = b.get(&app, "/schedules").await.text().await.unwrap();
    assert!(html.contains("Active") && html.contains(">Pause</button>"));

    let r = b.post(&app, &format!("/schedules/{id}/run"), &[]).await;
    assert_eq!(location(&r), format!("/schedules/{id}?done=run-started"));
    let runs: Value = app.get(ADMIN_KEY, &format!("/schedules/{id}/runs")).await.json().await.unwrap();
    assert_eq!(runs["items"].as_array().unwrap().len(), 1, "run now made one run");
    let html = b.get(&app, &format!("/schedules/{id}")).await.text().await.unwrap();
    assert!(html.contains("<td>Run now</td>"), "the run shows in the history, its trigger in words: {html}");
    assert!(!html.contains("run_now") && !html.contains("COMPLETED"), "no raw values: {html}");
}

#[tokio::test]
async fn a_schedules_page_shows_settings_with_secrets_as_dots() {
    let app = spawn_app().await;
    let report = app.sample_report(ADMIN_KEY, 5, json!({"name": "Hooked"})).await;
    let destinations = json!([{"type": "webhook", "url": "https://hooks.example.org/in",
        "headers": {"Authorization": "Bearer t0k3n"}, "secret": "s3cr3t-value"}]);
    let recurrence = json!({"frequency": "monthly", "monthDay": -1, "time": "18:00", "timezone": "America/New_York"});
    let r = app
        .post(
            ADMIN_KEY,
            "/schedules",
            &json!({"reportId": report, "recurrence": recurrence, "destinations": destinations}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED, "{}", r.text().await.unwrap());
    let id = r.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string();
    let b = sign_in(&app, ADMIN_KEY).await;
    let html = b.get(&app, &format!("/schedules/{id}")).await.text().await.unwrap();
    assert!(html.contains("Monthly on the last day at 18:00 (America/New_York)"), "{html}");
    assert!(html.contains("https://hooks.example.org/in"));
    assert!(html.contains("•••"), "stored secrets are drawn as dots");
    assert!(!html.contains("s3cr3t-value") && !html.contains("t0k3n"), "{html}");
    assert!(html.contains("No runs yet"), "the empty history says what to do");
}

#[tokio::test]
async fn search_finds_schedules_by_report_name_and_says_what_to_do_when_empty() {
    let app = spawn_app().await;
    schedule_of(&app, ADMIN_KEY, "Weekly numbers").await;
    schedule_of(&app, ADMIN_KEY, "Open bugs").await;
    let b = sign_in(&app, ADMIN_KEY).await;
    let html = b.get(&app, "/schedules?q=BUGS").await.text().await.unwrap();
    assert!(html.contains("Open bugs") && !html.contains("Weekly numbers"));
    let html = b.get(&app, "/schedules?q=nothing-like-it").await.text().await.unwrap();
    assert!(html.contains("Show all schedules"));
}

#[tokio::test]
async fn a_member_gets_a_404_page_for_an_admins_schedule() {
    let app = spawn_app().await;
    let id = schedule_of(&app, ADMIN_KEY, "Board figures").await;
    let member = app.member("max").await;
    let b = sign_in(&app, &member).await;
    let r = b.get(&app, &format!("/schedules/{id}")).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let html = r.text().await.unwrap();
    assert!(html.contains("Not found") && html.contains("Signed in as <strong>max</strong>"));
    assert!(!html.contains("Board figures"));
    let r = b.post(&app, &format!("/schedules/{id}/pause"), &[]).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let list = b.get(&app, "/schedules").await.text().await.unwrap();
    assert!(!list.contains("Board figures"));
    assert!(!list.contains(">Settings</a>") && !list.contains(">Keys</a>"), "admin links are for admins");
    assert_eq!(b.get(&app, "/keys").await.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn what_people_typed_is_escaped() {
    let app = spawn_app().await;
    let nasty = "<script>alert(1)</script>";
    let report = app.sample_report(ADMIN_KEY, 5, json!({"name": nasty})).await;
    let b = sign_in(&app, ADMIN_KEY).await;
    for path in ["/reports".to_string(), format!("/reports/{report}")] {
        let html = b.get(&app, &path).await.text().await.unwrap();
        // askama writes `<` as `&#60;`; either entity form is text, not markup.
        let escaped = ["&#60;script&#62;alert(1)&#60;/script&#62;", "&lt;script&gt;alert(1)&lt;/script&gt;"];
        assert!(escaped.iter().any(|e| html.contains(e)), "{path}: {html}");
        assert!(!html.contains(nasty), "{path}");
    }
}

#[tokio::test]
async fn a_reports_preview_and_start_export_lead_to_a_downloadable_export() {
    let app = spawn_app().await;
    let report = app.sample_report(ADMIN_KEY, 30, json!({"name": "Thirty issues"})).await;
    let b = sign_in(&app, ADMIN_KEY).await;
    let html = b.get(&app, &format!("/reports/{report}/preview")).await.text().await.unwrap();
    assert!(html.contains("The first 20 rows"), "{html}");
    assert_eq!(html.matches("<tr><td>").count(), 20);

    let r = b.post(&app, &format!("/reports/{report}/export"), &[]).await;
    assert_eq!(location(&r), "/exports?done=export-started");
    let exports: Value = app.get(ADMIN_KEY, "/exports").await.json().await.unwrap();
    let id = exports["items"][0]["id"].as_str().unwrap().to_string();
    let done = app.wait_finished(ADMIN_KEY, &id).await;
    assert_eq!(done["status"], "COMPLETED");
    let html = b.get(&app, "/exports").await.text().await.unwrap();
    assert!(html.contains("Thirty issues") && html.contains(">Download</a>"));
    let r = b.get(&app, &format!("/exports/{id}/download")).await;
    assert!(r.status().is_redirection());
    let file = app.client.get(location(&r)).send().await.unwrap().bytes().await.unwrap();
    assert_eq!(crate::helpers::sha256_hex(&file), done["sha256"].as_str().unwrap());
}

#[tokio::test]
async fn cancelling_is_confirmed_on_a_page_of_its_own() {
    let app = spawn_app().await;
    let connection = app
        .post(
            ADMIN_KEY,
            "/connections",
            &json!({"name": "slow", "kind": "sample", "settings": {"rows": 1000, "rowsPerSecond": 20}}),
        )
        .await
        .json::<Value>()
        .await
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let r = app
        .post(ADMIN_KEY, "/reports", &json!({"name": "Slow", "connectionId": connection, "reportType": "issues"}))
        .await;
    let report = r.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string();
    let id = app.start_export(ADMIN_KEY, &report).await["id"].as_str().unwrap().to_string();
    let b = sign_in(&app, ADMIN_KEY).await;
    let html = b.get(&app, "/exports").await.text().await.unwrap();
    assert!(html.contains("<progress"), "{html}");
    assert!(html.contains(&format!("/exports/{id}/cancel\">Cancel</a>")));
    let html = b.get(&app, &format!("/exports/{id}/cancel")).await.text().await.unwrap();
    assert!(html.contains(">Cancel export</button>"));
    let r = b.post(&app, &format!("/exports/{id}/cancel"), &[]).await;
    assert_eq!(location(&r), "/exports?done=cancelled");
    let done = app.wait_finished(ADMIN_KEY, &id).await;
    assert_eq!(done["status"], "CANCELLED");
}

#[tokio::test]
async fn unknown_pages_are_html_404s_and_unknown_api_paths_stay_json() {
    let app = spawn_app().await;
    let r = app.client.get(format!("{}/no-such-page", app.url)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert!(r.text().await.unwrap().contains("There is no such page."));
    let r = app.client.get(app.v1("/no-such-thing")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_eq!(r.json::<Value>().await.unwrap()["error"]["code"], "not_found");
}
