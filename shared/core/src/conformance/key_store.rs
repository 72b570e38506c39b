//! Conformance suite of the `key_store` port (to be written).
