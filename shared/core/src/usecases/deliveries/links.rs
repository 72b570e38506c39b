//! Download links (`{public_url}/v1/files/{token}`): what a link destination
//! hands out, and what a mail carries when its file is too large to attach.
//!
//! The token is `HMAC-SHA256(link key, delivery id)`, 256 bits in hex. Only
//! its SHA-256 is stored (to find the delivery); the URL shown in the run
//! history is derived again from the key. Opening a link needs no API key and
//! redirects to a fresh short-lived signed URL of the file, so the link works
//! for the file's whole retention, past the lifetime of any one signed URL.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use crate::error::CoreError;
use crate::model::delivery::Delivery;
use crate::model::export::ExportStatus;
use crate::ports::file_store::DownloadAs;
use crate::Ports;

/// The link token of a delivery.
pub fn link_token(ports: &Ports, delivery_id: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(&ports.config.link_key.0).expect("HMAC takes any key length");
    mac.update(b"ferry-link-v1:");
    mac.update(delivery_id.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// Lowercase hex SHA-256 of a token: what the store keeps.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The absolute URL of a delivery's link.
pub fn link_url(ports: &Ports, delivery_id: &str) -> String {
    format!("{}/v1/files/{}", ports.config.public_url, link_token(ports, delivery_id))
}

/// The URL shown for a delivery in the run history, once it handed out a link.
pub fn shown_link(ports: &Ports, d: &Delivery) -> Option<String> {
    d.link_token_hash.as_ref().map(|_| link_url(ports, &d.id))
}

/// Makes the delivery's link valid (stores its token's hash) before anyone
/// is told about it; returns its URL. The caller holds the delivery's claim,
/// so the versioned write is expected to succeed.
pub(crate) async fn issue_link(ports: &Ports, d: &mut Delivery) -> Result<String, CoreError> {
    let url = link_url(ports, &d.id);
    if d.link_token_hash.is_none() {
        d.link_token_hash = Some(token_hash(&link_token(ports, &d.id)));
        d.updated_at = ports.clock.now();
        if !ports.deliveries.update_delivery(d).await? {
            return Err(CoreError::Conflict {
                code: "delivery_busy",
                message: "the delivery changed while its link was made".into(),
            });
        }
    }
    Ok(url)
}

/// `GET /v1/files/{token}`: the signed URL to redirect to. 404 for a token
/// that was never handed out, 410 once the file is past its retention.
pub async fn open_link(ports: &Ports, token: &str) -> Result<String, CoreError> {
    let not_found = || CoreError::not_found("download", "link");
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(not_found());
    }
    let d = ports.deliveries.find_link(&token_hash(&token.to_ascii_lowercase())).await?.ok_or_else(not_found)?;
    let e = ports.exports.get_export(&d.export_id).await?.ok_or_else(not_found)?;
    let now = ports.clock.now();
    let (Some(key), true) = (&e.file_key, e.status == ExportStatus::Completed && e.file_available(now)) else {
        return Err(CoreError::Gone("this file has passed its retention and was deleted".into()));
    };
    let download = DownloadAs {
        file_name: e.file_name.clone().unwrap_or_else(|| format!("{}.{}", e.id, e.format.extension())),
        content_type: e.content_type().to_string(),
    };
    Ok(ports.files.signed_url(key, &download, ports.config.signed_url_ttl).await?)
}
