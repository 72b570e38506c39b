//! The Confluence entity readers against the simulator, page by page through
//! `_links.next` (7 items a page) with every fifth request throttled: each
//! entity's rows equal the site's content (every space, page, footer and
//! inline comment, label on a page, and account seen), bodies are plain text
//! cut at the asked length, `fromDate` keeps only what changed since, and a
//! reading resumed from a saved cursor continues with the same rows.

use std::collections::BTreeSet;

use ferry_core::model::value::{Row, Value};
use ferry_sources::confluence::{self, ConfluenceEntity, EntityCursor, ReadOptions};
use jiff::Timestamp;

use crate::confluence_sim::site::{self, SiteSize};
use crate::confluence_sim::{ConfluenceSim, Faults};

const SIZE: SiteSize = SiteSize { spaces: 3, pages: 20 };

async fn client(sim: &ConfluenceSim) -> confluence::ConfluenceClient {
    let settings = confluence::parse_settings(
        sim.settings(serde_json::json!({"maxRequestsPerSecond": 100})).as_object().unwrap(),
        true,
    )
    .unwrap();
    confluence::ConfluenceClient::connect(&settings, true).await.unwrap()
}

/// Every row of `entity`, read to the end, with the accounts seen and the cursors passed.
async fn read_all(
    client: &confluence::ConfluenceClient,
    entity: ConfluenceEntity,
    options: &ReadOptions,
    accounts: &[String],
) -> (Vec<Row>, BTreeSet<String>, Vec<EntityCursor>) {
    let (mut rows, mut seen, mut cursors) = (Vec::new(), BTreeSet::new(), Vec::new());
    let mut cursor: Option<EntityCursor> = None;
    loop {
        let page = confluence::read_page(client, entity, cursor.as_ref(), options, accounts).await.unwrap();
        rows.extend(page.rows);
        seen.extend(page.accounts);
        match page.next {
            Some(next) => {
                cursors.push(next.clone());
                cursor = Some(next);
            }
            None => return (rows, seen, cursors),
        }
    }
}

fn int(v: u64) -> Value {
    Value::Int(v as i64)
}

fn text(s: &str) -> Value {
    Value::Text(s.to_string())
}

#[tokio::test]
async fn every_entity_reads_the_whole_site_through_cursor_pages_and_429s() {
    let sim = ConfluenceSim::start(SIZE, 7).await;
    sim.set_faults(Faults { throttle_every: Some((5, 0)), ..Faults::default() });
    let client = client(&sim).await;
    let options = ReadOptions { from: None, body_length: 32_000 };

    let (spaces, mut accounts, _) = read_all(&client, ConfluenceEntity::Spaces, &options, &[]).await;
    assert_eq!(spaces.len(), SIZE.spaces as usize);
    assert_eq!(spaces[1][..3], [int(site::space_id(2)), text("SP2"), text("Space 2: \"Ops\", notes & more")]);
    assert_eq!(spaces[0][8], text(&format!("{}/wiki/spaces/SP1", sim.url)));

    let (pages, seen, cursors) = read_all(&client, ConfluenceEntity::Pages, &options, &[]).await;
    accounts.extend(seen);
    assert_eq!(cursors.len(), 2, "20 pages at 7 a page: three pages");
    assert_eq!(pages.len(), SIZE.pages as usize);
    for (row, n) in pages.iter().zip(1..) {
        assert_eq!(row[0], int(site::page_id(n)));
        assert_eq!(row[1], int(site::space_id(site::page_space(n, SIZE))));
        assert_eq!(row[2], text(&format!("Page {n}, \"draft\"\nv2")));
        assert_eq!(row[4], site::page_parent(n, SIZE).map_or(Value::Null, |p| int(site::page_id(p))));
        assert_eq!(
            (&row[8], &row[9]),
            (&Value::DateTime(site::page_created(n)), &Value::DateTime(site::page_updated(n)))
        );
        assert_eq!(row[10], Value::Int(site::page_version(n) as i64));
        let body = format!(
            "Page {n}\nSteps & notes, \"quoted\", a,comma\nfirst line\nsecond line\nHeads up: ünïcode ✓\none\ntwo <tags>\nk\tv{n}"
        );
        assert_eq!((&row[13], &row[14]), (&text(&body), &Value::Bool(false)), "page {n}");
    }

    let (comments, seen, _) = read_all(&client, ConfluenceEntity::Comments, &options, &[]).await;
    accounts.extend(seen);
    let expected: Vec<site::CommentRef> =
        site::comments(SIZE, false).into_iter().chain(site::comments(SIZE, true)).collect();
    assert_eq!(comments.len(), expected.len(), "every footer and inline comment");
    for (row, c) in comments.iter().zip(&expected) {
        assert_eq!(row[0], int(c.id()));
        assert_eq!(row[1], text(if c.inline { "inline" } else { "footer" }));
        assert_eq!((&row[2], &row[4]), (&int(site::page_id(c.page)), &text(c.author())));
        assert_eq!(row[5], Value::DateTime(c.created()));
        let kind = if c.inline { "inline" } else { "footer" };
        assert_eq!(row[10], text(&format!("Comment {} on page {}: looks good & ships\n— {kind}", c.k, c.page)));
    }
    assert!(comments.iter().any(|r| r[8] == text("resolved")) && comments.iter().any(|r| r[3] != Value::Null));

    let (labels, _, _) = read_all(&client, ConfluenceEntity::Labels, &options, &[]).await;
    let mut expected = Vec::new();
    for l in 0..site::LABELS.len() {
        for n in site::label_pages(l, SIZE) {
            expected.push(vec![
                int(site::label_id(l)),
                text(site::LABELS[l]),
                text("global"),
                int(site::page_id(n)),
                text("page"),
            ]);
        }
    }
    assert_eq!(labels, expected);

    let accounts: Vec<String> = accounts.into_iter().collect();
    assert_eq!(accounts.len(), site::PEOPLE.len(), "every author, owner, editor and commenter");
    let (users, _, _) = read_all(&client, ConfluenceEntity::Users, &options, &accounts).await;
    assert_eq!(users.len(), accounts.len());
    let zoe = users.iter().find(|u| u[0] == text("5fc9e78d2730d800760becc4")).unwrap();
    assert_eq!(zoe[1..5], [text("Zoë Ångström"), Value::Null, text("atlassian"), text("active")]);
    let bot = users.iter().find(|u| u[0] == text("557058:automation-bot")).unwrap();
    assert_eq!((&bot[3], &bot[4]), (&text("app"), &text("inactive")));

    assert!(sim.answered(429) > 3, "throttled requests were waited out: {}", sim.answered(429));
    assert!(sim.seen().iter().all(|s| s.status != 400), "no cursor was refused");
}

#[tokio::test]
async fn from_date_body_length_and_a_resumed_cursor() {
    let sim = ConfluenceSim::start(SIZE, 7).await;
    let client = client(&sim).await;
    let from: Timestamp = site::page_updated(12);
    let options = ReadOptions { from: Some(from), body_length: 10 };
    let (pages, _, cursors) = read_all(&client, ConfluenceEntity::Pages, &options, &[]).await;
    let expected: Vec<Value> =
        (1..=SIZE.pages).filter(|n| site::page_updated(*n) >= from).map(|n| int(site::page_id(n))).collect();
    assert_eq!(pages.iter().map(|r| r[0].clone()).collect::<Vec<_>>(), expected);
    for r in &pages {
        let Value::Int(id) = r[0] else { panic!("{r:?}") };
        let n = (id as u64 - site::page_id(0)) as u32;
        let first_ten: String = format!("Page {n}\nSteps").chars().take(10).collect();
        assert_eq!(r[13], text(&first_ten), "page {n}");
    }
    assert!(pages.iter().all(|r| r[14] == Value::Bool(true)), "every body was cut at 10 characters");

    // Resuming from the saved cursor after the first page reads the same rest.
    let options = ReadOptions { from: None, body_length: 32_000 };
    let (all, _, _) = read_all(&client, ConfluenceEntity::Pages, &options, &[]).await;
    let saved = serde_json::to_value(&cursors[0]).unwrap();
    let cursor: EntityCursor = serde_json::from_value(saved).unwrap();
    let rest = confluence::read_page(&client, ConfluenceEntity::Pages, Some(&cursor), &options, &[]).await.unwrap();
    assert_eq!(rest.rows[..], all[7..14]);
}
