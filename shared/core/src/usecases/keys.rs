//! API key management (admin only). The key itself is shown once, on creation.

use serde::{Deserialize, Serialize};

use crate::error::CoreError;
use crate::model::api_key::{hash_key, ApiKey, Principal, Role};
use crate::model::ids::{random_token, IdKind};
use crate::model::page::{Page, PageRequest};
use crate::ports::key_store::KeyDeleteOutcome;
use crate::usecases::access::ensure_admin;
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
}

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

pub fn validate_email(field: &str, email: &str) -> Result<(), CoreError> {
    let valid = match email.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !email.chars().any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | ',' | ';'))
        }
        None => false,
    };
    if valid && email.len() <= 254 {
        Ok(())
    } else {
        Err(CoreError::invalid(field, format!("'{email}' is not an email address")))
    }
}

/// Stores a key with a given value (first start) or a new random one.
pub async fn store_key(ports: &Ports, input: &KeyInput, value: Option<String>) -> Result<CreatedKey, CoreError> {
    validate_user_name(&input.user)?;
    if let Some(e) = &input.email {
        validate_email("email", e)?;
    }
    let key = value.unwrap_or_else(new_key_value);
    let stored = ApiKey {
        id: ports.ids.new_id(IdKind::Key),
        user: input.user.clone(),
        email: input.email.clone(),
        role: input.role,
        hash: hash_key(&key),
        created_at: ports.clock.now(),
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

pub async fn delete_key(ports: &Ports, actor: &Principal, id: &str) -> Result<(), CoreError> {
    ensure_admin(actor)?;
    match ports.keys.delete_key(id).await? {
        KeyDeleteOutcome::Deleted => Ok(()),
        KeyDeleteOutcome::NotFound => Err(CoreError::not_found("key", id)),
        KeyDeleteOutcome::LastAdmin => Err(CoreError::Conflict {
            code: "last_admin_key",
            message: "the last admin key cannot be deleted; create another admin key first".into(),
        }),
    }
}
