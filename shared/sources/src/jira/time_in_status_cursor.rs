//! Where a `timeInStatus` export stands between pages, saved in the
//! export's checkpoint: the JQL the first page ran, the token of the search
//! page that holds the next issue (absent on the first search page), how
//! many of that page's issues were already read (`skip`), and (wide) the
//! status columns the file was started with. A page of this reader is a
//! chunk of issues, often less than a search page, so a resumed export asks
//! for that search page again and skips what was read, instead of reading
//! a whole batch of changelogs again. A cursor saved by an older Ferry at a
//! batch boundary (`{jql, nextPageToken}`) reads as `skip` 0.

use ferry_core::ports::source::SourceError;
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChunkCursor {
    pub jql: String,
    /// The search page holding the next issue; None: the first page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_page_token: Option<String>,
    /// Issues of that search page already read (as Jira listed them, before any filter).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub skip: usize,
    /// A wide file's status columns.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub statuses: Option<Vec<String>>,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl ChunkCursor {
    pub fn to_json(&self) -> Json {
        serde_json::to_value(self).expect("a cursor always serializes")
    }

    /// A saved cursor; a damaged one fails the export rather than restarting it.
    pub fn from_json(value: &Json) -> Result<ChunkCursor, SourceError> {
        serde_json::from_value::<ChunkCursor>(value.clone())
            .ok()
            .filter(|c| c.next_page_token.as_deref() != Some(""))
            // Without a token the position is inside the first search page.
            .filter(|c| c.next_page_token.is_some() || c.skip > 0)
            .ok_or_else(|| SourceError::Failed("the saved position in the Jira search is not valid".into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_batch_boundary_cursor_of_an_older_ferry_reads_as_the_start_of_its_page() {
        let old = json!({"jql": "project = A", "nextPageToken": "CAEa", "statuses": ["To Do", "Done"]});
        let c = ChunkCursor::from_json(&old).unwrap();
        assert_eq!((c.next_page_token.as_deref(), c.skip), (Some("CAEa"), 0));
        assert_eq!(c.statuses.as_deref(), Some(&["To Do".to_string(), "Done".to_string()][..]));
        assert_eq!(c.to_json(), old, "written back the same way");
    }

    #[test]
    fn a_position_inside_the_first_page_has_no_token() {
        let c = ChunkCursor { jql: "project = A".into(), next_page_token: None, skip: 40, statuses: None };
        assert_eq!(c.to_json(), json!({"jql": "project = A", "skip": 40}));
        assert_eq!(ChunkCursor::from_json(&c.to_json()).unwrap(), c);
    }

    #[test]
    fn damaged_cursors_are_refused() {
        for bad in [
            json!({"row": 4}),
            json!({"jql": "x"}),
            json!({"jql": "x", "nextPageToken": ""}),
            json!({"jql": "x", "skip": -1}),
            json!("tok"),
            json!(null),
        ] {
            assert!(matches!(ChunkCursor::from_json(&bad), Err(SourceError::Failed(_))), "{bad}");
        }
    }
}
