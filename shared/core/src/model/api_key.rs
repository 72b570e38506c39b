//! API keys and the principal a key authenticates as. Keys are stored only as
//! SHA-256 hashes; the plain key is shown once, when it is created.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Admin,
    Member,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Member => "member",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "admin" => Some(Role::Admin),
            "member" => Some(Role::Member),
            _ => None,
        }
    }
}

/// A stored key: everything but the key itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiKey {
    pub id: String,
    pub user: String,
    pub email: Option<String>,
    pub role: Role,
    /// Lowercase hex SHA-256 of the key.
    pub hash: String,
    pub created_at: Timestamp,
    /// When the key last authenticated a request (to the minute: see `auth`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_used_at: Option<Timestamp>,
}

/// Who is calling: the user a key belongs to, and its role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub key_id: String,
    pub user: String,
    pub email: Option<String>,
    pub role: Role,
}

impl Principal {
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    /// The local CLI and workers act as this principal.
    pub fn system() -> Self {
        Principal { key_id: String::new(), user: "system".into(), email: None, role: Role::Admin }
    }
}

/// Lowercase hex SHA-256 of a presented key.
pub fn hash_key(key: &str) -> String {
    hex::encode(Sha256::digest(key.as_bytes()))
}
