//! Who is calling: the [`Caller`] extractor finds the presented API key in
//! one of the four accepted places and authenticates it with the core.
//!
//! Accepted: `Authorization: Bearer KEY`, `Authorization: Apikey KEY`, HTTP
//! Basic with user `apikey` and password KEY, or `?apikey=KEY`. An
//! `Authorization` header wins over the query parameter; a malformed header
//! is a 401, never a fallback to the query. Without a key, the dashboard's
//! session cookie counts only together with the page's CSRF token in
//! `X-Ferry-Csrf`; refused, it is a 401 without a challenge (a browser must
//! not pop up a Basic dialog over a page). Presented keys, and malformed
//! `Authorization` headers, are throttled per client address
//! (`authenticate_from`); sessions are not.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap};
use base64::Engine;
use ferry_core::model::api_key::Principal;
use ferry_core::usecases::auth::authenticate_from;
use ferry_core::CoreError;
use ferry_inbound::SessionError;

use crate::error::ApiError;
use crate::params::QueryParams;
use crate::state::AppState;

/// The authenticated principal of a request. Extracting it answers 401 when
/// the key is missing or wrong.
#[derive(Debug, Clone)]
pub struct Caller(pub Principal);

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let query = QueryParams::from_parts(parts);
        let address = ferry_inbound::client_address(&parts.extensions);
        match presented_key(&parts.headers, &query) {
            Ok(Some(key)) => return Ok(Caller(authenticate_from(&state.ports, &key, &address).await?)),
            // A header that cannot carry a key counts as a wrong key.
            Err(_) => return Ok(Caller(authenticate_from(&state.ports, "", &address).await?)),
            Ok(None) => {}
        }
        // The dashboard's script: session cookie plus the page's CSRF token.
        match ferry_inbound::api_principal(&state.ports, &parts.headers).await {
            Ok(Some(principal)) => Ok(Caller(principal)),
            Ok(None) => Err(CoreError::Unauthorized.into()),
            Err(SessionError::Core(e)) => Err(e.into()),
            Err(_) => Err(ApiError::SessionRefused),
        }
    }
}

/// The key a request presents, if any. `Err` for an `Authorization` header
/// that cannot carry one (unknown scheme, bad base64, Basic user not `apikey`).
pub fn presented_key(headers: &HeaderMap, query: &QueryParams) -> Result<Option<String>, CoreError> {
    if let Some(value) = headers.get(header::AUTHORIZATION) {
        let value = value.to_str().map_err(|_| CoreError::Unauthorized)?.trim();
        let (scheme, credentials) = value.split_once(' ').ok_or(CoreError::Unauthorized)?;
        let credentials = credentials.trim();
        let key = if scheme.eq_ignore_ascii_case("bearer") || scheme.eq_ignore_ascii_case("apikey") {
            credentials.to_string()
        } else if scheme.eq_ignore_ascii_case("basic") {
            basic_password(credentials)?
        } else {
            return Err(CoreError::Unauthorized);
        };
        return if key.is_empty() { Err(CoreError::Unauthorized) } else { Ok(Some(key)) };
    }
    Ok(query.get("apikey").map(|k| k.trim().to_string()).filter(|k| !k.is_empty()))
}

/// The password of `base64(apikey:KEY)`.
fn basic_password(credentials: &str) -> Result<String, CoreError> {
    let decoded = base64::engine::general_purpose::STANDARD.decode(credentials).map_err(|_| CoreError::Unauthorized)?;
    let text = String::from_utf8(decoded).map_err(|_| CoreError::Unauthorized)?;
    match text.split_once(':') {
        Some((user, password)) if user.eq_ignore_ascii_case("apikey") => Ok(password.to_string()),
        _ => Err(CoreError::Unauthorized),
    }
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn with_auth(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::AUTHORIZATION, HeaderValue::from_str(value).unwrap());
        h
    }

    fn none() -> QueryParams {
        QueryParams::default()
    }

    fn b64(s: &str) -> String {
        base64::engine::general_purpose::STANDARD.encode(s)
    }

    #[test]
    fn bearer_and_apikey_schemes_carry_the_key_in_any_case() {
        assert_eq!(presented_key(&with_auth("Bearer fy_abc"), &none()).unwrap().as_deref(), Some("fy_abc"));
        assert_eq!(presented_key(&with_auth("bearer  fy_abc "), &none()).unwrap().as_deref(), Some("fy_abc"));
        assert_eq!(presented_key(&with_auth("Apikey fy_abc"), &none()).unwrap().as_deref(), Some("fy_abc"));
        assert_eq!(presented_key(&with_auth("APIKEY fy_abc"), &none()).unwrap().as_deref(), Some("fy_abc"));
    }

    #[test]
    fn basic_with_user_apikey_carries_the_key_as_password() {
        let h = with_auth(&format!("Basic {}", b64("apikey:fy_abc")));
        assert_eq!(presented_key(&h, &none()).unwrap().as_deref(), Some("fy_abc"));
        // A colon inside the key belongs to the password.
        let h = with_auth(&format!("Basic {}", b64("apikey:fy:abc")));
        assert_eq!(presented_key(&h, &none()).unwrap().as_deref(), Some("fy:abc"));
    }

    #[test]
    fn basic_with_bad_base64_another_user_or_no_password_is_unauthorized() {
        for value in [
            "Basic !!!not-base64!!!".to_string(),
            format!("Basic {}", b64("alice:fy_abc")),
            format!("Basic {}", b64("apikey")),
            format!("Basic {}", b64("apikey:")),
        ] {
            assert!(matches!(presented_key(&with_auth(&value), &none()), Err(CoreError::Unauthorized)), "{value}");
        }
    }

    #[test]
    fn query_parameter_is_url_decoded() {
        let q = QueryParams::parse(Some("pageSize=5&apikey=fy_a%2Fb%3D"));
        assert_eq!(presented_key(&HeaderMap::new(), &q).unwrap().as_deref(), Some("fy_a/b="));
    }

    #[test]
    fn no_key_anywhere_is_none_and_unknown_scheme_or_empty_key_is_unauthorized() {
        assert_eq!(presented_key(&HeaderMap::new(), &none()).unwrap(), None);
        for value in ["Digest abc", "Bearer", "Bearer   ", "fy_abc"] {
            assert!(matches!(presented_key(&with_auth(value), &none()), Err(CoreError::Unauthorized)), "{value}");
        }
    }

    #[test]
    fn a_header_wins_over_the_query_parameter() {
        let q = QueryParams::parse(Some("apikey=from_query"));
        assert_eq!(presented_key(&with_auth("Bearer from_header"), &q).unwrap().as_deref(), Some("from_header"));
    }
}
