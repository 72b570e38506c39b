//! `SessionStore` on the `sessions` table (hashed ids, expiry in unix
//! milliseconds, an index by key for sign-out of a deleted key) and
//! `FailedKeyStore` on `failed_keys` (one row per client address, its window
//! replaced or counted in one upsert).

use async_trait::async_trait;
use ferry_core::ports::failed_key_store::{FailedKeyStore, FailedKeys, GUESS_WINDOW};
use ferry_core::ports::session_store::{SessionStore, StoredSession};
use ferry_core::PortError;
use jiff::Timestamp;
use rusqlite::{params, OptionalExtension};

use super::store::SqliteStore;
use crate::storage_errors::storage_error;

fn instant(ms: i64) -> Result<Timestamp, PortError> {
    Timestamp::from_millisecond(ms).map_err(PortError::backend)
}

fn window(since: i64, count: i64) -> Result<FailedKeys, PortError> {
    Ok(FailedKeys { since: instant(since)?, count: u32::try_from(count).map_err(PortError::backend)? })
}

#[async_trait]
impl SessionStore for SqliteStore {
    async fn insert_session(&self, s: &StoredSession, now: Timestamp) -> Result<(), PortError> {
        let (hash, key_id, expires) = (s.id_hash.clone(), s.key_id.clone(), s.expires_at.as_millisecond());
        self.call(move |conn| {
            // Expired rows go with each sign-in, so the table stays small.
            conn.execute("DELETE FROM sessions WHERE expires_at <= ?1", [now.as_millisecond()])
                .map_err(storage_error)?;
            conn.execute(
                "INSERT INTO sessions (id_hash, key_id, expires_at) VALUES (?1, ?2, ?3)",
                params![hash, key_id, expires],
            )
            .map_err(storage_error)?;
            Ok(())
        })
        .await
    }

    async fn find_session(&self, id_hash: &str, now: Timestamp) -> Result<Option<StoredSession>, PortError> {
        let hash = id_hash.to_string();
        let row = self
            .call(move |conn| {
                conn.query_row(
                    "SELECT key_id, expires_at FROM sessions WHERE id_hash = ?1 AND expires_at > ?2",
                    params![hash, now.as_millisecond()],
                    |row| Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)?)),
                )
                .optional()
                .map_err(storage_error)
            })
            .await?;
        row.map(|(key_id, expires)| {
            Ok(StoredSession { id_hash: id_hash.to_string(), key_id, expires_at: instant(expires)? })
        })
        .transpose()
    }

    async fn delete_session(&self, id_hash: &str) -> Result<(), PortError> {
        let hash = id_hash.to_string();
        self.call(move |conn| {
            conn.execute("DELETE FROM sessions WHERE id_hash = ?1", [hash]).map_err(storage_error)?;
            Ok(())
        })
        .await
    }

    async fn delete_sessions_of_key(&self, key_id: &str) -> Result<(), PortError> {
        let key_id = key_id.to_string();
        self.call(move |conn| {
            conn.execute("DELETE FROM sessions WHERE key_id = ?1", [key_id]).map_err(storage_error)?;
            Ok(())
        })
        .await
    }
}

#[async_trait]
impl FailedKeyStore for SqliteStore {
    async fn record_failed_key(&self, address: &str, now: Timestamp) -> Result<FailedKeys, PortError> {
        let address = address.to_string();
        let (now, over) = (now.as_millisecond(), (now - GUESS_WINDOW).as_millisecond());
        let (since, count) = self
            .call(move |conn| {
                conn.query_row(
                    "INSERT INTO failed_keys (address, since, count) VALUES (?1, ?2, 1)
                     ON CONFLICT (address) DO UPDATE SET
                        count = CASE WHEN since <= ?3 THEN 1 ELSE count + 1 END,
                        since = CASE WHEN since <= ?3 THEN ?2 ELSE since END
                     RETURNING since, count",
                    params![address, now, over],
                    |row| Ok((row.get::<_, i64>(0)?, row.get::<_, i64>(1)?)),
                )
                .map_err(storage_error)
            })
            .await?;
        window(since, count)
    }

    async fn failed_keys(&self, address: &str, now: Timestamp) -> Result<Option<FailedKeys>, PortError> {
        let address = address.to_string();
        let over = (now - GUESS_WINDOW).as_millisecond();
        let row = self
            .call(move |conn| {
                conn.query_row(
                    "SELECT since, count FROM failed_keys WHERE address = ?1 AND since > ?2",
                    params![address, over],
                    |row| Ok((row.get::<_, i64>(0)?, row.get::<_, i64>(1)?)),
                )
                .optional()
                .map_err(storage_error)
            })
            .await?;
        row.map(|(since, count)| window(since, count)).transpose()
    }
}
