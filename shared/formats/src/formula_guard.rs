//! CSV formula-injection guard (SPEC `sanitizeFormulas`).
//!
//! Spreadsheets run a cell that starts with `=`, `+`, `-` or `@` as a formula
//! (tab and CR are on OWASP's list too, as tricks to hide one). A leading `'`
//! makes the cell plain text. Numbers like `-5` or `+1.5` start with a sign
//! but are no formula, and prefixing them would break every negative amount
//! a source sends as text, so they are left alone.

/// True when a text cell must get a leading `'`.
#[inline]
pub(crate) fn needs_formula_guard(s: &[u8]) -> bool {
    match s.first() {
        Some(b'=' | b'@' | b'\t' | b'\r') => true,
        Some(b'+' | b'-') => !reads_as_number(s),
        _ => false,
    }
}

/// A decimal number with optional sign, fraction and exponent: `-5`, `+1.5`,
/// `-.5`, `-1e-3`. Nothing else (no spaces, no thousands separators).
fn reads_as_number(s: &[u8]) -> bool {
    let mut i = usize::from(matches!(s.first(), Some(b'+' | b'-')));
    let int_digits = count_digits(&s[i..]);
    i += int_digits;
    let mut frac_digits = 0;
    if s.get(i) == Some(&b'.') {
        i += 1;
        frac_digits = count_digits(&s[i..]);
        i += frac_digits;
    }
    if int_digits + frac_digits == 0 {
        return false;
    }
    if matches!(s.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(s.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let exp_digits = count_digits(&s[i..]);
        if exp_digits == 0 {
            return false;
        }
        i += exp_digits;
    }
    i == s.len()
}

fn count_digits(s: &[u8]) -> usize {
    s.iter().take_while(|b| b.is_ascii_digit()).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_starts_are_guarded() {
        for s in ["=SUM(A1)", "+cmd", "-2+3", "@SUM(A1)", "\tx", "\r=1", "-", "+", "-e5", "- 5", "=", "-1,5"] {
            assert!(needs_formula_guard(s.as_bytes()), "{s:?}");
        }
    }

    #[test]
    fn signed_numbers_and_plain_text_are_not() {
        for s in ["-5", "+1.5", "-.5", "-5.", "-1e-3", "+2E10", "5", "plain", "", " =x", "a=b"] {
            assert!(!needs_formula_guard(s.as_bytes()), "{s:?}");
        }
    }
}
