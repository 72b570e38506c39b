//! The simulated Jira site's data: `SIM-1` … `SIM-n`, each issue and each of
//! its worklogs a pure function of its number, in the shapes Jira Cloud
//! answers with (users, options, sprints, versions, components, ADF, dates
//! with `-0700` offsets, SLA error objects, nulls and empty arrays). The same
//! functions give the values a correct export must contain, so tests compare
//! Ferry's files with the site, row by row.

use jiff::civil::Date;
use jiff::tz::{Offset, TimeZone};
use jiff::{SignedDuration, Timestamp};
use serde_json::{json, Value as Json};

use super::changelog::current_status;
use super::site::{extra_field_defs, extra_fields};

/// The site user's zone: JQL dates are read in it.
pub const USER_TIME_ZONE: &str = "America/Los_Angeles";
/// Worklogs Jira puts inline in a search answer.
pub const INLINE_WORKLOGS: usize = 20;

/// A cell as a correct export holds it.
#[derive(Debug, Clone, PartialEq)]
pub enum Expected {
    Null,
    Text(String),
    Number(f64),
    Time(Timestamp),
    Date(Date),
    List(Vec<String>),
}

fn mix(mut x: u64) -> u64 {
    // splitmix64: cheap, deterministic and well spread.
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

pub fn h(n: u32, salt: u64) -> u64 {
    mix((n as u64) << 8 ^ salt)
}

pub const PEOPLE: [(&str, &str); 5] = [
    ("5b10a2844c20165700ede21g", "Mia Krystof"),
    ("5fc9e78d2730d800760becc4", "Zoë Ångström"),
    ("61a8c0f9e4b0d3006a1b2c3d", "O'Brien, Pat"),
    ("6200aa11bb22cc33dd44ee55", "李雷"),
    ("6300ff00ee11dd22cc33bb44", "Sam \"the Sim\" Doe"),
];
const PRIORITIES: [&str; 5] = ["Highest", "High", "Medium", "Low", "Lowest"];
const LABELS: [&str; 6] = ["backend", "ui", "needs-triage", "customer", "q1", "tech-debt"];
const TEAMS: [&str; 3] = ["Platform", "Payments", "Growth, EMEA"];
const PLATFORMS: [&str; 3] = ["iOS", "Android", "Web"];
const OFFSETS: [i8; 3] = [-7, 2, 0];

pub(super) fn person(i: u64) -> Json {
    let (id, name) = PEOPLE[(i % PEOPLE.len() as u64) as usize];
    json!({"self": format!("https://sim.atlassian.net/rest/api/3/user?accountId={id}"), "accountId": id,
           "displayName": name, "active": true, "timeZone": USER_TIME_ZONE, "accountType": "atlassian",
           "avatarUrls": {"48x48": "https://avatar.example/48.png"}})
}

pub(super) fn person_name(i: u64) -> String {
    PEOPLE[(i % PEOPLE.len() as u64) as usize].1.to_string()
}

/// Jira's date-time text: milliseconds and an offset without a colon.
pub(super) fn jira_time(t: Timestamp, offset_hours: i8) -> String {
    let zoned = t.to_zoned(TimeZone::fixed(Offset::constant(offset_hours)));
    zoned.strftime("%Y-%m-%dT%H:%M:%S%.3f%z").to_string()
}

fn base() -> Timestamp {
    "2025-01-01T00:00:00Z".parse().unwrap()
}

pub fn created(n: u32) -> Timestamp {
    base() + SignedDuration::from_mins(37 * n as i64) + SignedDuration::from_millis((h(n, 1) % 1000) as i64)
}

pub fn updated(n: u32) -> Timestamp {
    created(n) + SignedDuration::from_secs((h(n, 2) % (120 * 86_400)) as i64)
}

pub fn summary(n: u32) -> String {
    match h(n, 3) % 5 {
        0 => format!("Checkout fails, \"card declined\" #{n}"),
        1 => format!("Ünïcödé summary № {n} — ready"),
        2 => format!("Line one of {n}\nline two"),
        3 => format!("=SUM(A1:A{n}) looks like a formula"),
        _ => format!("Plain summary {n}"),
    }
}

fn description(n: u32) -> Option<(Json, String)> {
    if h(n, 4).is_multiple_of(4) {
        return None;
    }
    let who = person_name(h(n, 5));
    let doc = json!({"type": "doc", "version": 1, "content": [
        {"type": "paragraph", "content": [
            {"type": "text", "text": format!("Steps for SIM-{n}, see "), "marks": [{"type": "strong"}]},
            {"type": "mention", "attrs": {"id": "x", "text": format!("@{who}")}},
            {"type": "hardBreak"},
            {"type": "text", "text": "then \"retry\""}]},
        {"type": "bulletList", "content": [
            {"type": "listItem", "content": [{"type": "paragraph", "content": [{"type": "text", "text": "first"}]}]},
            {"type": "listItem", "content": [{"type": "paragraph", "content": [{"type": "text", "text": "second"}]}]}]}
    ]});
    Some((doc, format!("Steps for SIM-{n}, see @{who}\nthen \"retry\"\n- first\n- second")))
}

fn labels(n: u32) -> Vec<String> {
    let k = h(n, 6) % 4;
    (0..k).map(|i| LABELS[((h(n, 7) + i * 2) % LABELS.len() as u64) as usize].to_string()).collect()
}

fn story_points(n: u32) -> Option<f64> {
    (!h(n, 8).is_multiple_of(6)).then(|| (h(n, 9) % 16) as f64 / 2.0)
}

fn sprints(n: u32) -> Vec<u64> {
    (0..h(n, 10) % 3).map(|i| 1 + (n as u64 / 200 + i) % 40).collect()
}

fn team(n: u32) -> Option<&'static str> {
    (!h(n, 11).is_multiple_of(4)).then(|| TEAMS[(h(n, 12) % 3) as usize])
}

fn platforms(n: u32) -> Vec<&'static str> {
    PLATFORMS.iter().enumerate().filter(|(i, _)| h(n, 13 + *i as u64).is_multiple_of(2)).map(|(_, p)| *p).collect()
}

fn due(n: u32) -> Option<Date> {
    h(n, 16)
        .is_multiple_of(3)
        .then(|| created(n).to_zoned(TimeZone::UTC).date().checked_add(jiff::Span::new().days(30)).unwrap())
}

/// The issue as `POST /search/jql` returns it with `fields` (None: all).
pub fn issue_json(n: u32, fields: Option<&[String]>) -> Json {
    let offset = OFFSETS[(n % 3) as usize];
    let all = json!({
        "summary": summary(n),
        "status": {"self": "https://sim.atlassian.net/rest/api/3/status/1", "name": current_status(n),
                   "id": "1", "statusCategory": {"id": 2, "key": "new", "name": "To Do"}},
        "priority": {"name": PRIORITIES[(h(n, 18) % 5) as usize], "id": "3", "iconUrl": "https://x/p.svg"},
        "assignee": if h(n, 19).is_multiple_of(5) { Json::Null } else { person(h(n, 20)) },
        "reporter": person(h(n, 21)),
        "labels": labels(n),
        "created": jira_time(created(n), offset),
        "updated": jira_time(updated(n), offset),
        "duedate": due(n).map(|d| d.to_string()),
        "description": description(n).map(|(doc, _)| doc),
        "customfield_10016": story_points(n),
        "customfield_10020": sprints(n).iter().map(|s| json!({"id": s, "name": format!("Sprint {s}"), "state": "closed",
            "boardId": 7, "goal": "", "startDate": "2025-01-06T09:00:00.000Z"})).collect::<Vec<_>>(),
        "customfield_10030": team(n).map(|t| json!({"self": "https://x/option/1", "value": t, "id": "10100"})),
        "customfield_10040": platforms(n).iter().map(|p| json!({"value": p, "id": "10200"})).collect::<Vec<_>>(),
        "customfield_10060": if n.is_multiple_of(10) {
            json!({"errorMessage": "The service project you are trying to view does not exist.", "i18nErrorMessage": {"i18nKey": "sd.missing", "parameters": []}})
        } else { Json::Null },
        "worklog": {"startAt": 0, "maxResults": INLINE_WORKLOGS, "total": worklog_count(n),
                    "worklogs": (0..worklog_count(n).min(INLINE_WORKLOGS)).map(|j| worklog_json(n, j)).collect::<Vec<_>>()},
        "issuerestriction": {"issuerestrictions": {}, "shouldDisplay": false},
    });
    let mut all = all.as_object().unwrap().clone();
    all.extend(extra_fields(n));
    let all = &all;
    let chosen: serde_json::Map<String, Json> = match fields {
        Some(f) if !f.iter().any(|x| x == "*all") => {
            all.iter().filter(|(k, _)| f.contains(k)).map(|(k, v)| (k.clone(), v.clone())).collect()
        }
        _ => all.clone(),
    };
    json!({"expand": "renderedFields,names,schema,operations", "id": (10_000 + n).to_string(),
           "self": format!("https://sim.atlassian.net/rest/api/3/issue/{}", 10_000 + n), "key": format!("SIM-{n}"),
           "fields": chosen})
}

/// The expected cell of a column for issue `n`.
pub fn expected_issue(n: u32, column: &str) -> Expected {
    let text = |s: &str| Expected::Text(s.to_string());
    let list = |v: Vec<String>| Expected::List(v);
    match column {
        "key" => Expected::Text(format!("SIM-{n}")),
        "summary" => Expected::Text(summary(n)),
        "status" => text(current_status(n)),
        "priority" => text(PRIORITIES[(h(n, 18) % 5) as usize]),
        "assignee" => {
            if h(n, 19).is_multiple_of(5) {
                Expected::Null
            } else {
                Expected::Text(person_name(h(n, 20)))
            }
        }
        "labels" => list(labels(n)),
        "created" => Expected::Time(created(n)),
        "updated" => Expected::Time(updated(n)),
        "duedate" => due(n).map_or(Expected::Null, Expected::Date),
        "description" => description(n).map_or(Expected::Null, |(_, t)| Expected::Text(t)),
        "Story Points" => story_points(n).map_or(Expected::Null, Expected::Number),
        "customfield_10020" => list(sprints(n).iter().map(|s| format!("Sprint {s}")).collect()),
        "Team" => team(n).map_or(Expected::Null, text),
        "Platforms" => list(platforms(n).iter().map(|p| p.to_string()).collect()),
        "customfield_10060" => Expected::Null,
        other => panic!("the simulator has no expectation for column {other}"),
    }
}

/// Worklogs of issue `n`: most have 0–3, every 97th has 45 (three inline
/// pages' worth, so Ferry must page `/issue/{id}/worklog`).
pub fn worklog_count(n: u32) -> usize {
    if n.is_multiple_of(97) {
        45
    } else {
        (h(n, 22) % 4) as usize
    }
}

pub fn worklog_started(n: u32, j: usize) -> Timestamp {
    let hours = (n as u64 * 13 + j as u64 * 47 + h(n, 23) % 7) % (90 * 24);
    "2026-01-01T00:00:00Z".parse::<Timestamp>().unwrap() + SignedDuration::from_hours(hours as i64)
}

fn worklog_seconds(n: u32, j: usize) -> i64 {
    900 * (1 + ((n as i64 + j as i64) % 16))
}

fn worklog_comment(n: u32, j: usize) -> Option<String> {
    (j % 3 != 2).then(|| format!("Worked on SIM-{n}, part {j}"))
}

pub fn worklog_json(n: u32, j: usize) -> Json {
    let secs = worklog_seconds(n, j);
    let spent = match (secs / 3600, (secs % 3600) / 60) {
        (0, m) => format!("{m}m"),
        (h, 0) => format!("{h}h"),
        (h, m) => format!("{h}h {m}m"),
    };
    let started = worklog_started(n, j);
    json!({
        "self": format!("https://sim.atlassian.net/rest/api/3/issue/{}/worklog/{}", 10_000 + n, n as usize * 100 + j),
        "author": person(h(n, 24) + j as u64), "updateAuthor": person(h(n, 24) + j as u64),
        "comment": worklog_comment(n, j).map(|c| json!({"type": "doc", "version": 1,
            "content": [{"type": "paragraph", "content": [{"type": "text", "text": c}]}]})),
        "created": jira_time(started + SignedDuration::from_mins(5), 1),
        "updated": jira_time(started + SignedDuration::from_mins(5), 1),
        "started": jira_time(started, OFFSETS[j % 3]),
        "timeSpent": spent, "timeSpentSeconds": secs,
        "id": (n as usize * 100 + j).to_string(), "issueId": (10_000 + n).to_string(),
    })
}

/// The expected cells of a worklogs report with columns
/// `key, worklog.id, worklog.author, worklog.started, worklog.timeSpentSeconds, worklog.comment`.
pub fn expected_worklog(n: u32, j: usize) -> Vec<Expected> {
    vec![
        Expected::Text(format!("SIM-{n}")),
        Expected::Text((n as usize * 100 + j).to_string()),
        Expected::Text(person_name(h(n, 24) + j as u64)),
        Expected::Time(worklog_started(n, j)),
        Expected::Number(worklog_seconds(n, j) as f64),
        worklog_comment(n, j).map_or(Expected::Null, Expected::Text),
    ]
}

/// `GET /rest/api/3/field`.
pub fn fields_json() -> Json {
    let system = |id: &str, name: &str, kind: &str| {
        json!({"id": id, "key": id, "name": name, "custom": false, "orderable": true, "navigable": true,
               "searchable": true, "clauseNames": [id], "schema": {"type": kind, "system": id}})
    };
    let custom = |id: u32, name: &str, kind: &str, items: Option<&str>| {
        json!({"id": format!("customfield_{id}"), "key": format!("customfield_{id}"), "name": name, "custom": true,
               "orderable": true, "navigable": true, "searchable": true,
               "clauseNames": [format!("cf[{id}]"), name],
               "schema": {"type": kind, "items": items, "custom": "com.atlassian.jira.plugin.system.customfieldtypes:x", "customId": id}})
    };
    let mut all = json!([
        {"id": "issuekey", "key": "issuekey", "name": "Key", "custom": false, "navigable": true, "clauseNames": ["id", "issue", "issuekey", "key"]},
        system("summary", "Summary", "string"),
        system("status", "Status", "status"),
        system("priority", "Priority", "priority"),
        system("assignee", "Assignee", "user"),
        system("reporter", "Reporter", "user"),
        system("labels", "Labels", "array"),
        system("created", "Created", "datetime"),
        system("updated", "Updated", "datetime"),
        system("duedate", "Due date", "date"),
        system("description", "Description", "string"),
        system("worklog", "Log Work", "array"),
        custom(10016, "Story Points", "number", None),
        custom(10020, "Sprint", "array", Some("json")),
        custom(10030, "Team", "option", None),
        custom(10040, "Platforms", "array", Some("option")),
        custom(10060, "Time to resolution", "sd-servicelevelagreement", None),
    ]);
    let list = all.as_array_mut().unwrap();
    list.extend(extra_field_defs().into_iter().map(|(id, name, kind, is_custom)| {
        if is_custom {
            custom(id[12..].parse().unwrap(), name, kind, None)
        } else {
            system(id, name, kind)
        }
    }));
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jira_times_have_milliseconds_and_colonless_offsets() {
        let t: Timestamp = "2026-01-02T03:04:05.123Z".parse().unwrap();
        assert_eq!(jira_time(t, -7), "2026-01-01T20:04:05.123-0700");
        assert_eq!(jira_time(t, 0), "2026-01-02T03:04:05.123+0000");
    }
}
