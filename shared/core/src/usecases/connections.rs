//! Connection use cases. Secrets in settings are write-only: shown as `***`,
//! and a PUT that leaves one out (or sends `***`) keeps the stored value.

use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value as Json};

use crate::error::CoreError;
use crate::model::api_key::Principal;
use crate::model::connection::{Connection, ConnectionKind, ConnectionScope};
use crate::model::ids::IdKind;
use crate::model::page::{Page, PageRequest};
use crate::model::report::ReportType;
use crate::model::value::FieldInfo;
use crate::ports::source::SourceError;
use crate::usecases::access::{can_read_connection, can_write_connection};
use crate::usecases::settings::current;
use crate::Ports;

pub const MASK: &str = "***";

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ConnectionInput {
    pub name: String,
    pub kind: ConnectionKind,
    #[serde(default)]
    #[schema(value_type = Object)]
    pub settings: Map<String, Json>,
    #[serde(default)]
    pub scope: Option<ConnectionScope>,
    #[serde(default, skip_serializing)]
    #[schema(ignore)]
    pub id: Option<IgnoredAny>,
    #[serde(default, skip_serializing)]
    #[schema(ignore)]
    pub owner: Option<IgnoredAny>,
    #[serde(default, skip_serializing)]
    #[schema(ignore)]
    pub created_at: Option<IgnoredAny>,
    #[serde(default, skip_serializing)]
    #[schema(ignore)]
    pub updated_at: Option<IgnoredAny>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionView {
    pub id: String,
    pub name: String,
    pub kind: ConnectionKind,
    #[schema(value_type = Object)]
    pub settings: Map<String, Json>,
    pub scope: ConnectionScope,
    pub owner: String,
    #[schema(value_type = String)]
    pub created_at: jiff::Timestamp,
    #[schema(value_type = String)]
    pub updated_at: jiff::Timestamp,
}

impl From<&Connection> for ConnectionView {
    fn from(c: &Connection) -> Self {
        let mut settings = c.settings.clone();
        for secret in c.kind.secret_settings() {
            if settings.contains_key(*secret) {
                settings.insert((*secret).to_string(), Json::String(MASK.into()));
            }
        }
        ConnectionView {
            id: c.id.clone(),
            name: c.name.clone(),
            kind: c.kind,
            settings,
            scope: c.scope,
            owner: c.owner.clone(),
            created_at: c.created_at,
            updated_at: c.updated_at,
        }
    }
}

fn validate_name(name: &str) -> Result<(), CoreError> {
    if name.trim().is_empty() || name.len() > 200 {
        return Err(CoreError::invalid("name", "must be 1–200 characters"));
    }
    Ok(())
}

async fn build(
    ports: &Ports,
    actor: &Principal,
    input: ConnectionInput,
    existing: Option<&Connection>,
) -> Result<Connection, CoreError> {
    validate_name(&input.name)?;
    let scope = input.scope.unwrap_or(ConnectionScope::User);
    if scope == ConnectionScope::Site && !actor.is_admin() {
        return Err(CoreError::Forbidden("only admins create site connections".into()));
    }
    let mut settings = input.settings;
    for secret in input.kind.secret_settings() {
        let sent_mask = settings.get(*secret).and_then(Json::as_str) == Some(MASK);
        if sent_mask || !settings.contains_key(*secret) {
            match existing.filter(|e| e.kind == input.kind).and_then(|e| e.settings.get(*secret)) {
                Some(stored) => {
                    settings.insert((*secret).to_string(), stored.clone());
                }
                None if sent_mask => {
                    return Err(CoreError::invalid(format!("settings.{secret}"), "has no stored value to keep"));
                }
                None => {}
            }
        }
    }
    let now = ports.clock.now();
    let connection = Connection {
        id: existing.map(|e| e.id.clone()).unwrap_or_else(|| ports.ids.new_id(IdKind::Connection)),
        name: input.name,
        kind: input.kind,
        settings,
        scope,
        owner: existing.map(|e| e.owner.clone()).unwrap_or_else(|| actor.user.clone()),
        created_at: existing.map(|e| e.created_at).unwrap_or(now),
        updated_at: now,
    };
    let allow_private_networks = current(ports).await?.allow_private_networks;
    ports
        .sources
        .check_settings(&connection, allow_private_networks)
        .map_err(|f| CoreError::invalid(f.field, f.message))?;
    Ok(connection)
}

pub async fn create_connection(
    ports: &Ports,
    actor: &Principal,
    input: ConnectionInput,
) -> Result<ConnectionView, CoreError> {
    let c = build(ports, actor, input, None).await?;
    ports.connections.insert_connection(&c).await?;
    Ok(ConnectionView::from(&c))
}

/// A connection the actor may read; 404 otherwise.
pub async fn load_connection(ports: &Ports, actor: &Principal, id: &str) -> Result<Connection, CoreError> {
    match ports.connections.get_connection(id).await? {
        Some(c) if can_read_connection(actor, &c) => Ok(c),
        _ => Err(CoreError::not_found("connection", id)),
    }
}

pub async fn get_connection(ports: &Ports, actor: &Principal, id: &str) -> Result<ConnectionView, CoreError> {
    Ok(ConnectionView::from(&load_connection(ports, actor, id).await?))
}

pub async fn list_connections(
    ports: &Ports,
    actor: &Principal,
    page: PageRequest,
) -> Result<Page<ConnectionView>, CoreError> {
    let owner = (!actor.is_admin()).then_some(actor.user.as_str());
    Ok(ports.connections.list_connections(owner, &page).await?.map(|c| ConnectionView::from(&c)))
}

pub async fn update_connection(
    ports: &Ports,
    actor: &Principal,
    id: &str,
    input: ConnectionInput,
) -> Result<ConnectionView, CoreError> {
    let existing = load_connection(ports, actor, id).await?;
    if !can_write_connection(actor, &existing) {
        return Err(CoreError::Forbidden("only the connection's owner or an admin may change it".into()));
    }
    let c = build(ports, actor, input, Some(&existing)).await?;
    ports.connections.update_connection(&c).await?;
    Ok(ConnectionView::from(&c))
}

pub async fn delete_connection(ports: &Ports, actor: &Principal, id: &str) -> Result<(), CoreError> {
    let existing = load_connection(ports, actor, id).await?;
    if !can_write_connection(actor, &existing) {
        return Err(CoreError::Forbidden("only the connection's owner or an admin may delete it".into()));
    }
    let users = ports.reports.reports_using_connection(id).await?;
    if !users.is_empty() {
        return Err(CoreError::Conflict {
            code: "connection_in_use",
            message: format!("the connection is used by reports {}; delete or change them first", users.join(", ")),
        });
    }
    ports.connections.delete_connection(id).await?;
    Ok(())
}

pub async fn connection_fields(
    ports: &Ports,
    actor: &Principal,
    id: &str,
    report_type: ReportType,
) -> Result<Vec<FieldInfo>, CoreError> {
    let c = load_connection(ports, actor, id).await?;
    let settings = current(ports).await?;
    ports.sources.fields(&c, report_type, settings.allow_private_networks).await.map_err(source_error)
}

/// `GET /v1/connections/{id}/users?query=`: people of a Jira connection's
/// site by name, for an email destination's `toUsers`. Whoever may read the
/// connection may search (as for its fields); an empty query finds nobody.
pub async fn search_users(
    ports: &Ports,
    actor: &Principal,
    id: &str,
    query: &str,
) -> Result<Vec<crate::ports::source::SiteUser>, CoreError> {
    let c = load_connection(ports, actor, id).await?;
    let query = query.trim();
    if query.is_empty() {
        return Ok(Vec::new());
    }
    if query.chars().count() > 100 {
        return Err(CoreError::invalid("query", "at most 100 characters"));
    }
    let settings = current(ports).await?;
    ports.sources.search_users(&c, query, settings.allow_private_networks).await.map_err(source_error)
}

/// The names of `account_ids` on the site of `report_id`'s connection, for
/// showing a schedule's stored `toUsers` by name; an account the site does
/// not know is left out (the form then shows its id). A failed lookup ends
/// the lookups: the form still works with ids, so it is logged, not shown.
pub async fn people_names(
    ports: &Ports,
    actor: &Principal,
    report_id: &str,
    account_ids: &[String],
) -> Result<Vec<(String, String)>, CoreError> {
    if account_ids.is_empty() {
        return Ok(Vec::new());
    }
    let report = crate::usecases::reports::load_report(ports, actor, report_id).await?;
    let Some(c) = ports.connections.get_connection(&report.connection_id).await? else { return Ok(Vec::new()) };
    let allow_private_networks = current(ports).await?.allow_private_networks;
    let mut names = Vec::new();
    for id in account_ids.iter().take(50) {
        match ports.sources.user_name(&c, id, allow_private_networks).await {
            Ok(Some(name)) => names.push((id.clone(), name)),
            Ok(None) => {}
            Err(e) => {
                tracing::warn!(connection_id = %c.id, error = %e, "looking up the names of toUsers failed");
                break;
            }
        }
    }
    Ok(names)
}

/// A source's refusal as the API shows it: 400 for a bad report or setting,
/// 409 `destination_forbidden` for a guarded address, 409 `source_error` otherwise.
pub(crate) fn source_error(e: SourceError) -> CoreError {
    match e {
        SourceError::Invalid(f) => CoreError::invalid(f.field, f.message),
        SourceError::Forbidden(message) => CoreError::Conflict { code: "destination_forbidden", message },
        SourceError::Failed(message) => CoreError::Conflict { code: "source_error", message },
    }
}

/// The answer of `POST /v1/connections/{id}/test`: `{"ok": true, "user", "site"}`
/// or `{"ok": false, "error"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionTestResult {
    pub ok: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub site: Option<String>,
    /// Why the connection does not work; a `destination_forbidden: ` prefix
    /// marks an address refused by the private-network guard.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// Logs in with a connection's credentials. Only its owner or an admin may,
/// as only they may run reports with it. A failure of the source is an
/// answer (`ok: false`), not an error of the request.
pub async fn test_connection(ports: &Ports, actor: &Principal, id: &str) -> Result<ConnectionTestResult, CoreError> {
    let c = load_connection(ports, actor, id).await?;
    if !can_write_connection(actor, &c) {
        return Err(CoreError::Forbidden("only the connection's owner or an admin may test it".into()));
    }
    sign_in(ports, &c).await
}

async fn sign_in(ports: &Ports, c: &Connection) -> Result<ConnectionTestResult, CoreError> {
    let settings = current(ports).await?;
    Ok(match ports.sources.test_connection(c, settings.allow_private_networks).await {
        Ok(check) => ConnectionTestResult { ok: true, user: Some(check.user), site: Some(check.site), error: None },
        Err(e) => ConnectionTestResult { ok: false, user: None, site: None, error: Some(e.to_string()) },
    })
}

/// The body of `POST /v1/connections/test`: a connection as for POST, and
/// optionally the `id` of a stored one whose secrets fill those left out or
/// sent as `***` (an edit form tests what it holds without the person typing
/// the stored token again).
#[derive(Debug, Clone)]
pub struct UnsavedConnection {
    pub stored_id: Option<String>,
    pub input: ConnectionInput,
}

impl UnsavedConnection {
    /// Reads the body; errors name the field as sent.
    pub fn from_json(body: &Json) -> Result<Self, CoreError> {
        let stored_id = match body.get("id") {
            None | Some(Json::Null) => None,
            Some(Json::String(id)) if !id.is_empty() => Some(id.clone()),
            Some(_) => return Err(CoreError::invalid("id", "must be the id of a stored connection")),
        };
        let input = crate::json_input::from_json_value(body, "")?;
        Ok(UnsavedConnection { stored_id, input })
    }
}

/// Logs in with exactly the values given, nothing saved. The connection is
/// checked as a save would check it (name, scope, settings, address guard),
/// so what passes here also saves. Stored secrets come only from a stored
/// connection the actor may change (the owner or an admin), as for a PUT.
pub async fn test_unsaved_connection(
    ports: &Ports,
    actor: &Principal,
    unsaved: UnsavedConnection,
) -> Result<ConnectionTestResult, CoreError> {
    let existing = match &unsaved.stored_id {
        Some(id) => {
            let c = load_connection(ports, actor, id).await?;
            if !can_write_connection(actor, &c) {
                return Err(CoreError::Forbidden("only the connection's owner or an admin may test it".into()));
            }
            Some(c)
        }
        None => None,
    };
    let c = build(ports, actor, unsaved.input, existing.as_ref()).await?;
    sign_in(ports, &c).await
}
