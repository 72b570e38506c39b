//! `SettingsStore`: the admin settings are one item (`SETTINGS`).

use async_trait::async_trait;
use ferry_core::model::settings::Settings;
use ferry_core::ports::settings_store::SettingsStore;
use ferry_core::PortError;

use super::codec::{from_doc, key, ItemBuilder};
use super::store::DynamoStore;

const SETTINGS: &str = "SETTINGS";

#[async_trait]
impl SettingsStore for DynamoStore {
    async fn get_settings(&self) -> Result<Option<Settings>, PortError> {
        self.get(key(SETTINGS, SETTINGS)).await?.as_ref().map(from_doc).transpose()
    }

    async fn put_settings(&self, s: &Settings) -> Result<(), PortError> {
        self.put(ItemBuilder::new(SETTINGS, SETTINGS).doc("settings", s)?.build(), None).await?;
        Ok(())
    }
}
