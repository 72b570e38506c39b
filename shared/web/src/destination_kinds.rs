//! The destination types the schedule form offers. Each has one block of
//! fields in `templates/destination_row.html` (drawn for stored rows and as
//! the `<template>` the script adds rows from); a new type (`s3`) is one
//! entry here and one block there, and a new field one label and input in
//! its block, named by its path in the API's body.

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

/// The placeholders email texts, webhook URLs, file names and S3 keys may use (SPEC).
pub const PLACEHOLDERS: [&str; 14] = [
    "{{reportName}}",
    "{{reportId}}",
    "{{reportSlug}}",
    "{{reportDate}}",
    "{{runDate}}",
    "{{runTime}}",
    "{{exportId}}",
    "{{query}}",
    "{{format}}",
    "{{ext}}",
    "{{rows}}",
    "{{sizeMb}}",
    "{{timestamp}}",
    "{{fileName}}",
];
