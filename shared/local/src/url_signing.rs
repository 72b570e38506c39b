//! Signed local file URLs: `{public}/v1/local-files/{key}?expires&name&type&sig`,
//! where `sig` is an HMAC-SHA256 over the key, the expiry, the download name
//! and the content type. Each part goes into the MAC with its length first,
//! so no two different tuples sign the same bytes.

use hmac::{Hmac, Mac};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use sha2::Sha256;

/// Everything but RFC 3986's unreserved characters is encoded.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// The path under which signed files are served.
pub const ROUTE_PREFIX: &str = "/v1/local-files/";

/// What a signed URL promises to serve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedFile<'a> {
    pub key: &'a str,
    /// Unix seconds after which the URL is refused.
    pub expires: i64,
    pub name: &'a str,
    pub content_type: &'a str,
}

/// Makes and checks signatures with one secret key.
pub struct UrlSigner {
    public_url: String,
    secret: Vec<u8>,
}

impl UrlSigner {
    /// `public_url` is the base of the URLs (a trailing `/` is dropped).
    pub fn new(public_url: String, secret: Vec<u8>) -> Self {
        UrlSigner { public_url: public_url.trim_end_matches('/').to_string(), secret }
    }

    fn mac(&self, file: &SignedFile<'_>) -> Hmac<Sha256> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.secret).expect("HMAC takes keys of any length");
        let expires = file.expires.to_string();
        for part in [
            b"ferry-local-file-v1".as_slice(),
            file.key.as_bytes(),
            expires.as_bytes(),
            file.name.as_bytes(),
            file.content_type.as_bytes(),
        ] {
            mac.update(&(part.len() as u64).to_be_bytes());
            mac.update(part);
        }
        mac
    }

    /// Lowercase hex signature of a file's tuple.
    pub fn signature(&self, file: &SignedFile<'_>) -> String {
        hex::encode(self.mac(file).finalize().into_bytes())
    }

    /// True when `sig` (hex) signs `file`; compared in constant time.
    pub fn verify(&self, file: &SignedFile<'_>, sig: &str) -> bool {
        match hex::decode(sig) {
            Ok(bytes) => self.mac(file).verify_slice(&bytes).is_ok(),
            Err(_) => false,
        }
    }

    /// The full URL of a signed file.
    pub fn url(&self, file: &SignedFile<'_>) -> String {
        let path: Vec<String> = file.key.split('/').map(|s| utf8_percent_encode(s, COMPONENT).to_string()).collect();
        format!(
            "{}{}{}?expires={}&name={}&type={}&sig={}",
            self.public_url,
            ROUTE_PREFIX,
            path.join("/"),
            file.expires,
            utf8_percent_encode(file.name, COMPONENT),
            utf8_percent_encode(file.content_type, COMPONENT),
            self.signature(file),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file() -> SignedFile<'static> {
        SignedFile {
            key: "exports/exp_1/a b.csv",
            expires: 1_800_000_000,
            name: "a b.csv",
            content_type: "text/csv; charset=utf-8",
        }
    }

    #[test]
    fn urls_encode_each_part_and_carry_a_verifiable_signature() {
        let signer = UrlSigner::new("http://127.0.0.1:8080/".into(), vec![7; 32]);
        let url = signer.url(&file());
        let sig = signer.signature(&file());
        assert_eq!(
            url,
            format!("http://127.0.0.1:8080/v1/local-files/exports/exp_1/a%20b.csv?expires=1800000000&name=a%20b.csv&type=text%2Fcsv%3B%20charset%3Dutf-8&sig={sig}")
        );
        assert_eq!(sig.len(), 64);
        assert!(signer.verify(&file(), &sig));
    }

    #[test]
    fn any_changed_part_breaks_the_signature() {
        let signer = UrlSigner::new("http://x".into(), vec![7; 32]);
        let sig = signer.signature(&file());
        assert!(!signer.verify(&SignedFile { key: "exports/exp_2/a b.csv", ..file() }, &sig));
        assert!(!signer.verify(&SignedFile { expires: 1_800_000_001, ..file() }, &sig));
        assert!(!signer.verify(&SignedFile { name: "b.csv", ..file() }, &sig));
        assert!(!signer.verify(&SignedFile { content_type: "text/html", ..file() }, &sig));
        assert!(!signer.verify(&file(), "zz"));
        assert!(!UrlSigner::new("http://x".into(), vec![8; 32]).verify(&file(), &sig));
    }
}
