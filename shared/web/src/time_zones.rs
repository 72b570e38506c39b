//! The IANA time zone names the `Time zone` fields offer: the ones the
//! bundled database knows, so every name offered is one the API accepts.

use std::sync::OnceLock;

/// Every zone name, sorted.
pub fn names() -> &'static [String] {
    static NAMES: OnceLock<Vec<String>> = OnceLock::new();
    NAMES.get_or_init(|| {
        let mut names: Vec<String> = jiff::tz::db().available().map(|n| n.to_string()).collect();
        names.sort();
        names.dedup();
        names
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_list_holds_the_usual_zones() {
        let names = super::names();
        assert!(names.iter().any(|n| n == "Europe/Berlin"));
        assert!(names.iter().any(|n| n == "UTC"));
        assert!(names.len() > 300);
    }
}
