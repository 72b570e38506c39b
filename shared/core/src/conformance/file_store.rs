//! Conformance suite of the `file_store` port (to be written).
