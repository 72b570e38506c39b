//! Conformance suite of the `ReportStore` port: round trips, replace, delete,
//! lists that show a user their own reports plus public ones, and the reports
//! that use a connection.

use std::collections::HashSet;
use std::sync::Arc;

use jiff::Timestamp;

use crate::model::format_options::{Format, FormatOptionsInput, LineTerminator};
use crate::model::ids::{random_80, ulid_id, IdKind};
use crate::model::page::PageRequest;
use crate::model::report::{Column, Report, ReportKind, Visibility, DEFAULT_FILE_NAME};
use crate::ports::report_store::ReportStore;
use crate::PortError;

fn report(ms: u64, owner: &str, visibility: Visibility, connection_id: &str) -> Report {
    let at = Timestamp::from_millisecond(ms as i64).expect("valid instant");
    Report {
        id: ulid_id(IdKind::Report, ms, random_80()),
        name: format!("{owner}'s \"weekly\", ünïcode"),
        owner: owner.to_string(),
        visibility,
        connection_id: connection_id.to_string(),
        kind: ReportKind::Issues,
        query: Some("project = DEMO ORDER BY key".into()),
        columns: vec![Column::new("key"), Column { field: "summary".into(), header: Some("Title".into()) }],
        format: Format::Csv,
        format_options: FormatOptionsInput {
            delimiter: Some(";".into()),
            line_terminator: Some(LineTerminator::Lf),
            ..Default::default()
        },
        file_name: DEFAULT_FILE_NAME.into(),
        compress: false,
        created_at: at,
        updated_at: at,
    }
}

/// All ids `list_reports(visible_to)` returns, page by page.
async fn list_all(store: &dyn ReportStore, visible_to: Option<&str>, size: u32) -> (Vec<String>, usize) {
    let mut seen = Vec::new();
    let mut cursor = None;
    let mut pages = 0;
    loop {
        let page =
            store.list_reports(visible_to, &PageRequest { size, cursor: cursor.take() }).await.expect("list_reports");
        pages += 1;
        assert!(page.items.len() <= size as usize, "a page holds at most its size");
        seen.extend(page.items.into_iter().map(|r| r.id));
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
        assert!(pages < 100, "list_reports never ends");
    }
    (seen, pages)
}

/// Checks every `ReportStore` promise. Needs an empty store.
pub async fn report_store_conformance(store: Arc<dyn ReportStore>) {
    let store = store.as_ref();
    let base = 1_700_000_000_000;
    let alice_private = report(base, "alice", Visibility::Private, "con_a");
    let alice_public = report(base + 1, "alice", Visibility::Public, "con_a");
    let bob_private = report(base + 2, "bob", Visibility::Private, "con_b");
    for r in [&alice_private, &alice_public, &bob_private] {
        store.insert_report(r).await.expect("insert_report");
    }
    assert_eq!(store.get_report(&alice_private.id).await.expect("get"), Some(alice_private.clone()), "stored as given");
    assert_eq!(store.get_report("rep_unknown").await.expect("get"), None);

    // Errors callers branch on: a taken id, an update of nothing.
    let got = store.insert_report(&alice_private).await;
    assert!(matches!(got, Err(PortError::Conflict(_))), "a second insert of one id gave {got:?}");
    let got = store.update_report(&report(base + 9, "alice", Visibility::Private, "con_a")).await;
    assert!(matches!(got, Err(PortError::NotFound(_))), "an update of an unknown report gave {got:?}");
    assert_eq!(store.get_report(&report(base + 9, "alice", Visibility::Private, "con_a").id).await.expect("get"), None);

    // Lists: all, or own plus public, in id order.
    let (all, _) = list_all(store, None, 10).await;
    assert_eq!(all, vec![alice_private.id.clone(), alice_public.id.clone(), bob_private.id.clone()]);
    let (of_alice, _) = list_all(store, Some("alice"), 10).await;
    assert_eq!(of_alice, vec![alice_private.id.clone(), alice_public.id.clone()]);
    let (of_bob, _) = list_all(store, Some("bob"), 10).await;
    assert_eq!(of_bob, vec![alice_public.id.clone(), bob_private.id.clone()], "others' private reports are hidden");
    let (of_nobody, _) = list_all(store, Some("nobody"), 10).await;
    assert_eq!(of_nobody, vec![alice_public.id.clone()]);
    let first = store.list_reports(Some("bob"), &PageRequest::first(1)).await.expect("list");
    assert_eq!(first.items, vec![alice_public.clone()], "lists return whole reports");

    // Who uses a connection.
    assert_eq!(
        store.reports_using_connection("con_a").await.expect("using"),
        vec![alice_private.id.clone(), alice_public.id.clone()]
    );
    assert_eq!(store.reports_using_connection("con_none").await.expect("using"), Vec::<String>::new());

    // Replace: visibility and connection changes show in the lists.
    let mut changed = bob_private.clone();
    changed.visibility = Visibility::Public;
    changed.connection_id = "con_a".into();
    changed.name = "Renamed".into();
    changed.columns.clear();
    changed.updated_at = Timestamp::from_millisecond(base as i64 + 99).expect("valid instant");
    store.update_report(&changed).await.expect("update_report");
    assert_eq!(store.get_report(&bob_private.id).await.expect("get"), Some(changed.clone()));
    let (of_alice, _) = list_all(store, Some("alice"), 10).await;
    assert_eq!(of_alice, vec![alice_private.id.clone(), alice_public.id.clone(), changed.id.clone()]);
    assert_eq!(store.reports_using_connection("con_b").await.expect("using"), Vec::<String>::new());
    assert_eq!(store.reports_using_connection("con_a").await.expect("using").len(), 3);

    // Delete.
    assert!(store.delete_report(&alice_private.id).await.expect("delete"));
    assert!(!store.delete_report(&alice_private.id).await.expect("delete"), "a second delete finds nothing");
    assert_eq!(store.get_report(&alice_private.id).await.expect("get"), None);
    assert_eq!(store.reports_using_connection("con_a").await.expect("using").len(), 2);

    // Paging: 250 private reports of one user plus the two public ones.
    let mut expected = vec![alice_public.id.clone(), changed.id.clone()];
    for i in 0..250 {
        let visibility = if i % 2 == 0 { Visibility::Private } else { Visibility::Public };
        let r = report(base + 1000 + i, "pager", visibility, "con_p");
        store.insert_report(&r).await.expect("insert_report");
        expected.push(r.id);
    }
    expected.sort();
    let (seen, pages) = list_all(store, Some("pager"), 100).await;
    assert_eq!(pages, 3, "252 reports make 3 pages of 100");
    assert_eq!(seen.iter().collect::<HashSet<_>>().len(), seen.len(), "no report twice");
    assert_eq!(seen, expected, "every report once, in id order");
    let (seen, _) = list_all(store, Some("alice"), 100).await;
    assert_eq!(seen.len(), 2 + 125, "alice sees her own and the public ones");
    let (seen, pages) = list_all(store, None, 252).await;
    assert_eq!((seen.len(), pages), (252, 1), "no cursor when the page ends at the last item");

    for bad in ["not a cursor", "bm9wZQ"] {
        let got = store.list_reports(None, &PageRequest { size: 10, cursor: Some(bad.into()) }).await;
        assert!(matches!(got, Err(PortError::BadCursor)), "cursor {bad:?} gave {got:?}");
    }
}
