//! An S3 destination with a `roleArn` on AWS: the deliver function asks STS
//! for the role with the install's own external id and signs the upload with
//! the temporary credentials STS lends. Checked on an emulator of its own with
//! moto's recorder on, so the recording holds this test's requests only.

use base64::Engine;
use ferry_aws::emulator::{unique_name, Emulator};
use ferry_aws::TimerEvent;
use serde_json::{json, Value};

use crate::events::scheduler_input;
use crate::stack::Stack;

const ROLE: &str = "arn:aws:iam::111122223333:role/ferry-writer";

/// A recorded request's body as text (moto keeps it base64-encoded).
fn body_of(request: &Value) -> String {
    let encoded = request["body_encoded"].as_str().or_else(|| request["body"].as_str()).unwrap_or_default();
    base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_else(|_| encoded.to_string())
}

fn header<'a>(request: &'a Value, name: &str) -> Option<&'a str> {
    request["headers"].as_object()?.iter().find(|(k, _)| k.eq_ignore_ascii_case(name))?.1.as_str()
}

/// The access key id a SigV4 `Authorization` header names.
fn signing_key(authorization: &str) -> Option<&str> {
    authorization.split("Credential=").nth(1)?.split('/').next()
}

#[tokio::test]
async fn a_role_arn_is_assumed_with_the_installs_external_id_and_its_temporary_key_signs_the_upload() {
    let folder = tempfile::tempdir().unwrap();
    let emulator = Emulator::start_recording(folder.path());
    let stack = Stack::on(&emulator).await;
    let settings = stack.api("PUT", "/v1/settings", Some(json!({"allowPrivateNetworks": true}))).await;
    assert_eq!(settings.status, 200, "{:?}", settings.body);
    let external_id = settings.body["s3ExternalId"].as_str().expect("s3ExternalId").to_string();
    assert!(!external_id.is_empty());

    let bucket = unique_name("user-lake");
    stack.clients.s3.create_bucket().bucket(&bucket).send().await.expect("CreateBucket");
    let report = stack.sample_report(500).await;
    let destination = json!({"type": "s3", "bucket": bucket, "region": "us-east-1", "prefix": "ferry",
        "endpointUrl": emulator.endpoint(), "roleArn": ROLE});
    let body = json!({"reportId": report, "destinations": [destination],
        "recurrence": {"frequency": "daily", "time": "06:30", "timezone": "UTC"}});
    let r = stack.api("POST", "/v1/schedules", Some(body)).await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    assert_eq!(r.body["destinations"][0]["roleArn"], ROLE, "a role ARN is no secret: it is shown");
    let schedule = r.body["id"].as_str().unwrap();

    emulator.start_recorder().await;
    let tomorrow = jiff::Timestamp::now().to_zoned(jiff::tz::TimeZone::UTC).date().tomorrow().unwrap();
    let started =
        stack.trigger(scheduler_input(&TimerEvent::input_template(schedule), &format!("{tomorrow}T06:30:00Z"))).await;
    assert_eq!(started["outcome"], "started", "{started}");
    let export_id = started["exportId"].as_str().unwrap();
    stack.drain_exports().await;
    assert_eq!(stack.drain_deliveries().await, 1);
    let runs = stack.api("GET", &format!("/v1/schedules/{schedule}/runs"), None).await;
    assert_eq!(runs.body["items"][0]["deliveries"][0]["status"], "DELIVERED", "{:?}", runs.body);

    // Read before the test's own requests (signed with the emulator's key) join it.
    let recording = emulator.recording().await;
    let assume: Vec<String> = recording.iter().map(body_of).filter(|b| b.contains("Action=AssumeRole")).collect();
    assert_eq!(assume.len(), 1, "one AssumeRole per delivery attempt: {assume:?}");
    assert!(assume[0].contains(&format!("ExternalId={external_id}")), "{}", assume[0]);
    assert!(assume[0].contains("RoleArn=arn%3Aaws%3Aiam%3A%3A111122223333%3Arole%2Fferry-writer"), "{}", assume[0]);

    let uploads: Vec<&Value> =
        recording.iter().filter(|r| r["url"].as_str().is_some_and(|u| u.contains(&format!("/{bucket}/")))).collect();
    assert!(!uploads.is_empty(), "the upload is in the recording");
    for request in uploads {
        let key = header(request, "Authorization").and_then(signing_key).expect("a SigV4 Authorization");
        assert!(key.starts_with("ASIA"), "signed with a temporary key, not the function's own: {key} in {request}");
        assert!(header(request, "X-Amz-Security-Token").is_some(), "with its session token: {request}");
    }
    let file = stack.download(export_id).await;
    let listed = stack.clients.s3.list_objects_v2().bucket(&bucket).send().await.expect("ListObjectsV2");
    let keys: Vec<&str> = listed.contents().iter().filter_map(|o| o.key()).collect();
    assert_eq!(keys.len(), 1, "{keys:?}");
    assert!(keys[0].starts_with("ferry/"), "{keys:?}");
    let object = stack.clients.s3.get_object().bucket(&bucket).key(keys[0]).send().await.expect("GetObject");
    assert!(object.body.collect().await.unwrap().into_bytes().as_ref() == file.as_slice(), "the object is the export");
}

#[tokio::test]
async fn the_functions_own_role_never_writes_ferrys_bucket_nor_a_bucket_the_admin_did_not_allow() {
    let stack = Stack::new().await;
    let r = stack.api("PUT", "/v1/settings", Some(json!({"s3AllowedBuckets": [stack.bucket]}))).await;
    assert_eq!(r.status, 400, "{:?}", r.body);
    assert_eq!(r.body["error"]["details"][0]["field"], "s3AllowedBuckets[0]", "{:?}", r.body);

    let report = stack.sample_report(10).await;
    for bucket in [stack.bucket.clone(), unique_name("not-allowed")] {
        let destination = json!({"type": "s3", "bucket": bucket, "region": "us-east-1"});
        let body = json!({"reportId": report, "destinations": [destination],
            "recurrence": {"frequency": "daily", "time": "06:30", "timezone": "UTC"}});
        let r = stack.api("POST", "/v1/schedules", Some(body)).await;
        assert_eq!(r.status, 400, "{bucket}: {:?}", r.body);
        assert_eq!(r.body["error"]["details"][0]["field"], "destinations[0].accessKeyId", "{:?}", r.body);
    }
}
