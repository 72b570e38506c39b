//! Deliveries: sending one export's file to one destination of its schedule,
//! with every attempt recorded. There is one delivery per (export,
//! destination); a redelivery reopens it and appends its attempts.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::deliver_when::SkipReason;
use super::destination::DestinationType;

/// Attempts of one round (the first delivery, or one redelivery) before it fails for good.
pub const MAX_ATTEMPTS: usize = 3;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "UPPERCASE")]
pub enum DeliveryStatus {
    /// Waiting for its (next) attempt.
    Pending,
    Delivered,
    Failed,
    /// Left out by the schedule's `deliverWhen`; `Delivery::skip_reason` says why.
    Skipped,
}

impl DeliveryStatus {
    pub fn is_final(self) -> bool {
        !matches!(self, DeliveryStatus::Pending)
    }

    /// Delivered or skipped: nothing more is owed to the destination.
    pub fn is_done(self) -> bool {
        matches!(self, DeliveryStatus::Delivered | DeliveryStatus::Skipped)
    }
}

/// The outcome of one attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "UPPERCASE")]
pub enum AttemptOutcome {
    Delivered,
    Failed,
    /// Recorded before the attempt is sent; a worker that dies leaves it so,
    /// and the next one marks it failed (interrupted) before trying again.
    Sending,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryAttempt {
    #[schema(value_type = String)]
    pub at: Timestamp,
    pub outcome: AttemptOutcome,
    /// Why it failed; never contains a secret.
    pub error: Option<String>,
    /// Bytes of the file sent (the attachment, the upload, the request body);
    /// 0 when the file itself was not sent (a link).
    pub bytes_sent: u64,
    /// What the peer answered to a delivered attempt (`HTTP 200 OK`, the
    /// SMTP reply, where SFTP or S3 put the file); a failed one's is its
    /// `error`. None for attempts recorded before answers were kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer: Option<String>,
    /// From the attempt's start to its answer, in milliseconds (clock port).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_ms: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Delivery {
    /// `dlv_…`, time-sortable.
    pub id: String,
    pub export_id: String,
    pub schedule_id: String,
    /// The delivery's slot in its export, unique per export: the index the
    /// destination had in the schedule when the delivery was made.
    pub destination: u32,
    /// The destination's id; None in deliveries stored before destinations
    /// had ids (`destination_id()` derives theirs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destination_id: Option<String>,
    #[serde(rename = "type")]
    pub kind: DestinationType,
    pub status: DeliveryStatus,
    /// Why a SKIPPED delivery was left out; None otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skip_reason: Option<SkipReason>,
    pub attempts: Vec<DeliveryAttempt>,
    /// Index in `attempts` where the current round began: a redelivery gets
    /// its own `MAX_ATTEMPTS`.
    #[serde(default)]
    pub round_start: usize,
    /// Lowercase hex SHA-256 of the link token, once a link was handed out
    /// (a link destination, or a mail whose file was too large to attach).
    /// The token itself is never stored: it is derived again from the link
    /// key to show the URL.
    pub link_token_hash: Option<String>,
    /// No attempt starts before this instant: it is a worker's claim while
    /// it makes one, or the backoff after a failed one. So a duplicate job
    /// (queues deliver at least once) waits instead of sending twice.
    pub not_before: Option<Timestamp>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    /// Optimistic-concurrency version; writes are conditional on it.
    pub version: u64,
}

impl Delivery {
    /// A new PENDING delivery to the first destination, not yet attempted:
    /// the one place every field gets its first value. Callers set what
    /// differs (the destination's place and id, a skip) with struct update.
    pub fn pending(
        id: impl Into<String>,
        export_id: impl Into<String>,
        schedule_id: impl Into<String>,
        kind: DestinationType,
        now: Timestamp,
    ) -> Delivery {
        Delivery {
            id: id.into(),
            export_id: export_id.into(),
            schedule_id: schedule_id.into(),
            destination: 0,
            destination_id: None,
            kind,
            status: DeliveryStatus::Pending,
            skip_reason: None,
            attempts: Vec::new(),
            round_start: 0,
            link_token_hash: None,
            not_before: None,
            created_at: now,
            updated_at: now,
            version: 0,
        }
    }

    /// The id of the destination this delivery sends to.
    pub fn destination_id(&self) -> String {
        match &self.destination_id {
            Some(id) => id.clone(),
            None => super::ids::legacy_destination_id(&self.schedule_id, self.destination),
        }
    }

    /// Attempts made in the current round.
    pub fn round_attempts(&self) -> usize {
        self.attempts.len().saturating_sub(self.round_start)
    }

    /// The error of the last attempt, if it failed.
    pub fn last_error(&self) -> Option<&str> {
        self.attempts.last().and_then(|a| a.error.as_deref())
    }
}
