//! First start of an empty install: the first admin key, a demo `sample`
//! connection and a demo report, so a new user can run an export at once.
//! Locally the key is given or generated (`bootstrap`); on AWS the operator
//! gives only its SHA-256 (`bootstrap_with_hash`), so the secret never passes
//! through AWS.

use serde_json::json;

use crate::error::CoreError;
use crate::model::api_key::{ApiKey, Principal, Role};
use crate::model::connection::{ConnectionKind, ConnectionScope};
use crate::model::format_options::{Format, FormatOptionsInput};
use crate::model::ids::IdKind;
use crate::model::report::{ReportType, Visibility};
use crate::usecases::connections::{create_connection, ConnectionInput};
use crate::usecases::keys::{store_key, KeyInput};
use crate::usecases::reports::{create_report, ReportInput, ReportView};
use crate::Ports;

/// The user the first admin key belongs to.
pub const FIRST_ADMIN_USER: &str = "admin";

#[derive(Debug, Clone)]
pub struct Bootstrapped {
    /// The admin key, when this start created it (shown once).
    pub admin_key: String,
    /// True when the key was generated (not taken from configuration).
    pub generated: bool,
    pub demo_report: ReportView,
}

/// The shortest `FERRY_ADMIN_KEY` accepted (SPEC, Authentication): with
/// guessing throttled to 10 a minute per address, 32 characters are out of
/// reach of any number of addresses.
pub const MIN_ADMIN_KEY_CHARS: usize = 32;

/// On an install without keys: creates the admin key (`preset` when given),
/// the demo connection and the demo report. None when the install is not new.
pub async fn bootstrap(ports: &Ports, preset_admin_key: Option<String>) -> Result<Option<Bootstrapped>, CoreError> {
    if ports.keys.count_keys().await? > 0 {
        return Ok(None);
    }
    if let Some(k) = &preset_admin_key {
        if k.chars().count() < MIN_ADMIN_KEY_CHARS {
            return Err(CoreError::invalid("FERRY_ADMIN_KEY", "must be at least 32 characters"));
        }
    }
    let generated = preset_admin_key.is_none();
    let created =
        store_key(ports, &KeyInput { user: FIRST_ADMIN_USER.into(), email: None, role: Role::Admin }, preset_admin_key)
            .await?;
    let admin =
        Principal { key_id: created.view.id.clone(), user: FIRST_ADMIN_USER.into(), email: None, role: Role::Admin };
    let report = create_demo(ports, &admin).await?;
    Ok(Some(Bootstrapped { admin_key: created.key, generated, demo_report: report }))
}

/// On an install without keys: stores the first admin key from the SHA-256
/// (lowercase hex) of a key the operator generated, and the demo connection
/// and report. None when the install is not new, or when a concurrent cold
/// start stored the same key first (the store keeps key hashes unique, so
/// exactly one insert wins and only the winner creates the demo).
pub async fn bootstrap_with_hash(ports: &Ports, key_sha256: &str) -> Result<Option<ReportView>, CoreError> {
    let hash = key_sha256.trim().to_ascii_lowercase();
    if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(CoreError::invalid("AdminKeySha256", "must be 64 hex digits (the SHA-256 of the key)"));
    }
    if ports.keys.count_keys().await? > 0 {
        return Ok(None);
    }
    let key = ApiKey {
        id: ports.ids.new_id(IdKind::Key),
        user: FIRST_ADMIN_USER.into(),
        email: None,
        role: Role::Admin,
        hash: hash.clone(),
        created_at: ports.clock.now(),
        last_used_at: None,
    };
    if let Err(err) = ports.keys.insert_key(&key).await {
        if ports.keys.find_key_by_hash(&hash).await?.is_some() {
            return Ok(None);
        }
        return Err(err.into());
    }
    let admin = Principal { key_id: key.id, user: FIRST_ADMIN_USER.into(), email: None, role: Role::Admin };
    Ok(Some(create_demo(ports, &admin).await?))
}

/// The demo `sample` connection and the public demo report on it.
async fn create_demo(ports: &Ports, admin: &Principal) -> Result<ReportView, CoreError> {
    let mut settings = serde_json::Map::new();
    settings.insert("rows".into(), json!(1000));
    settings.insert("seed".into(), json!(42));
    let connection = create_connection(
        ports,
        admin,
        ConnectionInput {
            name: "Demo tracker".into(),
            kind: ConnectionKind::Sample,
            settings,
            scope: Some(ConnectionScope::User),
            id: None,
            owner: None,
            created_at: None,
            updated_at: None,
        },
    )
    .await?;
    create_report(
        ports,
        admin,
        ReportInput {
            name: "Demo issues".into(),
            visibility: Visibility::Public,
            connection_id: connection.id,
            report_type: ReportType::Issues,
            query: None,
            columns: Vec::new(),
            format: Format::Csv,
            format_options: FormatOptionsInput::default(),
            file_name: None,
            compress: false,
            time_in_status: None,
            dataset: None,
            id: None,
            owner: None,
            created_at: None,
            updated_at: None,
        },
    )
    .await
}

/// `FERRY_ADMIN_EMAIL` (local) or the stack parameter `AdminEmail` (AWS):
/// the first admin key takes this address while it has none, so notices
/// reach someone from the first start on. True when an email was set.
pub async fn adopt_admin_email(ports: &Ports, email: &str, setting: &'static str) -> Result<bool, CoreError> {
    let email = email.trim();
    if email.is_empty() {
        return Ok(false);
    }
    crate::model::email_address::EmailAddress::parse_field(setting, email)?;
    let mut page = crate::model::page::PageRequest::first(1000);
    loop {
        let found = ports.keys.list_keys(&page).await?;
        let first = found.items.into_iter().find(|k| k.user == FIRST_ADMIN_USER && k.role == Role::Admin);
        if let Some(mut key) = first {
            if key.email.is_some() {
                return Ok(false);
            }
            key.email = Some(email.to_string());
            return Ok(ports.keys.update_key(&key).await?);
        }
        match found.next_cursor {
            Some(c) => page.cursor = Some(c),
            None => return Ok(false),
        }
    }
}
