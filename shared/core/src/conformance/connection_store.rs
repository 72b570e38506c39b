//! Conformance suite of the `connection_store` port (to be written).
