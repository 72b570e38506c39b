//! The domain model: one concept per file.

pub mod api_key;
pub mod connection;
pub mod export;
pub mod format_options;
pub mod ids;
pub mod page;
pub mod report;
pub mod settings;
pub mod value;
