//! The link destination: keeps the file for `retentionDays` from now (never
//! shortening a longer retention), makes the delivery's download link valid,
//! and mails it to `notify`.

use jiff::{SignedDuration, Timestamp};

use super::context::AttemptContext;
use super::email::send_link_notice;
use super::links::issue_link;
use crate::error::CoreError;
use crate::model::delivery::Delivery;
use crate::model::destination::LinkDestination;
use crate::ports::delivery::{DeliveryError, Sent};
use crate::Ports;

pub(super) async fn deliver_link(
    cx: &mut AttemptContext<'_>,
    d: &mut Delivery,
    dest: &LinkDestination,
) -> Result<Sent, DeliveryError> {
    let days = dest.retention_days.unwrap_or(cx.settings.default_retention_days);
    let until = cx.ports.clock.now() + SignedDuration::from_hours(24 * i64::from(days));
    cx.export.expires_at = extend_retention(cx.ports, &cx.export.id, until).await.map_err(store_failed)?;
    let url = issue_link(cx.ports, d).await.map_err(store_failed)?;
    let until = cx.export.expires_at.map_or("further notice".into(), |t| t.strftime("%Y-%m-%d %H:%M UTC").to_string());
    let answer = match send_link_notice(cx, d, dest, &url).await? {
        Some(mail) => format!("link valid until {until}; notice mailed: {mail}"),
        None => format!("link valid until {until}"),
    };
    Ok(Sent { bytes: 0, answer })
}

/// Sets the export's `expiresAt` to at least `until` (None, kept forever,
/// stays None); returns the new value.
pub(crate) async fn extend_retention(
    ports: &Ports,
    export_id: &str,
    until: Timestamp,
) -> Result<Option<Timestamp>, CoreError> {
    for _ in 0..20 {
        let Some(mut e) = ports.exports.get_export(export_id).await? else {
            return Err(CoreError::not_found("export", export_id));
        };
        match e.expires_at {
            Some(current) if current < until => e.expires_at = Some(until),
            kept => return Ok(kept),
        }
        if ports.exports.update_export(&mut e).await? {
            return Ok(e.expires_at);
        }
    }
    Err(CoreError::Conflict { code: "export_busy", message: "the export is changing too fast; try again".into() })
}

fn store_failed(err: CoreError) -> DeliveryError {
    tracing::warn!(error = %err, "keeping a linked file");
    DeliveryError::Failed("the file's retention could not be extended".into())
}
