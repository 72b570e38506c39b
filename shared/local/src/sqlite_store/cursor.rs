//! Page cursors: the last item's id and a tag naming the list, as URL-safe
//! base64, so a cursor is opaque to clients and one list's cursor is refused
//! by another. Paging is keyset paging on the id column (ids sort by time).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use ferry_core::model::page::{Page, PageRequest};
use ferry_core::PortError;

/// The lists that page; the tag goes into the cursor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum List {
    Keys,
    Connections,
    Reports,
    Exports,
    Schedules,
    ScheduleRuns,
}

impl List {
    fn tag(self) -> &'static str {
        match self {
            List::Keys => "k1",
            List::Connections => "c1",
            List::Reports => "r1",
            List::Exports => "e1",
            List::Schedules => "s1",
            List::ScheduleRuns => "h1",
        }
    }
}

/// Where a page starts and how many rows to fetch: one more than the page
/// size, so the extra row tells whether a next page exists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Keyset {
    /// Id of the previous page's last item; the page starts after it.
    pub after: Option<String>,
    pub fetch: i64,
}

/// Reads a page request for `list`. A cursor that does not decode or was made
/// by another list is `PortError::NotFound("cursor")`.
pub(super) fn keyset(list: List, page: &PageRequest) -> Result<Keyset, PortError> {
    let after = page.cursor.as_deref().map(|c| decode(list, c)).transpose()?;
    Ok(Keyset { after, fetch: i64::from(page.size) + 1 })
}

/// Cuts the fetched rows to the page size and makes the next cursor when the
/// extra row came back.
pub(super) fn finish<T>(list: List, page: &PageRequest, mut rows: Vec<T>, id: impl Fn(&T) -> &str) -> Page<T> {
    let size = page.size as usize;
    let more = rows.len() > size;
    rows.truncate(size);
    let next_cursor = if more { rows.last().map(|last| encode(list, id(last))) } else { None };
    Page { items: rows, next_cursor }
}

fn encode(list: List, id: &str) -> String {
    URL_SAFE_NO_PAD.encode(format!("{}:{id}", list.tag()))
}

fn decode(list: List, cursor: &str) -> Result<String, PortError> {
    let invalid = || PortError::NotFound("cursor".into());
    let bytes = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| invalid())?;
    let text = String::from_utf8(bytes).map_err(|_| invalid())?;
    match text.split_once(':') {
        Some((tag, id)) if tag == list.tag() && !id.is_empty() => Ok(id.to_string()),
        _ => Err(invalid()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(cursor: &str) -> PageRequest {
        PageRequest { size: 10, cursor: Some(cursor.to_string()) }
    }

    #[test]
    fn a_cursor_round_trips_within_its_list() {
        let cursor = encode(List::Reports, "rep_01J0000000000000000000000");
        assert!(cursor.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        let keyset = keyset(List::Reports, &request(&cursor)).expect("valid cursor");
        assert_eq!(keyset.after.as_deref(), Some("rep_01J0000000000000000000000"));
        assert_eq!(keyset.fetch, 11);
    }

    #[test]
    fn another_lists_cursor_or_garbage_is_not_found() {
        let cursor = encode(List::Keys, "key_x");
        for bad in [cursor.as_str(), "%%%", "bm9wZQ", ""] {
            match keyset(List::Exports, &request(bad)) {
                Err(PortError::NotFound(what)) => assert_eq!(what, "cursor"),
                other => panic!("{bad:?} gave {other:?}"),
            }
        }
    }

    #[test]
    fn next_cursor_only_when_the_extra_row_came_back() {
        let req = PageRequest::first(2);
        let full = finish(List::Keys, &req, vec!["a", "b", "c"], |s| s);
        assert_eq!(full.items, vec!["a", "b"]);
        assert_eq!(
            keyset(List::Keys, &request(&full.next_cursor.expect("more"))).expect("ok").after.as_deref(),
            Some("b")
        );
        let exact = finish(List::Keys, &req, vec!["a", "b"], |s| s);
        assert_eq!(exact.next_cursor, None);
    }
}
