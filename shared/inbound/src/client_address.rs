//! The address a request came from, which wrong keys are counted by. The
//! runtime puts it in the request's extensions: API Gateway's source IP on
//! AWS (the Lambda function inserts [`ClientAddress`]), the TCP peer
//! locally (axum's `ConnectInfo`). Never a header a client could set.

use std::net::SocketAddr;

use axum::extract::ConnectInfo;
use axum::http::Extensions;

/// The client's address, as the runtime saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientAddress(pub String);

/// The request's client address; `unknown` when the runtime gave none (a
/// router driven without a socket shares one count, which errs towards
/// throttling, never towards letting guesses through).
pub fn client_address(extensions: &Extensions) -> String {
    if let Some(ClientAddress(address)) = extensions.get::<ClientAddress>() {
        return address.clone();
    }
    extensions.get::<ConnectInfo<SocketAddr>>().map_or_else(|| "unknown".to_string(), |c| c.0.ip().to_string())
}
