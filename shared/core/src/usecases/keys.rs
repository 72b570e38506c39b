//! API key management (admin only). The key itself is shown once, on creation.

use serde::{Deserialize, Serialize};

use crate::error::CoreError;
use crate::model::api_key::{hash_key, ApiKey, Principal, Role};
use crate::model::email_address::EmailAddress;
use crate::model::ids::{random_token, IdKind};
use crate::model::page::{Page, PageRequest};
use crate::model::schedule::PausedReason;
use crate::ports::key_store::KeyDeleteOutcome;
use crate::usecases::access::ensure_admin;
use crate::usecases::schedules::modify_schedule;
use crate::Ports;

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct KeyInput {
    pub user: String,
    #[serde(default)]
    pub email: Option<String>,
    pub role: Role,
}

/// A key as listed: never the key itself.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct KeyView {
    pub id: String,
    pub user: String,
    pub email: Option<String>,
    pub role: Role,
    #[schema(value_type = String)]
    pub created_at: jiff::Timestamp,
    /// When the key last authenticated a request (to the minute); null when never.
    #[schema(value_type = Option<String>)]
    pub last_used_at: Option<jiff::Timestamp>,
}

/// `PATCH /v1/keys/{id}`: the address Ferry's notices go to (null removes it).
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct KeyPatch {
    pub email: Option<String>,
}

/// How stale `lastUsedAt` may get: a key used all the time is written once a minute, not on every request.
const LAST_USE_RESOLUTION: jiff::SignedDuration = jiff::SignedDuration::from_secs(60);

/// The answer to a create: the only time `key` is shown.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreatedKey {
    #[serde(flatten)]
    pub view: KeyView,
    pub key: String,
}

impl From<&ApiKey> for KeyView {
    fn from(k: &ApiKey) -> Self {
        KeyView {
            id: k.id.clone(),
            user: k.user.clone(),
            email: k.email.clone(),
            role: k.role,
            created_at: k.created_at,
            last_used_at: k.last_used_at,
        }
    }
}

/// A new key value: `fy_` and 256 random bits.
pub fn new_key_value() -> String {
    format!("fy_{}", random_token())
}

pub fn validate_user_name(user: &str) -> Result<(), CoreError> {
    let ok = !user.is_empty()
        && user.len() <= 64
        && user.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'));
    if ok {
        Ok(())
    } else {
        Err(CoreError::invalid("user", "must be 1–64 characters of letters, digits, '.', '_', '-' or '@'"))
    }
}

/// Stores a key with a given value (first start) or a new random one.
pub async fn store_key(ports: &Ports, input: &KeyInput, value: Option<String>) -> Result<CreatedKey, CoreError> {
    validate_user_name(&input.user)?;
    if let Some(e) = &input.email {
        EmailAddress::parse_field("email", e)?;
    }
    let key = value.unwrap_or_else(new_key_value);
    let stored = ApiKey {
        id: ports.ids.new_id(IdKind::Key),
        user: input.user.clone(),
        email: input.email.clone(),
        role: input.role,
        hash: hash_key(&key),
        created_at: ports.clock.now(),
        last_used_at: None,
    };
    ports.keys.insert_key(&stored).await?;
    Ok(CreatedKey { view: KeyView::from(&stored), key })
}

pub async fn create_key(ports: &Ports, actor: &Principal, input: KeyInput) -> Result<CreatedKey, CoreError> {
    ensure_admin(actor)?;
    store_key(ports, &input, None).await
}

pub async fn list_keys(ports: &Ports, actor: &Principal, page: PageRequest) -> Result<Page<KeyView>, CoreError> {
    ensure_admin(actor)?;
    Ok(ports.keys.list_keys(&page).await?.map(|k| KeyView::from(&k)))
}

/// Sets or removes a key's email, the address its user's notices go to.
pub async fn patch_key(ports: &Ports, actor: &Principal, id: &str, patch: KeyPatch) -> Result<KeyView, CoreError> {
    ensure_admin(actor)?;
    let email = patch.email.filter(|e| !e.trim().is_empty());
    if let Some(e) = &email {
        EmailAddress::parse_field("email", e)?;
    }
    for _ in 0..3 {
        let Some(mut key) = ports.keys.find_key_by_id(id).await? else { break };
        key.email = email.clone();
        if ports.keys.update_key(&key).await? {
            return Ok(KeyView::from(&key));
        }
    }
    Err(CoreError::not_found("key", id))
}

/// Records that `key` was just used, at most once a minute; a failed write
/// is logged and never refuses the request.
pub async fn note_use(ports: &Ports, mut key: ApiKey) -> ApiKey {
    let now = ports.clock.now();
    if key.last_used_at.is_some_and(|t| now.duration_since(t) < LAST_USE_RESOLUTION) {
        return key;
    }
    key.last_used_at = Some(now);
    if let Err(err) = ports.keys.update_key(&key).await {
        tracing::warn!(key_id = %key.id, error = %err, "could not record the key's last use");
    }
    key
}

pub async fn delete_key(ports: &Ports, actor: &Principal, id: &str) -> Result<(), CoreError> {
    ensure_admin(actor)?;
    let keys = all_keys(ports).await?;
    let user = keys.iter().find(|k| k.id == id).map(|k| k.user.clone());
    match ports.keys.delete_key(id).await? {
        KeyDeleteOutcome::Deleted => {
            // Pages re-read the key anyway; this drops the rows at once.
            ports.sessions.delete_sessions_of_key(id).await?;
            if let Some(user) = user {
                if !keys.iter().any(|k| k.id != id && k.user == user) {
                    pause_schedules_of(ports, &user).await?;
                }
            }
            Ok(())
        }
        KeyDeleteOutcome::NotFound => Err(CoreError::not_found("key", id)),
        KeyDeleteOutcome::LastAdmin => Err(CoreError::Conflict {
            code: "last_admin_key",
            message: "the last admin key cannot be deleted; create another admin key first".into(),
        }),
    }
}

async fn all_keys(ports: &Ports) -> Result<Vec<ApiKey>, CoreError> {
    let mut page = PageRequest::first(1000);
    let mut out = Vec::new();
    loop {
        let found = ports.keys.list_keys(&page).await?;
        out.extend(found.items);
        match found.next_cursor {
            Some(c) => page.cursor = Some(c),
            None => return Ok(out),
        }
    }
}

/// A user without keys can no longer fix or stop their schedules: they pause
/// (`owner_removed`) rather than run on unattended.
async fn pause_schedules_of(ports: &Ports, user: &str) -> Result<(), CoreError> {
    let mut page = PageRequest::first(1000);
    loop {
        let found = ports.schedules.list_schedules(Some(user), &page).await?;
        for s in &found.items {
            modify_schedule(ports, &s.id, |s| {
                s.paused = true;
                s.paused_reason = Some(PausedReason::OwnerRemoved);
                s.next_run_at = None;
            })
            .await?;
        }
        match found.next_cursor {
            Some(c) => page.cursor = Some(c),
            None => return Ok(()),
        }
    }
}
