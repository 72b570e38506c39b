//! The simulated site's status history: each issue's status changes a pure
//! function of its number. Several statuses, revisits, issues never changed
//! (every 7th), one change in nine made at a DST instant of Europe/Berlin,
//! and every 500th issue with 130 changes (more than one page of its own
//! changelog). Per-issue changelogs also hold non-status changes, as Jira's
//! do. Tests compute the expected durations from these functions.

use jiff::{SignedDuration, Timestamp};
use serde_json::{json, Value as Json};

use super::dataset::{created, h};

/// The site's statuses as `GET /rest/api/3/status` lists them: a
/// team-managed project repeats "To Do", and "Won't Do" is never used.
pub const SITE_STATUSES: [&str; 7] = ["To Do", "In Progress", "In Review", "Blocked", "Done", "To Do", "Won't Do"];
/// The statuses issues walk through.
const WALK: [&str; 5] = ["To Do", "In Progress", "In Review", "Blocked", "Done"];
/// Europe/Berlin's DST changes in 2025 and 2026 (01:00 UTC).
const DST_INSTANTS: [&str; 4] =
    ["2025-03-30T01:00:00Z", "2025-10-26T01:00:00Z", "2026-03-29T01:00:00Z", "2026-10-25T01:00:00Z"];

/// One status change of the simulated site.
#[derive(Debug, Clone, PartialEq)]
pub struct SimChange {
    /// The history's id, unique on the site.
    pub id: u64,
    pub at: Timestamp,
    pub from: &'static str,
    pub to: &'static str,
}

fn change_count(n: u32) -> usize {
    if n.is_multiple_of(500) {
        130
    } else if n.is_multiple_of(7) {
        0
    } else {
        1 + (h(n, 30) % 5) as usize
    }
}

/// The status an issue was created in.
pub fn initial_status(n: u32) -> &'static str {
    WALK[(h(n, 31) % 3) as usize]
}

/// Issue `n`'s status changes, oldest first.
pub fn status_changes(n: u32) -> Vec<SimChange> {
    let mut out = Vec::new();
    let mut status = initial_status(n);
    let mut at = created(n);
    for i in 0..change_count(n) {
        let here = WALK.iter().position(|s| *s == status).unwrap();
        let next = WALK[(here + 1 + (h(n, 40 + i as u64) % (WALK.len() as u64 - 1)) as usize) % WALK.len()];
        // Minutes to days apart, with milliseconds.
        let spread = if n.is_multiple_of(500) { 1440 } else { 6 * 1440 };
        let gap = SignedDuration::from_mins(1 + (h(n, 100 + i as u64) % spread) as i64)
            + SignedDuration::from_millis((h(n, 200 + i as u64) % 1000) as i64);
        at += gap;
        if n % 9 == 4 && i == 0 {
            // A change exactly at a DST instant, when one follows.
            if let Some(dst) = DST_INSTANTS.iter().map(|s| s.parse::<Timestamp>().unwrap()).find(|t| *t > at) {
                at = dst;
            }
        }
        out.push(SimChange { id: n as u64 * 1000 + i as u64, at, from: status, to: next });
        status = next;
    }
    out
}

/// The status now.
pub fn current_status(n: u32) -> &'static str {
    status_changes(n).last().map_or(initial_status(n), |c| c.to)
}

fn jira_text(t: Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%S%.3f+0000").to_string()
}

fn status_item(c: &SimChange) -> Json {
    let id = |s: &str| (WALK.iter().position(|w| *w == s).unwrap() + 1).to_string();
    json!({"field": "status", "fieldtype": "jira", "fieldId": "status", "from": id(c.from), "fromString": c.from,
           "to": id(c.to), "toString": c.to})
}

fn author() -> Json {
    json!({"accountId": "5b10a2844c20165700ede21g", "displayName": "Mia Krystof", "active": true})
}

/// A status history as the bulk endpoint writes it (`created` in epoch milliseconds).
pub fn bulk_history(c: &SimChange) -> Json {
    json!({"id": c.id.to_string(), "author": author(), "created": c.at.as_millisecond(), "items": [status_item(c)]})
}

/// Issue `n`'s whole changelog as `GET /issue/{id}/changelog` pages it:
/// status changes, and a summary edit after each second one.
pub fn issue_histories(n: u32) -> Vec<Json> {
    let mut out = Vec::new();
    for (i, c) in status_changes(n).iter().enumerate() {
        out.push(
            json!({"id": c.id.to_string(), "author": author(), "created": jira_text(c.at), "items": [status_item(c)]}),
        );
        if i % 2 == 1 {
            out.push(json!({"id": (c.id + 500).to_string(), "author": author(),
                "created": jira_text(c.at + SignedDuration::from_secs(1)),
                "items": [{"field": "summary", "fieldtype": "jira", "fieldId": "summary", "fromString": "a", "toString": "b"}]}));
        }
    }
    out
}

/// Issue `n`'s whole changelog as the bulk endpoint writes it (no field
/// filter): the histories of `issue_histories`, `created` in epoch milliseconds.
pub fn bulk_all_histories(n: u32) -> Vec<(Timestamp, Json)> {
    let mut out = Vec::new();
    for (i, c) in status_changes(n).iter().enumerate() {
        out.push((c.at, bulk_history(c)));
        if i % 2 == 1 {
            let at = c.at + SignedDuration::from_secs(1);
            out.push((at, json!({"id": (c.id + 500).to_string(), "author": author(), "created": at.as_millisecond(),
                "items": [{"field": "summary", "fieldtype": "jira", "fieldId": "summary", "fromString": "a", "toString": "b"}]})));
        }
    }
    out
}

/// `GET /rest/api/3/status`.
pub fn statuses_json() -> Json {
    Json::Array(
        SITE_STATUSES
            .iter()
            .enumerate()
            .map(|(i, name)| json!({"id": (10_000 + i).to_string(), "name": name, "statusCategory": {"key": "new"}}))
            .collect(),
    )
}
