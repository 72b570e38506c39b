//! The domain model: one concept per file.

pub mod api_key;
pub mod connection;
pub mod content_disposition;
pub mod dataset;
pub mod deliver_when;
pub mod delivery;
pub mod destination;
pub mod email_address;
pub mod error_body;
pub mod export;
pub mod format_options;
pub mod ids;
pub mod network;
pub mod object_key;
pub mod outbound_url;
pub mod page;
pub mod page_cursor;
pub mod report;
pub mod s3_destination;
pub mod schedule;
pub mod schedule_destination;
pub mod schedule_run;
pub mod settings;
pub mod template;
pub mod time_in_status;
pub mod value;
