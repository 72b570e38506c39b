//! S3 object keys: where a destination's key template and prefix put a
//! file, and what S3 (and a reader of the bucket) would be misled by. The
//! same rules judge a template when it is saved and the rendered key when
//! it is sent.

use super::template::is_disguising;

/// The key template when the destination names none.
pub const DEFAULT_S3_KEY: &str = "{{reportSlug}}/{{fileName}}";

/// `prefix` and `key` with one `/` between them (none when the prefix is empty).
pub fn join_key(prefix: &str, key: &str) -> String {
    if prefix.is_empty() || prefix.ends_with('/') {
        format!("{prefix}{key}")
    } else {
        format!("{prefix}/{key}")
    }
}

/// Why an object key (or a template or prefix of one) is refused: absolute,
/// climbing (a `.` or `..` segment), empty segments (`a//b`), control
/// characters, direction marks or line separators, or over S3's 1024 bytes.
/// Dots inside a segment (`Q1...Q2`) are a name, not a path.
pub fn key_problem(key: &str) -> Option<&'static str> {
    if key.starts_with('/') {
        Some("must be relative: no leading '/'")
    } else if key.split(['/', '\\']).any(|segment| segment == ".." || segment == ".") {
        Some("must not contain '.' or '..' segments")
    } else if key.split(['/', '\\']).any(str::is_empty) {
        Some("must not contain empty segments ('//' or a trailing '/')")
    } else if key.chars().any(char::is_control) {
        Some("must not contain control characters")
    } else if key.chars().any(is_disguising) {
        Some("must not contain direction marks or line separators")
    } else if key.len() > 1024 {
        Some("must be at most 1024 bytes")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_join_under_the_prefix_and_absolute_or_climbing_keys_are_refused() {
        assert_eq!(join_key("", "a/b.csv"), "a/b.csv");
        assert_eq!(join_key("exports", "a/b.csv"), "exports/a/b.csv");
        assert_eq!(join_key("exports/", "a/b.csv"), "exports/a/b.csv");
        assert_eq!(key_problem("exports/{{reportSlug}}/{{fileName}}"), None);
        for bad in ["/abs/key", "a/../b", "..", "a/./b", "a//b", "a/", "a\nb", "a\u{202E}b"] {
            assert!(key_problem(bad).is_some(), "{bad:?}");
        }
        assert_eq!(key_problem("reports/Q1...Q2/x.csv"), None, "dots inside a segment are a name");
        assert!(key_problem(&"k".repeat(1025)).is_some());
    }
}
