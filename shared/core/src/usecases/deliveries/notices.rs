//! Mail from Ferry about a schedule's failures, sent through the same
//! `Mailer` as deliveries. Someone always hears of a pause: the notice goes
//! to the owner's key email and to the setting `alertEmail`; when neither is
//! known, to every admin key with an email; when no address is known at
//! all, admins see a banner on every page instead (`notices_unmailable`).
//! With `notifyOnFailure` the owner also gets each failed run's error, at
//! most one mail an hour (`run_outcome` keeps the count of the runs a mail
//! has not told of yet, and the next mail sums them). A notice that cannot
//! be sent is logged; it never fails the run that caused it.

use crate::error::CoreError;
use crate::model::api_key::{ApiKey, Role};
use crate::model::page::PageRequest;
use crate::model::schedule::{Schedule, MAX_CONSECUTIVE_FAILURES};
use crate::model::settings::Settings;
use crate::ports::mailer::MailMessage;
use crate::usecases::settings::current;
use crate::Ports;

async fn all_keys(ports: &Ports) -> Result<Vec<ApiKey>, CoreError> {
    let mut page = PageRequest::first(1000);
    let mut out = Vec::new();
    loop {
        let found = ports.keys.list_keys(&page).await?;
        out.extend(found.items);
        match found.next_cursor {
            Some(c) => page.cursor = Some(c),
            None => return Ok(out),
        }
    }
}

/// The email of one of `user`'s keys, if any has one.
pub async fn owner_email(ports: &Ports, user: &str) -> Result<Option<String>, CoreError> {
    Ok(all_keys(ports).await?.into_iter().filter(|k| k.user == user).find_map(|k| k.email))
}

/// Who hears that `s` paused itself: its owner and `alertEmail`, else every
/// admin key with an email; empty when no address is known.
pub async fn pause_recipients(ports: &Ports, s: &Schedule, settings: &Settings) -> Result<Vec<String>, CoreError> {
    let keys = all_keys(ports).await?;
    let mut to: Vec<String> =
        keys.iter().filter(|k| k.user == s.owner).find_map(|k| k.email.clone()).into_iter().collect();
    to.extend(settings.alert_email.clone());
    if to.is_empty() {
        to = keys.into_iter().filter(|k| k.role == Role::Admin).filter_map(|k| k.email).collect();
    }
    to.sort_by_key(|a| a.to_ascii_lowercase());
    to.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
    Ok(to)
}

/// True when a pause notice could reach nobody whose schedule has no owner
/// email: no `alertEmail` and no admin key with an email. Admins then see a
/// banner on every page saying so and how to fix it.
pub async fn notices_unmailable(ports: &Ports) -> Result<bool, CoreError> {
    if current(ports).await?.alert_email.is_some() {
        return Ok(false);
    }
    Ok(!all_keys(ports).await?.iter().any(|k| k.role == Role::Admin && k.email.is_some()))
}

/// Tells the owner (and `alertEmail`, or the admins) that the schedule paused
/// itself; `last_error` is why the last run failed.
pub async fn send_pause_notice(ports: &Ports, s: &Schedule, last_error: Option<&str>) {
    if let Err(err) = try_send_pause_notice(ports, s, last_error).await {
        tracing::warn!(schedule_id = %s.id, error = %err, "could not mail the pause notice");
    }
}

/// Mails the owner that a run failed; `earlier` counts the failed runs of
/// the past hour that no mail told of.
pub async fn send_failure_notice(ports: &Ports, s: &Schedule, error: Option<&str>, earlier: u32) {
    if let Err(err) = try_send_failure_notice(ports, s, error, earlier).await {
        tracing::warn!(schedule_id = %s.id, error = %err, "could not mail the failed-run notice");
    }
}

async fn try_send_pause_notice(ports: &Ports, s: &Schedule, last_error: Option<&str>) -> Result<(), String> {
    let settings = current(ports).await.map_err(|e| e.to_string())?;
    let to = pause_recipients(ports, s, &settings).await.map_err(|e| e.to_string())?;
    if to.is_empty() {
        tracing::warn!(schedule_id = %s.id, owner = %s.owner, "no address known for pause notices; admins see a banner");
        return Ok(());
    }
    let name = report_name(ports, s).await?;
    let body = format!(
        "The schedule {id} of \"{name}\" (owner {owner}) failed {MAX_CONSECUTIVE_FAILURES} runs in a row, so Ferry paused it.\n\n\
         The last error: {error}\n\n\
         See its history and resume it in the dashboard: {url}/schedules/{id}\n\n\
         Or through the API, fix the cause, then resume it: POST {url}/v1/schedules/{id}/resume\n\
         Its history: GET {url}/v1/schedules/{id}/runs\n",
        id = s.id,
        owner = s.owner,
        error = last_error.unwrap_or("(none recorded)"),
        url = ports.config.public_url,
    );
    let subject = format!("Ferry paused the schedule of {name}");
    mail(ports, &settings, s, to, subject, body, "paused").await
}

async fn try_send_failure_notice(ports: &Ports, s: &Schedule, error: Option<&str>, earlier: u32) -> Result<(), String> {
    let Some(to) = owner_email(ports, &s.owner).await.map_err(|e| e.to_string())? else {
        tracing::info!(schedule_id = %s.id, owner = %s.owner, "no email known for the owner; failed-run mail not sent");
        return Ok(());
    };
    let settings = current(ports).await.map_err(|e| e.to_string())?;
    let name = report_name(ports, s).await?;
    let also = match earlier {
        0 => String::new(),
        1 => "\nOne more run failed since the last mail about this schedule.\n".to_string(),
        n => format!("\n{n} more runs failed since the last mail about this schedule.\n"),
    };
    let body = format!(
        "A run of the schedule {id} of \"{name}\" failed ({failures} in a row; at {MAX_CONSECUTIVE_FAILURES} Ferry pauses it).\n\n\
         The last error: {error}\n{also}\n\
         See its history in the dashboard: {url}/schedules/{id}\n",
        id = s.id,
        failures = s.consecutive_failures,
        error = error.unwrap_or("(none recorded)"),
        url = ports.config.public_url,
    );
    let subject = format!("Ferry: a run of {name} failed");
    mail(ports, &settings, s, vec![to], subject, body, "failed").await
}

async fn report_name(ports: &Ports, s: &Schedule) -> Result<String, String> {
    let report = ports.reports.get_report(&s.report_id).await.map_err(|e| e.to_string())?;
    Ok(report.map(|r| r.name).unwrap_or_else(|| s.report_id.clone()))
}

async fn mail(
    ports: &Ports,
    settings: &Settings,
    s: &Schedule,
    to: Vec<String>,
    subject: String,
    body: String,
    what: &str,
) -> Result<(), String> {
    let now = ports.clock.now();
    let message = MailMessage {
        from: settings.email_from.clone(),
        to,
        cc: Vec::new(),
        subject,
        body,
        html: None,
        attachment: None,
        date: now,
        message_id: format!("{}.{what}.{}", s.id, now.as_second()),
    };
    ports.mailer.send(&message).await.map(|_| ()).map_err(|e| e.to_string())
}
