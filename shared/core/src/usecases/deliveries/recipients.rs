//! An email destination's recipients: its `to` addresses, and for each
//! Jira account of `toUsers` the address Jira gives through the report's
//! connection, looked up at send time (an address changed in Jira is used
//! by the next mail). An account whose address Jira hides, or that Jira
//! does not know, cannot become one: the mail still goes once to every
//! address found, and the delivery then fails naming those accounts, not
//! retried (another attempt would mail the others twice and find no more).
//! A lookup that fails for a passing reason (Jira down, throttled past its
//! retries) is retried before anything is sent.

use super::context::AttemptContext;
use crate::model::destination::EmailDestination;
use crate::model::email_address::EmailAddress;
use crate::ports::delivery::DeliveryError;
use crate::ports::source::{SourceError, UserAddress};

pub(super) struct Recipients {
    /// Each address once, `to` first, then the accounts' in `toUsers` order.
    pub to: Vec<String>,
    /// One sentence per account that got no mail.
    pub missing: Vec<String>,
}

impl Recipients {
    /// Why the delivery fails after the mail went to the others.
    pub fn failure(&self) -> Option<DeliveryError> {
        if self.missing.is_empty() {
            return None;
        }
        let sent = match self.to.len() {
            0 => "no mail was sent".to_string(),
            n => format!("the mail went to the other {n} address(es)"),
        };
        Some(DeliveryError::Rejected(format!("{}; {sent}", self.missing.join("; "))))
    }
}

pub(super) async fn resolve(cx: &AttemptContext<'_>, dest: &EmailDestination) -> Result<Recipients, DeliveryError> {
    let mut recipients = Recipients { to: Vec::new(), missing: Vec::new() };
    for address in &dest.to {
        add(&mut recipients.to, address);
    }
    if dest.to_users.is_empty() {
        return Ok(recipients);
    }
    let connection = report_connection(cx).await?;
    for account in &dest.to_users {
        let found = cx.ports.sources.user_address(&connection, account, cx.settings.allow_private_networks).await;
        match found {
            Ok(UserAddress::Found(address)) if EmailAddress::parse(&address).is_ok() => {
                add(&mut recipients.to, &address)
            }
            Ok(UserAddress::Found(_)) => {
                recipients.missing.push(format!("Jira account {account} has an address Ferry cannot send to"))
            }
            Ok(UserAddress::Hidden) => recipients
                .missing
                .push(format!("Jira hides the email address of account {account} (the user's privacy setting)")),
            Ok(UserAddress::Unknown) => recipients.missing.push(format!("Jira has no user with account id {account}")),
            Err(SourceError::Failed(m)) => return Err(DeliveryError::Failed(format!("looking up toUsers: {m}"))),
            Err(SourceError::Invalid(f)) => return Err(DeliveryError::Rejected(f.message)),
            Err(SourceError::Forbidden(m)) => return Err(DeliveryError::Forbidden(m)),
        }
    }
    Ok(recipients)
}

fn add(to: &mut Vec<String>, address: &str) {
    if !to.iter().any(|a| a.eq_ignore_ascii_case(address)) {
        to.push(address.to_string());
    }
}

/// The connection `toUsers` are looked up through: the report's.
async fn report_connection(cx: &AttemptContext<'_>) -> Result<crate::model::connection::Connection, DeliveryError> {
    let gone = |what: &str| DeliveryError::Rejected(format!("toUsers: the report's {what} was deleted"));
    let store = |e: crate::PortError| DeliveryError::Failed(format!("toUsers: reading the report: {e}"));
    let report =
        cx.ports.reports.get_report(&cx.export.report_id).await.map_err(store)?.ok_or_else(|| gone("report"))?;
    let connection = cx.ports.connections.get_connection(&report.connection_id).await.map_err(store)?;
    connection.ok_or_else(|| gone("connection"))
}
