//! Connections: where data comes from. Settings are per kind; secrets in them are
//! write-only and never leave the store except to the source adapter.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ConnectionKind {
    Sample,
    Jira,
    /// Confluence Cloud (REST v2); its settings are Jira's.
    Confluence,
}

impl ConnectionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ConnectionKind::Sample => "sample",
            ConnectionKind::Jira => "jira",
            ConnectionKind::Confluence => "confluence",
        }
    }
    /// Setting names whose values are secrets: write-only in the API.
    pub fn secret_settings(self) -> &'static [&'static str] {
        match self {
            ConnectionKind::Sample => &[],
            ConnectionKind::Jira | ConnectionKind::Confluence => &["apiToken"],
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ConnectionScope {
    User,
    Site,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Connection {
    pub id: String,
    pub name: String,
    pub kind: ConnectionKind,
    /// Kind-specific settings, secrets included (the API masks them).
    pub settings: serde_json::Map<String, serde_json::Value>,
    pub scope: ConnectionScope,
    pub owner: String,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// Settings of a `sample` connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SampleSettings {
    #[serde(default = "default_rows")]
    pub rows: u64,
    #[serde(default)]
    pub seed: u64,
    /// Paces the source like a slow remote one (demos, tests); None = as fast as it goes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rows_per_second: Option<u64>,
}

fn default_rows() -> u64 {
    1000
}

impl Default for SampleSettings {
    fn default() -> Self {
        SampleSettings { rows: default_rows(), seed: 0, rows_per_second: None }
    }
}
