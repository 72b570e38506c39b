//! The run verdict from an export and its deliveries.

use super::*;
use crate::model::delivery::{AttemptOutcome, DeliveryAttempt};
use crate::model::destination::DestinationType;
use crate::model::export::Trigger;

fn t(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn export(status: ExportStatus) -> Export {
    Export {
        schedule_id: Some("sch_1".into()),
        trigger: Trigger::Schedule,
        status,
        started_at: Some(t("2026-01-01T09:00:00Z")),
        completed_at: Some(t("2026-01-01T09:01:00Z")),
        rows: Some(3),
        bytes: Some(10),
        error: Some("boom".into()),
        ..Export::queued("exp_1", "rep_1", "ada", t("2026-01-01T09:00:00Z"))
    }
}

fn delivery(destination: u32, status: DeliveryStatus, at: &str, error: Option<&str>) -> Delivery {
    let outcome = if status == DeliveryStatus::Delivered { AttemptOutcome::Delivered } else { AttemptOutcome::Failed };
    Delivery {
        destination,
        status,
        attempts: vec![DeliveryAttempt {
            at: t(at),
            outcome,
            error: error.map(String::from),
            bytes_sent: 0,
            answer: None,
            duration_ms: None,
        }],
        ..Delivery::pending(format!("dlv_{destination}"), "exp_1", "sch_1", DestinationType::Webhook, t(at))
    }
}

#[test]
fn a_run_without_destinations_is_decided_by_its_export() {
    assert_eq!(verdict(&export(ExportStatus::Running), &[]), None);
    let ok = verdict(&export(ExportStatus::Completed), &[]).unwrap();
    assert_eq!((ok.status, ok.finished_at), (RunStatus::Succeeded, Some(t("2026-01-01T09:01:00Z"))));
    let failed = verdict(&export(ExportStatus::Failed), &[]).unwrap();
    assert_eq!((failed.status, failed.error.as_deref()), (RunStatus::Failed, Some("boom")));
    let cancelled = verdict(&export(ExportStatus::Cancelled), &[]).unwrap();
    assert_eq!(cancelled.status, RunStatus::Failed);
}

#[test]
fn a_run_waits_for_every_delivery_and_fails_at_the_first_final_failure() {
    let e = export(ExportStatus::Completed);
    let delivered = delivery(0, DeliveryStatus::Delivered, "2026-01-01T09:02:00Z", None);
    let pending = delivery(1, DeliveryStatus::Pending, "2026-01-01T09:03:00Z", Some("HTTP 500"));
    assert_eq!(verdict(&e, &[delivered.clone(), pending]), None, "still retrying");
    let later = delivery(1, DeliveryStatus::Delivered, "2026-01-01T09:05:00Z", None);
    let ok = verdict(&e, &[delivered.clone(), later]).unwrap();
    assert_eq!((ok.status, ok.finished_at), (RunStatus::Succeeded, Some(t("2026-01-01T09:05:00Z"))));
    let failed = delivery(1, DeliveryStatus::Failed, "2026-01-01T09:04:00Z", Some("connection refused"));
    let pending = delivery(2, DeliveryStatus::Pending, "2026-01-01T09:03:00Z", None);
    let v = verdict(&e, &[delivered, failed, pending]).unwrap();
    assert_eq!(v.status, RunStatus::Failed);
    assert_eq!(v.error.as_deref(), Some("destination 1 (webhook): connection refused"));
    assert_eq!(v.finished_at, Some(t("2026-01-01T09:04:00Z")));
}

#[test]
fn a_run_whose_deliveries_are_delivered_or_skipped_succeeds() {
    let e = export(ExportStatus::Completed);
    let delivered = delivery(0, DeliveryStatus::Delivered, "2026-01-01T09:02:00Z", None);
    let skipped = Delivery {
        status: DeliveryStatus::Skipped,
        skip_reason: Some(crate::model::deliver_when::SkipReason::Unchanged),
        attempts: Vec::new(),
        ..delivery(1, DeliveryStatus::Skipped, "2026-01-01T09:00:00Z", None)
    };
    let ok = verdict(&e, &[delivered, skipped.clone()]).unwrap();
    assert_eq!((ok.status, ok.finished_at), (RunStatus::Succeeded, Some(t("2026-01-01T09:02:00Z"))));
    let all_skipped = verdict(&e, &[skipped]).unwrap();
    assert_eq!(all_skipped.status, RunStatus::Succeeded);
    assert_eq!(all_skipped.finished_at, e.completed_at, "a run with nothing sent ends with its export");
}

#[test]
fn failed_run_mails_go_at_most_once_an_hour_and_the_next_sums_the_rest() {
    let mut notes = crate::model::schedule::FailureNotes::default();
    assert_eq!(note_failure(&mut notes, t("2026-01-01T09:00:00Z")), Some(0), "the first failure is mailed");
    assert_eq!(note_failure(&mut notes, t("2026-01-01T09:10:00Z")), None);
    assert_eq!(note_failure(&mut notes, t("2026-01-01T09:59:59Z")), None);
    assert_eq!(notes.unmailed, 2);
    assert_eq!(
        note_failure(&mut notes, t("2026-01-01T10:00:00Z")),
        Some(2),
        "an hour later: this one and the two before"
    );
    assert_eq!((notes.unmailed, notes.mailed_at), (0, Some(t("2026-01-01T10:00:00Z"))));
}
