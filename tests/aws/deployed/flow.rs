//! Ferry's whole flow on the deployed stack: an export started through the
//! API and written by the export function over several invocations, then
//! downloaded through a presigned URL; one cancelled mid-way; a schedule
//! whose Scheduler target input fires the trigger, whose export is delivered
//! by email (SES), link, webhook (a local receiver) and to S3 (with the
//! function's own role and with an assumed one); the rarer paths (`edges`);
//! the schedule deleted. infra/e2e/least_privilege.py then checks every call
//! the functions made against their roles.

use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::http::{StatusCode, Uri};
use axum::Router;
use mail_parser::MessageParser;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::edges::{self, Failure};
use super::Deployed;
use crate::events::scheduler_input;

/// About 18 MB of CSV: two of the export function's 16 MiB parts.
const ROWS: u64 = 120_000;

fn admin_key() -> String {
    std::env::var("FERRY_E2E_ADMIN_KEY").expect("FERRY_E2E_ADMIN_KEY: the key whose SHA-256 make aws-e2e deployed")
}

impl Deployed {
    pub(super) async fn admin(&self, method: &str, path: &str, body: Option<Value>) -> crate::stack::Reply {
        self.call(Some(&admin_key()), method, path, body).await
    }

    async fn report(&self, rows: u64) -> String {
        let c = self
            .admin(
                "POST",
                "/v1/connections",
                Some(json!({"name": "Tracker", "kind": "sample", "settings": {"rows": rows, "seed": 7}})),
            )
            .await;
        assert_eq!(c.status, 201, "{:?}", c.body);
        let r = self
            .admin(
                "POST",
                "/v1/reports",
                Some(json!({"name": "Issues", "connectionId": c.body["id"], "reportType": "issues"})),
            )
            .await;
        assert_eq!(r.status, 201, "{:?}", r.body);
        r.body["id"].as_str().unwrap().to_string()
    }

    async fn start_export(&self, report: &str) -> String {
        let r = self.admin("POST", "/v1/exports", Some(json!({"reportId": report}))).await;
        assert_eq!(r.status, 202, "{:?}", r.body);
        let id = r.body["id"].as_str().unwrap().to_string();
        let public_url = &self.api.0.environment["FERRY_PUBLIC_URL"];
        assert_eq!(r.header("Location"), Some(format!("{public_url}/v1/exports/{id}").as_str()), "the stack's URL");
        id
    }

    async fn status(&self, id: &str) -> Value {
        let r = self.admin("GET", &format!("/v1/exports/{id}"), None).await;
        assert_eq!(r.status, 200, "{:?}", r.body);
        r.body
    }

    /// Follows the api's 302 to the presigned URL and fetches it from the emulator's S3.
    async fn follow(&self, key: Option<&str>, path: &str) -> Vec<u8> {
        let r = self.call(key, "GET", path, None).await;
        assert_eq!(r.status, 302, "{path}: {:?}", r.body);
        let url = r.header("Location").expect("a Location").to_string();
        assert!(
            url.starts_with(&self.endpoint) && url.contains("X-Amz-Signature="),
            "presigned by the emulator's S3: {url}"
        );
        let response = reqwest::get(&url).await.expect("GET the presigned URL");
        assert!(response.status().is_success(), "GET {url}: {}", response.status());
        response.bytes().await.unwrap().to_vec()
    }

    async fn open_uploads(&self) -> usize {
        let bucket = &self.api.0.environment["FERRY_BUCKET"];
        let out = self.harness.s3.list_multipart_uploads().bucket(bucket).send().await.expect("ListMultipartUploads");
        out.uploads().len()
    }
}

#[tokio::test]
#[ignore = "runs on the stack `make aws-e2e` deploys"]
async fn the_deployed_stack_runs_ferrys_whole_flow() {
    let stack = Deployed::load().await;
    let health = stack.call(None, "GET", "/v1/health", None).await;
    assert_eq!(health.status, 200, "{:?}", health.body);

    // An export through the API, written over several invocations, downloaded.
    let big = stack.report(ROWS).await;
    let id = stack.start_export(&big).await;
    let invocations = stack.drain_exports().await;
    let done = stack.status(&id).await;
    assert_eq!(done["status"], "COMPLETED", "{done}");
    assert_eq!(done["rows"], ROWS);
    let file = stack.follow(Some(&admin_key()), &format!("/v1/exports/{id}/download")).await;
    assert_eq!(
        invocations,
        file.len().div_ceil(ferry_aws::s3::AWS_PART_SIZE),
        "one part per invocation: {} bytes",
        file.len()
    );
    assert!(invocations >= 2, "{invocations} invocations");
    assert_eq!(done["sha256"].as_str(), Some(hex::encode(Sha256::digest(&file)).as_str()));
    assert_eq!(done["bytes"].as_u64(), Some(file.len() as u64));

    // Cancelled after its first part: the upload is aborted.
    let id = stack.start_export(&big).await;
    assert!(stack.export_once().await.expect("the job").batch_item_failures.is_empty());
    assert_eq!(stack.open_uploads().await, 1, "the first part's upload is open");
    let r = stack.admin("DELETE", &format!("/v1/exports/{id}"), None).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    stack.drain_exports().await;
    assert_eq!(stack.status(&id).await["status"], "CANCELLED");
    assert_eq!(stack.open_uploads().await, 0, "no upload left open");

    // A schedule with every AWS-side destination.
    let receiver = Receiver::start().await;
    let lake = stack.parameter("S3WritableObjectArns")[0].as_str().expect("S3WritableObjectArns");
    let lake = lake.trim_start_matches("arn:aws:s3:::").split('/').next().unwrap().to_string();
    let role = stack.parameter("S3AssumableRoleArns")[0].as_str().expect("S3AssumableRoleArns").to_string();
    stack.harness.s3.create_bucket().bucket(&lake).send().await.expect("the user's bucket");
    let sender = &stack.api.0.environment["FERRY_EMAIL_FROM"];
    stack.harness.sesv2.create_email_identity().email_identity(sender).send().await.expect("the verified sender");
    let settings = stack
        .admin("PUT", "/v1/settings", Some(json!({"allowPrivateNetworks": true, "s3AllowedBuckets": [lake]})))
        .await;
    assert_eq!(settings.status, 200, "{:?}", settings.body);
    let small = stack.report(300).await;
    // Ferry's own credentials never go to an endpointUrl: that destination names
    // none and reaches "AWS's" S3, which here is the emulator (drain_deliveries).
    let own = json!({"type": "s3", "bucket": lake, "region": "us-east-1", "prefix": "own"});
    let assumed = json!({"type": "s3", "bucket": lake, "region": "us-east-1", "prefix": "assumed",
        "endpointUrl": stack.endpoint, "roleArn": role.clone()});
    let destinations = json!([
        {"type": "email", "to": ["ana@example.org"]},
        {"type": "link", "notify": ["team@example.org"]},
        {"type": "webhook", "url": receiver.url()},
        own,
        assumed,
    ]);
    let body = json!({"reportId": small, "destinations": destinations,
        "recurrence": {"frequency": "daily", "time": "06:30", "timezone": "UTC"}});
    let r = stack.admin("POST", "/v1/schedules", Some(body)).await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    let schedule = r.body["id"].as_str().unwrap().to_string();

    // The timer the api armed in the stack's group, fired as Scheduler would.
    let group = &stack.api.0.environment["FERRY_SCHEDULE_GROUP"];
    let listed = stack.harness.scheduler.list_schedules().group_name(group).send().await.expect("ListSchedules");
    let timer = listed.schedules().iter().find(|s| s.name().is_some_and(|n| n.contains(&schedule)));
    let timer = timer.and_then(|s| s.name()).unwrap_or_else(|| panic!("no timer of {schedule} in {group}: {listed:?}"));
    let got = stack.harness.scheduler.get_schedule().group_name(group).name(timer).send().await.expect("GetSchedule");
    let target = got.target().expect("a target");
    assert_eq!(target.arn(), stack.stack["functions"]["TriggerFunction"]["arn"].as_str().unwrap(), "the trigger");
    assert_eq!(Some(target.role_arn()), stack.api.0.environment.get("FERRY_SCHEDULER_ROLE_ARN").map(String::as_str));
    let tomorrow = jiff::Timestamp::now().to_zoned(jiff::tz::TimeZone::UTC).date().tomorrow().unwrap();
    let firing = scheduler_input(target.input().expect("an input"), &format!("{tomorrow}T06:30:00Z"));
    let started = stack.trigger(firing.clone()).await;
    assert_eq!(started["outcome"], "started", "{started}");
    let export_id = started["exportId"].as_str().unwrap().to_string();
    stack.drain_exports().await;
    assert_eq!(stack.drain_deliveries().await, 5, "each destination delivered at its first attempt");

    let runs = stack.admin("GET", &format!("/v1/schedules/{schedule}/runs"), None).await;
    let run = &runs.body["items"][0];
    assert_eq!(run["status"], "SUCCEEDED", "{run}");
    let deliveries = run["deliveries"].as_array().unwrap();
    assert!(deliveries.iter().all(|d| d["status"] == "DELIVERED"), "{run}");
    let file = stack.follow(Some(&admin_key()), &format!("/v1/exports/{export_id}/download")).await;

    // Each destination has the file.
    let mail = stack.ses_messages_from(sender).await;
    assert_eq!(mail.len(), 2, "the email and the link's notice: {mail:?}");
    let link = deliveries.iter().find(|d| d["type"] == "link").and_then(|d| d["url"].as_str()).expect("a link");
    let public_url = &stack.api.0.environment["FERRY_PUBLIC_URL"];
    let path = link.strip_prefix(public_url.as_str()).unwrap_or_else(|| panic!("{link} is under {public_url}"));
    assert!(stack.follow(None, path).await == file, "the link downloads the file, without a key");
    let bodies: Vec<String> = mail
        .iter()
        .filter_map(|m| MessageParser::default().parse(m.as_bytes())?.body_text(0).map(|t| t.into_owned()))
        .collect();
    assert!(bodies.iter().any(|b| b.contains(link)), "the notice carries the link: {bodies:?}");
    let posted = receiver.bodies();
    assert_eq!(posted.len(), 1);
    assert!(posted[0] == file, "the webhook received the file");
    let listed = stack.harness.s3.list_objects_v2().bucket(&lake).send().await.expect("ListObjectsV2");
    let keys: Vec<&str> = listed.contents().iter().filter_map(|o| o.key()).collect();
    assert_eq!(keys.len(), 2, "{keys:?}");
    for key in keys {
        let object = stack.harness.s3.get_object().bucket(&lake).key(key).send().await.expect("GetObject");
        assert!(object.body.collect().await.unwrap().into_bytes().as_ref() == file.as_slice(), "{key} is the export");
    }

    // The hourly sweep, as the stack's own schedule fires it.
    edges::abandoned_upload_swept(&stack).await;
    for failure in [Failure::ExportCrashes, Failure::Cancelled, Failure::WebhookRefuses] {
        edges::pause_after_failures(&stack, &small, failure, &receiver.refusing_url()).await;
    }
    edges::dst_fixup_rearmed(&stack, &small).await;

    let r = stack.admin("DELETE", &format!("/v1/schedules/{schedule}"), None).await;
    assert!(r.status == 200 || r.status == 204, "{:?}", r.body);
    assert!(stack.timers_of(&schedule).await.is_empty(), "its timers are gone");
    edges::deleted_schedule_fires(&stack, firing).await;
}

impl Deployed {
    /// The raw messages SES sent to `recipient`.
    pub(super) async fn ses_messages_to(&self, recipient: &str) -> Vec<String> {
        self.ses_raw_messages(|m| m["destinations"].to_string().contains(recipient)).await
    }

    /// The raw messages SES sent from `sender`.
    async fn ses_messages_from(&self, sender: &str) -> Vec<String> {
        self.ses_raw_messages(|m| m["source"].as_str().is_some_and(|s| s.contains(sender))).await
    }

    /// The raw messages SES sent (moto keeps them) that `keep` accepts.
    async fn ses_raw_messages(&self, keep: impl Fn(&Value) -> bool) -> Vec<String> {
        let url = format!("{}/moto-api/data.json", self.endpoint);
        let data: Value = reqwest::get(&url).await.expect("moto's data").json().await.expect("JSON");
        data["ses"]["RawMessage"]
            .as_array()
            .expect("SES raw messages")
            .iter()
            .filter(|m| keep(m))
            .filter_map(|m| m["raw_data"].as_str().map(String::from))
            .collect()
    }
}

/// A webhook receiver on 127.0.0.1 that keeps the bodies it is sent.
struct Receiver {
    port: u16,
    bodies: Arc<Mutex<Vec<Vec<u8>>>>,
}

impl Receiver {
    async fn start() -> Receiver {
        let bodies = Arc::new(Mutex::new(Vec::new()));
        let kept = bodies.clone();
        let app = Router::new().fallback(move |uri: Uri, body: Bytes| {
            let kept = kept.clone();
            async move {
                if uri.path().starts_with("/refuse") {
                    return StatusCode::BAD_REQUEST;
                }
                kept.lock().unwrap().push(body.to_vec());
                StatusCode::OK
            }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Receiver { port, bodies }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}/in", self.port)
    }

    /// A URL that answers 400: the webhook's receiver refuses the file.
    fn refusing_url(&self) -> String {
        format!("http://127.0.0.1:{}/refuse", self.port)
    }

    fn bodies(&self) -> Vec<Vec<u8>> {
        self.bodies.lock().unwrap().clone()
    }
}
