//! EventBridge Scheduler timers against moto, driven through the core's
//! schedule use cases over the local runtime's ports with `timers` swapped for
//! `EventBridgeTimers`: saving, pausing, resuming, updating and deleting a
//! Ferry schedule arm exactly the EventBridge schedules expected, and a
//! schedule whose occurrences hit DST transitions keeps its `at()` fix-up armed.
//!
//! The clock stands in 2030 so StartDate is in the future for moto (which, like
//! AWS, refuses a StartDate more than 5 minutes in the past) and the DST dates
//! are fixed: Europe/Berlin jumps 02:00→03:00 on 2030-03-31 and falls back
//! 03:00→02:00 on 2030-10-27.

use std::sync::Arc;

use aws_sdk_scheduler::config::retry::RetryConfig;
use aws_sdk_scheduler::operation::get_schedule::GetScheduleOutput;
use aws_sdk_scheduler::primitives::DateTime;
use aws_sdk_scheduler::types::{ActionAfterCompletion, FlexibleTimeWindowMode, ScheduleState};
use ferry_aws::emulator::{unique_name, Emulator};
use ferry_aws::scheduler::event_bridge_timers::fixup_timer_name;
use ferry_aws::scheduler::timer_event::SCHEDULED_TIME_ATTRIBUTE;
use ferry_aws::{EventBridgeTimers, TimerEvent, TimerTargets};
use ferry_core::conformance::schedule_timers::{schedule_timers_conformance, TimerPeer};
use ferry_core::model::api_key::Principal;
use ferry_core::ports::clock::{Clock, ManualClock};
use ferry_core::ports::Ports;
use ferry_core::usecases::auth::authenticate;
use ferry_core::usecases::bootstrap::bootstrap;
use ferry_core::usecases::schedules::{
    create_schedule, delete_schedule, modify_schedule, pause_schedule, resume_schedule, update_schedule, ScheduleInput,
    ScheduleView,
};
use ferry_core::usecases::trigger::{fire_occurrence, FireOutcome};
use ferry_core::CoreError;
use ferry_testkit::{test_ports_at, TestPorts};
use jiff::Timestamp;
use serde_json::{json, Value};

const ADMIN_KEY: &str = "timers-test-admin-key-0123456789";
const TRIGGER_ARN: &str = "arn:aws:lambda:us-east-1:123456789012:function:ferry-trigger";
const ROLE_ARN: &str = "arn:aws:iam::123456789012:role/ferry-scheduler";
const DLQ_ARN: &str = "arn:aws:sqs:us-east-1:123456789012:ferry-scheduler-dlq";

fn at(s: &str) -> Timestamp {
    s.parse().unwrap()
}

struct Harness {
    ports: Ports,
    admin: Principal,
    report_id: String,
    clock: Arc<ManualClock>,
    scheduler: aws_sdk_scheduler::Client,
    group: String,
    _dir: tempfile::TempDir,
}

impl Harness {
    /// Local ports on a temp dir, timers on a fresh schedule group in moto, the clock at `now`.
    async fn start(now: &str) -> Harness {
        let clients = Emulator::get().clients().await;
        let group = unique_name("ferry-timers");
        clients.scheduler.create_schedule_group().name(&group).send().await.expect("create_schedule_group");
        Harness::with_group(now, clients.scheduler, group).await
    }

    async fn with_group(now: &str, scheduler: aws_sdk_scheduler::Client, group: String) -> Harness {
        let TestPorts { mut ports, clock, dir, .. } = test_ports_at(at(now));
        let targets = TimerTargets {
            group: group.clone(),
            trigger_function_arn: TRIGGER_ARN.into(),
            role_arn: ROLE_ARN.into(),
            dead_letter_arn: DLQ_ARN.into(),
        };
        ports.timers = Arc::new(EventBridgeTimers::new(scheduler.clone(), targets));
        let boot = bootstrap(&ports, Some(ADMIN_KEY.into())).await.unwrap().expect("a new install");
        let admin = authenticate(&ports, ADMIN_KEY).await.unwrap();
        Harness { ports, admin, report_id: boot.demo_report.id, clock, scheduler, group, _dir: dir }
    }

    fn input(&self, recurrence: Value) -> ScheduleInput {
        serde_json::from_value(json!({ "reportId": self.report_id, "recurrence": recurrence })).unwrap()
    }

    async fn create(&self, recurrence: Value) -> ScheduleView {
        create_schedule(&self.ports, &self.admin, self.input(recurrence)).await.unwrap()
    }

    async fn timer(&self, name: &str) -> GetScheduleOutput {
        self.scheduler
            .get_schedule()
            .group_name(&self.group)
            .name(name)
            .send()
            .await
            .unwrap_or_else(|e| panic!("get_schedule {name}: {}", aws_sdk_scheduler::error::DisplayErrorContext(e)))
    }

    async fn timer_exists(&self, name: &str) -> bool {
        match self.scheduler.get_schedule().group_name(&self.group).name(name).send().await {
            Ok(_) => true,
            Err(e) if e.as_service_error().is_some_and(|se| se.is_resource_not_found_exception()) => false,
            Err(e) => panic!("get_schedule {name}: {}", aws_sdk_scheduler::error::DisplayErrorContext(e)),
        }
    }

    /// Names of every timer in the group, sorted.
    async fn timer_names(&self) -> Vec<String> {
        let page = self.scheduler.list_schedules().group_name(&self.group).send().await.unwrap();
        let mut names: Vec<String> = page.schedules().iter().filter_map(|s| s.name()).map(String::from).collect();
        names.sort();
        names
    }
}

/// The event the trigger would receive: the timer's Input with Scheduler's substitution.
fn delivered_event(timer: &GetScheduleOutput, scheduled_time: &str) -> TimerEvent {
    let input = timer.target().unwrap().input().expect("an Input");
    assert!(input.contains(SCHEDULED_TIME_ATTRIBUTE), "{input}");
    serde_json::from_str(&input.replace(SCHEDULED_TIME_ATTRIBUTE, scheduled_time)).unwrap()
}

fn assert_targets_the_trigger(timer: &GetScheduleOutput, schedule_id: &str) {
    let target = timer.target().unwrap();
    assert_eq!(target.arn(), TRIGGER_ARN);
    assert_eq!(target.role_arn(), ROLE_ARN);
    let retry = target.retry_policy().unwrap();
    assert_eq!(retry.maximum_event_age_in_seconds(), Some(86_400));
    assert_eq!(retry.maximum_retry_attempts(), Some(185));
    assert_eq!(target.dead_letter_config().unwrap().arn(), Some(DLQ_ARN));
    assert_eq!(timer.flexible_time_window().unwrap().mode(), &FlexibleTimeWindowMode::Off);
    let event = delivered_event(timer, "2030-03-21T13:00:00Z");
    assert_eq!(event, TimerEvent { schedule_id: schedule_id.into(), scheduled_time: at("2030-03-21T13:00:00Z") });
}

#[tokio::test]
async fn saving_a_schedule_creates_its_eventbridge_schedule_in_its_zone() {
    let h = Harness::start("2030-03-20T12:00:00Z").await;
    let recurrence =
        json!({"frequency": "daily", "time": "09:00", "timezone": "America/New_York", "start": "2030-04-01"});
    let s = h.create(recurrence).await;

    let timer = h.timer(&s.id).await;
    assert_eq!(timer.schedule_expression(), Some("cron(0 9 * * ? *)"));
    assert_eq!(timer.schedule_expression_timezone(), Some("America/New_York"));
    assert_eq!(timer.state(), Some(&ScheduleState::Enabled));
    // StartDate: midnight of `start` in the zone, EDT (UTC-4).
    assert_eq!(timer.start_date(), Some(&DateTime::from_secs(at("2030-04-01T04:00:00Z").as_second())));
    assert_eq!(timer.end_date(), None);
    assert_targets_the_trigger(&timer, &s.id);
    assert_eq!(h.timer_names().await, vec![s.id.clone()], "09:00 never falls in a DST gap or overlap: no fix-up");
}

#[tokio::test]
async fn a_start_that_has_passed_is_not_sent_as_start_date() {
    let h = Harness::start("2030-03-20T12:00:00Z").await;
    // `start` defaults to today in the zone, whose midnight has passed: Scheduler
    // refuses a StartDate more than 5 minutes ago, and it would constrain nothing.
    let s = h.create(json!({"frequency": "daily", "time": "09:00", "timezone": "America/New_York"})).await;
    assert_eq!(h.timer(&s.id).await.start_date(), None);
}

#[tokio::test]
async fn pausing_disables_the_eventbridge_schedule_and_resuming_enables_it() {
    let h = Harness::start("2030-03-20T12:00:00Z").await;
    let s = h
        .create(json!({"frequency": "weekly", "weekdays": ["MON", "FRI"], "time": "18:45", "timezone": "Asia/Tokyo"}))
        .await;

    pause_schedule(&h.ports, &h.admin, &s.id).await.unwrap();
    let paused = h.timer(&s.id).await;
    assert_eq!(paused.state(), Some(&ScheduleState::Disabled));
    assert_eq!(paused.schedule_expression(), Some("cron(45 18 ? * MON,FRI *)"), "a pause keeps the recurrence");
    assert_eq!(paused.schedule_expression_timezone(), Some("Asia/Tokyo"));
    assert_targets_the_trigger(&paused, &s.id);

    resume_schedule(&h.ports, &h.admin, &s.id).await.unwrap();
    assert_eq!(h.timer(&s.id).await.state(), Some(&ScheduleState::Enabled));

    // An automatic pause (failures, owner removed) goes through `modify_schedule`: it disarms too.
    modify_schedule(&h.ports, &s.id, |s| s.paused = true).await.unwrap();
    assert_eq!(h.timer(&s.id).await.state(), Some(&ScheduleState::Disabled));
}

#[tokio::test]
async fn updating_the_recurrence_replaces_the_expression_zone_and_dates() {
    let h = Harness::start("2030-03-20T12:00:00Z").await;
    let s = h.create(json!({"frequency": "daily", "time": "09:00", "timezone": "UTC"})).await;

    let recurrence = json!({"frequency": "monthly", "monthDay": -1, "time": "07:15", "timezone": "Europe/London",
        "start": "2030-05-01", "end": "2030-12-31"});
    update_schedule(&h.ports, &h.admin, &s.id, h.input(recurrence)).await.unwrap();

    let timer = h.timer(&s.id).await;
    assert_eq!(timer.schedule_expression(), Some("cron(15 7 L * ? *)"));
    assert_eq!(timer.schedule_expression_timezone(), Some("Europe/London"));
    // Midnight of 2030-05-01 in London (BST), and of the day after `end` (GMT).
    assert_eq!(timer.start_date(), Some(&DateTime::from_secs(at("2030-04-30T23:00:00Z").as_second())));
    assert_eq!(timer.end_date(), Some(&DateTime::from_secs(at("2031-01-01T00:00:00Z").as_second())));
    assert_eq!(timer.state(), Some(&ScheduleState::Enabled));
    assert_targets_the_trigger(&timer, &s.id);
    assert_eq!(h.timer_names().await, vec![s.id.clone()]);
}

#[tokio::test]
async fn deleting_a_schedule_removes_its_eventbridge_schedules() {
    let h = Harness::start("2030-03-20T12:00:00Z").await;
    let s = h.create(json!({"frequency": "daily", "time": "02:30", "timezone": "Europe/Berlin"})).await;
    assert_eq!(h.timer_names().await.len(), 2, "the cron timer and its fix-up");

    delete_schedule(&h.ports, &h.admin, &s.id).await.unwrap();
    assert!(!h.timer_exists(&s.id).await, "get answers ResourceNotFound");
    assert_eq!(h.timer_names().await, Vec::<String>::new());
    // Deleting timers that are already gone is fine (a retried delete).
    h.ports.timers.schedule_deleted(&s.id).await.unwrap();
}

#[tokio::test]
async fn an_occurrence_in_a_dst_gap_gets_an_at_fixup_that_is_rearmed_after_it_fires() {
    let h = Harness::start("2030-03-20T12:00:00Z").await;
    let s = h.create(json!({"frequency": "daily", "time": "02:30", "timezone": "Europe/Berlin"})).await;

    // 02:30 does not exist on 2030-03-31: it runs at 03:30 CEST = 01:30 UTC.
    let gap = fixup_timer_name(&s.id, at("2030-03-31T01:30:00Z"));
    assert_eq!(h.timer_names().await, vec![s.id.clone(), gap.clone()]);
    let fixup = h.timer(&gap).await;
    assert_eq!(fixup.schedule_expression(), Some("at(2030-03-31T01:30:00)"));
    assert_eq!(fixup.schedule_expression_timezone(), Some("UTC"));
    assert_eq!(fixup.state(), Some(&ScheduleState::Enabled));
    assert_eq!(fixup.action_after_completion(), Some(&ActionAfterCompletion::Delete));
    assert_targets_the_trigger(&fixup, &s.id);
    assert_eq!(h.timer(&s.id).await.schedule_expression(), Some("cron(30 2 * * ? *)"));

    // The fix-up fires: the occurrence of 03-31 runs, and the next fix-up is armed:
    // 02:30 happens twice on 2030-10-27, the first time at 00:30 UTC (CEST).
    h.clock.set(at("2030-03-31T01:30:02Z"));
    let event = delivered_event(&fixup, "2030-03-31T01:30:00Z");
    let outcome = fire_occurrence(&h.ports, &event.schedule_id, event.scheduled_time).await.unwrap();
    assert!(matches!(outcome, FireOutcome::Started { .. }), "{outcome:?}");
    let overlap = fixup_timer_name(&s.id, at("2030-10-27T00:30:00Z"));
    assert_eq!(h.timer(&overlap).await.schedule_expression(), Some("at(2030-10-27T00:30:00)"));

    // A pause removes the fix-ups (a paused schedule has nothing to fire); a resume arms the next one.
    pause_schedule(&h.ports, &h.admin, &s.id).await.unwrap();
    assert_eq!(h.timer_names().await, vec![s.id.clone()]);
    resume_schedule(&h.ports, &h.admin, &s.id).await.unwrap();
    assert_eq!(h.timer_names().await, vec![s.id.clone(), overlap]);
}

#[tokio::test]
async fn a_schedule_whose_timer_cannot_be_armed_is_not_created() {
    // Scheduler cannot be reached (nothing listens on port 1), and the SDK does not retry.
    let config = Emulator::get().sdk_config().await;
    let unreachable = aws_sdk_scheduler::config::Builder::from(&config)
        .endpoint_url("http://127.0.0.1:1")
        .retry_config(RetryConfig::disabled())
        .build();
    let client = aws_sdk_scheduler::Client::from_conf(unreachable);
    let h = Harness::with_group("2030-03-20T12:00:00Z", client, unique_name("ferry-timers")).await;
    let input = h.input(json!({"frequency": "daily", "time": "09:00", "timezone": "UTC"}));
    let err = create_schedule(&h.ports, &h.admin, input).await.unwrap_err();
    assert!(matches!(err, CoreError::Port(_)), "{err:?}");
    let page = h.ports.schedules.list_schedules(None, &ferry_core::model::page::PageRequest::first(10)).await.unwrap();
    assert!(page.items.is_empty(), "the stored schedule was rolled back: a retried POST makes one schedule");
}

#[tokio::test]
async fn a_timer_firing_for_a_deleted_schedule_removes_the_orphan_timer() {
    let h = Harness::start("2030-03-20T12:00:00Z").await;
    let s = h.create(json!({"frequency": "daily", "time": "09:00", "timezone": "UTC"})).await;
    // The schedule disappears from the store without its timer (a delete that failed halfway).
    h.ports.schedules.delete_schedule(&s.id).await.unwrap();
    assert!(h.timer_exists(&s.id).await);

    let outcome = fire_occurrence(&h.ports, &s.id, at("2030-03-21T09:00:00Z")).await.unwrap();
    assert_eq!(outcome, FireOutcome::Skipped("the schedule was deleted"));
    assert!(!h.timer_exists(&s.id).await);
}

/// Scheduler's own answer for a schedule's recurring timer.
struct SchedulerGroup {
    scheduler: aws_sdk_scheduler::Client,
    group: String,
}

#[async_trait::async_trait]
impl TimerPeer for SchedulerGroup {
    async fn enabled(&self, id: &str) -> Option<bool> {
        match self.scheduler.get_schedule().group_name(&self.group).name(id).send().await {
            Ok(timer) => Some(timer.state() == Some(&ScheduleState::Enabled)),
            Err(e) if e.as_service_error().is_some_and(|se| se.is_resource_not_found_exception()) => None,
            Err(e) => panic!("get_schedule {id}: {}", aws_sdk_scheduler::error::DisplayErrorContext(e)),
        }
    }
}

#[tokio::test]
async fn eventbridge_timers_keep_the_timers_contract() {
    let h = Harness::start("2030-03-20T12:00:00Z").await;
    let s = h.create(json!({"frequency": "daily", "time": "09:00", "timezone": "Europe/Berlin"})).await;
    let stored = h.ports.schedules.get_schedule(&s.id).await.unwrap().unwrap();
    // The contract starts from a schedule nothing fires yet.
    h.ports.timers.schedule_deleted(&s.id).await.unwrap();
    let peer = SchedulerGroup { scheduler: h.scheduler.clone(), group: h.group.clone() };
    schedule_timers_conformance(h.ports.timers.as_ref(), Some(&peer), &stored, h.clock.now()).await;
}
