//! Storage of API keys (hashes only).

use async_trait::async_trait;

use crate::model::api_key::ApiKey;
use crate::model::page::{Page, PageRequest};
use crate::PortError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyDeleteOutcome {
    Deleted,
    NotFound,
    /// Refused: it is the last admin key.
    LastAdmin,
}

#[async_trait]
pub trait KeyStore: Send + Sync {
    /// Stores a new key; `PortError::Conflict` when its id or hash is taken.
    async fn insert_key(&self, key: &ApiKey) -> Result<(), PortError>;
    /// The key whose hash is `hash`, if any.
    async fn find_key_by_hash(&self, hash: &str) -> Result<Option<ApiKey>, PortError>;
    /// The key with id `id`, if it still exists. Dashboard sessions reference a
    /// key by id and ask this on every request, so deleting a key ends them.
    async fn find_key_by_id(&self, id: &str) -> Result<Option<ApiKey>, PortError>;
    /// Keys in id order.
    async fn list_keys(&self, page: &PageRequest) -> Result<Page<ApiKey>, PortError>;
    /// Replaces a stored key's `email` and `last_used_at` (its id, hash and
    /// role never change); false when no key has its id.
    async fn update_key(&self, key: &ApiKey) -> Result<bool, PortError>;
    /// Deletes a key, atomically refusing to delete the last admin key.
    async fn delete_key(&self, id: &str) -> Result<KeyDeleteOutcome, PortError>;
    /// Number of stored keys (0 on a fresh install).
    async fn count_keys(&self) -> Result<u64, PortError>;
}
