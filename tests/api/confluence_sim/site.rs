//! The simulated Confluence site's content: spaces, pages, footer and inline
//! comments, labels and the accounts behind them, each a pure function of its
//! number, in Confluence Cloud REST v2's shapes (storage-format bodies with
//! macros, entities, line breaks and non-ASCII text; ISO dates in UTC with
//! milliseconds). Tests compute from the same functions what a correct
//! export holds.

use jiff::{SignedDuration, Timestamp};
use serde_json::{json, Value as Json};

/// How big the site is.
#[derive(Debug, Clone, Copy)]
pub struct SiteSize {
    pub spaces: u32,
    pub pages: u32,
}

/// The accounts that write pages and comments: (accountId, display name, email or hidden, type).
pub const PEOPLE: [(&str, &str, Option<&str>, &str); 5] = [
    ("5b10a2844c20165700ede21g", "Mia Krystof", Some("mia@example.com"), "atlassian"),
    ("5fc9e78d2730d800760becc4", "Zoë Ångström", None, "atlassian"),
    ("61a8c0f9e4b0d3006a1b2c3d", "O'Brien, Pat", Some("pat@example.com"), "atlassian"),
    ("6200aa11bb22cc33dd44ee55", "李雷", Some("li@example.com"), "atlassian"),
    ("557058:automation-bot", "Automation for Confluence", None, "app"),
];
pub const LABELS: [&str; 5] = ["how-to", "runbook", "draft", "q1-planning", "décision"];

fn base() -> Timestamp {
    "2025-03-01T00:00:00Z".parse().unwrap()
}

/// Confluence's date-time text: UTC with milliseconds.
pub fn confluence_time(t: Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

pub fn person(i: u32) -> &'static str {
    PEOPLE[(i as usize) % PEOPLE.len()].0
}

pub fn space_id(s: u32) -> u64 {
    100_000 + s as u64
}

pub fn space_key(s: u32) -> String {
    format!("SP{s}")
}

pub fn space_json(s: u32) -> Json {
    json!({"id": space_id(s).to_string(), "key": space_key(s), "name": format!("Space {s}: \"Ops\", notes & more"),
        "type": if s == 1 { "personal" } else { "global" }, "status": "current", "authorId": person(s),
        "createdAt": confluence_time(base() + SignedDuration::from_hours(s as i64)),
        "homepageId": page_id(s).to_string(), "description": null, "icon": null,
        "_links": {"webui": format!("/spaces/{}", space_key(s))}})
}

pub fn page_id(n: u32) -> u64 {
    1_000_000 + n as u64
}

/// The space page `n` lives in (1-based).
pub fn page_space(n: u32, size: SiteSize) -> u32 {
    (n - 1) % size.spaces + 1
}

pub fn page_created(n: u32) -> Timestamp {
    base() + SignedDuration::from_hours(5 * n as i64) + SignedDuration::from_millis((n as i64 * 7919) % 1000)
}

/// When page `n` was last changed (its version's `createdAt`).
pub fn page_updated(n: u32) -> Timestamp {
    page_created(n) + SignedDuration::from_mins(90 * (n % 4) as i64)
}

pub fn page_version(n: u32) -> u32 {
    1 + n % 4
}

pub fn page_parent(n: u32, size: SiteSize) -> Option<u32> {
    // The first page of each space is its home page; later ones hang under it.
    (n > size.spaces).then(|| page_space(n, size))
}

/// The page body in storage format: markup, a macro, entities, a line break
/// inside a paragraph and non-ASCII text.
pub fn page_storage(n: u32) -> String {
    format!(
        "<h1>Page {n}</h1><p>Steps &amp; notes, \"quoted\", a,comma</p><p>first line<br/>second line</p>\
         <ac:structured-macro ac:name=\"info\"><ac:rich-text-body><p>Heads up: ünïcode ✓</p></ac:rich-text-body></ac:structured-macro>\
         <ul><li>one</li><li>two &lt;tags&gt;</li></ul><table><tbody><tr><th>k</th><td>v{n}</td></tr></tbody></table>"
    )
}

pub fn page_json(n: u32, size: SiteSize, with_body: bool) -> Json {
    let parent = page_parent(n, size);
    let mut page = json!({"id": page_id(n).to_string(), "status": "current", "title": format!("Page {n}, \"draft\"\nv2"),
        "spaceId": space_id(page_space(n, size)).to_string(),
        "parentId": parent.map(|p| page_id(p).to_string()), "parentType": parent.map(|_| "page"),
        "position": n, "authorId": person(n), "ownerId": person(n), "lastOwnerId": null,
        "createdAt": confluence_time(page_created(n)),
        "version": {"createdAt": confluence_time(page_updated(n)), "message": if n.is_multiple_of(2) { "fixed typos" } else { "" },
                    "number": page_version(n), "minorEdit": false, "authorId": person(n + 1)},
        "_links": {"webui": format!("/spaces/{}/pages/{}", space_key(page_space(n, size)), page_id(n)),
                   "editui": format!("/pages/resumedraft.action?draftId={}", page_id(n)), "tinyui": format!("/x/{n}")}});
    if with_body {
        page["body"] = json!({"storage": {"representation": "storage", "value": page_storage(n)}});
    }
    page
}

/// A comment of the site: footer or inline, on page `page`, number `k` of that page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommentRef {
    pub page: u32,
    pub k: u32,
    pub inline: bool,
}

pub fn footer_count(n: u32) -> u32 {
    n % 3
}

pub fn inline_count(n: u32) -> u32 {
    (n % 2) * 2
}

/// Every comment of the site in id order: footer ones, then inline ones.
pub fn comments(size: SiteSize, inline: bool) -> Vec<CommentRef> {
    let mut out = Vec::new();
    for page in 1..=size.pages {
        let count = if inline { inline_count(page) } else { footer_count(page) };
        out.extend((1..=count).map(|k| CommentRef { page, k, inline }));
    }
    out
}

impl CommentRef {
    pub fn id(&self) -> u64 {
        (if self.inline { 3_000_000 } else { 2_000_000 }) + self.page as u64 * 10 + self.k as u64
    }
    pub fn author(&self) -> &'static str {
        person(self.page + self.k + 2)
    }
    pub fn created(&self) -> Timestamp {
        page_created(self.page) + SignedDuration::from_hours(self.k as i64 + 1)
    }
    pub fn storage(&self) -> String {
        format!(
            "<p>Comment {} on page {}: looks good &amp; ships<br/>— {}</p>",
            self.k,
            self.page,
            if self.inline { "inline" } else { "footer" }
        )
    }
    pub fn json(&self) -> Json {
        let mut c = json!({"id": self.id().to_string(), "status": "current", "title": format!("Re: Page {}", self.page),
            "pageId": page_id(self.page).to_string(),
            "version": {"createdAt": confluence_time(self.created()), "message": "", "number": 1, "minorEdit": false,
                        "authorId": self.author()},
            "body": {"storage": {"representation": "storage", "value": self.storage()}},
            "_links": {"webui": format!("/pages/{}?focusedCommentId={}", page_id(self.page), self.id())}});
        if self.inline {
            c["resolutionStatus"] = json!(if self.k.is_multiple_of(2) { "resolved" } else { "open" });
            c["properties"] =
                json!({"inlineMarkerRef": format!("marker-{}", self.id()), "inlineOriginalSelection": "second line"});
        } else if self.k > 1 {
            c["parentCommentId"] = json!((self.id() - 1).to_string());
        }
        c
    }
}

pub fn label_id(l: usize) -> u64 {
    500 + l as u64
}

/// The labels on page `n`, by index into `LABELS`.
pub fn page_labels(n: u32) -> Vec<usize> {
    (0..LABELS.len()).filter(|l| (n as usize + l).is_multiple_of(3)).collect()
}

pub fn label_json(l: usize) -> Json {
    json!({"id": label_id(l).to_string(), "name": LABELS[l], "prefix": "global"})
}

/// The pages that carry label `l`, in id order.
pub fn label_pages(l: usize, size: SiteSize) -> Vec<u32> {
    (1..=size.pages).filter(|n| page_labels(*n).contains(&l)).collect()
}

pub fn user_json(account_id: &str) -> Option<Json> {
    let (id, name, email, kind) = PEOPLE.iter().find(|p| p.0 == account_id)?;
    let mut user = json!({"accountId": id, "accountType": kind, "accountStatus": if *kind == "app" { "inactive" } else { "active" },
        "displayName": name, "publicName": name, "timeZone": "Europe/Berlin", "isExternalCollaborator": false,
        "profilePicture": {"path": "/wiki/aa-avatar/x.png", "width": 48, "height": 48, "isDefault": true}});
    if let Some(e) = email {
        user["email"] = json!(e);
    }
    Some(user)
}
