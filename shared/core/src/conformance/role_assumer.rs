//! Contract of the `RoleAssumer` port, run against STS on the emulator: the
//! credentials lent act as a session of the role named, under the session
//! name given; their `Debug` shows the key id only; a service that cannot
//! be reached is worth another attempt.

use async_trait::async_trait;

use crate::ports::role_assumer::{RoleAssumer, TemporaryCredentials};

/// The identity service behind the assumer.
#[async_trait]
pub trait RolePeer: Send + Sync {
    /// Who these credentials are, as the service says (an assumed-role ARN).
    async fn identity(&self, credentials: &TemporaryCredentials) -> String;
}

/// Checks every `RoleAssumer` promise. `role_arn` is a role the peer lends;
/// `unreachable` is the same adapter pointed where nothing answers.
pub async fn role_assumer_conformance(
    assumer: &dyn RoleAssumer,
    peer: &dyn RolePeer,
    unreachable: &dyn RoleAssumer,
    role_arn: &str,
) {
    let session = "ferry-contract-dlv_1";
    let lent = assumer.assume_role(role_arn, "ext-0123456789", session).await.expect("the role is lent");
    assert!(!lent.access_key_id.is_empty() && !lent.secret_access_key.is_empty() && !lent.session_token.is_empty());
    let role_name = role_arn.rsplit('/').next().expect("a role name");
    let identity = peer.identity(&lent).await;
    assert!(identity.contains(&format!("assumed-role/{role_name}/{session}")), "a session of the role: {identity}");
    let shown = format!("{lent:?}");
    assert!(shown.contains(&lent.access_key_id), "the key id is shown: {shown}");
    assert!(!shown.contains(&lent.secret_access_key) && !shown.contains(&lent.session_token), "{shown}");

    let err = unreachable.assume_role(role_arn, "ext-0123456789", session).await.expect_err("nothing answers");
    assert!(err.retryable(), "worth another attempt: {err:?}");
}
