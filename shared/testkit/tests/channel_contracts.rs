//! The test kit's stand-ins keep the contracts of the ports they stand for:
//! the recording mailer refuses what the real mailers refuse and records the
//! bytes they would send; the local runtime's polled timers answer every
//! call in every order (its scheduler polls the store, so there is nothing
//! to observe besides).

use std::sync::Arc;

use async_trait::async_trait;
use ferry_channels::build_mime;
use ferry_core::conformance::mailer::{mailer_conformance, MailPeer};
use ferry_core::conformance::schedule_timers::schedule_timers_conformance;
use ferry_core::ports::clock::Clock;
use ferry_core::ports::schedule_timers::PolledTimers;
use ferry_core::usecases::auth::authenticate;
use ferry_core::usecases::bootstrap::bootstrap;
use ferry_core::usecases::schedules::{create_schedule, ScheduleInput};
use ferry_testkit::{test_ports, RecordingMailer};
use serde_json::json;

struct Recorded(Arc<RecordingMailer>);

#[async_trait]
impl MailPeer for Recorded {
    async fn received(&self) -> Vec<Vec<u8>> {
        self.0.sent_mime()
    }
}

#[tokio::test]
async fn the_recording_mailer_keeps_the_mailer_contract() {
    let mailer = Arc::new(RecordingMailer::default());
    mailer_conformance(mailer.as_ref(), &Recorded(mailer.clone()), |m| build_mime(m).ok(), "ferry@localhost", "kit")
        .await;
}

#[tokio::test]
async fn polled_timers_keep_the_timers_contract() {
    let kit = test_ports();
    let boot = bootstrap(&kit.ports, Some("contract-test-admin-key-0123456789".into())).await.unwrap().unwrap();
    let admin = authenticate(&kit.ports, "contract-test-admin-key-0123456789").await.unwrap();
    let input: ScheduleInput = serde_json::from_value(json!({"reportId": boot.demo_report.id,
        "recurrence": {"frequency": "daily", "time": "09:00", "timezone": "UTC"}}))
    .unwrap();
    let view = create_schedule(&kit.ports, &admin, input).await.unwrap();
    let stored = kit.ports.schedules.get_schedule(&view.id).await.unwrap().unwrap();
    schedule_timers_conformance(&PolledTimers, None, &stored, kit.clock.now()).await;
}
