//! How the pages write instants and sizes: always with their zone, so a time
//! on a page is never ambiguous.

use jiff::tz::TimeZone;
use jiff::Timestamp;

/// `2026-12-07 09:00 CET (Europe/Berlin)`, or `2026-12-07 08:00 UTC` when
/// the zone's abbreviation is its name; UTC when the zone is unknown.
pub fn in_zone(at: Timestamp, zone: &str) -> String {
    match TimeZone::get(zone) {
        Ok(tz) => {
            let zoned = at.to_zoned(tz);
            let text = zoned.strftime("%Y-%m-%d %H:%M %Z").to_string();
            if zoned.strftime("%Z").to_string() == zone {
                text
            } else {
                format!("{text} ({zone})")
            }
        }
        Err(_) => utc(at),
    }
}

/// `2026-12-05 13:04:05 UTC`.
pub fn utc(at: Timestamp) -> String {
    at.strftime("%Y-%m-%d %H:%M:%S UTC").to_string()
}

/// `1.2 MB`, `532 B`: decimal units, as file managers show them.
pub fn size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["kB", "MB", "GB", "TB"];
    if bytes < 1000 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1000.0;
    let mut unit = 0;
    while value >= 1000.0 && unit < UNITS.len() - 1 {
        value /= 1000.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instants_carry_their_zone() {
        let t: Timestamp = "2026-12-07T08:00:00Z".parse().unwrap();
        assert_eq!(in_zone(t, "Europe/Berlin"), "2026-12-07 09:00 CET (Europe/Berlin)");
        assert_eq!(in_zone(t, "Nowhere/Atlantis"), "2026-12-07 08:00:00 UTC");
        assert_eq!(in_zone(t, "UTC"), "2026-12-07 08:00 UTC", "not UTC (UTC)");
        assert_eq!(utc(t), "2026-12-07 08:00:00 UTC");
    }

    #[test]
    fn sizes_are_decimal() {
        assert_eq!(size(532), "532 B");
        assert_eq!(size(1_234_567), "1.2 MB");
        assert_eq!(size(3_000_000_000), "3.0 GB");
    }
}
