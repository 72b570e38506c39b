//! ferry-local
