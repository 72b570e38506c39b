//! The position of a Jira export between pages, saved in the export's
//! checkpoint: `{"jql": "...", "nextPageToken": "..."}`. The JQL is the one
//! the first page ran (with its `updated >=` clause already in the user's
//! zone), so a resumed export asks for the very next page of the very same
//! search and no finished page is fetched again. Jira keeps tokens for
//! 7 days; an export resumed later fails with Jira's answer.

use ferry_core::ports::source::SourceError;
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JiraCursor {
    pub jql: String,
    pub next_page_token: String,
}

impl JiraCursor {
    pub fn to_json(&self) -> Json {
        serde_json::to_value(self).expect("a cursor always serializes")
    }

    /// A saved cursor; a damaged one fails the export rather than restarting it.
    pub fn from_json(value: &Json) -> Result<JiraCursor, SourceError> {
        serde_json::from_value::<JiraCursor>(value.clone())
            .ok()
            .filter(|c| !c.next_page_token.is_empty())
            .ok_or_else(|| SourceError::Failed("the saved position in the Jira search is not valid".into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_cursor_survives_a_trip_through_text() {
        let c = JiraCursor {
            jql: "(project = A) AND updated >= \"2026-01-05 09:30\"".into(),
            next_page_token: "CAEaAggD".into(),
        };
        let text = c.to_json().to_string();
        assert_eq!(JiraCursor::from_json(&serde_json::from_str(&text).unwrap()).unwrap(), c);
        assert_eq!(
            c.to_json(),
            json!({"jql": "(project = A) AND updated >= \"2026-01-05 09:30\"", "nextPageToken": "CAEaAggD"})
        );
    }

    #[test]
    fn damaged_cursors_are_refused() {
        for bad in [
            json!({"row": 4}),
            json!({"jql": "x"}),
            json!({"jql": "x", "nextPageToken": ""}),
            json!("tok"),
            json!(null),
        ] {
            assert!(matches!(JiraCursor::from_json(&bad), Err(SourceError::Failed(_))), "{bad}");
        }
    }
}
