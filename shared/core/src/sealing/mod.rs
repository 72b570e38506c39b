//! Secrets at rest (SPEC, Authentication): the secret values inside stored
//! connections (Jira `apiToken`) and schedules (destination passwords,
//! private keys, webhook secrets and header values, S3 secret keys) are
//! sealed with AES-256-GCM under the runtime's data key before any store
//! sees them, and opened when read back. The stores stay unaware: the
//! sealed ports wrap the state store's connection and schedule ports in
//! `Ports::assemble`, so SQLite and DynamoDB hold the same sealed text.
//!
//! A value without the sealed prefix is a plain value from before this
//! existed; it is read as is, and [`seal_stored_secrets`] rewrites every
//! stored connection and schedule once at start so none stays plain.

mod migrate;
mod sealed_connections;
mod sealed_schedules;
mod secret_box;

pub use migrate::seal_stored_secrets;
pub use sealed_connections::SealedConnections;
pub use sealed_schedules::SealedSchedules;
pub use secret_box::{DataKey, SecretBox, SEALED_PREFIX};
