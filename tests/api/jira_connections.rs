//! Jira connections over the real local server: `/test`, `/fields` and report
//! previews against the simulator; bad credentials and bad JQL answered with
//! Jira's words; and loopback addresses refused while `allowPrivateNetworks`
//! is off (the simulator is never reached).

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{error_of, spawn_app, ADMIN_KEY};
use crate::jira_ferry::{allow_private_networks, jira_connection, jira_report, json_cell_is, run_export};
use crate::jira_sim::dataset::expected_issue;
use crate::jira_sim::{JiraSim, SIM_EMAIL};

async fn test_connection(app: &crate::helpers::TestApp, id: &str) -> Value {
    let r = app.post(ADMIN_KEY, &format!("/connections/{id}/test"), &json!({})).await;
    assert_eq!(r.status(), StatusCode::OK);
    r.json().await.unwrap()
}

#[tokio::test]
async fn bad_credentials_and_bad_jql_give_jiras_answer_on_test_and_on_the_export() {
    let sim = JiraSim::start(300).await;
    let app = spawn_app().await;
    allow_private_networks(&app, true).await;

    let good = jira_connection(&app, &sim, json!({})).await;
    assert_eq!(test_connection(&app, &good).await, json!({"ok": true, "user": "Sim User", "site": sim.url}));

    let wrong_token = "not-the-token-8842";
    let bad = jira_connection(&app, &sim, json!({"apiToken": wrong_token})).await;
    let answer = test_connection(&app, &bad).await;
    assert_eq!(answer["ok"], false, "{answer}");
    let expected = format!(
        "Jira at {} rejected the credentials (401 Unauthorized): check settings.email and settings.apiToken",
        sim.url
    );
    assert_eq!(answer["error"], expected.as_str());
    let report = jira_report(&app, &bad, "issues", "project = SIM", &["key"], "csv").await;
    let failed = run_export(&app, json!({"reportId": report})).await;
    assert_eq!(failed["status"], "FAILED");
    assert_eq!(failed["error"], expected.as_str());
    assert!(!failed.to_string().contains(wrong_token), "the token never shows");
    let browser = crate::dashboard::sign_in(&app, ADMIN_KEY).await;
    let page = browser.get(&app, "/exports").await.text().await.unwrap();
    assert!(page.contains("FAILED") && page.contains("rejected the credentials (401 Unauthorized)"), "{page}");
    assert!(!page.contains(wrong_token), "nor on the exports page");
    let connections = browser.get(&app, "/connections").await.text().await.unwrap();
    assert!(!connections.contains(wrong_token) && connections.contains("•••"), "secrets never shown: {connections}");

    // A base URL that is not a Jira site: Jira's 404 is named with the path asked.
    let elsewhere = jira_connection(&app, &sim, json!({"baseUrl": format!("{}/not-jira", sim.url)})).await;
    let answer = test_connection(&app, &elsewhere).await;
    assert_eq!(
        answer["error"],
        format!(
            "Jira at {}/not-jira answered 404 Not Found for /not-jira/rest/api/3/myself: \
             check that settings.baseUrl is the address of a Jira Cloud site",
            sim.url
        )
    );

    let report = jira_report(&app, &good, "issues", "project = SIM AND bogus = 1", &["key"], "csv").await;
    let failed = run_export(&app, json!({"reportId": report})).await;
    assert_eq!(failed["status"], "FAILED");
    assert_eq!(
        failed["error"],
        "Jira rejected the JQL query (400 Bad Request): Field 'bogus' does not exist or you do not have permission to view it."
    );
    let (status, body) = error_of(app.post(ADMIN_KEY, &format!("/reports/{report}/preview"), &json!({})).await).await;
    assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::CONFLICT, Some("source_error")));
    assert_eq!(body["error"]["message"], failed["error"]);

    let report = jira_report(&app, &good, "issues", "project = SIM", &["key", "Sprint Goal"], "csv").await;
    let failed = run_export(&app, json!({"reportId": report})).await;
    assert_eq!(failed["status"], "FAILED");
    assert!(
        failed["error"].as_str().unwrap().starts_with("columns[1].field: unknown Jira field \"Sprint Goal\""),
        "{failed}"
    );
}

#[tokio::test]
async fn a_loopback_base_url_is_refused_while_private_networks_are_off() {
    let sim = JiraSim::start(10).await;
    let app = spawn_app().await;
    let port = sim.url.rsplit(':').next().unwrap().to_string();

    let literal =
        json!({"name": "j", "kind": "jira", "settings": {"baseUrl": sim.url, "email": SIM_EMAIL, "apiToken": "t"}});
    let (status, body) = error_of(app.post(ADMIN_KEY, "/connections", &literal).await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"]["details"][0]["field"], "settings.baseUrl");
    assert!(body["error"]["message"].as_str().unwrap().contains("allowPrivateNetworks"), "{body}");

    // A host name is checked when connecting, after resolving it.
    let named = json!({"name": "j", "kind": "jira",
        "settings": {"baseUrl": format!("http://localhost:{port}"), "email": SIM_EMAIL, "apiToken": crate::jira_sim::SIM_TOKEN}});
    let r = app.post(ADMIN_KEY, "/connections", &named).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let id = r.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string();
    let answer = test_connection(&app, &id).await;
    assert_eq!(answer["ok"], false);
    let error = answer["error"].as_str().unwrap();
    assert!(error.starts_with("destination_forbidden: settings.baseUrl: the host localhost resolves to "), "{error}");
    assert!(error.contains("a loopback address"), "{error}");
    let (status, body) = error_of(app.get(ADMIN_KEY, &format!("/connections/{id}/fields")).await).await;
    assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::CONFLICT, Some("destination_forbidden")));
    let report = jira_report(&app, &id, "issues", "project = SIM", &["key"], "csv").await;
    let failed = run_export(&app, json!({"reportId": report})).await;
    assert_eq!(failed["status"], "FAILED");
    assert!(failed["error"].as_str().unwrap().starts_with("destination_forbidden: "), "{failed}");
    assert!(sim.seen().is_empty(), "nothing reached the loopback site: {:?}", sim.seen());

    allow_private_networks(&app, true).await;
    assert_eq!(test_connection(&app, &id).await["ok"], true);
    // Saved while allowed, a literal address is refused again once it is not.
    let literal_id = jira_connection(&app, &sim, json!({})).await;
    allow_private_networks(&app, false).await;
    let answer = test_connection(&app, &literal_id).await;
    assert!(
        answer["error"]
            .as_str()
            .unwrap()
            .starts_with("destination_forbidden: settings.baseUrl: 127.0.0.1 is a loopback address"),
        "{answer}"
    );
}

#[tokio::test]
async fn fields_list_custom_fields_by_name_and_a_preview_shows_the_first_twenty_rows() {
    let sim = JiraSim::start(100).await;
    let app = spawn_app().await;
    allow_private_networks(&app, true).await;
    let connection = jira_connection(&app, &sim, json!({})).await;

    let r = app.get(ADMIN_KEY, &format!("/connections/{connection}/fields")).await;
    assert_eq!(r.status(), StatusCode::OK);
    let fields: Vec<Value> = r.json().await.unwrap();
    assert_eq!(fields[0], json!({"id": "key", "name": "Key", "type": "string", "custom": false}));
    assert!(
        fields.contains(&json!({"id": "customfield_10016", "name": "Story Points", "type": "number", "custom": true}))
    );
    assert!(fields.contains(&json!({"id": "created", "name": "Created", "type": "datetime", "custom": false})));
    let r = app.get(ADMIN_KEY, &format!("/connections/{connection}/fields?reportType=worklogs")).await;
    let worklog_fields: Vec<Value> = r.json().await.unwrap();
    assert_eq!(worklog_fields[0]["id"], "worklog.id");
    assert!(worklog_fields.contains(
        &json!({"id": "worklog.timeSpentSeconds", "name": "Time spent (seconds)", "type": "number", "custom": false})
    ));

    let body = json!({"name": "Preview", "connectionId": connection, "reportType": "issues", "query": "project = SIM",
        "columns": [{"field": "key"}, {"field": "Story Points", "header": "Points"}, {"field": "summary"}, {"field": "created"}]});
    let r = app.post(ADMIN_KEY, "/reports", &body).await;
    let report = r.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string();
    let r = app.post(ADMIN_KEY, &format!("/reports/{report}/preview"), &json!({})).await;
    assert_eq!(r.status(), StatusCode::OK);
    let preview: Value = r.json().await.unwrap();
    assert_eq!(preview["columns"], json!(["key", "Points", "summary", "created"]));
    let rows = preview["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 20);
    for (i, row) in rows.iter().enumerate() {
        let n = i as u32 + 1;
        for (c, column) in ["key", "Story Points", "summary", "created"].iter().enumerate() {
            assert!(json_cell_is(&row[c], &expected_issue(n, column)), "SIM-{n} {column}: {}", row[c]);
        }
    }

    let sample = app.sample_connection(ADMIN_KEY, 5, 1).await;
    assert_eq!(test_connection(&app, &sample).await, json!({"ok": true, "user": "sample", "site": "sample"}));
}
