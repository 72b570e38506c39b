//! Ferry's data sources behind the `SourceFactory` port: the deterministic
//! `sample` issue tracker (the embedded default and the benchmark source) and
//! the Jira Cloud client, and the Confluence Cloud client on the same site.

pub mod confluence;
mod dataset_fields;
mod factory;
pub mod jira;
pub mod sample;

pub use factory::Sources;
