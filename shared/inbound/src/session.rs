//! Dashboard sessions: the cookie holds the key's *id*, the issue time and a
//! random session id, signed with HMAC-SHA256 under a key derived from the
//! runtime's link key. It never holds the API key. The signature turns away
//! forged cookies without a read; the session store (the SHA-256 of the
//! session id, with its expiry) is what makes sign-out final: a cookie whose
//! session was deleted is refused even though its signature is good. Each
//! request also re-reads the key by id, so deleting a key ends its sessions
//! at once. The CSRF token is a second HMAC over the same payload, so it
//! dies with the session. What the store does is the core's use case
//! (`ferry_core::usecases::sessions`); this module is the cookie and header side.

use axum::http::{header, HeaderMap};
use ferry_core::model::api_key::{hash_key, Principal};
use ferry_core::ports::LinkKey;
use ferry_core::sealing::{DataKey, SecretBox};
pub use ferry_core::usecases::sessions::SESSION_LIFETIME;
use ferry_core::usecases::sessions::{self, Found};
use ferry_core::{CoreError, Ports};
use hmac::{Hmac, Mac};
use jiff::{SignedDuration, Timestamp};
use sha2::Sha256;
use subtle::ConstantTimeEq;

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "ferry_session";
/// Name of the cookie that ties the sign-in form to the browser that loaded it.
pub const SIGN_IN_COOKIE: &str = "ferry_sign_in";
/// The header the pages' script sends with the page's CSRF token on `/v1` calls.
pub const CSRF_HEADER: &str = "x-ferry-csrf";

/// Why a presented session is not accepted. Callers map each to a response;
/// none is ever shown with internal detail.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    #[error("no session")]
    Missing,
    #[error("the session cookie is malformed or its signature is wrong")]
    Invalid,
    #[error("the session is older than 12 hours")]
    Expired,
    #[error("the session's API key was deleted")]
    KeyDeleted,
    #[error("the session was ended (signed out) or is not stored")]
    Ended,
    #[error("the CSRF token is missing or wrong")]
    Csrf,
    #[error(transparent)]
    Core(#[from] CoreError),
}

/// The HMAC key of sessions and CSRF tokens.
#[derive(Clone)]
pub struct SessionKeys(Vec<u8>);

impl std::fmt::Debug for SessionKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SessionKeys(***)")
    }
}

type HmacSha256 = Hmac<Sha256>;

impl SessionKeys {
    /// A subkey of the link key: a link token can never be replayed as a
    /// session signature, or the other way round.
    pub fn derive(link_key: &LinkKey) -> Self {
        SessionKeys(raw_mac(&link_key.0, b"ferry dashboard sessions v1"))
    }

    fn mac(&self, purpose: &str, payload: &str) -> String {
        let mut m = HmacSha256::new_from_slice(&self.0).expect("HMAC takes any key length");
        m.update(purpose.as_bytes());
        m.update(b":");
        m.update(payload.as_bytes());
        hex::encode(m.finalize().into_bytes())
    }

    /// The cookie value of a new session of `key_id` issued at `now`.
    pub fn issue(&self, key_id: &str, now: Timestamp, nonce: &str) -> String {
        let payload = format!("{key_id}.{}.{nonce}", now.as_second());
        let mac = self.mac("session", &payload);
        format!("{payload}.{mac}")
    }

    /// Checks a cookie value's signature and age; `Session` on success.
    pub fn open(&self, cookie: &str, now: Timestamp) -> Result<Session, SessionError> {
        let (payload, mac) = cookie.rsplit_once('.').ok_or(SessionError::Invalid)?;
        if !equal(&self.mac("session", payload), mac) {
            return Err(SessionError::Invalid);
        }
        let mut parts = payload.splitn(3, '.');
        let (Some(key_id), Some(issued), Some(nonce)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(SessionError::Invalid);
        };
        let issued: i64 = issued.parse().map_err(|_| SessionError::Invalid)?;
        let issued = Timestamp::from_second(issued).map_err(|_| SessionError::Invalid)?;
        if now >= issued + SESSION_LIFETIME || now < issued - SignedDuration::from_mins(5) {
            return Err(SessionError::Expired);
        }
        Ok(Session { key_id: key_id.to_string(), csrf: self.mac("csrf", payload), id_hash: hash_key(nonce) })
    }

    /// The box of one-time flashes that carry a secret to the next page (a
    /// new key after its form's redirect), under a subkey of its own.
    pub fn flash_box(&self) -> SecretBox {
        let key: [u8; 32] = raw_mac(&self.0, b"one-time flash").try_into().expect("SHA-256 gives 32 bytes");
        SecretBox::new(&DataKey(key))
    }

    /// The token the sign-in form carries for the nonce in its cookie.
    pub fn sign_in_token(&self, nonce: &str) -> String {
        self.mac("sign-in", nonce)
    }

    /// True when `token` belongs to the sign-in nonce `nonce`.
    pub fn check_sign_in(&self, nonce: &str, token: &str) -> bool {
        !nonce.is_empty() && equal(&self.sign_in_token(nonce), token)
    }
}

fn raw_mac(key: &[u8], data: &[u8]) -> Vec<u8> {
    let mut m = HmacSha256::new_from_slice(key).expect("HMAC takes any key length");
    m.update(data);
    m.finalize().into_bytes().to_vec()
}

/// Constant-time comparison of two tokens.
pub fn equal(a: &str, b: &str) -> bool {
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

/// A signed, unexpired session (its key not yet checked).
#[derive(Debug, Clone)]
pub struct Session {
    pub key_id: String,
    /// The CSRF token of this session.
    pub csrf: String,
    /// What the session store knows this session by.
    pub id_hash: String,
}

impl Session {
    /// Refuses a request whose token is not this session's.
    pub fn check_csrf(&self, presented: &str) -> Result<(), SessionError> {
        if equal(&self.csrf, presented) {
            Ok(())
        } else {
            Err(SessionError::Csrf)
        }
    }
}

/// Starts a stored session of `key_id`: the cookie value to set.
pub async fn start(ports: &Ports, keys: &SessionKeys, key_id: &str) -> Result<String, SessionError> {
    let started = sessions::start(ports, key_id).await?;
    Ok(keys.issue(key_id, started.at, &started.id))
}

/// Ends a session on the server: its cookie is refused from now on.
pub async fn end(ports: &Ports, session: &Session) -> Result<(), SessionError> {
    Ok(sessions::end(ports, &session.id_hash).await?)
}

/// The principal of a session, if it is still stored and its key still exists.
pub async fn principal(ports: &Ports, session: &Session) -> Result<Principal, SessionError> {
    match sessions::find(ports, &session.id_hash, &session.key_id).await? {
        Found::Principal(principal) => Ok(principal),
        Found::Ended => Err(SessionError::Ended),
        Found::KeyDeleted => Err(SessionError::KeyDeleted),
    }
}

/// The value of cookie `name` in the request's `Cookie` headers.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim())
}

/// `/v1` with the session instead of a key: `Ok(None)` when the request
/// carries neither the session cookie nor the CSRF header (then the API's
/// usual 401 applies). With either, both must be right: a cookie alone is no
/// credential for the API.
pub async fn api_principal(ports: &Ports, headers: &HeaderMap) -> Result<Option<Principal>, SessionError> {
    let cookie_value = cookie(headers, SESSION_COOKIE);
    let csrf = headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok());
    if cookie_value.is_none() && csrf.is_none() {
        return Ok(None);
    }
    let keys = SessionKeys::derive(&ports.config.link_key);
    let session = keys.open(cookie_value.ok_or(SessionError::Missing)?, ports.clock.now())?;
    session.check_csrf(csrf.ok_or(SessionError::Csrf)?)?;
    Ok(Some(principal(ports, &session).await?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> SessionKeys {
        SessionKeys::derive(&LinkKey(b"0123456789abcdef0123456789abcdef".to_vec()))
    }

    #[test]
    fn a_session_opens_until_twelve_hours_after_sign_in() {
        let now = Timestamp::from_second(1_800_000_000).unwrap();
        let cookie = keys().issue("key_01ABC", now, "n1");
        assert!(!cookie.contains("fy_"), "the cookie holds no key material");
        let s = keys().open(&cookie, now + SignedDuration::from_hours(11)).unwrap();
        assert_eq!(s.key_id, "key_01ABC");
        assert!(matches!(keys().open(&cookie, now + SESSION_LIFETIME), Err(SessionError::Expired)));
    }

    #[test]
    fn a_changed_cookie_or_another_signing_key_is_invalid() {
        let now = Timestamp::from_second(1_800_000_000).unwrap();
        let cookie = keys().issue("key_01ABC", now, "n1");
        let forged = cookie.replacen("key_01ABC", "key_01ABD", 1);
        assert!(matches!(keys().open(&forged, now), Err(SessionError::Invalid)));
        let other = SessionKeys::derive(&LinkKey(b"another link key, another install".to_vec()));
        assert!(matches!(other.open(&cookie, now), Err(SessionError::Invalid)));
        assert!(matches!(keys().open("garbage", now), Err(SessionError::Invalid)));
    }

    #[test]
    fn csrf_tokens_differ_per_session_and_are_checked() {
        let now = Timestamp::from_second(1_800_000_000).unwrap();
        let a = keys().open(&keys().issue("key_1", now, "n1"), now).unwrap();
        let b = keys().open(&keys().issue("key_1", now, "n2"), now).unwrap();
        assert_ne!(a.csrf, b.csrf);
        assert!(a.check_csrf(&a.csrf).is_ok());
        assert!(matches!(a.check_csrf(&b.csrf), Err(SessionError::Csrf)));
        assert!(matches!(a.check_csrf(""), Err(SessionError::Csrf)));
    }

    #[test]
    fn cookies_are_found_among_others() {
        let mut h = HeaderMap::new();
        h.append(header::COOKIE, "a=1; ferry_session=abc.def".parse().unwrap());
        assert_eq!(cookie(&h, SESSION_COOKIE), Some("abc.def"));
        assert_eq!(cookie(&h, "missing"), None);
    }
}
