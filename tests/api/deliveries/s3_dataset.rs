//! A `dataset` export to an S3 destination (moto): one object per entity
//! under one prefix (a folder per entity), byte for byte the files of the export's zip, and a
//! `manifest.json` naming each entity's object, rows, bytes and SHA-256, the
//! schema version and `fromDate`.

use std::sync::Arc;

use ferry_core::ports::clock::ManualClock;
use jiff::{SignedDuration, Timestamp};
use serde_json::{json, Value};

use super::s3::{destination, new_bucket, s3};
use super::{allow_private_networks, run_now, schedule, wait_delivered};
use crate::confluence_dataset::zip_files;
use crate::helpers::{sha256_hex, spawn_app_with, AppOptions, ADMIN_KEY};
use crate::jira_dataset::dataset_report;
use crate::jira_ferry::jira_connection;
use crate::jira_sim::JiraSim;

#[tokio::test]
async fn a_dataset_goes_to_s3_as_one_object_per_entity_and_a_manifest() {
    let client = s3().await;
    let bucket = new_bucket(&client).await;
    // The simulated site changed in the first half of 2025: its last 365 days.
    let now: Timestamp = "2025-06-01T08:00:00Z".parse().unwrap();
    let clock = Arc::new(ManualClock::new(now));
    let app = spawn_app_with(AppOptions { clock: Some(clock), scheduler: false, ..Default::default() }).await;
    allow_private_networks(&app, true).await;
    let sim = JiraSim::start(40).await;
    let connection = jira_connection(&app, &sim, json!({"maxRequestsPerSecond": 100})).await;
    let report = dataset_report(&app, &connection, json!({})).await;
    let schedule = schedule(&app, ADMIN_KEY, &report, json!([destination(&bucket)])).await;

    let export = run_now(&app, ADMIN_KEY, &schedule).await;
    let id = export["id"].as_str().unwrap();
    let run = wait_delivered(&app, ADMIN_KEY, &schedule, id).await;
    assert_eq!(run["status"], "SUCCEEDED", "{run}");
    let files = zip_files(&app.download(ADMIN_KEY, id).await);
    assert_eq!(files.len(), 6);

    let folder = format!("exports/jira-tables/{}", export["fileName"].as_str().unwrap().strip_suffix(".zip").unwrap());
    let listed = client.list_objects_v2().bucket(&bucket).prefix(format!("{folder}/")).send().await.unwrap();
    let mut keys: Vec<String> = listed.contents().iter().filter_map(|o| o.key().map(str::to_string)).collect();
    keys.sort();
    let entity = |name: &str| name.split(&format!("_{id}_")).next().unwrap().to_string();
    let mut expected: Vec<String> = files.iter().map(|(name, _)| format!("{folder}/{}/{name}", entity(name))).collect();
    expected.push(format!("{folder}/manifest.json"));
    expected.sort();
    assert_eq!(
        keys, expected,
        "one object per entity (a folder each) and the manifest, under one prefix, and nothing else"
    );

    let get = |key: String| {
        let client = client.clone();
        let bucket = bucket.clone();
        async move {
            let o = client.get_object().bucket(&bucket).key(&key).send().await.unwrap();
            let content_type = o.content_type().map(str::to_string);
            (content_type, o.body.collect().await.unwrap().into_bytes().to_vec())
        }
    };
    let (content_type, manifest) = get(format!("{folder}/manifest.json")).await;
    assert_eq!(content_type.as_deref(), Some("application/json"));
    let manifest: Value = serde_json::from_slice(&manifest).unwrap();
    assert_eq!((manifest["schemaVersion"].as_u64(), manifest["exportId"].as_str()), (Some(1), Some(id)));
    let from: Timestamp = manifest["fromDate"].as_str().unwrap().parse().unwrap();
    assert_eq!(from, now - SignedDuration::from_hours(24 * 365), "the default fromDate");
    let entities = manifest["entities"].as_array().unwrap();
    assert_eq!(entities.len(), files.len());
    for (entry, (name, text)) in entities.iter().zip(&files) {
        let key = format!("{folder}/{}/{name}", entity(name));
        let (content_type, object) = get(key.clone()).await;
        assert!(object == text.as_bytes(), "{name}: the object is the zip's file, byte for byte");
        assert_eq!(content_type.as_deref(), Some("text/csv; charset=utf-8"));
        let rows = csv::Reader::from_reader(text.as_bytes()).records().count() as u64;
        assert_eq!(entry["entity"].as_str(), Some(entity(name).as_str()));
        assert_eq!(entry["key"].as_str(), Some(key.as_str()));
        assert_eq!((entry["rows"].as_u64(), entry["bytes"].as_u64()), (Some(rows), Some(text.len() as u64)), "{name}");
        assert_eq!(entry["sha256"].as_str(), Some(sha256_hex(text.as_bytes()).as_str()));
    }
    assert_eq!(entities[0]["rows"], 40, "{manifest}");
    let rows: u64 = entities.iter().map(|e| e["rows"].as_u64().unwrap()).sum();
    assert_eq!(export["rows"].as_u64(), Some(rows));
}
