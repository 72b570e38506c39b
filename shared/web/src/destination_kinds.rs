//! The destination types the schedule form offers. Each has one block of
//! fields in `templates/destination_row.html` (drawn for stored rows and as
//! the `<template>` the script adds rows from); a new type (`s3`) is one
//! entry here and one block there, and a new field one label and input in
//! its block, named by its path in the API's body.

use ferry_core::usecases::templates::{canonical, ALL_PLACEHOLDERS};

/// One choice of `Add destination`.
#[derive(Debug, Clone, Copy)]
pub struct DestinationKind {
    /// The API's `type`.
    pub kind: &'static str,
    /// What people read.
    pub label: &'static str,
}

pub const KINDS: [DestinationKind; 5] = [
    DestinationKind { kind: "email", label: "Email" },
    DestinationKind { kind: "link", label: "Link" },
    DestinationKind { kind: "s3", label: "S3" },
    DestinationKind { kind: "sftp", label: "SFTP" },
    DestinationKind { kind: "webhook", label: "Webhook" },
];

/// What people read for a type (`Webhook`); `Destination` for one the form does not know.
pub fn label_of(kind: &str) -> &'static str {
    KINDS.iter().find(|k| k.kind == kind).map_or("Destination", |k| k.label)
}

/// S3's storage classes, offered in the S3 destination's `Storage class`
/// (the API takes any upper-case name, so a newer class can be typed).
pub const S3_STORAGE_CLASSES: [&str; 7] =
    ["STANDARD", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER_IR", "GLACIER", "DEEP_ARCHIVE"];

/// The placeholders email texts, webhook URLs, file names and S3 keys may
/// use, as `{{name}}`: the core's list without its aliases (`jql` is
/// `query`), so a placeholder the core learns shows up here by itself.
pub fn placeholders() -> Vec<String> {
    ALL_PLACEHOLDERS.iter().filter(|p| canonical(p) == **p).map(|p| format!("{{{{{p}}}}}")).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn placeholders_are_the_cores_without_aliases() {
        let shown = super::placeholders();
        assert!(shown.contains(&"{{reportSlug}}".to_string()) && shown.contains(&"{{fileName}}".to_string()));
        assert!(!shown.contains(&"{{jql}}".to_string()), "{shown:?}");
        assert_eq!(shown.len(), 14, "{shown:?}");
    }
}
