//! The Data Pipeline seed's `curl` calls replayed against
//! `/rest/datapipeline/latest/export` over a Confluence dataset report: the
//! seed's codes and bodies for start (202), a second start while running
//! (409 with the running job), status, cancel (200) and cancel when idle
//! (409), `fromDate` in the seed's ISO forms, and statistics once done.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::confluence_sim::{ConfluenceSim, Faults, SiteSize};
use crate::helpers::{error_of, spawn_app, TestApp, ADMIN_KEY};
use crate::jira_ferry::allow_private_networks;

const PATH: &str = "/rest/datapipeline/latest/export";

fn url(app: &TestApp, query: &str) -> String {
    format!("{}{PATH}{query}", app.url)
}

async fn answer(r: reqwest::Response) -> (StatusCode, Value) {
    let status = r.status();
    (status, r.json().await.expect("a JSON body"))
}

/// GETs the job until `done` says so.
async fn wait_job(app: &TestApp, done: impl Fn(&Value) -> bool) -> Value {
    for _ in 0..3000 {
        let (status, job) = answer(app.client.get(url(app, "")).bearer_auth(ADMIN_KEY).send().await.unwrap()).await;
        assert_eq!(status, StatusCode::OK);
        if done(&job) {
            return job;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("the job never got there");
}

#[tokio::test]
async fn the_seeds_curl_calls_get_the_seeds_codes_and_bodies() {
    let sim = ConfluenceSim::start(SiteSize { spaces: 2, pages: 120 }, 5).await;
    let app = spawn_app().await;
    allow_private_networks(&app, true).await;
    let settings = sim.settings(json!({"maxRequestsPerSecond": 100}));
    let r =
        app.post(ADMIN_KEY, "/connections", &json!({"name": "wiki", "kind": "confluence", "settings": settings})).await;
    let connection = r.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string();
    let r = app
        .post(ADMIN_KEY, "/reports", &json!({"name": "Pipeline", "connectionId": connection, "reportType": "dataset"}))
        .await;
    let report = r.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string();

    // Not configured yet: said, naming the setting.
    let (status, body) = error_of(app.client.get(url(&app, "")).bearer_auth(ADMIN_KEY).send().await.unwrap()).await;
    assert_eq!(
        (status, body["error"]["details"][0]["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("dataPipelineReportId"))
    );
    let (status, _) =
        error_of(app.put(ADMIN_KEY, "/settings", &json!({"dataPipelineReportId": "rep_nope"})).await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let r = app.put(ADMIN_KEY, "/settings", &json!({"dataPipelineReportId": report})).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.json::<Value>().await.unwrap()["dataPipelineReportId"], report.as_str());

    // Before the first export: {} and nothing to cancel.
    let (status, body) = answer(app.client.get(url(&app, "")).bearer_auth(ADMIN_KEY).send().await.unwrap()).await;
    assert_eq!((status, body), (StatusCode::OK, json!({})));
    let (status, body) = answer(app.client.delete(url(&app, "")).bearer_auth(ADMIN_KEY).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(
        body,
        json!({"status": "WARNING", "message": "Cancellation request aborted. There is no export job running to cancel."})
    );

    // curl -H "Authorization:Bearer …" -H "X-Atlassian-Token: no-check" -X POST …/export?fromDate=2020-10-22T01:30:11Z
    sim.set_faults(Faults { latency: Duration::from_millis(50), ..Faults::default() });
    let post = |query: &str| {
        app.client.post(url(&app, query)).bearer_auth(ADMIN_KEY).header("X-Atlassian-Token", "no-check").send()
    };
    let (status, started) = answer(post("?fromDate=2020-10-22T01:30:11Z").await.unwrap()).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{started}");
    assert_eq!((started["jobId"].as_u64(), started["status"].as_str()), (Some(1), Some("STARTED")));
    assert_eq!(started["config"], json!({"exportFrom": "2020-10-22T01:30:11.000+00:00", "forcedExport": false}));
    assert!(started["startTime"].as_str().unwrap().ends_with("+00:00") && started["nodeId"].is_string(), "{started}");

    let (status, running) = answer(post("").await.unwrap()).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!((running["jobId"].as_u64(), running["status"].as_str()), (Some(1), Some("STARTED")));

    let (status, body) = answer(app.client.delete(url(&app, "")).bearer_auth(ADMIN_KEY).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["status"], "OK");
    assert!(body["message"].as_str().unwrap().starts_with("Cancellation request successfully received."));
    let cancelled = wait_job(&app, |j| j["status"] == "CANCELLED").await;
    assert_eq!(cancelled["jobId"], 1);
    assert!(cancelled["cancelledTime"].is_string() && cancelled["completedTime"].is_string(), "{cancelled}");
    assert!(cancelled["statistics"]["writtenRows"].is_u64(), "{cancelled}");

    // The URL-encoded offset form, with the key as HTTP Basic (user `apikey`).
    sim.set_faults(Faults::default());
    let r = app
        .client
        .post(url(&app, "?fromDate=2020-12-30T22%3A01%2B01%3A00"))
        .basic_auth("apikey", Some(ADMIN_KEY))
        .send()
        .await
        .unwrap();
    let (status, second) = answer(r).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{second}");
    assert_eq!(second["jobId"], 2, "one more per export of the report");
    assert_eq!(second["config"]["exportFrom"], "2020-12-30T21:01:00.000+00:00");
    let done = wait_job(&app, |j| j["status"] == "COMPLETED").await;
    assert_eq!(done["jobId"], 2);
    assert!(done["completedTime"].is_string(), "{done}");
    let export = app.get(ADMIN_KEY, "/exports?pageSize=1").await.json::<Value>().await.unwrap();
    let rows = export["items"][0]["rows"].as_u64().unwrap();
    assert_eq!(done["statistics"], json!({"exportedEntities": 5, "writtenRows": rows}));
    let (status, body) = answer(app.client.delete(url(&app, "")).bearer_auth(ADMIN_KEY).send().await.unwrap()).await;
    assert_eq!((status, body["status"].as_str()), (StatusCode::CONFLICT, Some("WARNING")));

    let (status, body) = error_of(post("?fromDate=yesterday").await.unwrap()).await;
    assert_eq!((status, body["error"]["details"][0]["field"].as_str()), (StatusCode::BAD_REQUEST, Some("fromDate")));
    let r = app.client.get(url(&app, "")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "the key is required as on /v1");
}
