//! `RoleAssumer` over STS: AssumeRole with the install's external id, for
//! S3 destinations that name a `roleArn`. The temporary credentials last
//! the shortest session STS allows; one delivery attempt uses them.

use async_trait::async_trait;
use aws_sdk_sts::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_sts::operation::assume_role::AssumeRoleError;
use ferry_core::ports::delivery::DeliveryError;
use ferry_core::ports::role_assumer::{RoleAssumer, TemporaryCredentials};

/// STS's shortest session, seconds: an attempt that outlives it fails and is retried.
const SESSION_SECONDS: i32 = 900;

pub struct StsRoleAssumer {
    client: aws_sdk_sts::Client,
}

impl StsRoleAssumer {
    pub fn new(client: aws_sdk_sts::Client) -> Self {
        StsRoleAssumer { client }
    }
}

#[async_trait]
impl RoleAssumer for StsRoleAssumer {
    async fn assume_role(
        &self,
        role_arn: &str,
        external_id: &str,
        session_name: &str,
    ) -> Result<TemporaryCredentials, DeliveryError> {
        let out = self
            .client
            .assume_role()
            .role_arn(role_arn)
            .external_id(external_id)
            .role_session_name(session_name)
            .duration_seconds(SESSION_SECONDS)
            .send()
            .await
            .map_err(|e| assume_error(role_arn, e))?;
        let c = out
            .credentials()
            .ok_or_else(|| DeliveryError::Failed(format!("STS lent no credentials for role {role_arn}")))?;
        Ok(TemporaryCredentials {
            access_key_id: c.access_key_id().to_string(),
            secret_access_key: c.secret_access_key().to_string(),
            session_token: c.session_token().to_string(),
        })
    }
}

/// A refusal another attempt would meet again (the role does not trust
/// Ferry, the external id is wrong, the deliver function may not assume it)
/// is `Rejected` with STS's words; throttling and network trouble are retried.
fn assume_error(role_arn: &str, e: SdkError<AssumeRoleError>) -> DeliveryError {
    let Some(service) = e.as_service_error() else {
        return DeliveryError::Failed(format!("STS could not be reached to assume role {role_arn}"));
    };
    let code = service.code().unwrap_or("error");
    let detail = service.message().unwrap_or("no message");
    match code {
        "Throttling" | "ThrottlingException" | "RequestLimitExceeded" | "ServiceUnavailable" | "InternalFailure" => {
            DeliveryError::Failed(format!("STS is busy: {code}: {detail}"))
        }
        _ => DeliveryError::Rejected(format!("STS refused to assume role {role_arn}: {code}: {detail}")),
    }
}
