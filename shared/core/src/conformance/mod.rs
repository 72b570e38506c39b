//! Adapter conformance suites: one per port, written once against the trait and
//! run against the local and the AWS adapter alike. Each function panics with a
//! message on the first broken promise.
