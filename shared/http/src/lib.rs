//! Ferry's HTTP API: one axum [`Router`](axum::Router) that the local binary
//! serves on a socket and the AWS `api` function serves through lambda_http.
//! Handlers are thin: they parse input, call one use case of `ferry-core` and
//! map its result; every error goes through [`ApiError`].

pub mod auth;
mod created;
pub mod error;
pub mod json;
pub mod openapi;
pub mod paging;
pub mod params;
pub mod routes;
pub mod state;

pub use auth::Caller;
pub use error::ApiError;
pub use ferry_inbound::ClientAddress;
pub use json::ApiJson;
pub use openapi::ApiDoc;
pub use routes::router;
pub use state::AppState;
