//! Page cursors, the same for every store. A cursor is the sort key of the
//! last item a page returned (for every paged list, the item's id) with the
//! list it belongs to, as base64url JSON: `{"l": list, "s": scope, "k": sort
//! key, "c": check}`. `scope` is a digest of the list's parameters (owner,
//! filter), `check` a digest of the rest, so a cursor of another list, of the
//! same list with other parameters, a tampered or a garbage one is refused
//! with `PortError::BadCursor`: the HTTP layer's 400 naming `cursor`.
//!
//! The next page starts after the last item *returned* (a keyset condition,
//! `id > after`), never at a store's own resume token: a page is cut at
//! `size` items and merged or filtered lists read past that point. The
//! cursor decides no access: the store always takes the owner from the
//! caller's parameters.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::PortError;
use crate::model::page::{Page, PageRequest};

/// The lists that page; the tag goes into the cursor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PagedList {
    Keys,
    Connections,
    Reports,
    Exports,
    Schedules,
    ScheduleRuns,
}

impl PagedList {
    fn tag(self) -> &'static str {
        match self {
            PagedList::Keys => "k1",
            PagedList::Connections => "c1",
            PagedList::Reports => "r1",
            PagedList::Exports => "e1",
            PagedList::Schedules => "s1",
            PagedList::ScheduleRuns => "h1",
        }
    }
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Payload {
    l: String,
    s: String,
    k: String,
    c: String,
}

fn digest(parts: &[&str]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update((p.len() as u64).to_be_bytes());
        h.update(p.as_bytes());
    }
    hex::encode(&h.finalize()[..8])
}

/// Where a page starts in a list, and how many items to read for it.
#[derive(Debug, Clone)]
pub struct PagePosition {
    list: PagedList,
    scope: String,
    /// The sort key the page starts after; None for the first page.
    pub after: Option<String>,
    /// Items to read: one more than the page size, to learn whether more follow.
    pub want: usize,
}

impl PagePosition {
    /// Reads `page` for `list` with these parameters (`scope`: every value
    /// that selects the list's items, in a fixed order).
    ///
    /// Errors: [`PortError::BadCursor`] for a cursor this list, with these
    /// parameters, did not make.
    pub fn read(list: PagedList, scope: &[&str], page: &PageRequest) -> Result<Self, PortError> {
        let scope = digest(scope);
        let after = page.cursor.as_deref().map(|c| decode(list, &scope, c)).transpose()?;
        Ok(PagePosition { list, scope, after, want: page.size as usize + 1 })
    }

    /// `want` as SQLite's `LIMIT` takes it.
    pub fn limit(&self) -> i64 {
        i64::try_from(self.want).unwrap_or(i64::MAX)
    }

    /// Cuts the items read to the page size; a next cursor when the extra
    /// item came back.
    pub fn finish<T>(&self, mut items: Vec<T>, id: impl Fn(&T) -> &str) -> Page<T> {
        let size = self.want - 1;
        let more = items.len() > size;
        items.truncate(size);
        let next_cursor = if more { items.last().map(|last| self.encode(id(last))) } else { None };
        Page { items, next_cursor }
    }

    fn encode(&self, key: &str) -> String {
        let payload = Payload {
            l: self.list.tag().to_string(),
            s: self.scope.clone(),
            k: key.to_string(),
            c: digest(&[self.list.tag(), &self.scope, key]),
        };
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(&payload).unwrap_or_default())
    }
}

fn decode(list: PagedList, scope: &str, cursor: &str) -> Result<String, PortError> {
    let bytes = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| PortError::BadCursor)?;
    let p: Payload = serde_json::from_slice(&bytes).map_err(|_| PortError::BadCursor)?;
    let sane_key = !p.k.is_empty() && p.k.len() <= 128 && p.k.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    if p.l != list.tag() || p.s != scope || !sane_key || p.c != digest(&[&p.l, &p.s, &p.k]) {
        return Err(PortError::BadCursor);
    }
    Ok(p.k)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(cursor: &str) -> PageRequest {
        PageRequest { size: 10, cursor: Some(cursor.to_string()) }
    }

    fn cursor_after(list: PagedList, scope: &[&str], id: &str) -> String {
        let pos = PagePosition::read(list, scope, &PageRequest::first(1)).expect("first page");
        pos.finish(vec![id.to_string(), "zzz".to_string()], |s| s).next_cursor.expect("more")
    }

    #[test]
    fn a_cursor_round_trips_within_its_list_and_scope() {
        let cursor = cursor_after(PagedList::Exports, &["mo", ""], "exp_01J0000000000000000000000");
        assert!(cursor.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        let pos = PagePosition::read(PagedList::Exports, &["mo", ""], &request(&cursor)).expect("valid cursor");
        assert_eq!(pos.after.as_deref(), Some("exp_01J0000000000000000000000"));
        assert_eq!(pos.want, 11);
        assert_eq!(pos.limit(), 11);
    }

    #[test]
    fn another_list_another_scope_tampering_or_garbage_is_a_bad_cursor() {
        let cursor = cursor_after(PagedList::Keys, &[], "key_x");
        let other_scope = cursor_after(PagedList::Exports, &["lena", ""], "exp_x");
        let json = String::from_utf8(URL_SAFE_NO_PAD.decode(&other_scope).expect("b64")).expect("utf8");
        let tampered = URL_SAFE_NO_PAD.encode(json.replace("exp_x", "exp_y"));
        for bad in [cursor.as_str(), other_scope.as_str(), tampered.as_str(), "%%%", "bm9wZQ", ""] {
            let got = PagePosition::read(PagedList::Exports, &["mo", ""], &request(bad));
            assert!(matches!(got, Err(PortError::BadCursor)), "{bad:?} gave {got:?}");
        }
    }

    #[test]
    fn next_cursor_only_when_the_extra_item_came_back() {
        let pos = PagePosition::read(PagedList::Keys, &[], &PageRequest::first(2)).expect("first");
        let full = pos.finish(vec!["a", "b", "c"], |s| s);
        assert_eq!(full.items, vec!["a", "b"]);
        let next = PagePosition::read(PagedList::Keys, &[], &request(&full.next_cursor.expect("more"))).expect("ok");
        assert_eq!(next.after.as_deref(), Some("b"));
        assert_eq!(pos.finish(vec!["a", "b"], |s| s).next_cursor, None);
    }
}
