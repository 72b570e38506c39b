//! `SettingsStore` on the single-row `settings` table (its id is always 1).

use async_trait::async_trait;
use ferry_core::model::settings::Settings;
use ferry_core::ports::settings_store::SettingsStore;
use ferry_core::PortError;
use rusqlite::OptionalExtension;

use super::store::{from_doc, to_doc, SqliteStore};
use crate::storage_errors::storage_error;

#[async_trait]
impl SettingsStore for SqliteStore {
    async fn get_settings(&self) -> Result<Option<Settings>, PortError> {
        self.call(|conn| {
            let doc: Option<String> = conn
                .query_row("SELECT doc FROM settings WHERE id = 1", [], |row| row.get(0))
                .optional()
                .map_err(storage_error)?;
            doc.as_deref().map(from_doc).transpose()
        })
        .await
    }

    async fn put_settings(&self, s: &Settings) -> Result<(), PortError> {
        let doc = to_doc(s)?;
        self.call(move |conn| {
            conn.execute(
                "INSERT INTO settings (id, doc) VALUES (1, ?1) ON CONFLICT (id) DO UPDATE SET doc = excluded.doc",
                [doc],
            )
            .map_err(storage_error)?;
            Ok(())
        })
        .await
    }
}
