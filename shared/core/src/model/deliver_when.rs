//! When a schedule's run delivers its file (SPEC "When to deliver"): always,
//! only when the export has rows, or only to a destination whose last
//! delivered content differs. A delivery left out is `SKIPPED` with its reason.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::destination::Destination;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum DeliverWhen {
    #[default]
    Always,
    /// A run whose export has 0 rows delivers nothing.
    NonEmpty,
    /// A destination gets the file only when its content differs from the
    /// last content delivered to that same destination.
    Changed,
}

/// Why a delivery was left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum SkipReason {
    Empty,
    Unchanged,
}

/// The content last delivered to one destination of a schedule, kept on the
/// schedule. Only a DELIVERED attempt writes it, so a failed delivery is never
/// taken for a delivered one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeliveredContent {
    /// The destination's id: the memory follows it wherever it moves.
    #[serde(default)]
    pub destination_id: String,
    /// Stored before destinations had ids: the index it had, read into
    /// `destination_id` when the schedule is read (`adopt_legacy_index`).
    #[serde(default, rename = "destination", skip_serializing)]
    pub legacy_index: Option<u32>,
    /// `destination_fingerprint` of the destination it was delivered to: a
    /// destination edited to point elsewhere is a new place and gets the file.
    pub fingerprint: String,
    /// The export's `contentSha256`.
    pub content_sha256: String,
}

impl DeliveredContent {
    /// An entry stored by index gets the id derived for that index, the id
    /// the destination itself got when read (see `schedule_destination`).
    pub fn adopt_legacy_index(&mut self, schedule_id: &str) {
        if let (true, Some(index)) = (self.destination_id.is_empty(), self.legacy_index.take()) {
            self.destination_id = super::ids::legacy_destination_id(schedule_id, index);
        }
    }
}

/// Identifies where a destination sends (its masked form, so the stored
/// fingerprint says nothing about a secret, and a changed secret alone
/// still counts as the same place).
pub fn destination_fingerprint(d: &Destination) -> String {
    let json = serde_json::to_vec(&d.masked()).unwrap_or_default();
    hex::encode(Sha256::digest(json))
}

/// Why `when` leaves out a delivery of content `content_sha256` with `rows`
/// rows to `destination` (id `destination_id`), given what was delivered
/// before; None: deliver.
pub fn skip_reason(
    when: DeliverWhen,
    rows: u64,
    content_sha256: Option<&str>,
    destination_id: &str,
    destination: &Destination,
    delivered: &[DeliveredContent],
) -> Option<SkipReason> {
    match when {
        DeliverWhen::Always => None,
        DeliverWhen::NonEmpty => (rows == 0).then_some(SkipReason::Empty),
        DeliverWhen::Changed => {
            // An export from before content hashes cannot be compared: it is delivered.
            let content = content_sha256?;
            let fingerprint = destination_fingerprint(destination);
            let last = delivered.iter().find(|c| c.destination_id == destination_id && c.fingerprint == fingerprint)?;
            (last.content_sha256 == content).then_some(SkipReason::Unchanged)
        }
    }
}

/// Records that `content_sha256` was delivered to the destination `destination_id`.
pub fn remember_delivered(
    delivered: &mut Vec<DeliveredContent>,
    destination_id: &str,
    destination: &Destination,
    content_sha256: &str,
) {
    delivered.retain(|c| c.destination_id != destination_id);
    delivered.push(DeliveredContent {
        destination_id: destination_id.to_string(),
        legacy_index: None,
        fingerprint: destination_fingerprint(destination),
        content_sha256: content_sha256.to_string(),
    });
    delivered.sort_by(|a, b| a.destination_id.cmp(&b.destination_id));
}

/// Forgets what was delivered to destinations the schedule no longer has.
pub fn forget_removed(delivered: &mut Vec<DeliveredContent>, kept: &[&str]) {
    delivered.retain(|c| kept.contains(&c.destination_id.as_str()));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn webhook(url: &str) -> Destination {
        serde_json::from_value(serde_json::json!({"type": "webhook", "url": url, "headers": {}})).unwrap()
    }

    #[test]
    fn always_delivers_non_empty_skips_zero_rows_and_changed_compares_per_destination() {
        let a = webhook("https://a.example.org/h");
        assert_eq!(skip_reason(DeliverWhen::Always, 0, Some("x"), "dst_a", &a, &[]), None);
        assert_eq!(skip_reason(DeliverWhen::NonEmpty, 0, Some("x"), "dst_a", &a, &[]), Some(SkipReason::Empty));
        assert_eq!(skip_reason(DeliverWhen::NonEmpty, 1, Some("x"), "dst_a", &a, &[]), None);

        let mut delivered = Vec::new();
        assert_eq!(skip_reason(DeliverWhen::Changed, 3, Some("x"), "dst_a", &a, &delivered), None, "never delivered");
        remember_delivered(&mut delivered, "dst_a", &a, "x");
        assert_eq!(
            skip_reason(DeliverWhen::Changed, 3, Some("x"), "dst_a", &a, &delivered),
            Some(SkipReason::Unchanged)
        );
        assert_eq!(skip_reason(DeliverWhen::Changed, 3, Some("y"), "dst_a", &a, &delivered), None, "changed content");
        assert_eq!(
            skip_reason(DeliverWhen::Changed, 3, Some("x"), "dst_b", &a, &delivered),
            None,
            "another destination"
        );
        let b = webhook("https://b.example.org/h");
        assert_eq!(
            skip_reason(DeliverWhen::Changed, 3, Some("x"), "dst_a", &b, &delivered),
            None,
            "an edited destination"
        );
        assert_eq!(skip_reason(DeliverWhen::Changed, 3, None, "dst_a", &a, &delivered), None, "no content hash");
        remember_delivered(&mut delivered, "dst_a", &a, "y");
        assert_eq!(delivered.len(), 1, "one entry per destination");
        forget_removed(&mut delivered, &["dst_b"]);
        assert!(delivered.is_empty(), "a removed destination is forgotten");
    }

    #[test]
    fn memory_stored_by_index_reads_as_the_derived_id() {
        let mut c: DeliveredContent =
            serde_json::from_value(serde_json::json!({"destination": 1, "fingerprint": "f", "contentSha256": "x"}))
                .unwrap();
        c.adopt_legacy_index("sch_1");
        assert_eq!(c.destination_id, crate::model::ids::legacy_destination_id("sch_1", 1));
        let back = serde_json::to_value(&c).unwrap();
        assert!(back.get("destination").is_none(), "{back}");
    }
}
