//! Readers of a Confluence site's entities, one page of REST v2 at a time,
//! as rows of the dataset's tables (`ferry_core::model::dataset`): `spaces`,
//! `pages` (with the body as plain text), `comments` (footer ones, then
//! inline ones), `labels` (one row per label and page carrying it) and
//! `users` (the accounts seen in the others, fetched 100 at a time in bulk).
//! Each read returns where the next one starts, an `EntityCursor` that an
//! export checkpoints, and the account ids its rows name.

use std::collections::{BTreeSet, HashMap};

use ferry_core::model::value::{Row, Value};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::cells::{id, instant, int, parse_instant, text};
use super::client::{ConfluenceClient, API_V2};
use super::error::ConfluenceError;
use super::shapes::{Comment, ContentRef, Label, Page, Space, User};
use super::storage_text::storage_to_text;

/// Items asked per page (v2's maximum).
pub const PAGE_LIMIT: u32 = 250;
/// Accounts per `users-bulk` request (v2's maximum).
const USERS_PER_REQUEST: usize = 100;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfluenceEntity {
    Spaces,
    Pages,
    Comments,
    Labels,
    Users,
}

impl ConfluenceEntity {
    pub const ALL: [ConfluenceEntity; 5] = [Self::Spaces, Self::Pages, Self::Comments, Self::Labels, Self::Users];

    pub fn name(self) -> &'static str {
        match self {
            Self::Spaces => "spaces",
            Self::Pages => "pages",
            Self::Comments => "comments",
            Self::Labels => "labels",
            Self::Users => "users",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.name() == name)
    }
}

/// What to keep and how much of it.
#[derive(Debug, Clone, Copy)]
pub struct ReadOptions {
    /// Pages and comments created or changed before this are left out.
    pub from: Option<Timestamp>,
    /// Characters of a body kept as plain text.
    pub body_length: usize,
}

/// Where an entity's reading stands (an export checkpoints it).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct EntityCursor {
    /// The next page's link of the list being read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
    /// Comments: the inline ones are being read (the footer ones are done).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub inline: bool,
    /// Labels: the list of labels was started.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub started: bool,
    /// Labels: the next page of the label list.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub labels_link: Option<String>,
    /// Labels whose pages are still to read; the first is being read.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub pending: Vec<Label>,
    /// Users: accounts already read.
    #[serde(skip_serializing_if = "is_zero")]
    pub offset: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// One read: rows, where the next read starts (None: the entity is done),
/// and the accounts the rows name.
#[derive(Debug, Default)]
pub struct EntityPage {
    pub rows: Vec<Row>,
    pub next: Option<EntityCursor>,
    pub accounts: BTreeSet<String>,
}

/// Reads the entity's next page at `cursor` (None: its first page).
/// `accounts` are the users to read (for `users`; sorted, deduplicated).
pub async fn read_page(
    client: &ConfluenceClient,
    entity: ConfluenceEntity,
    cursor: Option<&EntityCursor>,
    options: &ReadOptions,
    accounts: &[String],
) -> Result<EntityPage, ConfluenceError> {
    let at = cursor.cloned().unwrap_or_default();
    match entity {
        ConfluenceEntity::Spaces => spaces(client, at).await,
        ConfluenceEntity::Pages => pages(client, at, options).await,
        ConfluenceEntity::Comments => comments(client, at, options).await,
        ConfluenceEntity::Labels => labels(client, at).await,
        ConfluenceEntity::Users => users(client, at, accounts).await,
    }
}

fn limit() -> Vec<(&'static str, String)> {
    vec![("limit", PAGE_LIMIT.to_string())]
}

fn web_url(client: &ConfluenceClient, webui: &Option<String>) -> Value {
    match webui {
        Some(path) => Value::Text(format!("{}/wiki{path}", client.site())),
        None => Value::Null,
    }
}

fn seen(accounts: &mut BTreeSet<String>, ids: &[&Option<String>]) {
    accounts.extend(ids.iter().filter_map(|i| i.as_ref()).filter(|i| !i.is_empty()).cloned());
}

fn continued(link: Option<String>, at: EntityCursor) -> Option<EntityCursor> {
    link.map(|link| EntityCursor { link: Some(link), ..at })
}

async fn spaces(client: &ConfluenceClient, at: EntityCursor) -> Result<EntityPage, ConfluenceError> {
    let path = format!("{API_V2}/spaces");
    let what = "the spaces (GET /wiki/api/v2/spaces)";
    let paged = client.page::<Space>(&path, &limit(), at.link.as_deref(), what).await?;
    let mut accounts = BTreeSet::new();
    let rows = paged
        .results
        .iter()
        .map(|s| {
            seen(&mut accounts, &[&s.author_id]);
            vec![
                id(&s.id),
                text(&s.key),
                text(&s.name),
                text(&s.kind),
                text(&s.status),
                text(&s.author_id),
                instant(&s.created_at),
                id(&s.homepage_id),
                web_url(client, &s.links.webui),
            ]
        })
        .collect();
    Ok(EntityPage { rows, next: continued(paged.next, at), accounts })
}

/// The body as plain text and whether it was cut.
fn body_cells(storage: Option<&str>, options: &ReadOptions) -> [Value; 2] {
    match storage {
        None => [Value::Null, Value::Null],
        Some(s) => {
            let (text, cut) = storage_to_text(s, options.body_length);
            [Value::Text(text), Value::Bool(cut)]
        }
    }
}

fn kept(changed: Option<Timestamp>, options: &ReadOptions) -> bool {
    match (options.from, changed) {
        (Some(from), Some(at)) => at >= from,
        _ => true,
    }
}

async fn pages(
    client: &ConfluenceClient,
    at: EntityCursor,
    options: &ReadOptions,
) -> Result<EntityPage, ConfluenceError> {
    let path = format!("{API_V2}/pages");
    let mut query = limit();
    query.extend([("body-format", "storage".to_string()), ("sort", "id".to_string())]);
    let what = "the pages (GET /wiki/api/v2/pages)";
    let paged = client.page::<Page>(&path, &query, at.link.as_deref(), what).await?;
    let mut accounts = BTreeSet::new();
    let mut rows = Vec::with_capacity(paged.results.len());
    for p in &paged.results {
        let changed = parse_instant(&p.version.created_at).or(parse_instant(&p.created_at));
        if !kept(changed, options) {
            continue;
        }
        seen(&mut accounts, &[&p.author_id, &p.owner_id, &p.version.author_id]);
        let [body, cut] = body_cells(p.body.storage.as_ref().and_then(|s| s.value.as_deref()), options);
        rows.push(vec![
            id(&p.id),
            id(&p.space_id),
            text(&p.title),
            text(&p.status),
            id(&p.parent_id),
            text(&p.author_id),
            text(&p.owner_id),
            text(&p.version.author_id),
            instant(&p.created_at),
            instant(&p.version.created_at),
            int(p.version.number),
            text(&p.version.message),
            web_url(client, &p.links.webui),
            body,
            cut,
        ]);
    }
    Ok(EntityPage { rows, next: continued(paged.next, at), accounts })
}

async fn comments(
    client: &ConfluenceClient,
    at: EntityCursor,
    options: &ReadOptions,
) -> Result<EntityPage, ConfluenceError> {
    let kind = if at.inline { "inline" } else { "footer" };
    let path = format!("{API_V2}/{kind}-comments");
    let mut query = limit();
    query.extend([("body-format", "storage".to_string()), ("sort", "id".to_string())]);
    let what = format!("the {kind} comments (GET /wiki/api/v2/{kind}-comments)");
    let paged = client.page::<Comment>(&path, &query, at.link.as_deref(), &what).await?;
    let mut accounts = BTreeSet::new();
    let mut rows = Vec::with_capacity(paged.results.len());
    for c in &paged.results {
        if !kept(parse_instant(&c.version.created_at), options) {
            continue;
        }
        seen(&mut accounts, &[&c.version.author_id]);
        let [body, cut] = body_cells(c.body.storage.as_ref().and_then(|s| s.value.as_deref()), options);
        rows.push(vec![
            id(&c.id),
            Value::Text(kind.to_string()),
            id(if c.page_id.is_some() { &c.page_id } else { &c.blog_post_id }),
            id(&c.parent_comment_id),
            text(&c.version.author_id),
            instant(&c.version.created_at),
            int(c.version.number),
            text(&c.status),
            text(&c.resolution_status),
            text(&c.properties.inline_original_selection),
            body,
            cut,
        ]);
    }
    let next = match (paged.next, at.inline) {
        (Some(link), _) => Some(EntityCursor { link: Some(link), ..at }),
        (None, false) => Some(EntityCursor { inline: true, link: None, ..at }),
        (None, true) => None,
    };
    Ok(EntityPage { rows, next, accounts })
}

async fn labels(client: &ConfluenceClient, mut at: EntityCursor) -> Result<EntityPage, ConfluenceError> {
    let Some(label) = at.pending.first().cloned() else {
        if at.started && at.labels_link.is_none() {
            return Ok(EntityPage::default());
        }
        let path = format!("{API_V2}/labels");
        let what = "the labels (GET /wiki/api/v2/labels)";
        let paged = client.page::<Label>(&path, &limit(), at.labels_link.as_deref(), what).await?;
        at.started = true;
        at.labels_link = paged.next;
        at.pending = paged.results.into_iter().filter(|l| l.id.is_some()).collect();
        let done = at.pending.is_empty() && at.labels_link.is_none();
        return Ok(EntityPage { next: (!done).then_some(at), ..EntityPage::default() });
    };
    let label_id = label.id.clone().unwrap_or_default();
    let path = format!("{API_V2}/labels/{}/pages", crate::jira::path_segment(&label_id));
    let what = format!("the pages of label {label_id} (GET /wiki/api/v2/labels/{{id}}/pages)");
    let paged = client.page::<ContentRef>(&path, &limit(), at.link.as_deref(), &what).await?;
    let rows = paged
        .results
        .iter()
        .map(|p| vec![id(&label.id), text(&label.name), text(&label.prefix), id(&p.id), Value::Text("page".into())])
        .collect();
    match paged.next {
        Some(link) => at.link = Some(link),
        None => {
            at.link = None;
            at.pending.remove(0);
        }
    }
    let done = at.pending.is_empty() && at.labels_link.is_none();
    Ok(EntityPage { rows, next: (!done).then_some(at), accounts: BTreeSet::new() })
}

async fn users(
    client: &ConfluenceClient,
    at: EntityCursor,
    accounts: &[String],
) -> Result<EntityPage, ConfluenceError> {
    let batch: Vec<String> = accounts.iter().skip(at.offset).take(USERS_PER_REQUEST).cloned().collect();
    if batch.is_empty() {
        return Ok(EntityPage::default());
    }
    #[derive(Deserialize)]
    struct Found {
        #[serde(default)]
        results: Vec<User>,
    }
    let path = format!("{API_V2}/users-bulk");
    let what = "the users (POST /wiki/api/v2/users-bulk)";
    let found: Found = client.post(&path, &serde_json::json!({"accountIds": batch}), what).await?;
    let mut by_id: HashMap<String, User> =
        found.results.into_iter().filter_map(|u| u.account_id.clone().map(|id| (id, u))).collect();
    let rows = batch
        .iter()
        .map(|account| {
            // An account Confluence no longer returns (deleted) keeps its id.
            let u = by_id.remove(account).unwrap_or_default();
            vec![
                Value::Text(account.clone()),
                text(&u.display_name),
                text(&u.email),
                text(&u.account_type),
                text(&u.account_status),
                text(&u.time_zone),
            ]
        })
        .collect();
    let offset = at.offset + batch.len();
    let next = (offset < accounts.len()).then_some(EntityCursor { offset, ..at });
    Ok(EntityPage { rows, next, accounts: BTreeSet::new() })
}
