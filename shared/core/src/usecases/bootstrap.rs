//! First start of an empty install: the first admin key, a demo `sample`
//! connection and a demo report, so a new user can run an export at once.

use serde_json::json;

use crate::error::CoreError;
use crate::model::api_key::{Principal, Role};
use crate::model::connection::{ConnectionKind, ConnectionScope};
use crate::model::format_options::{Format, FormatOptionsInput};
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

/// On an install without keys: creates the admin key (`preset` when given),
/// the demo connection and the demo report. None when the install is not new.
pub async fn bootstrap(ports: &Ports, preset_admin_key: Option<String>) -> Result<Option<Bootstrapped>, CoreError> {
    if ports.keys.count_keys().await? > 0 {
        return Ok(None);
    }
    if let Some(k) = &preset_admin_key {
        if k.len() < 16 {
            return Err(CoreError::invalid("FERRY_ADMIN_KEY", "must be at least 16 characters"));
        }
    }
    let generated = preset_admin_key.is_none();
    let created =
        store_key(ports, &KeyInput { user: FIRST_ADMIN_USER.into(), email: None, role: Role::Admin }, preset_admin_key)
            .await?;
    let admin =
        Principal { key_id: created.view.id.clone(), user: FIRST_ADMIN_USER.into(), email: None, role: Role::Admin };
    let mut settings = serde_json::Map::new();
    settings.insert("rows".into(), json!(1000));
    settings.insert("seed".into(), json!(42));
    let connection = create_connection(
        ports,
        &admin,
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
    let report = create_report(
        ports,
        &admin,
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
            id: None,
            owner: None,
            created_at: None,
            updated_at: None,
        },
    )
    .await?;
    Ok(Some(Bootstrapped { admin_key: created.key, generated, demo_report: report }))
}
