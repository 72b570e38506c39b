//! Creating a bucket the way `infra/template.yaml` declares it, for tests
//! against the emulator: the lifecycle rule that aborts multipart uploads a
//! dead worker left behind (their parts are billed until aborted).

use aws_sdk_s3::types::{
    AbortIncompleteMultipartUpload, BucketLifecycleConfiguration, BucketLocationConstraint, CreateBucketConfiguration,
    ExpirationStatus, LifecycleRule, LifecycleRuleFilter,
};
use aws_sdk_s3::Client;
use ferry_core::PortError;

use super::errors::backend;

/// Days after which S3 aborts an upload that was neither completed nor aborted.
pub const ABORT_INCOMPLETE_UPLOADS_AFTER_DAYS: i32 = 1;

/// Creates bucket `name` with the abort-incomplete-uploads lifecycle rule.
pub async fn create_bucket(client: &Client, name: &str) -> Result<(), PortError> {
    let mut create = client.create_bucket().bucket(name);
    // us-east-1 is the one region that refuses an explicit location constraint.
    if let Some(region) = client.config().region().map(|r| r.as_ref()).filter(|r| *r != "us-east-1") {
        let location = BucketLocationConstraint::from(region);
        create = create
            .create_bucket_configuration(CreateBucketConfiguration::builder().location_constraint(location).build());
    }
    create.send().await.map_err(|e| backend("CreateBucket", e))?;
    let rule = LifecycleRule::builder()
        .id("abort-incomplete-multipart-uploads")
        .status(ExpirationStatus::Enabled)
        .filter(LifecycleRuleFilter::builder().prefix("").build())
        .abort_incomplete_multipart_upload(
            AbortIncompleteMultipartUpload::builder()
                .days_after_initiation(ABORT_INCOMPLETE_UPLOADS_AFTER_DAYS)
                .build(),
        )
        .build()
        .map_err(PortError::backend)?;
    let lifecycle = BucketLifecycleConfiguration::builder().rules(rule).build().map_err(PortError::backend)?;
    client
        .put_bucket_lifecycle_configuration()
        .bucket(name)
        .lifecycle_configuration(lifecycle)
        .send()
        .await
        .map_err(|e| backend("PutBucketLifecycleConfiguration", e))?;
    Ok(())
}
