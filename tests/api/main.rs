//! Ferry's behaviour tests: one binary, the real local server over HTTP.

mod access;
mod export_files;
mod export_lifecycle;
mod export_recovery;
mod helpers;
mod validation;
