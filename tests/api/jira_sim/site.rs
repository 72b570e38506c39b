//! The rest of the simulated Jira site a `dataset` export reads: more field
//! values per issue (issue type, project, resolution, parent, components,
//! versions, a multi-user picker, custom date and date-time fields), the
//! site's accounts (people, an app, an inactive one), Jira Software's boards
//! (scrum, kanban, team-managed) and sprints, each a pure function; and the
//! rows a correct export holds for them.

use jiff::{SignedDuration, Timestamp};
use serde_json::{json, Map, Value as Json};

use super::changelog::{current_status, status_changes};
use super::dataset::{created, expected_issue, h, jira_time, person, person_name, Expected, PEOPLE};

const TYPES: [&str; 3] = ["Bug", "Story", "Task"];
const COMPONENTS: [&str; 3] = ["API", "Web app", "Billing, EU"];

fn resolved_at(n: u32) -> Option<Timestamp> {
    (current_status(n) == "Done").then(|| status_changes(n).last().map(|c| c.at)).flatten()
}

fn parent(n: u32) -> Option<u32> {
    (n > 5 && n.is_multiple_of(5)).then_some(n - 1)
}

fn components(n: u32) -> Vec<&'static str> {
    (0..h(n, 50) % 3).map(|i| COMPONENTS[((h(n, 51) + i) % 3) as usize]).collect()
}

fn versions(n: u32) -> Vec<String> {
    (0..h(n, 52) % 2).map(|_| format!("1.{}", n % 4)).collect()
}

fn reviewers(n: u32) -> Vec<u64> {
    (0..h(n, 53) % 3).map(|i| h(n, 54) + i).collect()
}

fn start_date(n: u32) -> Option<String> {
    n.is_multiple_of(2).then(|| format!("2025-02-{:02}", 1 + n % 28))
}

fn signed_off(n: u32) -> Option<Timestamp> {
    n.is_multiple_of(3).then(|| created(n) + SignedDuration::from_hours(30))
}

/// The fields beside the ones `issue_json` writes, as Jira answers them.
pub fn extra_fields(n: u32) -> Map<String, Json> {
    let fields = json!({
        "issuetype": {"id": "1000", "name": TYPES[(h(n, 55) % 3) as usize], "subtask": false},
        "project": {"id": "10000", "key": "SIM", "name": "Simulated", "projectTypeKey": "software"},
        "resolution": if resolved_at(n).is_some() { json!({"id": "1", "name": "Done"}) } else { Json::Null },
        "resolutiondate": resolved_at(n).map(|t| jira_time(t, 2)),
        "parent": parent(n).map(|p| json!({"id": (10_000 + p).to_string(), "key": format!("SIM-{p}"),
            "fields": {"summary": "Parent"}})),
        "components": components(n).iter().map(|c| json!({"id": "1", "name": c})).collect::<Vec<_>>(),
        "fixVersions": versions(n).iter().map(|v| json!({"id": "5", "name": v, "released": false})).collect::<Vec<_>>(),
        "customfield_10050": reviewers(n).iter().map(|p| person(*p)).collect::<Vec<_>>(),
        "customfield_10070": start_date(n),
        "customfield_10080": signed_off(n).map(|t| jira_time(t, -7)),
    });
    fields.as_object().unwrap().clone()
}

/// `/field` entries of the extra fields: id, name, schema type, custom.
pub fn extra_field_defs() -> Vec<(&'static str, &'static str, &'static str, bool)> {
    vec![
        ("issuetype", "Issue Type", "issuetype", false),
        ("project", "Project", "project", false),
        ("resolution", "Resolution", "resolution", false),
        ("resolutiondate", "Resolved", "datetime", false),
        ("parent", "Parent", "issuelink", false),
        ("components", "Components", "array", false),
        ("fixVersions", "Fix versions", "array", false),
        ("customfield_10050", "Reviewers", "array", true),
        ("customfield_10070", "Start date", "date", true),
        ("customfield_10080", "Signed off", "datetime", true),
    ]
}

/// The `issue_fields` rows of issue `n`: field id, name, value, by field id.
pub fn expected_fields(n: u32) -> Vec<(String, String, Expected)> {
    let list = |v: Vec<String>| Expected::List(v);
    let text = |s: &str| Expected::Text(s.to_string());
    let mut fields: Vec<(&str, &str, Expected)> = vec![
        ("summary", "Summary", expected_issue(n, "summary")),
        ("status", "Status", expected_issue(n, "status")),
        ("priority", "Priority", expected_issue(n, "priority")),
        ("assignee", "Assignee", expected_issue(n, "assignee")),
        ("reporter", "Reporter", Expected::Text(person_name(h(n, 21)))),
        ("labels", "Labels", expected_issue(n, "labels")),
        ("created", "Created", expected_issue(n, "created")),
        ("updated", "Updated", expected_issue(n, "updated")),
        ("duedate", "Due date", expected_issue(n, "duedate")),
        ("description", "Description", expected_issue(n, "description")),
        ("customfield_10016", "Story Points", expected_issue(n, "Story Points")),
        ("customfield_10020", "Sprint", expected_issue(n, "customfield_10020")),
        ("customfield_10030", "Team", expected_issue(n, "Team")),
        ("customfield_10040", "Platforms", expected_issue(n, "Platforms")),
        ("issuetype", "Issue Type", text(TYPES[(h(n, 55) % 3) as usize])),
        ("project", "Project", text("Simulated")),
        ("resolution", "Resolution", if resolved_at(n).is_some() { text("Done") } else { Expected::Null }),
        ("resolutiondate", "Resolved", resolved_at(n).map_or(Expected::Null, Expected::Time)),
        ("parent", "Parent", parent(n).map_or(Expected::Null, |p| Expected::Text(format!("SIM-{p}")))),
        ("components", "Components", list(components(n).iter().map(|c| c.to_string()).collect())),
        ("fixVersions", "Fix versions", list(versions(n))),
        ("customfield_10050", "Reviewers", list(reviewers(n).iter().map(|p| person_name(*p)).collect())),
        (
            "customfield_10070",
            "Start date",
            start_date(n).map_or(Expected::Null, |d| Expected::Date(d.parse().unwrap())),
        ),
        ("customfield_10080", "Signed off", signed_off(n).map_or(Expected::Null, Expected::Time)),
    ];
    fields.sort_by_key(|(id, _, _)| *id);
    let mut rows = Vec::new();
    for (id, name, value) in fields {
        let values = match value {
            Expected::Null => vec![],
            Expected::List(items) => items.into_iter().map(Expected::Text).collect(),
            Expected::Text(t) if t.is_empty() => vec![],
            one => vec![one],
        };
        rows.extend(values.into_iter().map(|v| (id.to_string(), name.to_string(), v)));
    }
    rows
}

/// One `issue_history` row: history id, when, field id, from and to texts.
pub type HistoryItem = (u64, Timestamp, String, Option<String>, Option<String>);

/// Every changelog item of issue `n`, oldest first (status changes, and a
/// summary edit after every second one).
pub fn expected_history(n: u32) -> Vec<HistoryItem> {
    let mut items = Vec::new();
    for (i, c) in status_changes(n).iter().enumerate() {
        items.push((c.id, c.at, "status".to_string(), Some(c.from.to_string()), Some(c.to.to_string())));
        if i % 2 == 1 {
            let edit = (c.id + 500, c.at + SignedDuration::from_secs(1), "summary".to_string());
            items.push((edit.0, edit.1, edit.2, Some("a".into()), Some("b".into())));
        }
    }
    items.sort_by_key(|i| (i.1, i.0));
    items
}

/// The site's accounts as `GET /users/search` lists them: id, name,
/// address (None: hidden), type, active.
pub fn site_users() -> Vec<(String, String, Option<String>, &'static str, bool)> {
    let mut users: Vec<(String, String, Option<String>, &'static str, bool)> = PEOPLE
        .iter()
        .enumerate()
        .map(|(i, (id, name))| {
            let email = (i % 2 == 0).then(|| format!("user{i}@example.com"));
            (id.to_string(), name.to_string(), email, "atlassian", true)
        })
        .collect();
    users.push(("557058:f58131cb-b67d-43c7-b30d-6b58d40bd077".into(), "Automation for Jira".into(), None, "app", true));
    users.push(("5d00aa00bb00cc00dd00ee01".into(), "Former, Employee".into(), None, "atlassian", false));
    users
}

pub fn user_json(u: &(String, String, Option<String>, &'static str, bool)) -> Json {
    let mut v = json!({"self": format!("https://sim.atlassian.net/rest/api/3/user?accountId={}", u.0),
        "accountId": u.0, "accountType": u.3, "displayName": u.1, "active": u.4,
        "avatarUrls": {"48x48": "https://avatar.example/48.png"}});
    if let Some(email) = &u.2 {
        v["emailAddress"] = json!(email);
    }
    v
}

/// Boards: id, name, type.
pub const BOARDS: [(i64, &str, &str); 3] =
    [(7, "SIM scrum", "scrum"), (8, "SIM kanban", "kanban"), (9, "Team \"Growth\" board", "simple")];

/// A sprint: id, its origin board, name, state, start, end, completed, goal.
pub struct SimSprint {
    pub id: i64,
    pub board: i64,
    pub name: String,
    pub state: &'static str,
    pub start: Timestamp,
    pub end: Timestamp,
    pub complete: Option<Timestamp>,
    pub goal: Option<String>,
}

fn sprint(id: i64) -> SimSprint {
    let board = if id <= 40 { 7 } else { 9 };
    let start = "2025-01-06T09:00:00Z".parse::<Timestamp>().unwrap() + SignedDuration::from_hours(24 * 14 * (id - 1));
    let end = start + SignedDuration::from_hours(24 * 14);
    let state = match id {
        40 | 43 => "future",
        39 | 42 => "active",
        _ => "closed",
    };
    SimSprint {
        id,
        board,
        name: format!("Sprint {id}"),
        state,
        start,
        end,
        complete: (state == "closed").then_some(end),
        goal: (id % 3 == 0).then(|| format!("Ship, \"{id}\"")),
    }
}

/// The sprints a board lists: its own, and (team board) one of board 7's.
pub fn board_sprints(board: i64) -> Vec<SimSprint> {
    match board {
        7 => (1..=40).map(sprint).collect(),
        9 => std::iter::once(sprint(40)).chain((41..=43).map(sprint)).collect(),
        _ => Vec::new(),
    }
}

pub fn sprint_json(s: &SimSprint) -> Json {
    json!({"id": s.id, "self": format!("https://sim.atlassian.net/rest/agile/1.0/sprint/{}", s.id),
        "state": s.state, "name": s.name, "startDate": s.start.to_string(), "endDate": s.end.to_string(),
        "completeDate": s.complete.map(|t| t.to_string()), "originBoardId": s.board,
        "goal": s.goal.clone().unwrap_or_default()})
}

/// Every sprint of the site once: board 7's, then board 9's own.
pub fn expected_sprints() -> Vec<SimSprint> {
    (1..=43).map(sprint).collect()
}
