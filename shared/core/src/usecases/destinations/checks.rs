//! Field checks of each destination type. Every problem is reported with the
//! JSON path of its field (`destinations[1].to[0]`), all at once.

use base64::Engine;

use crate::error::FieldError;
use crate::model::destination::{
    Destination, EmailDestination, LinkDestination, SftpDestination, WebhookDestination, MAX_SUMMARY_ROWS,
};
use crate::model::email_address::EmailAddress;
use crate::model::outbound_url::{forbidden_host, OutboundUrl};
use crate::model::settings::Settings;
use crate::usecases::templates::{check, file_name_problem, ALL_PLACEHOLDERS};

use super::s3_checks::check_s3;

/// Longest template or header value accepted.
const MAX_TEXT: usize = 10_000;

/// Recipients of one mail (`to`, `cc` and `toUsers` together) and of a
/// link's notice: SES's limit per message (SPEC, Destinations).
pub const MAX_RECIPIENTS: usize = 50;

/// Headers Ferry sets itself (or the HTTP client does): a destination may not replace them.
const RESERVED_HEADERS: &[&str] = &[
    "user-agent",
    "content-type",
    "content-disposition",
    "content-length",
    "transfer-encoding",
    "host",
    "connection",
    "x-ferry-schedule-id",
    "x-ferry-execution-id",
    "x-ferry-content-sha256",
    "x-ferry-signature",
];

pub(super) fn check_destination(field: &str, d: &Destination, settings: &Settings) -> Vec<FieldError> {
    let allow_private = settings.allow_private_networks;
    let mut errors = Vec::new();
    let mut err = |f: String, m: &str| errors.push(FieldError::new(f, m));
    match d {
        Destination::Email(e) => check_email(field, e, &mut err),
        Destination::Link(l) => check_link(field, l, &mut err),
        Destination::Sftp(s) => check_sftp(field, s, allow_private, &mut err),
        Destination::Webhook(w) => check_webhook(field, w, allow_private, &mut err),
        Destination::S3(s) => check_s3(field, s, settings, &mut err),
    }
    errors
}

pub(super) type Report<'a> = dyn FnMut(String, &str) + 'a;

fn check_email(field: &str, e: &EmailDestination, err: &mut Report) {
    if e.to.is_empty() && e.to_users.is_empty() {
        err(format!("{field}.to"), "needs at least one address (or Jira users in toUsers)");
    }
    let total = e.to.len() + e.cc.len() + e.to_users.len();
    if total > MAX_RECIPIENTS {
        // Named by the largest list, the one to shorten first; the addresses
        // themselves are not judged one by one (thousands of errors help no one).
        let largest = [("to", e.to.len()), ("cc", e.cc.len()), ("toUsers", e.to_users.len())]
            .into_iter()
            .rev()
            .max_by_key(|(_, n)| *n)
            .map_or("to", |(name, _)| name);
        let why = format!("to, cc and toUsers name {total} recipients together; at most {MAX_RECIPIENTS} are allowed");
        err(format!("{field}.{largest}"), &why);
        return;
    }
    addresses(&format!("{field}.to"), &e.to, err);
    for (i, account) in e.to_users.iter().enumerate() {
        let bad =
            account.is_empty() || account.len() > 128 || account.chars().any(|c| c.is_whitespace() || c.is_control());
        if bad {
            err(format!("{field}.toUsers[{i}]"), "must be a Jira account id (up to 128 characters, no spaces)");
        } else if e.to_users[..i].contains(account) {
            err(format!("{field}.toUsers[{i}]"), "lists this account more than once");
        }
    }
    addresses(&format!("{field}.cc"), &e.cc, err);
    if let Some(subject) = &e.subject {
        if subject.chars().any(char::is_control) {
            err(format!("{field}.subject"), "must be one line without control characters");
        }
        template(&format!("{field}.subject"), subject, err);
    }
    if let Some(body) = &e.body {
        template(&format!("{field}.body"), body, err);
    }
    if e.summary_rows.is_some_and(|n| n > MAX_SUMMARY_ROWS) {
        err(format!("{field}.summaryRows"), "must be between 0 and 50");
    }
}

fn check_link(field: &str, l: &LinkDestination, err: &mut Report) {
    if let Some(days) = l.retention_days {
        if !(1..=3650).contains(&days) {
            err(format!("{field}.retentionDays"), "must be between 1 and 3650");
        }
    }
    if l.notify.len() > MAX_RECIPIENTS {
        let why = format!("names {} addresses; at most {MAX_RECIPIENTS} are allowed", l.notify.len());
        err(format!("{field}.notify"), &why);
        return;
    }
    addresses(&format!("{field}.notify"), &l.notify, err);
}

fn check_sftp(field: &str, s: &SftpDestination, allow_private: bool, err: &mut Report) {
    if s.host.is_empty() || s.host.chars().any(|c| c.is_whitespace() || c.is_control() || c == '/' || c == '@') {
        err(format!("{field}.host"), "must be a host name or an IP address");
    } else if let Some(why) = forbidden_host(&s.host, allow_private) {
        err(format!("{field}.host"), &why.to_string());
    }
    if s.port == 0 {
        err(format!("{field}.port"), "must be between 1 and 65535");
    }
    if s.username.is_empty() || s.username.chars().any(char::is_control) {
        err(format!("{field}.username"), "must not be empty");
    }
    if s.password.is_none() && s.private_key.is_none() {
        err(format!("{field}.password"), "give a password or a privateKey");
    }
    if let Some(key) = &s.private_key {
        if !(key.contains("-----BEGIN") && key.contains("PRIVATE KEY-----")) {
            err(
                format!("{field}.privateKey"),
                "must be a private key in OpenSSH PEM text (-----BEGIN … PRIVATE KEY-----)",
            );
        }
    }
    if let Err(why) = parse_fingerprint(&s.host_key_fingerprint) {
        err(format!("{field}.hostKeyFingerprint"), why);
    }
    if s.directory.is_empty() || s.directory.chars().any(char::is_control) {
        err(format!("{field}.directory"), "must be a folder path on the server");
    }
    if let Some(name) = &s.file_name {
        if let Some(why) = file_name_problem(name, ALL_PLACEHOLDERS) {
            err(format!("{field}.fileName"), &why);
        }
    }
}

fn check_webhook(field: &str, w: &WebhookDestination, allow_private: bool, err: &mut Report) {
    let url_field = format!("{field}.url");
    if w.url.len() > MAX_TEXT {
        err(url_field.clone(), "is too long");
    } else if template(&url_field, &w.url, err) {
        // Placeholders are judged by what they stand for: any value, URL-encoded.
        let sample = crate::usecases::templates::render(&w.url, |_| Some("x".into())).unwrap_or_default();
        if let Err(why) = OutboundUrl::parse(&sample, allow_private) {
            err(url_field, &why.to_string());
        }
    }
    for (name, value) in &w.headers {
        let header_field = format!("{field}.headers.{name}");
        let token = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c);
        if name.is_empty() || !name.chars().all(token) {
            err(header_field, "is not a valid header name");
        } else if RESERVED_HEADERS.contains(&name.to_ascii_lowercase().as_str()) {
            err(header_field, "is set by Ferry and cannot be replaced");
        } else if value.len() > MAX_TEXT || value.chars().any(|c| c.is_control() && c != '\t') {
            err(header_field, "must be one line without control characters");
        }
    }
}

/// Checks every address of a list, naming each by its index.
fn addresses(field: &str, list: &[String], err: &mut Report) {
    for (i, address) in list.iter().enumerate() {
        if let Err(e) = EmailAddress::parse_field(&format!("{field}[{i}]"), address) {
            err(e.field, &e.message);
        }
    }
}

/// Checks a template's placeholders; true when it is fine.
pub(super) fn template(field: &str, text: &str, err: &mut Report) -> bool {
    if text.len() > MAX_TEXT {
        err(field.to_string(), "is too long");
        return false;
    }
    match check(text, ALL_PLACEHOLDERS) {
        Ok(()) => true,
        Err(e) => {
            err(field.to_string(), &e.to_string());
            false
        }
    }
}

/// The SHA-256 digest a `SHA256:<unpadded base64>` fingerprint names.
pub(crate) fn parse_fingerprint(text: &str) -> Result<[u8; 32], &'static str> {
    const WANT: &str = "must look like SHA256:<43 characters of base64>, as `ssh-keygen -lf` prints it";
    let b64 = text.strip_prefix("SHA256:").ok_or(WANT)?;
    let bytes = base64::engine::general_purpose::STANDARD_NO_PAD.decode(b64.trim_end_matches('=')).map_err(|_| WANT)?;
    bytes.try_into().map_err(|_| WANT)
}
