//! Conformance suite of the `export_store` port (to be written).
