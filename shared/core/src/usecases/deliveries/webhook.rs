//! The webhook channel: Ferry's headers exactly as SPEC lists them, the
//! destination's own headers after them, the URL's placeholders URL-encoded,
//! and the file streamed from the file store as the body.

use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::context::AttemptContext;
use crate::model::content_disposition::attachment;
use crate::model::destination::WebhookDestination;
use crate::model::format_options::Format;
use crate::ports::delivery::{DeliveryError, Sent};
use crate::ports::webhook_client::WebhookRequest;

/// `User-Agent` of every request Ferry sends.
pub const USER_AGENT: &str = concat!("Ferry/", env!("CARGO_PKG_VERSION"));

pub(super) async fn post_webhook(cx: &AttemptContext<'_>, dest: &WebhookDestination) -> Result<Sent, DeliveryError> {
    let url = cx.placeholders.render_url(&dest.url).map_err(|e| DeliveryError::Rejected(format!("url: {e}")))?;
    let request = WebhookRequest {
        url,
        headers: webhook_headers(cx, dest),
        allow_private_networks: cx.settings.allow_private_networks,
    };
    let body = cx.ports.files.read(&cx.file_key).await.map_err(|err| {
        tracing::warn!(error = %err, "reading an export's file for a webhook");
        DeliveryError::Failed("the file could not be read from storage".into())
    })?;
    cx.ports.webhooks.post(&request, body).await
}

fn webhook_headers(cx: &AttemptContext<'_>, dest: &WebhookDestination) -> Vec<(String, String)> {
    let e = &cx.export;
    let sha256 = e.sha256.clone().unwrap_or_default();
    let mut headers = vec![
        ("User-Agent".to_string(), USER_AGENT.to_string()),
        // Receivers compare it literally: `application/json` has no parameters.
        ("Content-Type".to_string(), e.content_type().to_string()),
    ];
    if e.compress || e.format != Format::Json {
        headers.push(("Content-Disposition".to_string(), attachment(&cx.file_name())));
    }
    headers.push(("X-Ferry-Schedule-Id".to_string(), cx.schedule_id.clone()));
    headers.push(("X-Ferry-Execution-Id".to_string(), e.id.clone()));
    headers.push(("X-Ferry-Content-Sha256".to_string(), sha256.clone()));
    // The same on every attempt, so a receiver can drop a repeat after a crash.
    headers.push(("Idempotency-Key".to_string(), cx.delivery_id.clone()));
    if let Some(secret) = &dest.secret {
        let t = cx.ports.clock.now().as_second();
        headers.push(("X-Ferry-Signature".to_string(), signature(secret, t, &sha256)));
    }
    headers.extend(dest.headers.iter().map(|(k, v)| (k.clone(), v.clone())));
    headers
}

/// `t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<sha256>")>`.
pub fn signature(secret: &str, t: i64, sha256: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(format!("{t}.{sha256}").as_bytes());
    format!("t={t},v1={}", hex::encode(mac.finalize().into_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_is_the_hmac_of_time_dot_hash() {
        // Computed with: printf '1700000000.abc' | openssl dgst -sha256 -hmac 's3cret'
        assert_eq!(
            signature("s3cret", 1_700_000_000, "abc"),
            "t=1700000000,v1=4ead4dc80e4fecd18054de5a2b235ba95e8254318d812501ecd022a93e8c1a01"
        );
    }
}
