//! Who may see and change what. Invisible things are 404 (their existence is
//! not revealed); visible but not yours is 403.

use crate::error::CoreError;
use crate::model::api_key::Principal;
use crate::model::connection::{Connection, ConnectionScope};
use crate::model::export::Export;
use crate::model::report::{Report, Visibility};

pub fn can_read_report(p: &Principal, r: &Report) -> bool {
    p.is_admin() || r.owner == p.user || r.visibility == Visibility::Public
}

/// Owner or admin may change, delete, run and schedule a report.
pub fn ensure_report_owner(p: &Principal, r: &Report, action: &str) -> Result<(), CoreError> {
    if p.is_admin() || r.owner == p.user {
        Ok(())
    } else {
        Err(CoreError::Forbidden(format!(
            "only the report's owner or an admin may {action} it; copy it first to get your own (report {})",
            r.id
        )))
    }
}

pub fn can_read_connection(p: &Principal, c: &Connection) -> bool {
    p.is_admin() || c.owner == p.user || c.scope == ConnectionScope::Site
}

/// Reports run with their connection's credentials, so only its owner (or an
/// admin) may build a report on a connection.
pub fn can_use_connection(p: &Principal, c: &Connection) -> bool {
    p.is_admin() || c.owner == p.user
}

pub fn can_write_connection(p: &Principal, c: &Connection) -> bool {
    p.is_admin() || c.owner == p.user
}

/// An export is visible to whoever started it, the report's owner and admins.
pub fn can_read_export(p: &Principal, e: &Export) -> bool {
    p.is_admin() || e.created_by == p.user || e.owner == p.user
}

pub fn ensure_admin(p: &Principal) -> Result<(), CoreError> {
    if p.is_admin() {
        Ok(())
    } else {
        Err(CoreError::Forbidden("this needs an admin key".into()))
    }
}
