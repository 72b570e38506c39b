//! S3 destinations against the AWS emulator (moto): a scheduled run puts a
//! file of several parts into the bucket (bytes, SHA-256, metadata, storage
//! class as the export's), a wrong bucket fails with S3's words, an upload
//! that fails after its first part is aborted, and the save-time rules (key
//! templates, write-only secret, allowed buckets, private endpoints).

use bytes::Bytes;
use ferry_aws::emulator::{unique_name, Emulator};
use ferry_channels::ObjectStoreS3Client;
use ferry_core::conformance::s3_client::{s3_client_conformance, S3Peer, StoredObject};
use ferry_core::ports::delivery::DeliveryError;
use ferry_core::ports::s3_client::{S3Client, S3Credentials, S3Target, S3_PART_SIZE};
use ferry_core::PortError;
use reqwest::StatusCode;
use serde_json::{json, Value};

use super::{allow_private_networks, app, attempts, run_now, schedule, wait_delivered};
use crate::helpers::{error_of, sha256_hex, TestApp, ADMIN_KEY};

const SECRET: &str = "wJalrXUtnFEMI-k3y-not-shown";

pub(super) async fn s3() -> aws_sdk_s3::Client {
    Emulator::get().clients().await.s3
}

pub(super) async fn new_bucket(client: &aws_sdk_s3::Client) -> String {
    let bucket = unique_name("ferry-dest");
    client.create_bucket().bucket(&bucket).send().await.expect("CreateBucket");
    bucket
}

pub(super) fn destination(bucket: &str) -> Value {
    json!({"type": "s3", "bucket": bucket, "prefix": "exports", "region": "us-east-1",
        "endpointUrl": Emulator::get().endpoint(), "accessKeyId": "testing", "secretAccessKey": SECRET,
        "storageClass": "STANDARD_IA"})
}

async fn in_progress_uploads(client: &aws_sdk_s3::Client, bucket: &str) -> usize {
    let listed = client.list_multipart_uploads().bucket(bucket).send().await.expect("ListMultipartUploads");
    listed.uploads().len()
}

#[tokio::test]
async fn a_scheduled_run_puts_a_40_mb_file_into_the_bucket_as_a_multipart_upload_with_the_exports_bytes_and_metadata() {
    let client = s3().await;
    let bucket = new_bucket(&client).await;
    let (app, _clock) = app().await;
    allow_private_networks(&app, true).await;
    let report = app.sample_report(ADMIN_KEY, 270_000, json!({"name": "Big Issues"})).await;
    let schedule = schedule(&app, ADMIN_KEY, &report, json!([destination(&bucket)])).await;

    let shown = app.get(ADMIN_KEY, &format!("/schedules/{schedule}")).await.text().await.unwrap();
    assert!(!shown.contains(SECRET), "the secret key is write-only: {shown}");
    let shown: Value = serde_json::from_str(&shown).unwrap();
    assert_eq!(shown["destinations"][0]["secretAccessKey"], "***");

    let export = run_now(&app, ADMIN_KEY, &schedule).await;
    let id = export["id"].as_str().unwrap();
    let run = wait_delivered(&app, ADMIN_KEY, &schedule, id).await;
    assert_eq!(run["status"], "SUCCEEDED", "{run}");
    let file = app.download(ADMIN_KEY, id).await;
    assert!(file.len() > 40_000_000, "a 40 MB file: {}", file.len());
    assert_eq!(attempts(&run, 0)[0]["bytesSent"], file.len());

    let key = format!("exports/big-issues/{}", export["fileName"].as_str().unwrap());
    let object = client.get_object().bucket(&bucket).key(&key).send().await.expect("the object is there");
    let parts = file.len().div_ceil(S3_PART_SIZE);
    assert!(parts > 1);
    assert!(object.e_tag().unwrap().trim_matches('"').ends_with(&format!("-{parts}")), "{:?}", object.e_tag());
    assert_eq!(object.storage_class().map(|c| c.as_str()), Some("STANDARD_IA"));
    assert_eq!(object.content_type(), Some("text/csv; charset=utf-8"));
    let metadata = object.metadata().cloned().unwrap_or_default();
    assert_eq!(metadata.get("ferry-export-id").map(String::as_str), Some(id));
    assert_eq!(metadata.get("ferry-schedule-id"), Some(&schedule));
    assert_eq!(metadata.get("ferry-sha256").map(String::as_str), export["sha256"].as_str());
    let body = object.body.collect().await.unwrap().into_bytes();
    assert!(body.as_ref() == file.as_slice(), "the object is the export, byte for byte");
    assert_eq!(sha256_hex(&body), export["sha256"].as_str().unwrap());
    assert_eq!(in_progress_uploads(&client, &bucket).await, 0);
}

#[tokio::test]
async fn a_wrong_bucket_fails_the_delivery_at_once_with_s3s_error() {
    let (app, _clock) = app().await;
    allow_private_networks(&app, true).await;
    let report = app.sample_report(ADMIN_KEY, 10, json!({})).await;
    let missing = unique_name("ferry-no-such");
    let schedule = schedule(&app, ADMIN_KEY, &report, json!([destination(&missing)])).await;
    let export = run_now(&app, ADMIN_KEY, &schedule).await;
    let run = wait_delivered(&app, ADMIN_KEY, &schedule, export["id"].as_str().unwrap()).await;
    assert_eq!(run["status"], "FAILED", "{run}");
    assert_eq!(run["deliveries"][0]["status"], "FAILED");
    let tried = attempts(&run, 0);
    assert_eq!(tried.len(), 1, "not retried: {run}");
    let error = tried[0]["error"].as_str().unwrap();
    assert!(error.contains("NoSuchBucket") && error.contains(&missing), "S3's words: {error}");
    assert!(!run.to_string().contains(SECRET));
}

#[tokio::test]
async fn an_upload_that_fails_after_its_first_part_is_aborted_and_leaves_no_incomplete_upload() {
    let client = s3().await;
    let bucket = new_bucket(&client).await;
    let target = S3Target {
        bucket: bucket.clone(),
        key: "exports/broken.csv".into(),
        region: "us-east-1".into(),
        endpoint_url: Some(Emulator::get().endpoint()),
        credentials: S3Credentials::AccessKey { id: "testing".into(), secret: SECRET.into() },
        storage_class: None,
        server_side_encryption: None,
        kms_key_id: None,
        content_type: "text/csv; charset=utf-8".into(),
        metadata: vec![],
        allow_private_networks: true,
    };
    // One full part, then the file store fails.
    let chunks: Vec<Result<Bytes, PortError>> =
        vec![Ok(Bytes::from(vec![b'x'; S3_PART_SIZE])), Err(PortError::backend("the disk went away"))];
    let body = Box::pin(futures::stream::iter(chunks));
    let err = ObjectStoreS3Client::new().put(&target, body).await.unwrap_err();
    assert!(matches!(err, DeliveryError::Failed(_)), "worth another attempt: {err}");
    assert!(!format!("{target:?}").contains(SECRET), "Debug masks the secret");
    assert_eq!(in_progress_uploads(&client, &bucket).await, 0, "the upload was aborted");
    let listed = client.list_objects_v2().bucket(&bucket).send().await.unwrap();
    assert_eq!(listed.key_count(), Some(0), "no object either");
}

async fn refused_fields(app: &TestApp, report: &str, d: Value) -> Vec<String> {
    let body = json!({"reportId": report, "destinations": [d],
        "recurrence": {"frequency": "daily", "time": "09:00", "timezone": "UTC"}});
    let (status, err) = error_of(app.post(ADMIN_KEY, "/schedules", &body).await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{err}");
    err["error"]["details"].as_array().unwrap().iter().map(|d| d["field"].as_str().unwrap().to_string()).collect()
}

#[tokio::test]
async fn s3_destinations_are_checked_when_saved_and_the_external_id_is_generated_once() {
    let (app, _clock) = app().await;
    let report = app.sample_report(ADMIN_KEY, 5, json!({})).await;
    let base = json!({"type": "s3", "bucket": "data-lake", "region": "eu-central-1",
        "accessKeyId": "AKIAEXAMPLE", "secretAccessKey": SECRET});
    let with = |k: &str, v: Value| {
        let mut d = base.clone();
        d[k] = v;
        d
    };
    for (d, field) in [
        (with("key", json!("/abs/{{fileName}}")), "destinations[0].key"),
        (with("key", json!("a/../{{fileName}}")), "destinations[0].key"),
        (with("key", json!("{{nope}}.csv")), "destinations[0].key"),
        (with("prefix", json!("../up")), "destinations[0].prefix"),
        (with("bucket", json!("Not_A_Bucket")), "destinations[0].bucket"),
        (with("endpointUrl", json!("http://10.0.0.5:9000")), "destinations[0].endpointUrl"),
        (with("kmsKeyId", json!("k")), "destinations[0].kmsKeyId"),
        (with("roleArn", json!("arn:aws:iam::123456789012:role/x")), "destinations[0].roleArn"),
        // The local runtime cannot assume a role.
        (
            json!({"type": "s3", "bucket": "data-lake", "region": "eu-central-1",
                "roleArn": "arn:aws:iam::123456789012:role/x"}),
            "destinations[0].roleArn",
        ),
        (
            json!({"type": "s3", "bucket": "data-lake", "region": "eu-central-1", "roleArn": "arn:aws:iam::1:user/x"}),
            "destinations[0].roleArn",
        ),
        (json!({"type": "s3", "bucket": "data-lake", "region": "eu-central-1"}), "destinations[0].accessKeyId"),
    ] {
        assert_eq!(refused_fields(&app, &report, d.clone()).await, vec![field], "{d}");
    }
    // The runtime's own credentials only for a bucket the admin allows.
    let r = app.put(ADMIN_KEY, "/settings", &json!({"s3AllowedBuckets": ["data-lake"]})).await;
    assert_eq!(r.status(), StatusCode::OK);
    let own = json!({"type": "s3", "bucket": "data-lake", "region": "eu-central-1",
        "key": "{{reportSlug}}/{{timestamp}}-{{fileName}}", "serverSideEncryption": "aws:kms", "kmsKeyId": "alias/x"});
    schedule(&app, ADMIN_KEY, &report, json!([own])).await;

    let first: Value = app.get(ADMIN_KEY, "/settings").await.json().await.unwrap();
    let external_id = first["s3ExternalId"].as_str().unwrap().to_string();
    assert!(external_id.len() > 20, "{first}");
    assert_eq!(first["s3AllowedBuckets"], json!(["data-lake"]));
    // A GET sent back as a PUT cannot choose the external id.
    let mut back = first.clone();
    back["s3ExternalId"] = json!("chosen-by-me");
    assert_eq!(app.put(ADMIN_KEY, "/settings", &back).await.status(), StatusCode::OK);
    let again: Value = app.get(ADMIN_KEY, "/settings").await.json().await.unwrap();
    assert_eq!(again["s3ExternalId"], external_id.as_str());
}

#[tokio::test]
async fn report_names_with_dots_deliver_and_a_dotted_name_is_never_a_path() {
    let client = s3().await;
    let bucket = new_bucket(&client).await;
    let (app, _clock) = app().await;
    allow_private_networks(&app, true).await;
    for (name, folder) in [("Q1...Q2", "Q1...Q2"), ("../../etc/passwd", ".._.._etc_passwd")] {
        let report = app.sample_report(ADMIN_KEY, 5, json!({"name": name})).await;
        let mut dest = destination(&bucket);
        dest["key"] = json!("{{reportName}}/{{fileName}}");
        let schedule = schedule(&app, ADMIN_KEY, &report, json!([dest])).await;
        let export = run_now(&app, ADMIN_KEY, &schedule).await;
        let run = wait_delivered(&app, ADMIN_KEY, &schedule, export["id"].as_str().unwrap()).await;
        assert_eq!(run["status"], "SUCCEEDED", "{name}: {run}");
        let key = format!("exports/{folder}/{}", export["fileName"].as_str().unwrap());
        client.get_object().bucket(&bucket).key(&key).send().await.unwrap_or_else(|e| panic!("{key}: {e:?}"));
    }
}

#[tokio::test]
async fn ferrys_own_credentials_never_go_to_an_endpoint_url_and_empty_key_segments_are_refused() {
    let (app, _clock) = app().await;
    allow_private_networks(&app, true).await;
    let report = app.sample_report(ADMIN_KEY, 5, json!({})).await;
    let r = app.put(ADMIN_KEY, "/settings", &json!({"s3AllowedBuckets": ["allowed-bkt"]})).await;
    assert_eq!(r.status(), StatusCode::OK);
    let own_with_endpoint = json!({"type": "s3", "bucket": "allowed-bkt", "region": "eu-central-1", "endpointUrl": "https://s3.evil.example"});
    assert_eq!(refused_fields(&app, &report, own_with_endpoint).await, vec!["destinations[0].endpointUrl"]);
    let mut double_slash = destination("ferry-dest-x");
    double_slash["key"] = json!("a//{{fileName}}");
    assert_eq!(refused_fields(&app, &report, double_slash).await, vec!["destinations[0].key"]);

    // Refused again when sent, and the local runtime asks no metadata service.
    let target = S3Target {
        bucket: "allowed-bkt".into(),
        key: "k.csv".into(),
        region: "eu-central-1".into(),
        endpoint_url: None,
        credentials: S3Credentials::Runtime,
        storage_class: None,
        server_side_encryption: None,
        kms_key_id: None,
        content_type: "text/csv".into(),
        metadata: vec![],
        allow_private_networks: false,
    };
    let body: ferry_core::ports::file_store::ByteStream =
        Box::pin(futures::stream::once(async { Ok::<_, PortError>(Bytes::from_static(b"a,b\n")) }));
    let err = ObjectStoreS3Client::new().put(&target, body).await.unwrap_err();
    let DeliveryError::Rejected(text) = err else { panic!("refused outright: {err:?}") };
    assert!(text.contains("no AWS credentials of its own") && !text.contains("169.254"), "{text}");
}

/// A bucket of the emulator's S3, as the S3 contract's peer.
struct EmulatorBucket {
    client: aws_sdk_s3::Client,
    bucket: String,
}

#[async_trait::async_trait]
impl S3Peer for EmulatorBucket {
    fn target(&self, key: &str) -> S3Target {
        S3Target {
            bucket: self.bucket.clone(),
            key: key.into(),
            region: "us-east-1".into(),
            endpoint_url: Some(Emulator::get().endpoint()),
            credentials: S3Credentials::AccessKey { id: "testing".into(), secret: SECRET.into() },
            storage_class: None,
            server_side_encryption: None,
            kms_key_id: None,
            content_type: "application/octet-stream".into(),
            metadata: vec![],
            allow_private_networks: true,
        }
    }

    async fn object(&self, key: &str) -> Option<StoredObject> {
        let got = self.client.get_object().bucket(&self.bucket).key(key).send().await.ok()?;
        let mut metadata: Vec<(String, String)> =
            got.metadata().into_iter().flatten().map(|(k, v)| (k.to_lowercase(), v.clone())).collect();
        metadata.sort();
        let content_type = got.content_type().map(String::from);
        let bytes = got.body.collect().await.expect("the object's body").into_bytes().to_vec();
        Some(StoredObject { bytes, content_type, metadata })
    }

    async fn uploads_in_progress(&self) -> usize {
        in_progress_uploads(&self.client, &self.bucket).await
    }
}

#[tokio::test]
async fn the_object_store_client_keeps_the_s3_contract() {
    let client = s3().await;
    let bucket = new_bucket(&client).await;
    s3_client_conformance(&ObjectStoreS3Client::new(), &EmulatorBucket { client, bucket }).await;
}
