//! Link destinations: a download link that needs no key, outlives the signed
//! URL it redirects to, is mailed to `notify`, keeps the file for
//! `retentionDays`, and is 410 once the sweeper has removed the file.

use ferry_core::usecases::deliveries::sweeper::sweep_expired_files;
use jiff::SignedDuration;
use reqwest::StatusCode;
use serde_json::json;

use super::{app, at, follow, read_mail, run_now, schedule, wait_delivered, wait_outbox};
use crate::helpers::{error_of, sha256_hex, ADMIN_KEY};

#[tokio::test]
async fn a_link_downloads_without_a_key_outlives_its_signed_urls_and_is_gone_after_retention() {
    let (mut app, clock) = app().await;
    let report = app.sample_report(ADMIN_KEY, 40, json!({"name": "Linked"})).await;
    let dest = json!([{"type": "link", "retentionDays": 10, "notify": ["team@example.org"]}]);
    let schedule = schedule(&app, ADMIN_KEY, &report, dest).await;
    let shown: serde_json::Value = app.get(ADMIN_KEY, &format!("/schedules/{schedule}")).await.json().await.unwrap();
    let mut link = shown["destinations"][0].clone();
    let id = link.as_object_mut().unwrap().remove("id").unwrap_or_default();
    assert!(id.as_str().is_some_and(|id| id.starts_with("dst_")), "a read-only id: {shown}");
    assert_eq!(link, json!({"type": "link", "retentionDays": 10, "notify": ["team@example.org"]}));

    let export = run_now(&app, ADMIN_KEY, &schedule).await;
    let id = export["id"].as_str().unwrap();
    let run = wait_delivered(&app, ADMIN_KEY, &schedule, id).await;
    assert_eq!(run["status"], "SUCCEEDED", "{run}");
    assert_eq!(run["deliveries"][0]["type"], "link");
    let link = run["deliveries"][0]["url"].as_str().unwrap().to_string();
    assert!(link.starts_with(&format!("{}/v1/files/", app.url)), "{link}");
    let token = link.rsplit('/').next().unwrap();
    assert_eq!(token.len(), 64, "256 bits of token");

    // No key on either hop.
    let (first_signed, bytes) = follow(&app, &link).await;
    assert_eq!(sha256_hex(&bytes), export["sha256"].as_str().unwrap());

    // The signed URL behind it expires (FERRY_SIGNED_URL_TTL_SECONDS, 300 s); the link does not.
    clock.advance(SignedDuration::from_secs(301));
    let expired = app.client.get(&first_signed).send().await.unwrap();
    assert_eq!(expired.status(), StatusCode::FORBIDDEN, "the first signed URL has expired");
    let (second_signed, again) = follow(&app, &link).await;
    assert_ne!(second_signed, first_signed, "a fresh signed URL");
    assert_eq!(again, bytes);

    // The notification carries the link.
    let (to, subject, body, attached) = read_mail(&wait_outbox(&app, 1).await[0]);
    assert_eq!(to, "team@example.org");
    assert!(subject.starts_with("Linked"), "{subject}");
    assert!(body.contains(&link), "the mail carries the link: {body}");
    assert!(attached.is_empty());

    // The file is kept 10 days from the delivery, past the default 7.
    let kept = app.export(ADMIN_KEY, id).await;
    let expires = at(kept["expiresAt"].as_str().unwrap());
    assert_eq!(expires, at("2026-11-23T08:00:00Z") + SignedDuration::from_hours(240));
    clock.advance(SignedDuration::from_hours(24 * 8));
    assert_eq!(sweep_expired_files(&app.ferry().ports).await.unwrap(), 0, "day 8: still kept");
    follow(&app, &link).await;

    clock.set(expires + SignedDuration::from_secs(1));
    let files_before = app.stored_files().len();
    assert_eq!(sweep_expired_files(&app.ferry().ports).await.unwrap(), 1);
    assert_eq!(app.stored_files().len(), files_before - 1, "the file is deleted");
    let (status, body) = error_of(app.client.get(&link).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::GONE, "{body}");
    let (status, _) =
        error_of(app.client.get(format!("{}/v1/files/{}", app.url, "0".repeat(64))).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "a token never handed out");
    // A redelivery cannot bring it back.
    let r =
        app.post(ADMIN_KEY, &format!("/schedules/{schedule}/runs/{id}/redeliver"), &json!({"destinations": [0]})).await;
    assert_eq!(r.status(), StatusCode::GONE);
}
