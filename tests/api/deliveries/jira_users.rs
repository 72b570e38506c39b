//! `toUsers`: Jira accounts as email recipients, looked up through the
//! report's connection on the simulator at send time. Found addresses get
//! the mail once; an account whose address Jira hides fails its delivery
//! (not retried) naming the account, while the other recipients still get
//! the mail; the run fails so the owner hears of it.

use mail_parser::MessageParser;
use reqwest::StatusCode;
use serde_json::json;

use super::{app, attempts, run_now, schedule, wait_delivered, wait_outbox};
use crate::helpers::{error_of, ADMIN_KEY};
use crate::jira_ferry::{allow_private_networks, jira_connection, jira_report};
use crate::jira_sim::JiraSim;

const MIA: &str = "5b10a2844c20165700ede21g";
const ZOE: &str = "5fc9e78d2730d800760becc4";
const SAM_HIDDEN: &str = "6300ff00ee11dd22cc33bb44";

/// Every `To` address of a message, as an independent MIME parser reads them.
fn recipients(path: &std::path::Path) -> Vec<String> {
    let raw = std::fs::read(path).unwrap();
    let m = MessageParser::default().parse(&raw).expect("a MIME message");
    let mut to: Vec<String> =
        m.to().map(|a| a.iter().filter_map(|x| x.address().map(str::to_string)).collect()).unwrap_or_default();
    to.sort();
    to
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jira_users_get_the_mail_at_their_addresses_and_a_hidden_one_fails_naming_the_account() {
    let sim = JiraSim::start(30).await;
    let (app, _clock) = app().await;
    allow_private_networks(&app, true).await;
    let connection = jira_connection(&app, &sim, json!({})).await;
    let report = jira_report(&app, &connection, "issues", "project = SIM", &["key", "summary"], "csv").await;
    let destinations = json!([
        {"type": "email", "to": ["lead@example.org", "mia@example.com"], "toUsers": [MIA, ZOE]},
        {"type": "email", "toUsers": [ZOE, SAM_HIDDEN]},
    ]);
    let schedule = schedule(&app, ADMIN_KEY, &report, destinations).await;
    let saved = app.get(ADMIN_KEY, &format!("/schedules/{schedule}")).await.json::<serde_json::Value>().await.unwrap();
    assert_eq!(saved["destinations"][1]["toUsers"], json!([ZOE, SAM_HIDDEN]));

    let export = run_now(&app, ADMIN_KEY, &schedule).await;
    let run = wait_delivered(&app, ADMIN_KEY, &schedule, export["id"].as_str().unwrap()).await;
    assert_eq!(run["status"], "FAILED", "{run}");
    assert_eq!(run["deliveries"][0]["status"], "DELIVERED", "{run}");
    assert_eq!(run["deliveries"][1]["status"], "FAILED", "{run}");
    let tried = attempts(&run, 1);
    assert_eq!(tried.len(), 1, "a hidden address is not retried: {tried:?}");
    let error = tried[0]["error"].as_str().unwrap();
    assert!(error.contains(SAM_HIDDEN) && error.contains("hides"), "{error}");
    assert!(!error.contains(ZOE), "the found account is not blamed: {error}");

    let mut mails: Vec<Vec<String>> = wait_outbox(&app, 2).await.iter().map(|p| recipients(p)).collect();
    mails.sort();
    assert_eq!(
        mails,
        vec![
            vec!["lead@example.org".to_string(), "mia@example.com".into(), "zoe@example.org".into()],
            vec!["zoe@example.org".to_string()],
        ],
        "each address once, the hidden account's nowhere"
    );
    let lookups = sim.seen().iter().filter(|s| s.path == "/rest/api/3/user").count();
    assert_eq!(lookups, 4, "each account looked up when sending");
}

#[tokio::test]
async fn to_users_are_checked_on_save() {
    let sim = JiraSim::start(5).await;
    let (app, _clock) = app().await;
    allow_private_networks(&app, true).await;
    let connection = jira_connection(&app, &sim, json!({})).await;
    let report = jira_report(&app, &connection, "issues", "project = SIM", &["key"], "csv").await;
    let cases = [
        (json!({"type": "email"}), "destinations[0].to"),
        (json!({"type": "email", "toUsers": ["has space"]}), "destinations[0].toUsers[0]"),
        (json!({"type": "email", "toUsers": [MIA, MIA]}), "destinations[0].toUsers[1]"),
        (json!({"type": "email", "toUsers": "5b10"}), "destinations[0].toUsers"),
    ];
    for (destination, field) in cases {
        let body = json!({"reportId": report, "destinations": [destination],
            "recurrence": {"frequency": "daily", "time": "09:00", "timezone": "UTC"}});
        let (status, error) = error_of(app.post(ADMIN_KEY, "/schedules", &body).await).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{destination}: {error}");
        assert_eq!(error["error"]["details"][0]["field"], field, "{destination}: {error}");
    }
    let sample = app.sample_report(ADMIN_KEY, 5, json!({})).await;
    let body = json!({"reportId": sample, "destinations": [{"type": "email", "to": ["a@example.org"], "toUsers": [MIA]}],
        "recurrence": {"frequency": "daily", "time": "09:00", "timezone": "UTC"}});
    let (status, error) = error_of(app.post(ADMIN_KEY, "/schedules", &body).await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{error}");
    assert_eq!(error["error"]["details"][0]["field"], "destinations[0].toUsers", "{error}");
}
