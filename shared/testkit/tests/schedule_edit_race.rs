//! A user's save that lands while a run writes into the same schedule: the
//! run's write happens between the save's read and its write (made to happen
//! by a store that lets "the run" in first), and the save is built again on
//! the newer copy instead of answering 409, keeping what the run wrote.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use async_trait::async_trait;
use ferry_core::model::page::{Page, PageRequest};
use ferry_core::model::schedule::Schedule;
use ferry_core::ports::schedule_store::ScheduleStore;
use ferry_core::usecases::auth::authenticate;
use ferry_core::usecases::bootstrap::bootstrap;
use ferry_core::usecases::schedules::{create_schedule, update_schedule, ScheduleInput};
use ferry_core::PortError;
use ferry_testkit::test_ports;
use jiff::Timestamp;
use serde_json::json;

const ADMIN_KEY: &str = "schedule-race-admin-key-0123456789";

/// Before the first update it is asked for, writes as a finishing run does
/// (one more failure counted), so the caller's copy is one version behind.
struct RunWritesFirst {
    inner: Arc<dyn ScheduleStore>,
    ran: AtomicBool,
}

#[async_trait]
impl ScheduleStore for RunWritesFirst {
    async fn insert_schedule(&self, s: &Schedule) -> Result<(), PortError> {
        self.inner.insert_schedule(s).await
    }
    async fn get_schedule(&self, id: &str) -> Result<Option<Schedule>, PortError> {
        self.inner.get_schedule(id).await
    }
    async fn update_schedule(&self, s: &mut Schedule) -> Result<bool, PortError> {
        if !self.ran.swap(true, Ordering::SeqCst) {
            let mut run = self.inner.get_schedule(&s.id).await?.expect("the schedule");
            run.consecutive_failures += 1;
            assert!(self.inner.update_schedule(&mut run).await?, "the run's write lands");
        }
        self.inner.update_schedule(s).await
    }
    async fn delete_schedule(&self, id: &str) -> Result<bool, PortError> {
        self.inner.delete_schedule(id).await
    }
    async fn list_schedules(&self, owner: Option<&str>, page: &PageRequest) -> Result<Page<Schedule>, PortError> {
        self.inner.list_schedules(owner, page).await
    }
    async fn schedules_using_report(&self, report_id: &str) -> Result<Vec<String>, PortError> {
        self.inner.schedules_using_report(report_id).await
    }
    async fn due_schedules(&self, now: Timestamp, limit: u32) -> Result<Vec<Schedule>, PortError> {
        self.inner.due_schedules(now, limit).await
    }
}

fn input(report_id: &str, time: &str) -> ScheduleInput {
    serde_json::from_value(json!({
        "reportId": report_id,
        "destinations": [{"type": "link"}],
        "recurrence": {"frequency": "daily", "time": time, "timezone": "Europe/Paris"},
    }))
    .expect("a schedule input")
}

#[tokio::test]
async fn a_save_racing_a_finishing_run_is_built_again_and_keeps_what_the_run_wrote() {
    let kit = test_ports();
    let boot = bootstrap(&kit.ports, Some(ADMIN_KEY.into())).await.expect("bootstrap").expect("a new install");
    let admin = authenticate(&kit.ports, ADMIN_KEY).await.expect("the admin key signs in");
    let created = create_schedule(&kit.ports, &admin, input(&boot.demo_report.id, "09:00")).await.expect("create");

    let mut ports = kit.ports.clone();
    ports.schedules = Arc::new(RunWritesFirst { inner: kit.ports.schedules.clone(), ran: AtomicBool::new(false) });
    let saved = update_schedule(&ports, &admin, &created.id, input(&boot.demo_report.id, "10:30"))
        .await
        .expect("the save is not refused as busy");

    assert_eq!(saved.recurrence.time, "10:30", "the user's edit");
    let stored = kit.ports.schedules.get_schedule(&created.id).await.unwrap().unwrap();
    assert_eq!(stored.recurrence.time, "10:30", "stored");
    assert_eq!(stored.consecutive_failures, 1, "the run's write is kept, not overwritten");
}
