//! Storage of dashboard sessions. A session's id is a random token that only
//! the browser's cookie holds; the store keeps its SHA-256, so the files or
//! table alone cannot be turned back into a cookie. A session ends when it
//! expires, when it is deleted on sign-out, or when its key is deleted.

use async_trait::async_trait;
use jiff::Timestamp;

use crate::PortError;

/// One signed-in browser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredSession {
    /// Lowercase hex SHA-256 of the session id.
    pub id_hash: String,
    /// The API key the person signed in with.
    pub key_id: String,
    pub expires_at: Timestamp,
}

#[async_trait]
pub trait SessionStore: Send + Sync {
    /// Stores a new session; `PortError::Conflict` when its hash is taken.
    /// Sessions expired at `now` may be dropped on the way.
    async fn insert_session(&self, session: &StoredSession, now: Timestamp) -> Result<(), PortError>;
    /// The session with this id hash, if stored and not expired at `now`.
    async fn find_session(&self, id_hash: &str, now: Timestamp) -> Result<Option<StoredSession>, PortError>;
    /// Ends one session (sign-out); no error when it is already gone.
    async fn delete_session(&self, id_hash: &str) -> Result<(), PortError>;
    /// Ends every session of a key (the key was deleted).
    async fn delete_sessions_of_key(&self, key_id: &str) -> Result<(), PortError>;
}
