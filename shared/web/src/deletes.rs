//! `Delete` of schedules, reports, connections, keys and an export's file:
//! each asked on a page of its own (`GET …/delete`), done by a plain form
//! (`POST …/delete`), so it works without JavaScript. A refusal the API
//! answers with 409 (a report used by schedules, the last admin key) is
//! explained on the same page in words, with what to do first: each
//! schedule or report in the way by name, linked to its page.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use ferry_core::model::page::PageRequest;
use ferry_core::usecases::delete_blockers::{self, Blocker};
use ferry_core::usecases::{connections, dashboard, exports, keys, reports, schedules};
use ferry_core::CoreError;

use crate::error::WebError;
use crate::flash::Flash;
use crate::frame::{render, Frame, Viewer};
use crate::sign_in::CsrfOnly;
use crate::WebState;

/// What can be deleted from the pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Doomed {
    Schedule,
    Report,
    Connection,
    Key,
    ExportFile,
}

impl Doomed {
    fn noun(self) -> &'static str {
        match self {
            Doomed::Schedule => "schedule",
            Doomed::Report => "report",
            Doomed::Connection => "connection",
            Doomed::Key => "API key",
            Doomed::ExportFile => "export's file",
        }
    }

    fn nav(self) -> &'static str {
        match self {
            Doomed::Schedule => "Schedules",
            Doomed::Report => "Reports",
            Doomed::Connection => "Connections",
            Doomed::Key => "Keys",
            Doomed::ExportFile => "Exports",
        }
    }

    /// The page path of the thing (`/schedules/{id}`) and of its list.
    fn paths(self, id: &str) -> (String, &'static str) {
        match self {
            Doomed::Schedule => (format!("/schedules/{id}"), "/schedules"),
            Doomed::Report => (format!("/reports/{id}"), "/reports"),
            Doomed::Connection => (format!("/connections/{id}/edit"), "/connections"),
            Doomed::Key => ("/keys".into(), "/keys"),
            Doomed::ExportFile => ("/exports".into(), "/exports"),
        }
    }

    /// What deleting does, in a sentence.
    fn consequence(self) -> &'static str {
        match self {
            Doomed::Schedule => "It stops running. Its exports and their history stay.",
            Doomed::Report => "Its exports stay. A report that schedules use cannot be deleted: delete them first.",
            Doomed::Connection => {
                "Reports that use it cannot run any more, so a connection used by a report cannot be deleted."
            }
            Doomed::Key => {
                "Whoever uses it is signed out at once; if it is their only key, their schedules pause. \
                 The last admin key cannot be deleted."
            }
            Doomed::ExportFile => {
                "The file is removed now instead of at the end of its retention; the export's record stays."
            }
        }
    }
}

#[derive(Template)]
#[template(path = "confirm_delete.html")]
struct ConfirmPage {
    frame: Frame,
    noun: &'static str,
    name: String,
    consequence: &'static str,
    action: String,
    back: String,
    /// Why the delete was refused, in words (after a 409).
    refused: Option<String>,
    /// What stands in the way: (what it is, its page; None when not the viewer's to see).
    blockers: Vec<(String, Option<String>)>,
}

/// The name people know the thing by; also checks that the viewer may see it.
async fn name_of(state: &WebState, viewer: &Viewer, what: Doomed, id: &str) -> Result<String, CoreError> {
    let ports = &state.ports;
    let actor = &viewer.principal;
    Ok(match what {
        Doomed::Schedule => {
            let row = dashboard::schedule_row(ports, actor, id).await?;
            format!("the schedule of “{}”", row.report_name.unwrap_or(row.schedule.report_id))
        }
        Doomed::Report => format!("“{}”", reports::get_report(ports, actor, id).await?.name),
        Doomed::Connection => format!("“{}”", connections::get_connection(ports, actor, id).await?.name),
        Doomed::Key => {
            let all = keys::list_keys(ports, actor, PageRequest::first(1000)).await?;
            let key = all.items.into_iter().find(|k| k.id == id).ok_or_else(|| CoreError::not_found("key", id))?;
            format!("the {} key of {} ({})", key.role.as_str(), key.user, key.id)
        }
        Doomed::ExportFile => {
            let e = exports::get_export(ports, actor, id).await?;
            format!("the file {} of export {}", e.file_name.unwrap_or_default(), e.id)
        }
    })
}

async fn confirm(
    state: &WebState,
    viewer: &Viewer,
    what: Doomed,
    id: &str,
    refused: Option<String>,
    blockers: Vec<(String, Option<String>)>,
) -> Result<Response, WebError> {
    let name = name_of(state, viewer, what, id).await.map_err(|e| viewer.fail(e))?;
    let (page, _) = what.paths(id);
    let action = match what {
        Doomed::ExportFile => format!("/exports/{id}/file/delete"),
        Doomed::Key => format!("/keys/{id}/delete"),
        _ => format!("{}/delete", page.trim_end_matches("/edit")),
    };
    let status = if refused.is_some() { StatusCode::CONFLICT } else { StatusCode::OK };
    let mut response = render(ConfirmPage {
        frame: viewer.frame(what.nav()),
        noun: what.noun(),
        name,
        consequence: what.consequence(),
        action: viewer.link(&action),
        back: viewer.link(&page),
        refused,
        blockers,
    })?;
    *response.status_mut() = status;
    Ok(response)
}

async fn delete(state: &WebState, viewer: &Viewer, what: Doomed, id: &str) -> Result<(), CoreError> {
    let (ports, actor) = (&state.ports, &viewer.principal);
    match what {
        Doomed::Schedule => schedules::delete_schedule(ports, actor, id).await,
        Doomed::Report => reports::delete_report(ports, actor, id).await,
        Doomed::Connection => connections::delete_connection(ports, actor, id).await,
        Doomed::Key => keys::delete_key(ports, actor, id).await,
        Doomed::ExportFile => exports::delete_export_file(ports, actor, id).await,
    }
}

/// The API's 409 as a sentence that says what to do.
fn explain(what: Doomed, message: &str) -> String {
    let first = match what {
        Doomed::Key => "This key cannot be deleted",
        _ => "It cannot be deleted now",
    };
    format!("{first}: {message}.")
}

async fn confirm_page(state: WebState, viewer: Viewer, what: Doomed, id: String) -> Result<Response, WebError> {
    confirm(&state, &viewer, what, &id, None, Vec::new()).await
}

/// The schedules or reports in the way of a refused delete, for people.
async fn blockers(
    state: &WebState,
    viewer: &Viewer,
    what: Doomed,
    id: &str,
) -> Result<Vec<(String, Option<String>)>, CoreError> {
    let (ports, actor) = (&state.ports, &viewer.principal);
    let found = match what {
        Doomed::Report => delete_blockers::schedules_using_report(ports, actor, id).await?,
        Doomed::Connection => delete_blockers::reports_using_connection(ports, actor, id).await?,
        _ => return Ok(Vec::new()),
    };
    Ok(found
        .into_iter()
        .map(|b| match b {
            Blocker::Schedule { id, recurrence } => (
                format!("Schedule: {}", crate::recurrence_words::describe(&recurrence)),
                Some(viewer.link(&format!("/schedules/{id}"))),
            ),
            Blocker::Report { id, name } => (format!("Report “{name}”"), Some(viewer.link(&format!("/reports/{id}")))),
            Blocker::Hidden => ("One of another user's, which you cannot see (ask an admin)".to_string(), None),
        })
        .collect())
}

async fn delete_then_list(
    state: WebState,
    viewer: Viewer,
    what: Doomed,
    id: String,
    form: CsrfOnly,
) -> Result<Response, WebError> {
    viewer.check_csrf(&form.csrf)?;
    match delete(&state, &viewer, what, &id).await {
        Ok(()) => {
            let (page, list) = what.paths(&id);
            let to = if what == Doomed::ExportFile { page } else { list.to_string() };
            Ok(Redirect::to(&Flash::Deleted.after(&viewer.link(&to))).into_response())
        }
        Err(CoreError::Conflict { message, .. }) => {
            let blockers = blockers(&state, &viewer, what, &id).await.map_err(|e| viewer.fail(e))?;
            let why = if blockers.is_empty() {
                explain(what, &message)
            } else {
                "It cannot be deleted now: these use it; delete or change them first.".to_string()
            };
            confirm(&state, &viewer, what, &id, Some(why), blockers).await
        }
        Err(e) => Err(viewer.fail(e)),
    }
}

macro_rules! delete_routes {
    ($($confirm:ident, $post:ident, $what:expr;)*) => {$(
        #[doc = concat!("`GET …/delete`: asks before deleting (", stringify!($what), ").")]
        pub async fn $confirm(State(state): State<WebState>, viewer: Viewer, Path(id): Path<String>) -> Result<Response, WebError> {
            confirm_page(state, viewer, $what, id).await
        }
        #[doc = concat!("`POST …/delete`: deletes (", stringify!($what), "), then shows the list.")]
        pub async fn $post(
            State(state): State<WebState>,
            viewer: Viewer,
            Path(id): Path<String>,
            Form(form): Form<CsrfOnly>,
        ) -> Result<Response, WebError> {
            delete_then_list(state, viewer, $what, id, form).await
        }
    )*};
}

delete_routes! {
    confirm_schedule, delete_schedule, Doomed::Schedule;
    confirm_report, delete_report, Doomed::Report;
    confirm_connection, delete_connection, Doomed::Connection;
    confirm_key, delete_key, Doomed::Key;
    confirm_export_file, delete_export_file, Doomed::ExportFile;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_delete_posts_to_its_own_page_and_returns_to_its_list() {
        let cases = [
            (Doomed::Schedule, "/schedules/x", "/schedules"),
            (Doomed::Report, "/reports/x", "/reports"),
            (Doomed::Connection, "/connections/x/edit", "/connections"),
            (Doomed::Key, "/keys", "/keys"),
            (Doomed::ExportFile, "/exports", "/exports"),
        ];
        for (what, page, list) in cases {
            assert_eq!(what.paths("x"), (page.to_string(), list), "{what:?}");
            assert!(!what.consequence().is_empty());
        }
    }

    #[test]
    fn a_refusal_is_one_sentence_with_the_apis_reason() {
        assert_eq!(
            explain(Doomed::Key, "the last admin key cannot be deleted; create another admin key first"),
            "This key cannot be deleted: the last admin key cannot be deleted; create another admin key first."
        );
        assert_eq!(
            explain(Doomed::Report, "the report is used by schedules sch_1; delete them first"),
            "It cannot be deleted now: the report is used by schedules sch_1; delete them first."
        );
    }
}
