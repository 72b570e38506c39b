//! Trusting an SFTP server: its host key must have the fingerprint the
//! destination names, as `ssh-keygen -lf` prints it (`SHA256:` + unpadded
//! base64 of the SHA-256 of the key blob). russh asks during the key
//! exchange, before any credential leaves Ferry, and a `false` ends the
//! connection there.

use std::sync::{Arc, Mutex};

use ferry_core::ports::delivery::DeliveryError;
use russh::keys::{HashAlg, PublicKey, PublicKeyOrCertificate};

/// `SHA256:…` of `key`, the form `ssh-keygen -lf` prints.
pub fn fingerprint_sha256(key: &PublicKey) -> String {
    key.fingerprint(HashAlg::Sha256).to_string()
}

/// A fingerprint from a destination, checked for form once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpectedHostKey(String);

impl ExpectedHostKey {
    /// Accepts `SHA256:` and 43 base64 characters; trailing `=` padding, which
    /// some tools print, is dropped.
    pub fn parse(text: &str) -> Result<Self, DeliveryError> {
        let bad = || {
            DeliveryError::Rejected(
                "the host key fingerprint must be SHA256: followed by 43 base64 characters, as ssh-keygen -lf prints it"
                    .into(),
            )
        };
        let digest = text.trim().strip_prefix("SHA256:").ok_or_else(bad)?.trim_end_matches('=');
        let base64 = |c: char| c.is_ascii_alphanumeric() || c == '+' || c == '/';
        if digest.len() != 43 || !digest.chars().all(base64) {
            return Err(bad());
        }
        Ok(ExpectedHostKey(format!("SHA256:{digest}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The russh client handler: compares the server's key and remembers the
/// fingerprint it saw, so a mismatch can name it.
pub(crate) struct HostKeyCheck {
    expected: ExpectedHostKey,
    seen: Arc<Mutex<Option<String>>>,
}

impl HostKeyCheck {
    /// The handler, and where it leaves the fingerprint it saw.
    pub(crate) fn new(expected: ExpectedHostKey) -> (Self, Arc<Mutex<Option<String>>>) {
        let seen = Arc::new(Mutex::new(None));
        (HostKeyCheck { expected, seen: seen.clone() }, seen)
    }
}

impl russh::client::Handler for HostKeyCheck {
    type Error = russh::Error;

    async fn check_server_key(&mut self, server_key: &PublicKeyOrCertificate) -> Result<bool, Self::Error> {
        // A host certificate still carries the host's own key: pin that.
        let key = match server_key {
            PublicKeyOrCertificate::PublicKey { key, .. } => key.clone(),
            PublicKeyOrCertificate::Certificate(cert) => PublicKey::from(cert.public_key().clone()),
        };
        let seen = fingerprint_sha256(&key);
        let matches = seen == self.expected.as_str();
        *self.seen.lock().expect("host key lock") = Some(seen);
        Ok(matches)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FP: &str = "SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s";

    #[test]
    fn fingerprints_are_parsed_in_ssh_keygen_form_with_or_without_padding() {
        assert_eq!(ExpectedHostKey::parse(FP).unwrap().as_str(), FP);
        assert_eq!(ExpectedHostKey::parse(&format!(" {FP}= ")).unwrap().as_str(), FP);
        for bad in ["", "MD5:aa:bb", "SHA256:short", &FP.replace('u', "-"), &FP[7..]] {
            let err = ExpectedHostKey::parse(bad).unwrap_err();
            assert!(matches!(err, DeliveryError::Rejected(_)), "{bad}");
        }
    }

    #[test]
    fn the_fingerprint_is_the_sha256_of_the_key_blob_as_ssh_keygen_prints_it() {
        // `ssh-keygen -lf` of this public key prints the fingerprint below.
        let key =
            PublicKey::from_openssh("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIN6elNEgcBgSFyUr/6KGnydiSAUQJbu8LGpkv6otKKnd")
                .unwrap();
        assert_eq!(fingerprint_sha256(&key), "SHA256:Bhku7p0lSCKcumzpXI3htKaviLP1VbLRfKVXd0gsLkw");
    }
}
