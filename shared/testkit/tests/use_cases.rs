//! Use cases on the test kit's ports: no server, real SQLite and files in a
//! temp dir, time moved by the manual clock, mail read from the recorder.

use ferry_core::model::api_key::Principal;
use ferry_core::model::export::ExportStatus;
use ferry_core::model::page::PageRequest;
use ferry_core::ports::job_policy::StepOutcome;
use ferry_core::usecases::auth::authenticate;
use ferry_core::usecases::bootstrap::bootstrap;
use ferry_core::usecases::deliveries::worker::DeliveryWorker;
use ferry_core::usecases::exports::worker::ExportWorker;
use ferry_core::usecases::exports::{cancel_export, get_export, list_exports, start_export, StartExport};
use ferry_core::usecases::keys::{create_key, delete_key};
use ferry_core::usecases::scheduler_tick::scheduler_step;
use ferry_core::usecases::schedules::create_schedule;
use ferry_core::usecases::settings::update_settings;
use ferry_core::CoreError;
use ferry_testkit::{test_ports, TestPorts};
use futures::StreamExt;
use jiff::SignedDuration;
use serde_json::json;
use sha2::{Digest, Sha256};

const ADMIN_KEY: &str = "use-case-test-admin-key-0123456789";

struct Installed {
    kit: TestPorts,
    admin: Principal,
    report_id: String,
}

async fn installed() -> Installed {
    let kit = test_ports();
    let boot = bootstrap(&kit.ports, Some(ADMIN_KEY.into())).await.expect("bootstrap").expect("a new install");
    let admin = authenticate(&kit.ports, ADMIN_KEY).await.expect("the admin key signs in");
    Installed { kit, admin, report_id: boot.demo_report.id }
}

/// Runs the export worker until no job is left.
async fn drain_exports(kit: &TestPorts) {
    let worker = ExportWorker::new(kit.ports.clone(), "test-worker");
    for _ in 0..1000 {
        if worker.step().await.expect("export step") == StepOutcome::Empty {
            return;
        }
    }
    panic!("the export queue never emptied");
}

fn start(report_id: &str) -> StartExport {
    serde_json::from_value(json!({ "reportId": report_id })).expect("a start request")
}

#[tokio::test]
async fn an_export_runs_to_completion_and_its_file_is_what_it_reports() {
    let Installed { kit, admin, report_id } = installed().await;
    let queued = start_export(&kit.ports, &admin, start(&report_id)).await.expect("start");
    assert_eq!(queued.status, ExportStatus::Queued);
    drain_exports(&kit).await;

    let done = get_export(&kit.ports, &admin, &queued.id).await.expect("get");
    assert_eq!(done.status, ExportStatus::Completed);
    let stored = kit.ports.exports.get_export(&queued.id).await.expect("get").expect("stored");
    let mut stream = kit.ports.files.read(stored.file_key.as_deref().expect("a file")).await.expect("read");
    let mut bytes = Vec::new();
    while let Some(chunk) = stream.next().await {
        bytes.extend_from_slice(&chunk.expect("chunk"));
    }
    assert_eq!(Some(bytes.len() as u64), done.bytes, "the size it reports");
    assert_eq!(Some(hex::encode(Sha256::digest(&bytes))), done.sha256, "the SHA-256 it reports");
    assert_eq!(done.rows, Some(1000), "the demo report's rows");
}

#[tokio::test]
async fn a_cancelled_export_frees_its_report_for_the_next_one() {
    let Installed { kit, admin, report_id } = installed().await;
    let first = start_export(&kit.ports, &admin, start(&report_id)).await.expect("start");
    let busy = start_export(&kit.ports, &admin, start(&report_id)).await.unwrap_err();
    assert!(matches!(busy, CoreError::ExportRunning { .. }), "{busy:?}");
    let cancelled = cancel_export(&kit.ports, &admin, &first.id).await.expect("cancel");
    assert_eq!(cancelled.status, ExportStatus::Cancelled);
    let second = start_export(&kit.ports, &admin, start(&report_id)).await.expect("the report is free again");
    assert_ne!(second.id, first.id);
}

#[tokio::test]
async fn a_schedule_fires_when_the_clock_reaches_its_time() {
    let Installed { kit, admin, report_id } = installed().await;
    let input = serde_json::from_value(json!({
        "reportId": report_id,
        "recurrence": { "frequency": "daily", "time": "10:00", "timezone": "Europe/Berlin" }
    }))
    .expect("a schedule");
    let schedule = create_schedule(&kit.ports, &admin, input).await.expect("create");
    // The kit starts at 09:00 UTC, 10:00 in Berlin: today's run has passed.
    assert_eq!(schedule.next_run_at, Some("2030-01-08T09:00:00Z".parse().unwrap()));

    assert_eq!(scheduler_step(&kit.ports).await.expect("tick"), 0, "nothing is due yet");
    kit.clock.advance(SignedDuration::from_hours(24));
    assert_eq!(scheduler_step(&kit.ports).await.expect("tick"), 1, "one run is due");
    let exports = list_exports(&kit.ports, &admin, Default::default(), PageRequest::first(10)).await.expect("list");
    assert_eq!(exports.items.len(), 1);
    assert_eq!(exports.items[0].schedule_id.as_deref(), Some(schedule.id.as_str()));
}

#[tokio::test]
async fn an_email_destination_sends_the_file_as_an_attachment() {
    let Installed { kit, admin, report_id } = installed().await;
    let input = serde_json::from_value(json!({
        "reportId": report_id,
        "recurrence": { "frequency": "daily", "time": "10:00", "timezone": "UTC" },
        "destinations": [{ "type": "email", "to": ["ops@example.org"], "subject": "{{reportName}}" }]
    }))
    .expect("a schedule");
    create_schedule(&kit.ports, &admin, input).await.expect("create");
    kit.clock.advance(SignedDuration::from_hours(1));
    assert_eq!(scheduler_step(&kit.ports).await.expect("tick"), 1);
    drain_exports(&kit).await;
    let deliveries = DeliveryWorker::new(kit.ports.clone());
    while deliveries.step().await.expect("delivery step") != StepOutcome::Empty {}

    let sent = kit.mail.sent();
    assert_eq!(sent.len(), 1, "one message");
    assert_eq!(sent[0].to, vec!["ops@example.org".to_string()]);
    let attachment = sent[0].attachment.as_ref().expect("the file attached");
    assert!(attachment.file_name.ends_with(".csv"), "{}", attachment.file_name);
    assert!(!attachment.data.is_empty());
}

#[tokio::test]
async fn settings_need_an_admin_and_the_last_admin_key_stays() {
    let Installed { kit, admin, .. } = installed().await;
    let input = serde_json::from_value(json!({ "user": "max", "role": "member" })).expect("a key");
    let member_key = create_key(&kit.ports, &admin, input).await.expect("create member key");
    let member = authenticate(&kit.ports, &member_key.key).await.expect("the member signs in");
    let patch = serde_json::from_value(json!({ "maxAttachmentMb": 5 })).expect("a patch");
    let refused = update_settings(&kit.ports, &member, patch).await.unwrap_err();
    assert!(matches!(refused, CoreError::Forbidden(_)), "{refused:?}");

    let last = delete_key(&kit.ports, &admin, &admin.key_id).await.unwrap_err();
    assert!(matches!(last, CoreError::Conflict { code: "last_admin_key", .. }), "{last:?}");
    assert!(authenticate(&kit.ports, ADMIN_KEY).await.is_ok(), "the admin key still works");
}

#[tokio::test]
async fn ferrys_own_bucket_cannot_be_allowed_for_s3_destinations() {
    let Installed { kit, admin, .. } = installed().await;
    let own: ferry_core::model::settings::SettingsPatch =
        serde_json::from_value(json!({"s3AllowedBuckets": ["data-lake", "ferry-own-files"]})).unwrap();
    match update_settings(&kit.ports, &admin, own).await {
        Err(CoreError::Invalid { details, .. }) => assert_eq!(details[0].field, "s3AllowedBuckets[1]"),
        other => panic!("refused, naming the entry: {other:?}"),
    }
    let other: ferry_core::model::settings::SettingsPatch =
        serde_json::from_value(json!({"s3AllowedBuckets": ["data-lake"]})).unwrap();
    let saved = update_settings(&kit.ports, &admin, other).await.expect("another bucket is fine");
    assert_eq!(saved.s3_allowed_buckets, vec!["data-lake".to_string()]);
}
