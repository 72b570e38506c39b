//! Storage of the admin settings.

use async_trait::async_trait;

use crate::model::settings::Settings;
use crate::PortError;

#[async_trait]
pub trait SettingsStore: Send + Sync {
    /// The stored settings, or None before the first write.
    async fn get_settings(&self) -> Result<Option<Settings>, PortError>;
    /// Replaces the settings.
    async fn put_settings(&self, s: &Settings) -> Result<(), PortError>;
}
