//! Helpers shared by the recurrence tests.

use std::path::PathBuf;

use jiff::Timestamp;
use serde_json::Value;

use crate::recurrence::{Recurrence, RecurrenceInput};

/// A fixed "now" so defaults (start = today) are reproducible.
pub(super) const NOW: &str = "2026-01-15T12:00:00Z";

pub(super) fn ts(s: &str) -> Timestamp {
    s.parse().unwrap_or_else(|e| panic!("bad timestamp {s}: {e}"))
}

pub(super) fn input(json: Value) -> RecurrenceInput {
    serde_json::from_value(json.clone()).unwrap_or_else(|e| panic!("{json} does not deserialize: {e}"))
}

/// Parses a recurrence from its JSON, panicking with the field error.
pub(super) fn rec(json: Value) -> Recurrence {
    input(json.clone()).parse(ts(NOW)).unwrap_or_else(|e| panic!("{json} does not parse: {e}"))
}

/// The instants (RFC 3339, UTC) of the first `n` occurrences after `after`.
pub(super) fn runs(r: &Recurrence, after: &str, n: usize) -> Vec<String> {
    r.occurrences_after(ts(after)).take(n).map(|o| o.at.to_string()).collect()
}

/// The local dates of the first `n` occurrences after `after`.
pub(super) fn dates(r: &Recurrence, after: &str, n: usize) -> Vec<String> {
    r.occurrences_after(ts(after)).take(n).map(|o| o.date.to_string()).collect()
}

/// `fixtures/` of the repository (third-party data, see its README).
pub(super) fn fixtures() -> PathBuf {
    let dir = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures"));
    assert!(
        dir.join("README.md").is_file(),
        "third-party fixtures not found at {} (the repository's fixtures/ folder, see its README)",
        dir.display()
    );
    dir
}
