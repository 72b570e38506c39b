//! Conformance suite of the `ScheduleStore` port: round trips, versioned
//! updates, delete, lists by owner in id order, the schedules of a report,
//! what is due (soonest first, paused ones never), and the update race.

use std::collections::HashSet;
use std::sync::Arc;

use jiff::{SignedDuration, Timestamp};

use super::race::{race, RACERS};
use crate::model::deliver_when::{DeliverWhen, DeliveredContent};
use crate::model::destination::{Destination, EmailDestination, LinkDestination, SftpDestination, WebhookDestination};
use crate::model::ids::{random_80, ulid_id, IdKind};
use crate::model::page::PageRequest;
use crate::model::schedule::{DateRange, LastRun, PausedReason, RunAs, RunStatus, Schedule};
use crate::model::schedule_destination::ScheduleDestination;
use crate::ports::schedule_store::ScheduleStore;
use crate::recurrence::{Frequency, RecurrenceInput};
use crate::PortError;

const BASE: u64 = 1_700_000_000_000;
/// `next_run_at` of schedules that must not show up as due: year 2096.
const FAR: u64 = 4_000_000_000_000;

fn at(ms: u64) -> Timestamp {
    Timestamp::from_millisecond(ms as i64).expect("valid instant")
}

fn recurrence() -> RecurrenceInput {
    RecurrenceInput {
        frequency: Frequency::Weekly,
        interval: Some(2),
        weekdays: Some(vec!["MON".into(), "WED".into()]),
        month_day: None,
        month: None,
        time: "09:30".into(),
        timezone: "Europe/Berlin".into(),
        start: Some("2023-11-13".into()),
        end: Some("2027-12-31".into()),
    }
}

/// A destination with its id.
fn placed(ms: u64, n: u128, destination: Destination) -> ScheduleDestination {
    ScheduleDestination { id: ulid_id(IdKind::Destination, ms, n), destination }
}

fn schedule(ms: u64, owner: &str, report_id: &str) -> Schedule {
    Schedule {
        id: ulid_id(IdKind::Schedule, ms, random_80()),
        report_id: report_id.to_string(),
        owner: owner.to_string(),
        recurrence: recurrence(),
        destinations: vec![placed(
            ms,
            0,
            Destination::Email(EmailDestination {
                to: vec!["a@x.org".into()],
                to_users: vec!["5b10a2844c20165700ede21g".into()],
                cc: vec![],
                subject: None,
                body: None,
                compress: false,
                summary_rows: Some(5),
            }),
        )],
        run_as: RunAs::Owner,
        incremental: false,
        range: None,
        deliver_when: DeliverWhen::Always,
        delivered: Vec::new(),
        paused: false,
        paused_reason: None,
        consecutive_failures: 0,
        next_run_at: Some(at(FAR)),
        handled_through: at(ms),
        last_run: None,
        last_success_started_at: None,
        notify_on_failure: true,
        failures: Default::default(),
        created_at: at(ms),
        updated_at: at(ms),
        version: 0,
    }
}

/// A schedule with every optional part filled, to check nothing is lost.
fn full_schedule(ms: u64) -> Schedule {
    Schedule {
        destinations: [
            Destination::Link(LinkDestination { retention_days: Some(7), notify: vec!["ö@x.org".into()] }),
            Destination::Webhook(WebhookDestination {
                url: "https://x.org/h?q=\"a\",b".into(),
                headers: [("X-A".to_string(), "1".to_string())].into_iter().collect(),
                secret: Some("s3cr\u{e9}t".into()),
            }),
            Destination::Sftp(SftpDestination {
                host: "sftp.x.org".into(),
                port: 2222,
                username: "u".into(),
                password: None,
                private_key: Some(
                    "-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbg==\n-----END OPENSSH PRIVATE KEY-----\n".into(),
                ),
                host_key_fingerprint: "SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU".into(),
                directory: "/in box".into(),
                file_name: Some("{{reportSlug}}.{{ext}}".into()),
            }),
        ]
        .into_iter()
        .enumerate()
        .map(|(i, d)| placed(ms, i as u128, d))
        .collect(),
        run_as: RunAs::App,
        range: Some(DateRange::PreviousWeek),
        deliver_when: DeliverWhen::Changed,
        delivered: vec![DeliveredContent {
            destination_id: ulid_id(IdKind::Destination, ms, 1),
            legacy_index: None,
            fingerprint: "f".repeat(64),
            content_sha256: "c".repeat(64),
        }],
        paused: true,
        paused_reason: Some(PausedReason::Failures),
        consecutive_failures: 5,
        next_run_at: None,
        last_run: Some(LastRun { export_id: Some("exp_last".into()), status: RunStatus::Failed, at: at(ms + 1) }),
        last_success_started_at: Some(at(ms - 86_400_000)),
        notify_on_failure: true,
        failures: Default::default(),
        updated_at: at(ms + 2),
        version: 3,
        ..schedule(ms, "olga", "rep_full")
    }
}

/// Checks every `ScheduleStore` promise. Needs an empty store and a
/// multi-threaded tokio runtime (the race runs on several threads).
pub async fn schedule_store_conformance(store: Arc<dyn ScheduleStore>) {
    round_trip_and_delete(store.as_ref()).await;
    versioned_updates(store.as_ref()).await;
    lists(store.as_ref()).await;
    due(store.as_ref()).await;
    paging(store.as_ref()).await;
    for round in 0..5 {
        update_race(&store, round).await;
    }
}

async fn round_trip_and_delete(store: &dyn ScheduleStore) {
    let full = full_schedule(BASE);
    store.insert_schedule(&full).await.expect("insert");
    assert_eq!(store.get_schedule(&full.id).await.expect("get"), Some(full.clone()), "stored as given");
    assert_eq!(store.get_schedule("sch_unknown").await.expect("get"), None);
    assert_eq!(store.schedules_using_report("rep_full").await.expect("using"), vec![full.id.clone()]);

    assert!(store.delete_schedule(&full.id).await.expect("delete"));
    assert!(!store.delete_schedule(&full.id).await.expect("delete"), "a second delete finds nothing");
    assert_eq!(store.get_schedule(&full.id).await.expect("get"), None);
    assert_eq!(store.schedules_using_report("rep_full").await.expect("using"), Vec::<String>::new());
    let mut gone = full.clone();
    assert!(!store.update_schedule(&mut gone).await.expect("update"), "a deleted schedule is not recreated");
    assert_eq!(store.get_schedule(&full.id).await.expect("get"), None);
}

async fn versioned_updates(store: &dyn ScheduleStore) {
    let original = schedule(BASE + 10, "olga", "rep_versions");
    store.insert_schedule(&original).await.expect("insert");
    let mut mine = original.clone();
    let mut stale = original.clone();
    mine.consecutive_failures = 1;
    mine.last_run = Some(LastRun { export_id: None, status: RunStatus::Missed, at: at(BASE + 11) });
    assert!(store.update_schedule(&mut mine).await.expect("update"), "the current version writes");
    assert_eq!(mine.version, original.version + 1, "a write bumps the caller's version");
    assert_eq!(store.get_schedule(&original.id).await.expect("get"), Some(mine.clone()));

    stale.paused = true;
    assert!(!store.update_schedule(&mut stale).await.expect("update"), "a stale version is refused");
    assert_eq!(stale.version, original.version, "a refused write leaves the version alone");
    assert_eq!(store.get_schedule(&original.id).await.expect("get"), Some(mine.clone()), "and writes nothing");

    mine.paused = true;
    mine.paused_reason = Some(PausedReason::Manual);
    mine.next_run_at = None;
    assert!(store.update_schedule(&mut mine).await.expect("update"));
    assert_eq!(store.get_schedule(&original.id).await.expect("get"), Some(mine.clone()));
    assert_eq!(mine.version, original.version + 2);

    let mut ghost = schedule(BASE + 12, "olga", "rep_versions");
    assert!(!store.update_schedule(&mut ghost).await.expect("update"), "an unknown schedule is not created");
    assert_eq!(store.get_schedule(&ghost.id).await.expect("get"), None);
}

/// Ids `list_schedules(owner)` returns, page by page.
async fn list_ids(store: &dyn ScheduleStore, owner: Option<&str>, size: u32) -> (Vec<String>, usize) {
    let mut seen = Vec::new();
    let mut cursor = None;
    let mut pages = 0;
    loop {
        let page =
            store.list_schedules(owner, &PageRequest { size, cursor: cursor.take() }).await.expect("list_schedules");
        pages += 1;
        assert!(page.items.len() <= size as usize, "a page holds at most its size");
        seen.extend(page.items.into_iter().map(|s| s.id));
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
        assert!(pages < 100, "list_schedules never ends");
    }
    (seen, pages)
}

async fn lists(store: &dyn ScheduleStore) {
    // Owners and reports no other part of the suite uses.
    let specs = [("lena", "rep_l1"), ("mo", "rep_l1"), ("lena", "rep_l2"), ("mo", "rep_l2"), ("lena", "rep_l1")];
    let mut made = Vec::new();
    for (i, (owner, report)) in specs.into_iter().enumerate() {
        let s = schedule(BASE + 100 + i as u64, owner, report);
        store.insert_schedule(&s).await.expect("insert");
        made.push(s);
    }
    let ids = |keep: &dyn Fn(&Schedule) -> bool| -> Vec<String> {
        made.iter().filter(|s| keep(s)).map(|s| s.id.clone()).collect()
    };
    assert_eq!(list_ids(store, Some("lena"), 2).await.0, ids(&|s| s.owner == "lena"), "lena's, in id order");
    assert_eq!(list_ids(store, Some("mo"), 10).await.0, ids(&|s| s.owner == "mo"));
    assert_eq!(list_ids(store, Some("nobody"), 10).await.0, Vec::<String>::new());
    let first = store.list_schedules(Some("mo"), &PageRequest::first(1)).await.expect("list");
    assert_eq!(first.items, vec![made[1].clone()], "lists return whole schedules");
    assert!(first.next_cursor.is_some());

    let (all, _) = list_ids(store, None, 1000).await;
    assert!(made.iter().all(|s| all.contains(&s.id)), "no owner lists everything");
    let mut sorted = all.clone();
    sorted.sort();
    assert_eq!(all, sorted, "in id order");

    assert_eq!(store.schedules_using_report("rep_l1").await.expect("using"), ids(&|s| s.report_id == "rep_l1"));
    assert_eq!(store.schedules_using_report("rep_none").await.expect("using"), Vec::<String>::new());

    // Owner and report changes show in the lists.
    let mut moved = made[0].clone();
    moved.owner = "mo".into();
    moved.report_id = "rep_l2".into();
    assert!(store.update_schedule(&mut moved).await.expect("update"));
    assert_eq!(list_ids(store, Some("lena"), 10).await.0, vec![made[2].id.clone(), made[4].id.clone()]);
    assert_eq!(
        list_ids(store, Some("mo"), 10).await.0,
        vec![made[0].id.clone(), made[1].id.clone(), made[3].id.clone()]
    );
    assert_eq!(
        store.schedules_using_report("rep_l2").await.expect("using"),
        vec![made[0].id.clone(), made[2].id.clone(), made[3].id.clone()]
    );
    assert!(store.delete_schedule(&made[3].id).await.expect("delete"));
    assert_eq!(list_ids(store, Some("mo"), 10).await.0, vec![made[0].id.clone(), made[1].id.clone()]);
    assert_eq!(
        store.schedules_using_report("rep_l2").await.expect("using"),
        vec![made[0].id.clone(), made[2].id.clone()]
    );
}

async fn due_ids(store: &dyn ScheduleStore, now: Timestamp, limit: u32) -> Vec<String> {
    let due = store.due_schedules(now, limit).await.expect("due_schedules");
    assert!(due.len() <= limit as usize, "at most `limit` schedules");
    due.into_iter().map(|s| s.id).collect()
}

async fn due(store: &dyn ScheduleStore) {
    // Every other schedule of the suite is due in 2096 at the earliest.
    let now = at(BASE + 3_600_000);
    let minutes = |m: i64| now + SignedDuration::from_mins(m);
    let with_next =
        |ms: u64, next: Option<Timestamp>| Schedule { next_run_at: next, ..schedule(ms, "dora", "rep_due") };
    // Inserted out of time order, so id order and due order differ.
    let late = with_next(BASE + 200, Some(minutes(-5)));
    let early = with_next(BASE + 201, Some(minutes(-50)));
    let exact = with_next(BASE + 202, Some(now));
    let future = with_next(BASE + 203, Some(now + SignedDuration::from_nanos(1)));
    let ended = with_next(BASE + 204, None);
    let paused = Schedule {
        paused: true,
        paused_reason: Some(PausedReason::Manual),
        ..with_next(BASE + 205, Some(minutes(-60)))
    };
    let middle = with_next(BASE + 206, Some(minutes(-20)));
    for s in [&late, &early, &exact, &future, &ended, &paused, &middle] {
        store.insert_schedule(s).await.expect("insert");
    }

    assert_eq!(
        due_ids(store, now, 100).await,
        vec![early.id.clone(), middle.id.clone(), late.id.clone(), exact.id.clone()],
        "unpaused, at or before now, soonest first"
    );
    let due = store.due_schedules(now, 1).await.expect("due_schedules");
    assert_eq!(due, vec![early.clone()], "whole schedules, the soonest within the limit");
    assert_eq!(due_ids(store, now, 2).await, vec![early.id.clone(), middle.id.clone()]);
    assert_eq!(due_ids(store, minutes(-51), 100).await, Vec::<String>::new(), "nothing before the earliest");
    assert_eq!(due_ids(store, minutes(-50), 100).await, vec![early.id.clone()], "due at its instant");

    // Updates move schedules in and out of the due set.
    let mut resumed = paused.clone();
    resumed.paused = false;
    resumed.paused_reason = None;
    assert!(store.update_schedule(&mut resumed).await.expect("update"));
    let mut handled = early.clone();
    handled.next_run_at = Some(minutes(60));
    handled.handled_through = minutes(-50);
    assert!(store.update_schedule(&mut handled).await.expect("update"));
    let mut paused_now = late.clone();
    paused_now.paused = true;
    paused_now.paused_reason = Some(PausedReason::Failures);
    assert!(store.update_schedule(&mut paused_now).await.expect("update"));
    assert_eq!(
        due_ids(store, now, 100).await,
        vec![resumed.id.clone(), middle.id.clone(), exact.id.clone()],
        "due follows updates"
    );
    assert_eq!(
        due_ids(store, minutes(60), 100).await,
        vec![resumed.id.clone(), middle.id.clone(), exact.id.clone(), future.id.clone(), handled.id.clone()]
    );
    assert!(store.delete_schedule(&middle.id).await.expect("delete"));
    assert_eq!(due_ids(store, now, 100).await, vec![resumed.id.clone(), exact.id.clone()], "deleted is not due");
    // Leave nothing due for later parts of the suite.
    for s in [resumed, exact, future, handled] {
        assert!(store.delete_schedule(&s.id).await.expect("delete"));
    }
    assert_eq!(due_ids(store, at(FAR - 1), 100).await, Vec::<String>::new());
}

async fn paging(store: &dyn ScheduleStore) {
    // 250 schedules of "pia" interleaved with 50 of "quinn".
    let mut expected = Vec::new();
    for i in 0..300 {
        let owner = if i % 6 == 5 { "quinn" } else { "pia" };
        let s = schedule(BASE + 1000 + i, owner, "rep_paging");
        store.insert_schedule(&s).await.expect("insert");
        if owner == "pia" {
            expected.push(s.id);
        }
    }
    assert_eq!(expected.len(), 250);
    expected.sort();
    let (seen, pages) = list_ids(store, Some("pia"), 100).await;
    assert_eq!(pages, 3, "250 schedules make 3 pages of 100");
    assert_eq!(seen.iter().collect::<HashSet<_>>().len(), seen.len(), "no schedule twice");
    assert_eq!(seen, expected, "every schedule of the owner once, in id order");
    let (seen, pages) = list_ids(store, Some("pia"), 250).await;
    assert_eq!((seen.len(), pages), (250, 1), "no cursor when the page ends at the last item");
    let (seen, pages) = list_ids(store, Some("pia"), 125).await;
    assert_eq!((seen.len(), pages), (250, 2));
    let (seen, _) = list_ids(store, Some("quinn"), 7).await;
    assert_eq!(seen.len(), 50);
    let (all, _) = list_ids(store, None, 100).await;
    assert_eq!(all.iter().collect::<HashSet<_>>().len(), all.len(), "no schedule twice without a filter");
    assert!(all.len() >= 300);
    assert_eq!(store.schedules_using_report("rep_paging").await.expect("using").len(), 300);

    for bad in ["not a cursor", "bm9wZQ"] {
        let got = store.list_schedules(None, &PageRequest { size: 10, cursor: Some(bad.into()) }).await;
        assert!(matches!(got, Err(PortError::BadCursor)), "cursor {bad:?} gave {got:?}");
    }
}

async fn update_race(store: &Arc<dyn ScheduleStore>, round: u64) {
    let original = schedule(BASE + 6000 + round, "uma", "rep_update_race");
    store.insert_schedule(&original).await.expect("insert");
    let results = race(|i| {
        let store = Arc::clone(store);
        let mut mine = original.clone();
        mine.consecutive_failures = i as u32 + 1;
        mine.last_run = Some(LastRun { export_id: Some(format!("exp_{i}")), status: RunStatus::Failed, at: at(BASE) });
        async move {
            let won = store.update_schedule(&mut mine).await.expect("update_schedule");
            (won, mine)
        }
    })
    .await;
    let winners: Vec<&Schedule> = results.iter().filter(|(won, _)| *won).map(|(_, s)| s).collect();
    assert_eq!(winners.len(), 1, "round {round}: {} of {RACERS} updates from one version won", winners.len());
    let stored = store.get_schedule(&original.id).await.expect("get").expect("stored");
    assert_eq!(&stored, winners[0], "the winner's write is the stored one");
    assert_eq!(stored.version, original.version + 1);
}
