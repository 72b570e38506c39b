//! When sample issues were created and last updated. Both instants strictly
//! increase with the row number, so the first row updated at or after a date
//! is found by binary search and `fromDate` never needs a scan.
//!
//! Row `i` is created `60·i + c` seconds after 2024-01-01T00:00:00Z with a
//! jitter `c` in 0..30 s, and updated at `60·i + w(i) + u` with `u` in 30..60 s
//! and `w` a triangle wave between 0 and two days that moves at most 20 s per
//! row. So `updated ≥ created`, and each step of either is at least 11 s.

use jiff::Timestamp;

use super::hash::{cell_hash, row_hash, Draws};

/// 2024-01-01T00:00:00Z.
const EPOCH_SECONDS: i64 = 1_704_067_200;
const SECONDS_PER_ROW: i64 = 60;
/// The wave climbs this many seconds per row...
const WAVE_SLOPE: i64 = 20;
/// ...for this many rows, then falls as long: a lag of up to two days.
const WAVE_HALF_PERIOD: i64 = 8_640;
const SALT_CREATED: u64 = 101;
const SALT_UPDATED: u64 = 102;

/// Seconds since the Unix epoch at which row `row` was created (`hash`
/// is the row's `row_hash`).
#[inline]
pub fn created_seconds(row: u64, hash: u64) -> i64 {
    let jitter = Draws::new(cell_hash(hash, SALT_CREATED)).below(30) as i64;
    EPOCH_SECONDS + SECONDS_PER_ROW * row as i64 + jitter
}

/// Seconds since the Unix epoch at which row `row` was last updated.
#[inline]
pub fn updated_seconds(seed_key: u64, row: u64, hash: u64) -> i64 {
    let jitter = 30 + Draws::new(cell_hash(hash, SALT_UPDATED)).below(30) as i64;
    let period = 2 * WAVE_HALF_PERIOD;
    let phase = ((row % period as u64) as i64 + (seed_key % period as u64) as i64) % period;
    let wave = WAVE_SLOPE * if phase < WAVE_HALF_PERIOD { phase } else { period - phase };
    EPOCH_SECONDS + SECONDS_PER_ROW * row as i64 + wave + jitter
}

/// The instant row `row` was created.
pub fn created_at(seed_key: u64, row: u64, hash: u64) -> Timestamp {
    debug_assert_eq!(hash, row_hash(seed_key, row));
    Timestamp::from_second(created_seconds(row, hash)).expect("sample dates stay before year 9999")
}

/// The instant row `row` was last updated.
pub fn updated_at(seed_key: u64, row: u64, hash: u64) -> Timestamp {
    Timestamp::from_second(updated_seconds(seed_key, row, hash)).expect("sample dates stay before year 9999")
}

/// `updated_at` of a row whose hash is not at hand.
fn updated_at_row(seed_key: u64, row: u64) -> Timestamp {
    updated_at(seed_key, row, row_hash(seed_key, row))
}

/// The first row of `0..rows` created or updated at or after `since`
/// (`rows` when there is none). Since `updated ≥ created` and `updated`
/// increases with the row, that is the first row updated since then.
pub fn first_row_updated_since(seed_key: u64, rows: u64, since: Timestamp) -> u64 {
    let (mut low, mut high) = (0u64, rows);
    while low < high {
        let mid = low + (high - low) / 2;
        if updated_at_row(seed_key, mid) >= since {
            high = mid;
        } else {
            low = mid + 1;
        }
    }
    low
}

#[cfg(test)]
mod tests {
    use super::super::hash::seed_key;
    use super::*;

    #[test]
    fn created_and_updated_increase_and_updated_is_never_before_created() {
        for seed in [0, 1, 42, u64::MAX] {
            let key = seed_key(seed);
            // Three full wave periods, so every turn of the wave is crossed.
            let created = |row| created_seconds(row, row_hash(key, row));
            let updated = |row| updated_seconds(key, row, row_hash(key, row));
            for row in 0..(6 * WAVE_HALF_PERIOD as u64) {
                assert!(updated(row) >= created(row));
                assert!(created(row + 1) > created(row));
                assert!(updated(row + 1) > updated(row), "seed {seed} row {row}");
            }
        }
    }

    #[test]
    fn the_first_row_starts_on_new_year_2024() {
        let first = created_at(seed_key(7), 0, row_hash(seed_key(7), 0));
        assert!(first >= "2024-01-01T00:00:00Z".parse().unwrap());
        assert!(first < "2024-01-01T00:00:30Z".parse().unwrap());
    }

    #[test]
    fn the_last_possible_row_is_a_valid_date() {
        let last = updated_at_row(seed_key(3), super::super::MAX_ROWS - 1);
        assert!(last > created_at(seed_key(3), 0, row_hash(seed_key(3), 0)));
    }

    #[test]
    fn binary_search_finds_the_first_row_updated_since() {
        let key = seed_key(5);
        let rows = 50_000;
        for row in [0u64, 1, 17, 8_640, 30_000, 49_999] {
            let since = updated_at_row(key, row);
            assert_eq!(first_row_updated_since(key, rows, since), row);
            let just_after = since.checked_add(jiff::SignedDuration::from_nanos(1)).unwrap();
            assert_eq!(first_row_updated_since(key, rows, just_after), row + 1);
        }
        assert_eq!(first_row_updated_since(key, rows, "2000-01-01T00:00:00Z".parse().unwrap()), 0);
        assert_eq!(first_row_updated_since(key, rows, "2900-01-01T00:00:00Z".parse().unwrap()), rows);
    }
}
