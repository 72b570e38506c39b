//! One Ferry "stack" on the emulator per test: a table, a bucket, the two
//! queues with their dead-letter queues, a schedule group and a verified
//! sender, all under names of its own; the ports `aws_ports` builds from
//! settings naming them; and the four handlers as the functions' `main`s
//! build them. Helpers invoke the handlers with real event JSON.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_lambda_events::event::sqs::{SqsBatchResponse, SqsEvent};
use aws_sdk_sqs::types::{Message, MessageSystemAttributeName, QueueAttributeName};
use ferry_aws::emulator::{unique_name, Emulator};
use ferry_aws::{AwsClients, AwsSettings};
use ferry_core::Ports;
use ferry_deliver::DeliverFunction;
use ferry_export::ExportFunction;
use lambda_runtime::{Context, LambdaEvent};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::events::{rest_request, sqs_batch, API_HOST, STAGE};

pub const ADMIN_KEY: &str = "aws-handler-tests-admin-key-0123456789";
/// S3's smallest part but the last: parts this size make a 30 MB export six parts.
pub const PART_SIZE: usize = 5 * 1024 * 1024;

pub struct Stack {
    pub clients: AwsClients,
    pub settings: AwsSettings,
    pub ports: Ports,
    pub bucket: String,
    pub group: String,
    pub sender: String,
    app: axum::Router,
    export: ExportFunction,
    deliver: DeliverFunction,
    export_queue: Queue,
    delivery_queue: Queue,
}

struct Queue {
    url: String,
    arn: String,
}

/// An API Gateway proxy response.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    /// `headers` and `multiValueHeaders` (lambda_http fills the latter for REST APIs).
    pub headers: Value,
    pub multi_value_headers: Value,
    pub body: Value,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        [&self.headers, &self.multi_value_headers]
            .into_iter()
            .filter_map(|h| h.as_object())
            .flat_map(|h| h.iter())
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .and_then(|(_, v)| v.as_str().or_else(|| v.get(0)?.as_str()))
    }
}

fn fail<E: std::fmt::Display>(what: &str) -> impl FnOnce(E) -> String + '_ {
    move |e| format!("{what}: {e}")
}

impl Stack {
    pub async fn new() -> Stack {
        Stack::on(Emulator::get()).await
    }

    /// A stack on `emulator` (one of the test's own, e.g. recording).
    pub async fn on(emulator: &Emulator) -> Stack {
        Stack::build(emulator, |_| {}).await
    }

    /// A stack whose ports the test adjusts before the functions are built
    /// (a clock of its own, a quicker heartbeat).
    pub async fn adjusted(adjust: impl FnOnce(&mut Ports)) -> Stack {
        Stack::build(Emulator::get(), adjust).await
    }

    async fn build(emulator: &Emulator, adjust: impl FnOnce(&mut Ports)) -> Stack {
        // What the template sets for the api function: routes are `/v1/...`, not `/prod/v1/...`.
        std::env::set_var("AWS_LAMBDA_HTTP_IGNORE_STAGE_IN_PATH", "true");
        let clients = emulator.clients().await;
        let table = unique_name("ferry-table");
        let bucket = unique_name("ferry-files");
        let group = unique_name("ferry-schedules");
        let sender = format!("{}@example.org", unique_name("ferry"));
        ferry_aws::dynamo::create_table(&clients.dynamodb, &table).await.unwrap();
        ferry_aws::s3::create_bucket(&clients.s3, &bucket).await.unwrap();
        let export_queue = queue(&clients, &unique_name("ferry-exports")).await;
        let delivery_queue = queue(&clients, &unique_name("ferry-deliveries")).await;
        clients.scheduler.create_schedule_group().name(&group).send().await.map_err(fail("schedule group")).unwrap();
        clients.sesv2.create_email_identity().email_identity(&sender).send().await.map_err(fail("identity")).unwrap();
        let kms_key = clients.kms.create_key().send().await.map_err(fail("KMS key")).unwrap();
        let kms_key_id = kms_key.key_metadata().map(|m| m.key_id().to_string());
        let settings = AwsSettings {
            table: Some(table),
            bucket: Some(bucket.clone()),
            export_queue_url: Some(export_queue.url.clone()),
            delivery_queue_url: Some(delivery_queue.url.clone()),
            schedule_group: Some(group.clone()),
            scheduler_role_arn: Some("arn:aws:iam::123456789012:role/ferry-scheduler".into()),
            trigger_function_arn: Some("arn:aws:lambda:us-east-1:123456789012:function:ferry-trigger".into()),
            scheduler_dlq_arn: Some("arn:aws:sqs:us-east-1:123456789012:ferry-scheduler-dlq".into()),
            email_from: Some(sender.clone()),
            public_url: Some(format!("https://{API_HOST}/{STAGE}")),
            kms_key_id,
        };
        let mut ports = ferry_lambda::aws_ports(&clients, &settings).await.expect("aws_ports");
        ports.config.export.part_size = PART_SIZE;
        adjust(&mut ports);
        // A cold start of the api with AdminKeySha256 deployed.
        ferry_api::first_start(&ports, Some(&hex::encode(Sha256::digest(ADMIN_KEY)))).await;
        Stack {
            app: ferry_api::app(ports.clone()),
            // No margin: with the deadline the tests give, each invocation uploads one part.
            export: ExportFunction::new(ports.clone(), "export-container-1", Duration::ZERO),
            deliver: DeliverFunction::new(ports.clone()),
            clients,
            settings,
            ports,
            bucket,
            group,
            sender,
            export_queue,
            delivery_queue,
        }
    }

    /// The api function's answer to `method path` as the admin.
    pub async fn api(&self, method: &str, path: &str, body: Option<Value>) -> Reply {
        self.api_as(Some(ADMIN_KEY), method, path, body).await
    }

    pub async fn api_as(&self, key: Option<&str>, method: &str, path: &str, body: Option<Value>) -> Reply {
        let event = rest_request(method, path, key, body.as_ref());
        let response = ferry_api::invoke(&self.app, event, Context::default()).await.expect("api invocation");
        let text = response["body"].as_str().unwrap_or_default();
        assert_eq!(response["isBase64Encoded"], false, "{response}");
        Reply {
            status: response["statusCode"].as_u64().expect("statusCode") as u16,
            headers: response["headers"].clone(),
            multi_value_headers: response["multiValueHeaders"].clone(),
            body: if text.is_empty() { Value::Null } else { serde_json::from_str(text).expect("a JSON body") },
        }
    }

    /// The api function's raw proxy response to an event built by the test.
    pub async fn invoke_raw(&self, event: Value) -> Value {
        ferry_api::invoke(&self.app, event, Context::default()).await.expect("api invocation")
    }

    /// A sample connection and a CSV report on it; returns the report id.
    pub async fn sample_report(&self, rows: u64) -> String {
        let c = self
            .api(
                "POST",
                "/v1/connections",
                Some(json!({"name": "Tracker", "kind": "sample", "settings": sample(rows)})),
            )
            .await;
        assert_eq!(c.status, 201, "{:?}", c.body);
        let r = self
            .api(
                "POST",
                "/v1/reports",
                Some(json!({"name": "Issues", "connectionId": c.body["id"], "reportType": "issues"})),
            )
            .await;
        assert_eq!(r.status, 201, "{:?}", r.body);
        r.body["id"].as_str().unwrap().to_string()
    }

    pub async fn export_status(&self, id: &str) -> Value {
        let r = self.api("GET", &format!("/v1/exports/{id}"), None).await;
        assert_eq!(r.status, 200, "{:?}", r.body);
        r.body
    }

    /// The file through the api's 302 to the presigned S3 URL, fetched from the emulator.
    pub async fn download(&self, id: &str) -> Vec<u8> {
        let r = self.api("GET", &format!("/v1/exports/{id}/download"), None).await;
        assert_eq!(r.status, 302, "{:?}", r.body);
        let url = r.header("Location").expect("a Location").to_string();
        assert!(url.contains("X-Amz-Signature="), "a presigned URL: {url}");
        let response = reqwest::get(&url).await.expect("GET the presigned URL");
        assert!(response.status().is_success(), "GET {url}: {}", response.status());
        response.bytes().await.unwrap().to_vec()
    }

    /// Receives up to one message of a queue, as Lambda's poller would.
    async fn receive(&self, queue: &Queue) -> Vec<Message> {
        let out = self
            .clients
            .sqs
            .receive_message()
            .queue_url(&queue.url)
            .max_number_of_messages(1)
            .visibility_timeout(120)
            .message_system_attribute_names(MessageSystemAttributeName::All)
            .send()
            .await
            .map_err(fail("ReceiveMessage"))
            .unwrap();
        out.messages().to_vec()
    }

    /// The next export message as the SQS event Lambda would pass, if any.
    pub async fn next_export_event(&self) -> Option<Value> {
        let messages = self.receive(&self.export_queue).await;
        (!messages.is_empty()).then(|| sqs_batch(&messages, &self.export_queue.arn))
    }

    /// Invokes the export function with an SQS event and a deadline so near
    /// that its budget is spent after the first part.
    pub async fn invoke_export(&self, event: Value) -> SqsBatchResponse {
        self.invoke_export_within(event, Duration::from_millis(1)).await
    }

    /// Invokes the export function with an SQS event and `left` before its deadline.
    pub async fn invoke_export_within(&self, event: Value, left: Duration) -> SqsBatchResponse {
        let event: SqsEvent = serde_json::from_value(event).expect("an SQS event");
        self.export.handle(LambdaEvent::new(event, deadline_in(left))).await.expect("export")
    }

    /// Feeds the exports queue to the export function until it is empty;
    /// returns the number of invocations.
    pub async fn drain_exports(&self) -> usize {
        self.drain_exports_within(Duration::from_millis(1)).await
    }

    /// `drain_exports` with invocations that each have `left` before their deadline.
    pub async fn drain_exports_within(&self, left: Duration) -> usize {
        let mut invocations = 0;
        while let Some(event) = self.next_export_event().await {
            let response = self.invoke_export_within(event, left).await;
            assert!(response.batch_item_failures.is_empty(), "no message put back: {response:?}");
            invocations += 1;
            assert!(invocations < 100, "the exports queue does not drain");
        }
        invocations
    }

    /// Feeds the deliveries queue to the deliver function until it is empty.
    pub async fn drain_deliveries(&self) -> usize {
        let mut invocations = 0;
        loop {
            let messages = self.receive(&self.delivery_queue).await;
            if messages.is_empty() {
                return invocations;
            }
            let event: SqsEvent = serde_json::from_value(sqs_batch(&messages, &self.delivery_queue.arn)).unwrap();
            let response = self.deliver.handle(LambdaEvent::new(event, Context::default())).await.expect("deliver");
            assert!(response.batch_item_failures.is_empty(), "no delivery put back: {response:?}");
            invocations += 1;
            assert!(invocations < 100, "the deliveries queue does not drain");
        }
    }

    /// Invokes the trigger function with a Scheduler payload.
    pub async fn trigger(&self, payload: Value) -> Value {
        ferry_trigger::handle(&self.ports, LambdaEvent::new(payload, Context::default())).await.expect("trigger")
    }

    /// Multipart uploads still open in the bucket.
    pub async fn open_uploads(&self) -> usize {
        let out = self.clients.s3.list_multipart_uploads().bucket(&self.bucket).send().await;
        out.map_err(fail("ListMultipartUploads")).unwrap().uploads().len()
    }
}

/// Settings of a `sample` connection: deterministic rows.
pub fn sample(rows: u64) -> Value {
    json!({"rows": rows, "seed": 7})
}

/// A Lambda context whose deadline is `left` from now.
fn deadline_in(left: Duration) -> Context {
    let mut context = Context::default();
    context.request_id = unique_name("request");
    context.deadline = (SystemTime::now() + left).duration_since(UNIX_EPOCH).unwrap().as_millis() as u64;
    context
}

async fn queue(clients: &AwsClients, name: &str) -> Queue {
    let url = ferry_aws::sqs::create_queue(&clients.sqs, name).await.unwrap();
    let attributes = clients
        .sqs
        .get_queue_attributes()
        .queue_url(&url)
        .attribute_names(QueueAttributeName::QueueArn)
        .send()
        .await
        .map_err(fail("GetQueueAttributes"))
        .unwrap();
    let arn = attributes.attributes().and_then(|a| a.get(&QueueAttributeName::QueueArn)).cloned().expect("QueueArn");
    Queue { url, arn }
}
