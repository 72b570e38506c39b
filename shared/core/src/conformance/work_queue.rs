//! Conformance suite of the `work_queue` port (to be written).
