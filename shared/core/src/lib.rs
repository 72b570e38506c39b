//! Ferry's core: the domain model, the ports (traits) every backend implements,
//! and the use cases that speak only those two. Nothing here knows about AWS,
//! SQLite or an HTTP client; Cargo keeps it that way.

pub mod content_hash;
pub mod error;
pub mod hashing;
pub mod json_input;
pub mod model;
pub mod ports;
pub mod recurrence;
pub mod sealing;
pub mod time_in_status;
pub mod usecases;

#[cfg(feature = "conformance")]
pub mod conformance;

pub use error::{CoreError, FieldError, PortError};
pub use ports::Ports;
