//! Destinations: where a schedule's file goes (SPEC "Destinations"). One
//! enum, internally tagged by `type`, with one closed struct per channel so a
//! typo in a field is a 400 rather than a silently ignored setting.
//!
//! Secrets (SFTP `password` and `privateKey`, the webhook `secret`, every
//! custom header value and the S3 `secretAccessKey`) are write-only: `masked` replaces them with `***`
//! for every answer, and `usecases::destinations` keeps stored values on a
//! PUT that leaves them out or sends the mask back.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use super::s3_destination::{S3Destination, S3DestinationFields, ServerSideEncryption};
use crate::error::FieldError;
use crate::json_input::from_json_value;

/// What a write-only secret is shown as.
pub const MASK: &str = "***";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Destination {
    Email(EmailDestination),
    Link(LinkDestination),
    Sftp(SftpDestination),
    Webhook(WebhookDestination),
    S3(S3Destination),
}

/// The file as a mail attachment (a download link instead when too large).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EmailDestination {
    #[serde(default)]
    pub to: Vec<String>,
    /// Jira account ids (Jira connections): each address is looked up
    /// through the report's connection when the mail is sent.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub to_users: Vec<String>,
    #[serde(default)]
    pub cc: Vec<String>,
    /// Template; Ferry's default subject when left out.
    #[serde(default)]
    pub subject: Option<String>,
    /// Template (plain text); Ferry's default body when left out.
    #[serde(default)]
    pub body: Option<String>,
    /// Zip the attachment (a file that is already a zip is sent as it is).
    #[serde(default)]
    pub compress: bool,
    /// Rows shown as a table in the mail's HTML body (0–50). Saving fills in
    /// `DEFAULT_SUMMARY_ROWS`; a destination stored before this field has
    /// none and means 0, so its mails do not change.
    #[serde(default, serialize_with = "zero_when_unset")]
    pub summary_rows: Option<u32>,
}

/// A stored destination without summary rows shows them as 0, what it
/// sends; so it keeps 0 when its schedule is read and saved again.
fn zero_when_unset<S: serde::Serializer>(rows: &Option<u32>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_u32(rows.unwrap_or(0))
}

/// Summary rows of an email destination saved without `summaryRows`.
pub const DEFAULT_SUMMARY_ROWS: u32 = 10;
/// The most summary rows a mail shows.
pub const MAX_SUMMARY_ROWS: u32 = 50;

/// An unguessable download link valid for `retentionDays`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LinkDestination {
    /// Days the file is kept; the setting `defaultRetentionDays` when left
    /// out (filled in when the schedule is saved).
    #[serde(default)]
    pub retention_days: Option<u32>,
    /// Addresses told about the link by mail.
    #[serde(default)]
    pub notify: Vec<String>,
}

/// An upload to an SFTP server whose host key must match.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SftpDestination {
    pub host: String,
    #[serde(default = "default_sftp_port")]
    pub port: u16,
    pub username: String,
    /// Write-only.
    #[serde(default)]
    pub password: Option<String>,
    /// An OpenSSH private key (PEM text). Write-only.
    #[serde(default)]
    pub private_key: Option<String>,
    /// `SHA256:` and the unpadded base64 of the host key's SHA-256, as `ssh-keygen -lf` prints it.
    pub host_key_fingerprint: String,
    pub directory: String,
    /// Template; the export's file name when left out.
    #[serde(default)]
    pub file_name: Option<String>,
}

fn default_sftp_port() -> u16 {
    22
}

/// A POST of the file to a URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WebhookDestination {
    /// http or https; a template (placeholder values are URL-encoded).
    pub url: String,
    /// Extra headers; every value is write-only.
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// Signs the request (`X-Ferry-Signature`). Write-only.
    #[serde(default)]
    pub secret: Option<String>,
}

/// A destination as a request sends it, read into a [`Destination`] when the
/// schedule is saved: its `type` picks the struct, and an error then names the
/// field inside it (`destinations[0].port`), where serde's internally tagged
/// enums could only name the destination.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct DestinationInput(pub serde_json::Value);

impl DestinationInput {
    /// The destination this input describes, and the `id` sent with it (a
    /// destination read back from the schedule); `field` is its path (`destinations[0]`).
    pub fn parse(&self, field: &str) -> Result<(Option<String>, DestinationDraft), FieldError> {
        let Some(object) = self.0.as_object() else {
            return Err(FieldError::new(field, "must be an object with a type"));
        };
        let id = match object.get("id") {
            None | Some(serde_json::Value::Null) => None,
            Some(serde_json::Value::String(id)) => Some(id.clone()),
            Some(_) => return Err(FieldError::new(format!("{field}.id"), "must be the destination's dst_… id")),
        };
        let type_field = format!("{field}.type");
        let kind: DestinationType = match object.get("type") {
            Some(t) => from_json_value(t, &type_field)?,
            None => return Err(FieldError::new(type_field, "is required: one of email, link, sftp, webhook, s3")),
        };
        let mut rest = object.clone();
        rest.remove("type");
        rest.remove("id");
        let rest = serde_json::Value::Object(rest);
        let destination = match kind {
            DestinationType::Email => DestinationDraft::Ready(Destination::Email(from_json_value(&rest, field)?)),
            DestinationType::Link => DestinationDraft::Ready(Destination::Link(from_json_value(&rest, field)?)),
            DestinationType::Sftp => DestinationDraft::Ready(Destination::Sftp(from_json_value(&rest, field)?)),
            DestinationType::Webhook => DestinationDraft::Ready(Destination::Webhook(from_json_value(&rest, field)?)),
            DestinationType::S3 => DestinationDraft::S3(from_json_value(&rest, field)?),
        };
        Ok((id, destination))
    }
}

/// A destination as a request sends it, before its write-only secrets are
/// resolved against the stored destination (a secret may be left out or
/// sent back as `***`). An S3 destination's credentials are parsed only then.
#[derive(Debug, Clone, PartialEq)]
pub enum DestinationDraft {
    Ready(Destination),
    S3(S3DestinationFields),
}

impl DestinationDraft {
    /// The destination, every problem named under `field` (`destinations[0]`).
    pub fn into_destination(self, field: &str) -> Result<Destination, Vec<FieldError>> {
        match self {
            DestinationDraft::Ready(d) => Ok(d),
            DestinationDraft::S3(f) => S3Destination::parse(field, f).map(Destination::S3),
        }
    }
}

impl From<&Destination> for DestinationInput {
    fn from(d: &Destination) -> Self {
        DestinationInput(serde_json::to_value(d).expect("a destination serializes"))
    }
}

/// The `type` of a destination, as stored on its deliveries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum DestinationType {
    Email,
    Link,
    Sftp,
    Webhook,
    S3,
}

impl DestinationType {
    pub fn as_str(self) -> &'static str {
        match self {
            DestinationType::Email => "email",
            DestinationType::Link => "link",
            DestinationType::Sftp => "sftp",
            DestinationType::Webhook => "webhook",
            DestinationType::S3 => "s3",
        }
    }
}

impl Destination {
    pub fn kind(&self) -> DestinationType {
        match self {
            Destination::Email(_) => DestinationType::Email,
            Destination::Link(_) => DestinationType::Link,
            Destination::Sftp(_) => DestinationType::Sftp,
            Destination::Webhook(_) => DestinationType::Webhook,
            Destination::S3(_) => DestinationType::S3,
        }
    }

    /// The destination as answers show it: every secret that is set is `***`.
    pub fn masked(&self) -> Destination {
        let mask = |s: &Option<String>| s.as_ref().map(|_| MASK.to_string());
        match self {
            Destination::Sftp(d) => Destination::Sftp(SftpDestination {
                password: mask(&d.password),
                private_key: mask(&d.private_key),
                ..d.clone()
            }),
            Destination::Webhook(d) => Destination::Webhook(WebhookDestination {
                headers: d.headers.keys().map(|k| (k.clone(), MASK.to_string())).collect(),
                secret: mask(&d.secret),
                ..d.clone()
            }),
            Destination::S3(d) => {
                let mut d = d.clone();
                if let Some(secret) = d.secret_mut() {
                    *secret = MASK.to_string();
                }
                Destination::S3(d)
            }
            other => other.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn each_type_parses_with_its_defaults() {
        let d: Destination = serde_json::from_value(json!({"type": "email", "to": ["a@x.org"]})).unwrap();
        assert_eq!(
            d,
            Destination::Email(EmailDestination {
                to: vec!["a@x.org".into()],
                to_users: vec![],
                cc: vec![],
                subject: None,
                body: None,
                compress: false,
                summary_rows: None,
            })
        );
        let d: Destination = serde_json::from_value(json!({"type": "sftp", "host": "h", "username": "u",
            "password": "p", "hostKeyFingerprint": "SHA256:x", "directory": "/in"}))
        .unwrap();
        let Destination::Sftp(s) = d else { panic!("sftp") };
        assert_eq!(s.port, 22);
        let d: Destination = serde_json::from_value(json!({"type": "link"})).unwrap();
        assert_eq!(d, Destination::Link(LinkDestination { retention_days: None, notify: vec![] }));
    }

    #[test]
    fn unknown_fields_and_types_are_refused() {
        assert!(serde_json::from_value::<Destination>(json!({"type": "email", "to": [], "bcc": []})).is_err());
        assert!(serde_json::from_value::<Destination>(json!({"type": "fax"})).is_err());
    }

    #[test]
    fn secrets_are_masked_and_nothing_else() {
        let d: Destination = serde_json::from_value(json!({"type": "webhook", "url": "https://x.org/h",
            "headers": {"X-Token": "t0ps3cret"}, "secret": "s"}))
        .unwrap();
        let shown = serde_json::to_value(d.masked()).unwrap();
        assert_eq!(shown["headers"]["X-Token"], "***");
        assert_eq!(shown["secret"], "***");
        assert_eq!(shown["url"], "https://x.org/h");
        assert_eq!(shown["type"], "webhook");
    }
}
