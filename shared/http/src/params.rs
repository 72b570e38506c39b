//! Query-string and path parameters, parsed by hand so that every rejection
//! uses the API's error body (axum's own extractors answer in plain text).
//! Unknown query parameters are ignored.

use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use percent_encoding::percent_decode_str;
use serde::de::value::StrDeserializer;
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// The decoded `name=value` pairs of a query string, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueryParams(Vec<(String, String)>);

impl QueryParams {
    /// Parses `a=1&b=x%20y` with form-urlencoded rules (`+` is a space).
    /// Undecodable bytes become U+FFFD rather than failing the request.
    pub fn parse(query: Option<&str>) -> Self {
        let pairs = query
            .unwrap_or("")
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|pair| {
                let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
                (decode_component(name), decode_component(value))
            })
            .collect();
        QueryParams(pairs)
    }

    /// The parameters of a request's URI.
    pub fn from_parts(parts: &Parts) -> Self {
        Self::parse(parts.uri.query())
    }

    /// The first value of `name`, if any (`?status=` counts as absent).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str()).filter(|v| !v.is_empty())
    }
}

/// Parses a query value as one of `T`'s serde variant names; the error
/// names the parameter and lists the allowed values.
pub fn variant_param<T: DeserializeOwned>(name: &str, value: &str) -> Result<T, ApiError> {
    T::deserialize(StrDeserializer::<serde::de::value::Error>::new(value))
        .map_err(|e| ApiError::invalid(name, e.to_string()))
}

fn decode_component(s: &str) -> String {
    let spaced = s.replace('+', " ");
    percent_decode_str(&spaced).decode_utf8_lossy().into_owned()
}

impl<S: Send + Sync> FromRequestParts<S> for QueryParams {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Self::from_parts(parts))
    }
}

/// The `{id}` of a resource path, passed to the use case as sent: the store
/// answers 404 for an id it does not know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathId(pub String);

impl<S: Send + Sync> FromRequestParts<S> for PathId {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Path::<String>::from_request_parts(parts, state).await {
            Ok(Path(id)) => Ok(PathId(id)),
            // Only reachable with a malformed percent-encoding in the path.
            Err(_) => Err(ApiError::invalid("id", "is not a valid identifier")),
        }
    }
}

/// The two ids of a nested resource path (`/schedules/{id}/runs/{exportId}/…`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathIds(pub String, pub String);

impl<S: Send + Sync> FromRequestParts<S> for PathIds {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Path::<(String, String)>::from_request_parts(parts, state).await {
            Ok(Path((a, b))) => Ok(PathIds(a, b)),
            Err(_) => Err(ApiError::invalid("id", "is not a valid identifier")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_values_are_form_decoded_and_the_first_one_wins() {
        let q = QueryParams::parse(Some("apikey=fy_a%2Bb+c&status=&x=1&x=2&flag"));
        assert_eq!(q.get("apikey"), Some("fy_a+b c"));
        assert_eq!(q.get("status"), None);
        assert_eq!(q.get("x"), Some("1"));
        assert_eq!(q.get("flag"), None);
        assert_eq!(q.get("missing"), None);
    }
}
