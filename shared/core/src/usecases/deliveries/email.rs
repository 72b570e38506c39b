//! The email channel: the file attached (zipped when asked), subject and body
//! from the destination's templates. A file over `maxAttachmentMb` after
//! compression is not attached: the mail carries a download link and says why.
//! Also the link destination's notification and other notices from Ferry.

use super::attachment::{prepare_attachment, Attachment};
use super::context::{mb, AttemptContext};
use super::links::issue_link;
use super::recipients::resolve;
use super::summary_html::{summary_html, SummaryHead};
use crate::model::delivery::Delivery;
use crate::model::destination::{EmailDestination, LinkDestination};
use crate::ports::delivery::{DeliveryError, Sent};
use crate::ports::mailer::{MailAttachment, MailMessage};
use crate::usecases::templates::BYTES_PER_MB;

/// `ACC cycle time (2026-12-07)`: the date a person reads, in the schedule's zone.
pub const DEFAULT_SUBJECT: &str = "{{reportName}} ({{runDate}})";
pub const DEFAULT_BODY: &str =
    "{{reportName}}: {{rows}} rows, {{sizeMb}} MB.\n\nExport {{exportId}}, run at {{runTime}}, sent by Ferry.\n";

/// Sends the mail; returns the attachment's size (0 when a link went
/// instead) and the mail server's answer.
pub(super) async fn send_email(
    cx: &AttemptContext<'_>,
    d: &mut Delivery,
    dest: &EmailDestination,
) -> Result<Sent, DeliveryError> {
    let recipients = resolve(cx, dest).await?;
    if recipients.to.is_empty() {
        return Err(recipients.failure().unwrap_or_else(|| DeliveryError::Rejected("no recipients".into())));
    }
    let limit = u64::from(cx.settings.max_attachment_mb) * BYTES_PER_MB;
    let attachment = prepare_attachment(cx.ports, &cx.export, &cx.file_key, dest.compress, limit).await?;
    let render = |t: &str| cx.placeholders.render(t).map_err(|e| DeliveryError::Rejected(format!("template: {e}")));
    let subject = render(dest.subject.as_deref().unwrap_or(DEFAULT_SUBJECT))?;
    let mut body = render(dest.body.as_deref().unwrap_or(DEFAULT_BODY))?;
    let attachment = match attachment {
        Attachment::Fits(a) => Some(a),
        Attachment::TooLarge { size } => {
            let url = issue_link(cx.ports, d).await.map_err(link_failed)?;
            let compressed = if dest.compress || cx.export.compress { " even when compressed" } else { "" };
            body.push_str(&format!(
                "\n\nThe file is not attached: at {} MB it is larger{compressed} than the {} MB a mail may carry. \
                 Download it here (no sign-in needed) until {}:\n{url}\n",
                mb(size),
                cx.settings.max_attachment_mb,
                expiry(cx),
            ));
            None
        }
    };
    let sent = attachment.as_ref().map_or(0, |a| a.data.len() as u64);
    let html = summary(cx, dest, &body);
    let mut message = message(cx, d, recipients.to.clone(), dest.cc.clone(), subject, body, attachment);
    message.html = html;
    let answer = cx.ports.mailer.send(&message).await?;
    match recipients.failure() {
        Some(failure) => Err(failure),
        None => Ok(Sent { bytes: sent, answer }),
    }
}

/// The HTML alternative when the destination asks for summary rows; None
/// (a plain-text mail, as before `summaryRows`) for 0 or a destination
/// stored without the field.
fn summary(cx: &AttemptContext<'_>, dest: &EmailDestination, text: &str) -> Option<String> {
    let rows = dest.summary_rows.unwrap_or(0) as usize;
    if rows == 0 {
        return None;
    }
    let e = &cx.export;
    let head = SummaryHead {
        report_name: cx.report_name(),
        run_time: &cx.run_time,
        rows: e.rows.unwrap_or(e.progress.completed),
        text,
    };
    Some(summary_html(&head, e.summary.as_ref(), rows))
}

/// A link destination's notification: the link, and until when it works.
/// Returns the mail server's answer; None when nobody is to be notified.
pub(super) async fn send_link_notice(
    cx: &AttemptContext<'_>,
    d: &Delivery,
    dest: &LinkDestination,
    url: &str,
) -> Result<Option<String>, DeliveryError> {
    if dest.notify.is_empty() {
        return Ok(None);
    }
    let name = cx.report_name();
    let subject = format!("{name}: your file is ready to download");
    let body = format!(
        "{name}: {} rows, {} MB.\n\nDownload it here (no sign-in needed) until {}:\n{url}\n",
        cx.placeholders.get("rows").unwrap_or("0"),
        cx.placeholders.get("sizeMb").unwrap_or("0"),
        expiry(cx),
    );
    let message = message(cx, d, dest.notify.clone(), Vec::new(), subject, body, None);
    cx.ports.mailer.send(&message).await.map(Some)
}

fn message(
    cx: &AttemptContext<'_>,
    d: &Delivery,
    to: Vec<String>,
    cc: Vec<String>,
    subject: String,
    body: String,
    attachment: Option<MailAttachment>,
) -> MailMessage {
    MailMessage {
        from: cx.settings.email_from.clone(),
        to,
        cc,
        subject,
        body,
        html: None,
        attachment,
        date: cx.ports.clock.now(),
        // One id per attempt: a retry is a new message.
        message_id: format!("{}.{}", d.id, d.attempts.len() + 1),
    }
}

/// Until when the file (and so its link) is kept.
fn expiry(cx: &AttemptContext<'_>) -> String {
    cx.export
        .expires_at
        .map(|t| t.strftime("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_else(|| "further notice".into())
}

fn link_failed(err: crate::CoreError) -> DeliveryError {
    tracing::warn!(error = %err, "storing a download link");
    DeliveryError::Failed("the download link could not be stored".into())
}
