//! Mail from Ferry to a schedule's owner: the notice that a schedule paused
//! itself after failing runs. Sent through the same `Mailer` as deliveries,
//! to the email of the owner's API key when one is known. A notice that
//! cannot be sent is logged; it never fails the run that caused it.

use crate::error::CoreError;
use crate::model::page::PageRequest;
use crate::model::schedule::{Schedule, MAX_CONSECUTIVE_FAILURES};
use crate::ports::mailer::MailMessage;
use crate::usecases::settings::current;
use crate::Ports;

/// The email of one of `user`'s keys, if any has one.
pub async fn owner_email(ports: &Ports, user: &str) -> Result<Option<String>, CoreError> {
    let mut page = PageRequest::first(1000);
    loop {
        let found = ports.keys.list_keys(&page).await?;
        if let Some(email) = found.items.into_iter().find(|k| k.user == user).and_then(|k| k.email) {
            return Ok(Some(email));
        }
        match found.next_cursor {
            Some(c) => page.cursor = Some(c),
            None => return Ok(None),
        }
    }
}

/// Tells the owner their schedule paused itself; `last_error` is why the last run failed.
pub async fn send_pause_notice(ports: &Ports, s: &Schedule, last_error: Option<&str>) {
    if let Err(err) = try_send_pause_notice(ports, s, last_error).await {
        tracing::warn!(schedule_id = %s.id, error = %err, "could not mail the pause notice");
    }
}

async fn try_send_pause_notice(ports: &Ports, s: &Schedule, last_error: Option<&str>) -> Result<(), String> {
    let Some(to) = owner_email(ports, &s.owner).await.map_err(|e| e.to_string())? else {
        tracing::info!(schedule_id = %s.id, owner = %s.owner, "no email known for the owner; pause notice not mailed");
        return Ok(());
    };
    let settings = current(ports).await.map_err(|e| e.to_string())?;
    let report = ports.reports.get_report(&s.report_id).await.map_err(|e| e.to_string())?;
    let name = report.map(|r| r.name).unwrap_or_else(|| s.report_id.clone());
    let reason = last_error.map(|e| format!("\nThe last run failed with: {e}\n")).unwrap_or_default();
    let body = format!(
        "Your schedule {id} of \"{name}\" failed {MAX_CONSECUTIVE_FAILURES} runs in a row, so Ferry paused it.\n{reason}\n\
         See its history and resume it in the dashboard: {url}/schedules/{id}\n\n\
         Or through the API, fix the cause, then resume it: POST {url}/v1/schedules/{id}/resume\n\
         Its history: GET {url}/v1/schedules/{id}/runs\n",
        id = s.id,
        url = ports.config.public_url,
    );
    let message = MailMessage {
        from: settings.email_from,
        to: vec![to],
        cc: Vec::new(),
        subject: format!("Ferry paused your schedule of {name}"),
        body,
        html: None,
        attachment: None,
        date: ports.clock.now(),
        message_id: format!("{}.paused.{}", s.id, ports.clock.now().as_second()),
    };
    ports.mailer.send(&message).await.map_err(|e| e.to_string())
}
