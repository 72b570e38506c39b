//! Conformance suite of the `report_store` port (to be written).
