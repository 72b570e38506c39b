//! Conformance suite of the `settings_store` port (to be written).
