//! Text cells of sample issues, written from the static word lists into the
//! caller's `String`, so a reused cell costs a copy and no allocation (and
//! as few copies as can be: a key or a summary is one).

use std::sync::OnceLock;

use super::hash::Draws;
use super::words::{DESCRIPTION_JOINS, DESCRIPTION_PARTS, SUMMARY_OBJECTS, SUMMARY_TAILS, SUMMARY_VERBS};

/// Appends `DEMO-<n>` without going through `format!`.
pub fn write_issue_key(out: &mut String, number: u64) {
    const PREFIX: &[u8] = b"DEMO-";
    let mut text = [0u8; PREFIX.len() + 20];
    let mut at = text.len();
    let mut n = number;
    loop {
        at -= 1;
        text[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    at -= PREFIX.len();
    text[at..at + PREFIX.len()].copy_from_slice(PREFIX);
    out.push_str(std::str::from_utf8(&text[at..]).expect("ascii"));
}

/// Every `<verb> <object><tail>`, built once, so a summary is one copy.
fn summaries() -> &'static [String] {
    static ALL: OnceLock<Vec<String>> = OnceLock::new();
    ALL.get_or_init(|| {
        let mut all = Vec::with_capacity(SUMMARY_VERBS.len() * SUMMARY_OBJECTS.len() * SUMMARY_TAILS.len());
        for verb in SUMMARY_VERBS {
            for object in SUMMARY_OBJECTS {
                for tail in SUMMARY_TAILS {
                    all.push(format!("{verb} {object}{tail}"));
                }
            }
        }
        all
    })
}

/// Appends `<verb> <object><tail>`, like "Fix CSV export on Safari".
pub fn write_summary(out: &mut String, draws: &mut Draws) {
    let verb = draws.below(SUMMARY_VERBS.len() as u64) as usize;
    let object = draws.below(SUMMARY_OBJECTS.len() as u64) as usize;
    let tail = draws.below(SUMMARY_TAILS.len() as u64) as usize;
    let index = (verb * SUMMARY_OBJECTS.len() + object) * SUMMARY_TAILS.len() + tail;
    out.push_str(&summaries()[index]);
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
    fn summaries_are_verb_object_tail_in_draw_order() {
        for h in 0..2_000u64 {
            let mut draws = Draws::new(super::super::hash::mix(h));
            let mut summary = String::new();
            write_summary(&mut summary, &mut draws.clone());
            let verb = draws.pick(SUMMARY_VERBS);
            let object = draws.pick(SUMMARY_OBJECTS);
            let tail = draws.pick(SUMMARY_TAILS);
            assert_eq!(summary, format!("{verb} {object}{tail}"));
        }
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
