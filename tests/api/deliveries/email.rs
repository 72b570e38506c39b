//! Email destinations, read back from the outbox by an independent MIME
//! parser (mail-parser): rendered subject and body, the attachment byte for
//! byte (or zipped), and a link instead when the file is too large.

use std::io::Read;

use serde_json::json;

use super::{app, attempts, follow, read_mail, run_now, schedule, wait_delivered, wait_outbox, Mail};
use crate::helpers::{sha256_hex, TestApp, ADMIN_KEY};

async fn mails(app: &TestApp, count: usize) -> Vec<Mail> {
    wait_outbox(app, count).await.iter().map(|p| read_mail(p)).collect()
}

#[tokio::test]
async fn a_mail_carries_the_rendered_subject_and_body_and_the_export_as_attachment_or_zipped() {
    let (app, _clock) = app().await;
    let report = app.sample_report(ADMIN_KEY, 25, json!({"name": "Weekly bugs", "query": "project = OPS"})).await;
    let destinations = json!([
        {"type": "email", "to": ["ana@example.org"], "cc": ["ben@example.org"],
         "subject": "{{reportName}}: {{rows}} rows", "body": "Export {{exportId}} of {{jql}} is {{sizeMb}} MB."},
        {"type": "email", "to": ["zip@example.org"], "compress": true},
    ]);
    let schedule = schedule(&app, ADMIN_KEY, &report, destinations).await;
    let export = run_now(&app, ADMIN_KEY, &schedule).await;
    let id = export["id"].as_str().unwrap();
    let file = app.download(ADMIN_KEY, id).await;
    let run = wait_delivered(&app, ADMIN_KEY, &schedule, id).await;
    assert_eq!(run["status"], "SUCCEEDED", "{run}");
    assert_eq!(run["deliveries"][0]["type"], "email");
    assert_eq!(run["deliveries"][0]["status"], "DELIVERED");
    assert_eq!(attempts(&run, 0)[0]["outcome"], "DELIVERED");
    assert_eq!(attempts(&run, 0)[0]["bytesSent"], file.len(), "the attachment is the whole file");

    let mut mails = mails(&app, 2).await;
    mails.sort();
    let (to, subject, body, attached) = &mails[0];
    assert_eq!(to, "ana@example.org");
    assert_eq!(subject, "Weekly bugs: 25 rows");
    let size_mb = format!("{:.2}", file.len() as f64 / 1_048_576.0);
    assert_eq!(body.trim_end(), format!("Export {id} of project = OPS is {size_mb} MB."));
    assert_eq!(attached.len(), 1);
    let (name, content_type, bytes) = &attached[0];
    assert_eq!(name, export["fileName"].as_str().unwrap());
    assert_eq!(content_type, "text/csv");
    assert_eq!(sha256_hex(bytes), sha256_hex(&file), "the attachment is byte-identical to the export");

    let (to, subject, body, attached) = &mails[1];
    assert_eq!(to, "zip@example.org");
    // Dates for people: the run's date and time in the schedule's zone (UTC), no nanoseconds.
    let created: jiff::Timestamp = export["createdAt"].as_str().unwrap().parse().unwrap();
    let day = created.strftime("%Y-%m-%d").to_string();
    assert_eq!(subject, &format!("Weekly bugs ({day})"), "the default subject");
    let minute = created.strftime("%Y-%m-%d %H:%M UTC").to_string();
    assert!(body.contains(&format!("run at {minute}, sent by Ferry")), "the default body: {body}");
    let (name, content_type, bytes) = &attached[0];
    assert_eq!(name, &format!("{}.zip", export["fileName"].as_str().unwrap()));
    assert_eq!(content_type, "application/zip");
    assert_eq!(attempts(&run, 1)[0]["bytesSent"], bytes.len());
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes.clone())).unwrap();
    assert_eq!(archive.len(), 1);
    let mut entry = archive.by_index(0).unwrap();
    assert_eq!(entry.name().unwrap(), export["fileName"].as_str().unwrap());
    let mut inner = Vec::new();
    entry.read_to_end(&mut inner).unwrap();
    assert_eq!(inner, file, "the zip holds the export byte for byte");
}

#[tokio::test]
async fn a_file_over_max_attachment_mb_is_sent_as_a_link_and_the_mail_says_why() {
    let (app, _clock) = app().await;
    let r = app.put(ADMIN_KEY, "/settings", &json!({"maxAttachmentMb": 1})).await;
    assert_eq!(r.status(), reqwest::StatusCode::OK);
    // About 1.5 MB of CSV: over the limit as it is.
    let report = app.sample_report(ADMIN_KEY, 9000, json!({"name": "Big"})).await;
    let dest = json!([{"type": "email", "to": ["ana@example.org"]}]);
    let schedule = schedule(&app, ADMIN_KEY, &report, dest).await;
    let export = run_now(&app, ADMIN_KEY, &schedule).await;
    let id = export["id"].as_str().unwrap();
    assert!(export["bytes"].as_u64().unwrap() > 1_048_576, "{export}");
    let run = wait_delivered(&app, ADMIN_KEY, &schedule, id).await;
    assert_eq!(run["status"], "SUCCEEDED", "{run}");
    assert_eq!(attempts(&run, 0)[0]["bytesSent"], 0, "nothing attached");
    let link = run["deliveries"][0]["url"].as_str().expect("the history shows the link").to_string();

    let mails = mails(&app, 1).await;
    let (_, _, body, attached) = &mails[0];
    assert!(attached.is_empty(), "no attachment");
    assert!(body.contains("not attached") && body.contains("1 MB"), "the mail says why: {body}");
    assert!(body.contains(&link), "the mail carries the link: {body}");
    let (_, bytes) = follow(&app, &link).await;
    assert_eq!(sha256_hex(&bytes), export["sha256"].as_str().unwrap(), "the link serves the file");
}
