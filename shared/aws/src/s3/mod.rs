//! The S3 adapter of the file store port: exports as multipart uploads, read
//! back as streams, downloaded through presigned GET URLs.

mod errors;
mod file_store;
mod setup;

pub use file_store::{S3FileStore, AWS_PART_SIZE, S3_MIN_PART_SIZE};
pub use setup::{create_bucket, ABORT_INCOMPLETE_UPLOADS_AFTER_DAYS};
