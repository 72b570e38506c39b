//! [`SecretBox`]: AES-256-GCM (RustCrypto's `aes-gcm`) under a 32-byte data
//! key, a fresh random 96-bit nonce per value. A sealed value is text, so it
//! fits in the JSON documents the stores keep: `fysealed:v1:` and the
//! base64 of nonce, ciphertext and tag.

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::Aes256Gcm;
use base64::Engine;
use rand::RngCore;

use crate::PortError;

/// What every sealed value starts with (and no plain secret of ours does in
/// practice; a plain value that did would fail to open, loudly).
pub const SEALED_PREFIX: &str = "fysealed:v1:";
const NONCE_LEN: usize = 12;

/// The key secrets are sealed under. Its `Debug` does not show it.
#[derive(Clone)]
pub struct DataKey(pub [u8; 32]);

impl std::fmt::Debug for DataKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DataKey(***)")
    }
}

/// Seals and opens secret values under one data key.
#[derive(Clone)]
pub struct SecretBox {
    cipher: Aes256Gcm,
}

impl std::fmt::Debug for SecretBox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretBox(***)")
    }
}

fn b64() -> base64::engine::GeneralPurpose {
    base64::engine::general_purpose::STANDARD_NO_PAD
}

impl SecretBox {
    pub fn new(key: &DataKey) -> Self {
        SecretBox { cipher: Aes256Gcm::new(&key.0.into()) }
    }

    /// `plain` sealed; an already sealed value is kept as it is.
    pub fn seal(&self, plain: &str) -> Result<String, PortError> {
        if is_sealed(plain) {
            return Ok(plain.to_string());
        }
        let mut nonce = [0u8; NONCE_LEN];
        rand::thread_rng().fill_bytes(&mut nonce);
        let sealed = self
            .cipher
            .encrypt(&nonce.into(), plain.as_bytes())
            .map_err(|_| PortError::backend("sealing a secret failed"))?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        Ok(format!("{SEALED_PREFIX}{}", b64().encode(out)))
    }

    /// The plain value of `stored`: opened when sealed, as is when it is a
    /// plain value from before sealing. A sealed value that does not open
    /// (another data key, a changed byte) is a backend error.
    pub fn open(&self, stored: &str) -> Result<String, PortError> {
        let Some(body) = stored.strip_prefix(SEALED_PREFIX) else {
            return Ok(stored.to_string());
        };
        let bytes = b64().decode(body).map_err(|e| PortError::backend_in("a sealed secret is not base64", e))?;
        if bytes.len() < NONCE_LEN {
            return Err(PortError::backend("a sealed secret is too short"));
        }
        let (nonce, sealed) = bytes.split_at(NONCE_LEN);
        let nonce: [u8; NONCE_LEN] = nonce.try_into().map_err(|_| PortError::backend("a sealed secret's nonce"))?;
        let plain = self
            .cipher
            .decrypt(&nonce.into(), sealed)
            .map_err(|_| PortError::backend("a sealed secret does not open with this data key"))?;
        String::from_utf8(plain).map_err(|e| PortError::backend_in("a sealed secret is not text", e))
    }
}

/// True for a value [`SecretBox::seal`] made.
pub fn is_sealed(value: &str) -> bool {
    value.starts_with(SEALED_PREFIX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret_box(byte: u8) -> SecretBox {
        SecretBox::new(&DataKey([byte; 32]))
    }

    #[test]
    fn a_sealed_value_opens_to_itself_and_shows_nothing_of_it() {
        let b = secret_box(7);
        let sealed = b.seal("jira-token-s3cr3t").unwrap();
        assert!(sealed.starts_with(SEALED_PREFIX));
        assert!(!sealed.contains("s3cr3t"));
        assert_ne!(sealed, b.seal("jira-token-s3cr3t").unwrap(), "a fresh nonce each time");
        assert_eq!(b.open(&sealed).unwrap(), "jira-token-s3cr3t");
        assert_eq!(b.seal(&sealed).unwrap(), sealed, "sealing twice keeps one layer");
    }

    #[test]
    fn plain_values_read_as_is_and_a_wrong_key_or_changed_byte_fails() {
        let b = secret_box(7);
        assert_eq!(b.open("plain-from-before").unwrap(), "plain-from-before");
        let sealed = b.seal("x").unwrap();
        assert!(secret_box(8).open(&sealed).is_err());
        let mut changed = sealed.clone().into_bytes();
        let last = changed.len() - 1;
        changed[last] = if changed[last] == b'A' { b'B' } else { b'A' };
        assert!(b.open(&String::from_utf8(changed).unwrap()).is_err());
    }
}
