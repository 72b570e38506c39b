//! AWS adapters of Ferry's ports. Each adapter takes an SDK client built once
//! per Lambda container (`clients::AwsClients`) and the names from
//! `settings::AwsSettings`; use cases never see an SDK type.

pub mod clients;
pub mod settings;

#[cfg(feature = "emulator")]
pub mod emulator;

pub use clients::AwsClients;
pub use settings::AwsSettings;
