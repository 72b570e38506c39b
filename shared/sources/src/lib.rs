//! Ferry's data sources behind the `SourceFactory` port: the deterministic
//! `sample` issue tracker (the embedded default and the benchmark source) and,
//! later, the Jira Cloud client.

mod factory;
mod jira;
pub mod sample;

pub use factory::Sources;
