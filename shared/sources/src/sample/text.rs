//! Text cells of sample issues, each built into one right-sized `String`
//! from the static word lists.

use super::hash::Draws;
use super::words::{DESCRIPTION_JOINS, DESCRIPTION_PARTS, SUMMARY_OBJECTS, SUMMARY_TAILS, SUMMARY_VERBS};

/// `DEMO-<n>` without going through `format!`.
pub fn issue_key(number: u64) -> String {
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
    let mut key = String::with_capacity(5 + digits.len() - at);
    key.push_str("DEMO-");
    key.push_str(std::str::from_utf8(&digits[at..]).expect("ascii digits"));
    key
}

/// `<verb> <object><tail>`, like "Fix CSV export on Safari".
pub fn summary(draws: &mut Draws) -> String {
    let verb = draws.pick(SUMMARY_VERBS);
    let object = draws.pick(SUMMARY_OBJECTS);
    let tail = draws.pick(SUMMARY_TAILS);
    let mut s = String::with_capacity(verb.len() + 1 + object.len() + tail.len());
    s.push_str(verb);
    s.push(' ');
    s.push_str(object);
    s.push_str(tail);
    s
}

/// One to three description parts with separators between them.
pub fn description(draws: &mut Draws) -> String {
    let count = match draws.below(8) {
        0..=4 => 1,
        5..=6 => 2,
        _ => 3,
    };
    let mut parts: [&str; 5] = [""; 5];
    let mut len = 0;
    for slot in 0..count {
        if slot > 0 {
            parts[2 * slot - 1] = draws.pick(DESCRIPTION_JOINS);
        }
        parts[2 * slot] = draws.pick(DESCRIPTION_PARTS);
    }
    for p in &parts {
        len += p.len();
    }
    let mut s = String::with_capacity(len);
    for p in &parts {
        s.push_str(p);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_count_from_one() {
        assert_eq!(issue_key(1), "DEMO-1");
        assert_eq!(issue_key(100_000_000), "DEMO-100000000");
        assert_eq!(issue_key(u64::MAX), format!("DEMO-{}", u64::MAX));
    }

    #[test]
    fn descriptions_are_built_from_whole_parts() {
        for h in 0..2_000u64 {
            let d = description(&mut Draws::new(super::super::hash::mix(h)));
            assert!(DESCRIPTION_PARTS.iter().any(|p| d.starts_with(p)), "{d:?}");
            assert!(DESCRIPTION_PARTS.iter().any(|p| d.ends_with(p)), "{d:?}");
        }
    }
}
