//! Dashboard sessions in the session store. The cookie that carries a
//! session (signed, with its CSRF token) belongs to the HTTP adapters
//! (`ferry-inbound`); here is what the store knows: a session is started for
//! a key at sign-in, ended at sign-out, and found again with its key on
//! every request. Only the SHA-256 of a session's random id is stored.

use jiff::{SignedDuration, Timestamp};

use crate::error::CoreError;
use crate::model::api_key::{hash_key, Principal};
use crate::model::ids::random_token;
use crate::ports::session_store::StoredSession;
use crate::Ports;

/// A session lasts this long after sign-in.
pub const SESSION_LIFETIME: SignedDuration = SignedDuration::from_hours(12);

/// A stored new session: its random id (for the cookie; the store holds
/// only its hash) and when it began.
#[derive(Debug, Clone)]
pub struct Started {
    pub id: String,
    pub at: Timestamp,
}

/// What the store says of a presented session.
#[derive(Debug, Clone)]
pub enum Found {
    /// Stored, unexpired, and its key still exists.
    Principal(Principal),
    /// Signed out, expired or never stored (or stored for another key).
    Ended,
    /// Its key was deleted, which ends its sessions at once.
    KeyDeleted,
}

/// Stores a new session of the key `key_id`.
pub async fn start(ports: &Ports, key_id: &str) -> Result<Started, CoreError> {
    let (at, id) = (ports.clock.now(), random_token());
    let stored =
        StoredSession { id_hash: hash_key(&id), key_id: key_id.to_string(), expires_at: at + SESSION_LIFETIME };
    ports.sessions.insert_session(&stored, at).await?;
    Ok(Started { id, at })
}

/// Ends the session whose id hashes to `id_hash`: its cookie is refused from now on.
pub async fn end(ports: &Ports, id_hash: &str) -> Result<(), CoreError> {
    ports.sessions.delete_session(id_hash).await?;
    Ok(())
}

/// The principal of the session `id_hash` that a cookie says belongs to `key_id`.
pub async fn find(ports: &Ports, id_hash: &str, key_id: &str) -> Result<Found, CoreError> {
    let stored = ports.sessions.find_session(id_hash, ports.clock.now()).await?;
    if stored.is_none_or(|s| s.key_id != key_id) {
        return Ok(Found::Ended);
    }
    Ok(match ports.keys.find_key_by_id(key_id).await? {
        Some(key) => Found::Principal(Principal { key_id: key.id, user: key.user, email: key.email, role: key.role }),
        None => Found::KeyDeleted,
    })
}
