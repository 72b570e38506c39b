//! Text cells of sample issues, written from the static word lists into the
//! caller's `String`, so a reused cell costs a copy and no allocation.

use super::hash::Draws;
use super::words::{DESCRIPTION_JOINS, DESCRIPTION_PARTS, SUMMARY_OBJECTS, SUMMARY_TAILS, SUMMARY_VERBS};

/// Appends `DEMO-<n>` without going through `format!`.
pub fn write_issue_key(out: &mut String, number: u64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut n = number;
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.push_str("DEMO-");
    out.push_str(std::str::from_utf8(&digits[at..]).expect("ascii digits"));
}

/// Appends `<verb> <object><tail>`, like "Fix CSV export on Safari".
pub fn write_summary(out: &mut String, draws: &mut Draws) {
    let verb = draws.pick(SUMMARY_VERBS);
    let object = draws.pick(SUMMARY_OBJECTS);
    let tail = draws.pick(SUMMARY_TAILS);
    out.reserve(verb.len() + 1 + object.len() + tail.len());
    out.push_str(verb);
    out.push(' ');
    out.push_str(object);
    out.push_str(tail);
}

/// Appends one to three description parts with separators between them.
pub fn write_description(out: &mut String, draws: &mut Draws) {
    let count = match draws.below(8) {
        0..=4 => 1,
        5..=6 => 2,
        _ => 3,
    };
    for slot in 0..count {
        if slot > 0 {
            out.push_str(draws.pick(DESCRIPTION_JOINS));
        }
        out.push_str(draws.pick(DESCRIPTION_PARTS));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn issue_key(n: u64) -> String {
        let mut s = String::new();
        write_issue_key(&mut s, n);
        s
    }

    #[test]
    fn keys_count_from_one() {
        assert_eq!(issue_key(1), "DEMO-1");
        assert_eq!(issue_key(100_000_000), "DEMO-100000000");
        assert_eq!(issue_key(u64::MAX), format!("DEMO-{}", u64::MAX));
    }

    #[test]
    fn descriptions_are_built_from_whole_parts() {
        for h in 0..2_000u64 {
            let mut d = String::new();
            write_description(&mut d, &mut Draws::new(super::super::hash::mix(h)));
            assert!(DESCRIPTION_PARTS.iter().any(|p| d.starts_with(p)), "{d:?}");
            assert!(DESCRIPTION_PARTS.iter().any(|p| d.ends_with(p)), "{d:?}");
        }
    }
}
