//! [`SealedConnections`]: a `ConnectionStore` that seals the secret settings
//! of a connection's kind (Jira `apiToken`) on the way in and opens them on
//! the way out.

use std::sync::Arc;

use async_trait::async_trait;

use super::SecretBox;
use crate::model::connection::Connection;
use crate::model::page::{Page, PageRequest};
use crate::ports::ConnectionStore;
use crate::PortError;

pub struct SealedConnections {
    inner: Arc<dyn ConnectionStore>,
    secrets: SecretBox,
}

impl SealedConnections {
    pub fn new(inner: Arc<dyn ConnectionStore>, secrets: SecretBox) -> Self {
        SealedConnections { inner, secrets }
    }
}

/// `c` with each secret setting passed through `f`.
pub(super) fn map_secrets(
    mut c: Connection,
    mut f: impl FnMut(&str) -> Result<String, PortError>,
) -> Result<Connection, PortError> {
    for name in c.kind.secret_settings() {
        if let Some(serde_json::Value::String(value)) = c.settings.get_mut(*name) {
            *value = f(value)?;
        }
    }
    Ok(c)
}

impl SealedConnections {
    fn seal(&self, c: &Connection) -> Result<Connection, PortError> {
        map_secrets(c.clone(), |v| self.secrets.seal(v))
    }

    fn open(&self, c: Connection) -> Result<Connection, PortError> {
        map_secrets(c, |v| self.secrets.open(v))
    }
}

#[async_trait]
impl ConnectionStore for SealedConnections {
    async fn insert_connection(&self, c: &Connection) -> Result<(), PortError> {
        self.inner.insert_connection(&self.seal(c)?).await
    }

    async fn get_connection(&self, id: &str) -> Result<Option<Connection>, PortError> {
        self.inner.get_connection(id).await?.map(|c| self.open(c)).transpose()
    }

    async fn update_connection(&self, c: &Connection) -> Result<(), PortError> {
        self.inner.update_connection(&self.seal(c)?).await
    }

    async fn delete_connection(&self, id: &str) -> Result<bool, PortError> {
        self.inner.delete_connection(id).await
    }

    async fn list_connections(&self, owner: Option<&str>, page: &PageRequest) -> Result<Page<Connection>, PortError> {
        let found = self.inner.list_connections(owner, page).await?;
        let items = found.items.into_iter().map(|c| self.open(c)).collect::<Result<Vec<_>, _>>()?;
        Ok(Page { items, next_cursor: found.next_cursor })
    }
}
