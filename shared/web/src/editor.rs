//! What a create-or-edit form page hands the pages' script: the `/v1` call
//! that saves it (the same use cases and validation as the API), where to go
//! after saving, and the resource as the API shows it, to fill the form.
//!
//! Why the script saves through `/v1` rather than posting to a page route:
//! the forms are live (next runs, field pickers, check query), the API's
//! `details[].field` names the field to mark, and the form stays as typed
//! on a refusal because the page never reloads. Deletes, settings and keys,
//! which are plain forms, post to page routes and work without JavaScript.

use serde_json::Value;

/// The form's saving call; the template writes these as `data-` attributes.
#[derive(Debug, Clone)]
pub struct Editor {
    /// `POST` for a new thing, `PUT` for an existing one.
    pub method: &'static str,
    /// The `/v1` path, without `/v1` (`/schedules/sch_…`).
    pub api: String,
    /// The page shown after saving; `{id}` is the saved thing's id.
    pub done: String,
    /// The JSON the form starts from (a GET's answer, or a new thing's defaults).
    pub initial: String,
}

impl Editor {
    pub fn create(api: &str, done: String, initial: &Value) -> Self {
        Editor { method: "POST", api: api.to_string(), done, initial: initial.to_string() }
    }

    pub fn update(api: String, done: String, initial: &Value) -> Self {
        Editor { method: "PUT", api, done, initial: initial.to_string() }
    }
}
