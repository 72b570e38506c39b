//! The schedule form's per-destination helpers, buttons of the form like
//! `Preview` and `Test connection` (issue 26): `Send test`
//! (`_action=test:destinations:<key>`) sends what the row holds through its
//! real channel (`send_test`, the API's use case) and the form is drawn
//! again with the answer beside the row; `Find people`
//! (`_action=people:destinations:<key>`) searches the report's Jira
//! connection for the row's `_people_query[<key>]`, and `Add <name>`
//! (`_action=person:destinations:<key>:<accountId>`) adds that account to the
//! row's `toUsers`. Nothing is saved. The names of people chosen in this form
//! travel with it as `_person` fields (`<accountId>=<name>`), so chosen
//! people show by name while their ids are what the form stores.

use ferry_core::model::destination::DestinationInput;
use ferry_core::ports::source::SiteUser;
use ferry_core::usecases::connections;
use ferry_core::usecases::deliveries::send_test::{self, DestinationTestInput};
use ferry_core::usecases::reports;
use ferry_core::CoreError;
use serde_json::{json, Value};

use crate::frame::Viewer;
use crate::WebState;

/// What a helper drew beside one destination row (by its index).
#[derive(Debug, Clone, Default)]
pub struct RowNotes {
    pub index: usize,
    /// `Send test`'s answer, and whether the test went through.
    pub test: Option<String>,
    pub test_ok: bool,
    /// `Find people`: what was searched and who was found (or why not).
    pub query: String,
    pub found: Vec<SiteUser>,
    pub search_error: Option<String>,
}

/// One helper asked for by `_action`.
pub enum Helper {
    Test { key: String },
    People { key: String },
    Person { key: String, account_id: String },
}

impl Helper {
    pub fn parse(action: &str) -> Option<Helper> {
        let mut parts = action.splitn(4, ':');
        let (verb, list, key) = (parts.next()?, parts.next()?, parts.next()?.to_string());
        if list != "destinations" {
            return None;
        }
        match verb {
            "test" => Some(Helper::Test { key }),
            "people" => Some(Helper::People { key }),
            "person" => Some(Helper::Person { key, account_id: parts.next()?.to_string() }),
            _ => None,
        }
    }

    fn key(&self) -> &str {
        match self {
            Helper::Test { key } | Helper::People { key } | Helper::Person { key, .. } => key,
        }
    }
}

/// The row's index: rows are read in the order the form sends them, whatever
/// numbers their names carry (see `form_input`).
pub fn row_index(pairs: &[(String, String)], key: &str) -> Option<usize> {
    let mut keys: Vec<&str> = Vec::new();
    for (name, _) in pairs {
        if let Some(rest) = name.strip_prefix("destinations[") {
            if let Some(k) = rest.split(']').next() {
                if !keys.contains(&k) {
                    keys.push(k);
                }
            }
        }
    }
    keys.iter().position(|k| *k == key)
}

/// Names of people chosen in this form: `_person` fields `<accountId>=<name>`.
pub fn people_names(pairs: &[(String, String)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .filter(|(n, _)| n == "_person")
        .filter_map(|(_, v)| v.split_once('=').map(|(id, name)| (id.to_string(), name.to_string())))
        .collect()
}

/// Runs the helper on the form's `values` (the API's body as typed); Some
/// notes for the row, or None when the action names no row of this form.
pub async fn run(
    state: &WebState,
    viewer: &Viewer,
    schedule_id: Option<&str>,
    pairs: &[(String, String)],
    values: &mut Value,
    names: &mut Vec<(String, String)>,
    helper: Helper,
) -> Option<RowNotes> {
    let index = row_index(pairs, helper.key())?;
    let row = values.get("destinations")?.get(index)?.clone();
    let report_id = values.get("reportId").and_then(Value::as_str).unwrap_or_default().to_string();
    let mut notes = RowNotes { index, ..Default::default() };
    match helper {
        Helper::Test { .. } => {
            let input = DestinationTestInput {
                report_id,
                destination: DestinationInput(row),
                schedule_id: schedule_id.map(String::from),
            };
            let (ok, text) = match send_test::send_test(&state.ports, &viewer.principal, input).await {
                Ok(r) if r.ok => (true, format!("Test sent: {} ({}).", r.details, r.file_name)),
                Ok(r) => (false, format!("Test failed: {}", r.error.unwrap_or(r.details))),
                Err(e) => (false, format!("Test not sent: {}", said(&e))),
            };
            notes.test = Some(text);
            notes.test_ok = ok;
        }
        Helper::People { key } => {
            let query = pairs
                .iter()
                .rev()
                .find(|(n, _)| *n == format!("_people_query[{key}]"))
                .map(|(_, v)| v.trim().to_string())
                .unwrap_or_default();
            match search(state, viewer, &report_id, &query).await {
                Ok(found) => {
                    if found.is_empty() {
                        notes.search_error = Some(format!("Nobody in Jira matches “{query}”."));
                    }
                    notes.found = found;
                }
                Err(e) => notes.search_error = Some(said(&e)),
            }
            notes.query = query;
        }
        Helper::Person { account_id, .. } => {
            let list =
                values["destinations"][index].as_object_mut().map(|o| o.entry("toUsers").or_insert_with(|| json!([])));
            if let Some(Value::Array(ids)) = list {
                if !ids.iter().any(|v| v.as_str() == Some(account_id.as_str())) {
                    ids.push(json!(account_id));
                }
            }
            if !names.iter().any(|(id, _)| *id == account_id) {
                if let Some((_, name)) = pairs
                    .iter()
                    .filter(|(n, _)| n == "_found")
                    .filter_map(|(_, v)| v.split_once('='))
                    .find(|(id, _)| *id == account_id)
                {
                    names.push((account_id.clone(), name.to_string()));
                }
            }
        }
    }
    Some(notes)
}

/// People of the report's connection matching `query`.
async fn search(state: &WebState, viewer: &Viewer, report_id: &str, query: &str) -> Result<Vec<SiteUser>, CoreError> {
    if report_id.is_empty() {
        return Err(CoreError::invalid("reportId", "choose the report first: people are found through its connection"));
    }
    let report = reports::get_report(&state.ports, &viewer.principal, report_id).await?;
    connections::search_users(&state.ports, &viewer.principal, &report.connection_id, query).await
}

/// An error as the person reads it (field errors name their field).
fn said(e: &CoreError) -> String {
    match e {
        CoreError::Port(_) => "Ferry could not do it now; try again.".to_string(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_found_by_the_order_their_names_come_in() {
        let pairs: Vec<(String, String)> = [("destinations[7][type]", "email"), ("destinations[2][type]", "webhook")]
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        assert_eq!(row_index(&pairs, "2"), Some(1));
        assert_eq!(row_index(&pairs, "9"), None);
        assert!(
            matches!(Helper::parse("person:destinations:7:5fc9"), Some(Helper::Person { account_id, .. }) if account_id == "5fc9")
        );
        assert!(Helper::parse("up:destinations:1").is_none());
    }
}
