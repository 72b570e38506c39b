//! Event JSON as Lambda hands it to the functions, in the shapes AWS
//! documents (aws_lambda_events' fixtures are the same): an API Gateway REST
//! proxy request, an SQS batch built from messages really received from
//! moto, and the input EventBridge Scheduler delivers.

use aws_sdk_sqs::types::{Message, MessageSystemAttributeName};
use serde_json::{json, Map, Value};

pub const STAGE: &str = "prod";
pub const API_HOST: &str = "abc123defg.execute-api.us-east-1.amazonaws.com";

/// A REST API proxy event (`resource: /{proxy+}`) for `method path?query`.
pub fn rest_request(method: &str, path_and_query: &str, key: Option<&str>, body: Option<&Value>) -> Value {
    let (path, query) = path_and_query.split_once('?').unwrap_or((path_and_query, ""));
    let mut single = Map::new();
    let mut multi = Map::new();
    for (k, v) in query.split('&').filter(|p| !p.is_empty()).map(|p| p.split_once('=').unwrap_or((p, ""))) {
        single.insert(k.into(), v.into());
        multi.entry(k.to_string()).or_insert_with(|| json!([])).as_array_mut().unwrap().push(v.into());
    }
    let mut headers = Map::new();
    headers.insert("Accept".into(), "application/json".into());
    headers.insert("Host".into(), API_HOST.into());
    headers.insert("User-Agent".into(), "ferry-tests".into());
    headers.insert("X-Forwarded-Proto".into(), "https".into());
    if let Some(k) = key {
        headers.insert("Authorization".into(), format!("Bearer {k}").into());
    }
    if body.is_some() {
        headers.insert("Content-Type".into(), "application/json".into());
    }
    let multi_headers: Map<String, Value> = headers.iter().map(|(k, v)| (k.clone(), json!([v]))).collect();
    let none_if_empty = |m: Map<String, Value>| if m.is_empty() { Value::Null } else { Value::Object(m) };
    json!({
        "resource": "/{proxy+}",
        "path": path,
        "httpMethod": method,
        "headers": headers,
        "multiValueHeaders": multi_headers,
        "queryStringParameters": none_if_empty(single),
        "multiValueQueryStringParameters": none_if_empty(multi),
        "pathParameters": {"proxy": path.trim_start_matches('/')},
        "stageVariables": null,
        "requestContext": {
            "accountId": "123456789012",
            "resourceId": "roq9wj",
            "stage": STAGE,
            "domainName": API_HOST,
            "domainPrefix": "abc123defg",
            "requestId": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
            "protocol": "HTTP/1.1",
            "identity": {"sourceIp": "203.0.113.7", "userAgent": "ferry-tests"},
            "path": format!("/{STAGE}{path}"),
            "resourcePath": "/{proxy+}",
            "httpMethod": method,
            "requestTime": "09/Apr/2026:12:34:56 +0000",
            "requestTimeEpoch": 1775738096000u64,
            "apiId": "abc123defg"
        },
        "body": body.map(|b| b.to_string()),
        "isBase64Encoded": false
    })
}

/// An SQS batch event of messages received from `queue_arn`, with their
/// receipt handles and receive counts.
pub fn sqs_batch(messages: &[Message], queue_arn: &str) -> Value {
    let records: Vec<Value> = messages
        .iter()
        .map(|m| {
            let attributes: Map<String, Value> = m
                .attributes()
                .map(|a| a.iter().map(|(k, v)| (k.as_str().to_string(), Value::from(v.as_str()))).collect())
                .unwrap_or_default();
            assert!(
                attributes.contains_key(MessageSystemAttributeName::ApproximateReceiveCount.as_str()),
                "received without ApproximateReceiveCount: {attributes:?}"
            );
            json!({
                "messageId": m.message_id(),
                "receiptHandle": m.receipt_handle(),
                "body": m.body(),
                "md5OfBody": m.md5_of_body(),
                "attributes": attributes,
                "messageAttributes": {},
                "eventSource": "aws:sqs",
                "eventSourceARN": queue_arn,
                "awsRegion": "us-east-1"
            })
        })
        .collect();
    json!({ "Records": records })
}

/// What EventBridge Scheduler delivers: the schedule's `Input` with
/// `<aws.scheduler.scheduled-time>` replaced by the firing's time.
pub fn scheduler_input(input_template: &str, scheduled_time: &str) -> Value {
    let input = input_template.replace("<aws.scheduler.scheduled-time>", scheduled_time);
    serde_json::from_str(&input).expect("a schedule's Input is JSON")
}
