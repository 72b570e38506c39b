//! The role port: temporary credentials for a role in the user's account,
//! asked for with the install's own external id, so that account's role
//! trusts this Ferry alone. Only the AWS runtime has one (STS); no SDK type
//! crosses it.

use async_trait::async_trait;

use super::delivery::DeliveryError;

/// What an assumed role lends: a key pair and its session token. Its
/// `Debug` shows the key id only.
#[derive(Clone, PartialEq, Eq)]
pub struct TemporaryCredentials {
    pub access_key_id: String,
    pub secret_access_key: String,
    pub session_token: String,
}

impl std::fmt::Debug for TemporaryCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "TemporaryCredentials({} (secret and token ***))", self.access_key_id)
    }
}

#[async_trait]
pub trait RoleAssumer: Send + Sync {
    /// Assumes `role_arn` with `external_id` for one session named
    /// `session_name`. STS refusing (access denied, no such role, a wrong
    /// external id) is `Rejected` with STS's words, not retried; a network
    /// failure or throttling is `Failed` (retried).
    async fn assume_role(
        &self,
        role_arn: &str,
        external_id: &str,
        session_name: &str,
    ) -> Result<TemporaryCredentials, DeliveryError>;
}
