//! Storage of connections.

use async_trait::async_trait;

use crate::model::connection::Connection;
use crate::model::page::{Page, PageRequest};
use crate::PortError;

#[async_trait]
pub trait ConnectionStore: Send + Sync {
    /// Stores a new connection; `PortError::Conflict` when its id is taken.
    async fn insert_connection(&self, c: &Connection) -> Result<(), PortError>;
    /// The connection with this id.
    async fn get_connection(&self, id: &str) -> Result<Option<Connection>, PortError>;
    /// Replaces a stored connection; `PortError::NotFound` (and nothing
    /// created) when no connection has its id.
    async fn update_connection(&self, c: &Connection) -> Result<(), PortError>;
    /// Deletes a connection; false when it did not exist.
    async fn delete_connection(&self, id: &str) -> Result<bool, PortError>;
    /// Connections in id order: all of them, or those owned by `owner` plus site ones.
    async fn list_connections(&self, owner: Option<&str>, page: &PageRequest) -> Result<Page<Connection>, PortError>;
}
