//! An email destination end to end on AWS: Scheduler's firing to `trigger`,
//! the export drained through `export`, the delivery through `deliver`, and
//! the message read back from the emulator's SES raw messages by an
//! independent MIME parser.

use ferry_aws::emulator::Emulator;
use ferry_aws::TimerEvent;
use mail_parser::{MessageParser, MimeHeaders};
use serde_json::json;

use crate::events::scheduler_input;
use crate::stack::Stack;

#[tokio::test]
async fn a_scheduled_email_reaches_ses_with_the_export_attached() {
    let stack = Stack::new().await;
    let report = stack.sample_report(300).await;
    let body = json!({"reportId": report,
        "destinations": [{"type": "email", "to": ["ana@example.org"], "subject": "{{reportName}}: {{rows}} rows"}],
        "recurrence": {"frequency": "daily", "time": "06:30", "timezone": "UTC"}});
    let r = stack.api("POST", "/v1/schedules", Some(body)).await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    let schedule = r.body["id"].as_str().unwrap();

    let tomorrow = jiff::Timestamp::now().to_zoned(jiff::tz::TimeZone::UTC).date().tomorrow().unwrap();
    let firing = scheduler_input(&TimerEvent::input_template(schedule), &format!("{tomorrow}T06:30:00Z"));
    let started = stack.trigger(firing).await;
    assert_eq!(started["outcome"], "started", "{started}");
    let export_id = started["exportId"].as_str().unwrap();
    stack.drain_exports().await;
    assert_eq!(stack.drain_deliveries().await, 1, "one delivery, delivered at the first attempt");
    let file = stack.download(export_id).await;

    let runs = stack.api("GET", &format!("/v1/schedules/{schedule}/runs"), None).await;
    let run = &runs.body["items"][0];
    assert_eq!(run["status"], "SUCCEEDED", "{run}");
    assert_eq!(run["deliveries"][0]["status"], "DELIVERED", "{run}");

    let data = Emulator::get().data().await;
    let ours: Vec<&str> = data["ses"]["RawMessage"]
        .as_array()
        .expect("SES raw messages")
        .iter()
        .filter(|m| m["source"].as_str().is_some_and(|s| s.contains(&stack.sender)))
        .filter_map(|m| m["raw_data"].as_str())
        .collect();
    assert_eq!(ours.len(), 1, "one message from this stack's sender");
    let mail = MessageParser::default().parse(ours[0].as_bytes()).expect("the raw message parses");
    assert_eq!(mail.subject(), Some("Issues: 300 rows"));
    assert_eq!(mail.to().and_then(|t| t.first()).and_then(|a| a.address()), Some("ana@example.org"));
    assert_eq!(mail.attachment_count(), 1);
    let attachment = mail.attachment(0).unwrap();
    assert!(attachment.attachment_name().is_some_and(|n| n.ends_with(".csv")), "{:?}", attachment.attachment_name());
    assert!(attachment.contents() == file.as_slice(), "the attachment is the export file, byte for byte");
}
