//! The stack `make aws-e2e` deployed from infra/template.yaml into the
//! emulator (infra/e2e/deploy.py writes what it created to the file
//! `FERRY_E2E_STACK` names), and the four functions built from it alone:
//! each from the environment variables the stack gave it, signing with its
//! own role's temporary credentials (as Lambda does), so the emulator's
//! recording says which role made which call. The harness plays Lambda's
//! part: it polls each function's queue as the event source mapping says
//! (batch size, with the function's role) and gives the export function the
//! deadline its timeout sets.

mod edges;
mod flow;

use std::collections::HashMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_lambda_events::event::sqs::{SqsBatchResponse, SqsEvent};
use aws_sdk_sqs::config::Credentials;
use aws_sdk_sqs::types::{MessageSystemAttributeName, QueueAttributeName};
use ferry_aws::emulator::{sdk_config_for, unique_name};
use ferry_aws::{AwsClients, AwsSettings};
use ferry_core::Ports;
use ferry_deliver::DeliverFunction;
use ferry_export::ExportFunction;
use lambda_runtime::{Context, LambdaEvent};
use serde_json::Value;

use crate::events::{rest_request, sqs_batch};
use crate::stack::Reply;

const HOW: &str = "this test runs on the stack `make aws-e2e` deploys (it sets FERRY_E2E_STACK)";

/// One function of the stack, as Lambda would run it.
pub struct Function {
    pub name: String,
    pub environment: HashMap<String, String>,
    pub credentials: Credentials,
    pub timeout: Duration,
    /// Its SQS event source: the queue and the batch size.
    pub source: Option<(String, String, i32)>,
}

pub struct Deployed {
    pub stack: Value,
    pub endpoint: String,
    /// The operator's and the test's own calls (not any function's).
    pub harness: AwsClients,
    pub api: (Function, Ports, axum::Router),
    pub trigger: (Function, Ports),
    pub export: (Function, ExportFunction, Duration),
    pub deliver: (Function, DeliverFunction),
}

impl Deployed {
    pub async fn load() -> Deployed {
        let path = std::env::var("FERRY_E2E_STACK").unwrap_or_else(|_| panic!("FERRY_E2E_STACK is not set: {HOW}"));
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {path} ({e}): {HOW}"));
        let stack: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path} is not JSON ({e})"));
        let endpoint = stack["endpoint"].as_str().expect("endpoint").to_string();
        let operator = Credentials::new("ferry-e2e-operator", "ferry-e2e-operator", None, None, "ferry-e2e");
        let harness = AwsClients::from_config(&sdk_config_for(&endpoint, operator).await);

        let api = function(&stack, "ApiFunction");
        // lambda_http reads it from the process environment, where Lambda puts the function's variables.
        if let Some(v) = api.environment.get("AWS_LAMBDA_HTTP_IGNORE_STAGE_IN_PATH") {
            std::env::set_var("AWS_LAMBDA_HTTP_IGNORE_STAGE_IN_PATH", v);
        }
        let api_ports = ports(&endpoint, &api).await;
        ferry_api::first_start(&api_ports, api.environment.get("FERRY_ADMIN_KEY_SHA256").map(String::as_str)).await;
        let app = ferry_api::app(api_ports.clone());

        let trigger = function(&stack, "TriggerFunction");
        let trigger_ports = ports(&endpoint, &trigger).await;

        let export = function(&stack, "ExportFunction");
        let margin = export
            .environment
            .get("FERRY_EXPORT_MARGIN_SECONDS")
            .and_then(|s| s.parse().ok())
            .map_or(ferry_export::DEFAULT_MARGIN, Duration::from_secs);
        let export_fn = ExportFunction::new(ports(&endpoint, &export).await, unique_name("export-container"), margin);

        let deliver = function(&stack, "DeliverFunction");
        let deliver_fn = DeliverFunction::new(ports(&endpoint, &deliver).await);

        Deployed {
            stack,
            endpoint,
            harness,
            api: (api, api_ports, app),
            trigger: (trigger, trigger_ports),
            export: (export, export_fn, margin),
            deliver: (deliver, deliver_fn),
        }
    }

    pub fn parameter(&self, name: &str) -> &Value {
        &self.stack["parameters"][name]
    }

    /// The api function's answer to an API Gateway REST proxy event.
    pub async fn call(&self, key: Option<&str>, method: &str, path: &str, body: Option<Value>) -> Reply {
        let event = rest_request(method, path, key, body.as_ref());
        let response = ferry_api::invoke(&self.api.2, event, Context::default()).await.expect("api invocation");
        let text = response["body"].as_str().unwrap_or_default();
        Reply {
            status: response["statusCode"].as_u64().expect("statusCode") as u16,
            headers: response["headers"].clone(),
            multi_value_headers: response["multiValueHeaders"].clone(),
            body: if text.is_empty() {
                Value::Null
            } else {
                serde_json::from_str(text).unwrap_or(Value::String(text.into()))
            },
        }
    }

    /// What Lambda's poller hands `function`: up to its batch size of
    /// messages, received with the function's role.
    async fn poll(&self, function: &Function) -> Option<SqsEvent> {
        let (url, arn, batch) =
            function.source.as_ref().unwrap_or_else(|| panic!("{} has no SQS event source", function.name));
        let clients = clients(&self.endpoint, function).await;
        clients
            .sqs
            .get_queue_attributes()
            .queue_url(url)
            .attribute_names(QueueAttributeName::VisibilityTimeout)
            .send()
            .await
            .unwrap_or_else(|e| panic!("GetQueueAttributes as {}: {e:?}", function.name));
        let out = clients
            .sqs
            .receive_message()
            .queue_url(url)
            .max_number_of_messages(*batch)
            .message_system_attribute_names(MessageSystemAttributeName::All)
            .send()
            .await
            .unwrap_or_else(|e| panic!("ReceiveMessage as {}: {e:?}", function.name));
        let messages = out.messages();
        (!messages.is_empty()).then(|| serde_json::from_value(sqs_batch(messages, arn)).expect("an SQS event"))
    }

    /// One export invocation, if a job is queued. Its deadline leaves it just
    /// the margin the stack sets, so each invocation uploads one part and
    /// continues through the queue, as a long export does on Lambda.
    pub async fn export_once(&self) -> Option<SqsBatchResponse> {
        let event = self.poll(&self.export.0).await?;
        let context = deadline_in(self.export.2 + Duration::from_millis(1));
        Some(self.export.1.handle(LambdaEvent::new(event, context)).await.expect("export invocation"))
    }

    /// One export invocation whose job reads as received `receives` times,
    /// as if the invocations before had all crashed on it.
    pub async fn export_after_crashes(&self, receives: u32) -> SqsBatchResponse {
        let mut event = self.poll(&self.export.0).await.expect("an export job");
        for record in &mut event.records {
            record.attributes.insert("ApproximateReceiveCount".into(), receives.to_string());
        }
        let context = deadline_in(self.export.0.timeout);
        self.export.1.handle(LambdaEvent::new(event, context)).await.expect("export invocation")
    }

    pub async fn drain_exports(&self) -> usize {
        let mut invocations = 0;
        while let Some(response) = self.export_once().await {
            assert!(response.batch_item_failures.is_empty(), "no export job put back: {response:?}");
            invocations += 1;
            assert!(invocations < 50, "the export queue does not drain");
        }
        invocations
    }

    /// Runs the deliver function over its queue until it is empty, with the
    /// function's role in the process environment (where Lambda puts it, and
    /// where an S3 destination without credentials finds it). The emulator
    /// stands in for AWS's own S3 endpoint, the only one such a destination
    /// may reach, through the SDKs' standard `AWS_ENDPOINT_URL`.
    pub async fn drain_deliveries(&self) -> usize {
        let c = &self.deliver.0.credentials;
        std::env::set_var("AWS_ACCESS_KEY_ID", c.access_key_id());
        std::env::set_var("AWS_SECRET_ACCESS_KEY", c.secret_access_key());
        std::env::set_var("AWS_SESSION_TOKEN", c.session_token().unwrap_or_default());
        std::env::set_var("AWS_ENDPOINT_URL", &self.endpoint);
        std::env::set_var("AWS_ALLOW_HTTP", "true");
        let mut invocations = 0;
        while let Some(event) = self.poll(&self.deliver.0).await {
            let context = deadline_in(self.deliver.0.timeout);
            let response = self.deliver.1.handle(LambdaEvent::new(event, context)).await.expect("deliver invocation");
            if !response.batch_item_failures.is_empty() {
                panic!("no delivery put back: {response:?}; the histories say {}", self.histories().await);
            }
            invocations += 1;
            assert!(invocations < 50, "the delivery queue does not drain");
        }
        invocations
    }

    /// Every schedule's runs with their deliveries' attempts, for a failure's message.
    async fn histories(&self) -> String {
        let schedules = self.admin("GET", "/v1/schedules", None).await.body;
        let mut out = Vec::new();
        for s in schedules["items"].as_array().into_iter().flatten() {
            let id = s["id"].as_str().unwrap_or_default();
            let runs = self.admin("GET", &format!("/v1/schedules/{id}/runs"), None).await.body;
            out.push(format!("{id}: {runs}"));
        }
        out.join("\n")
    }

    pub async fn trigger(&self, payload: Value) -> Value {
        let context = deadline_in(self.trigger.0.timeout);
        ferry_trigger::handle(&self.trigger.1, LambdaEvent::new(payload, context)).await.expect("trigger invocation")
    }
}

/// The function `logical` (its template name) as the stack created it.
fn function(stack: &Value, logical: &str) -> Function {
    let f = &stack["functions"][logical];
    assert!(f.is_object(), "the stack has no function {logical}: {HOW}");
    let environment = f["environment"]
        .as_object()
        .expect("environment")
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().expect("a string variable").to_string()))
        .collect();
    let c = &f["credentials"];
    let text = |v: &Value| v.as_str().expect("a credential").to_string();
    let credentials = Credentials::new(
        text(&c["accessKeyId"]),
        text(&c["secretAccessKey"]),
        Some(text(&c["sessionToken"])),
        None,
        "ferry-e2e-role",
    );
    let source = f["eventSources"].as_array().and_then(|s| s.first()).map(|s| {
        let text = |k: &str| s[k].as_str().unwrap_or_else(|| panic!("event source {k}")).to_string();
        (text("QueueUrl"), text("EventSourceArn"), s["BatchSize"].as_i64().unwrap_or(10) as i32)
    });
    Function {
        name: f["name"].as_str().expect("name").to_string(),
        environment,
        credentials,
        timeout: Duration::from_secs(f["timeout"].as_u64().expect("timeout")),
        source,
    }
}

async fn clients(endpoint: &str, function: &Function) -> AwsClients {
    AwsClients::from_config(&sdk_config_for(endpoint, function.credentials.clone()).await)
}

/// The ports `main` builds, from the function's variables alone.
async fn ports(endpoint: &str, function: &Function) -> Ports {
    let settings = AwsSettings::from_vars(|name| function.environment.get(name).cloned());
    let clients = clients(endpoint, function).await;
    ferry_lambda::aws_ports(&clients, &settings).await.unwrap_or_else(|e| panic!("{}: {e}", function.name))
}

fn deadline_in(left: Duration) -> Context {
    let mut context = Context::default();
    context.request_id = unique_name("request");
    context.deadline = (SystemTime::now() + left).duration_since(UNIX_EPOCH).unwrap().as_millis() as u64;
    context
}
