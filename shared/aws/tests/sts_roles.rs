//! StsRoleAssumer against the emulator's STS, through the role contract.

use aws_sdk_sts::config::retry::RetryConfig;
use ferry_aws::emulator::{sdk_config_for, Emulator};
use ferry_aws::sts_roles::StsRoleAssumer;
use ferry_core::conformance::role_assumer::{role_assumer_conformance, RolePeer};
use ferry_core::ports::role_assumer::TemporaryCredentials;

struct Sts;

#[async_trait::async_trait]
impl RolePeer for Sts {
    async fn identity(&self, lent: &TemporaryCredentials) -> String {
        let credentials = aws_sdk_sts::config::Credentials::new(
            &lent.access_key_id,
            &lent.secret_access_key,
            Some(lent.session_token.clone()),
            None,
            "lent",
        );
        let config = sdk_config_for(&Emulator::get().endpoint(), credentials).await;
        let me = aws_sdk_sts::Client::new(&config).get_caller_identity().send().await.expect("GetCallerIdentity");
        me.arn().unwrap_or_default().to_string()
    }
}

#[tokio::test]
async fn sts_keeps_the_role_contract() {
    let config = Emulator::get().sdk_config().await;
    let assumer = StsRoleAssumer::new(aws_sdk_sts::Client::new(&config));
    let nowhere = aws_sdk_sts::config::Builder::from(&config)
        .endpoint_url("http://127.0.0.1:1")
        .retry_config(RetryConfig::disabled())
        .build();
    let unreachable = StsRoleAssumer::new(aws_sdk_sts::Client::from_conf(nowhere));
    role_assumer_conformance(&assumer, &Sts, &unreachable, "arn:aws:iam::111122223333:role/ferry-writer").await;
}
