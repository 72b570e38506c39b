//! `OutboundUrl`: every URL Ferry connects to on a user's behalf (a webhook,
//! a Jira `baseUrl`, an S3 `endpointUrl`) passes this one guard when it is
//! saved. The text is parsed by the WHATWG URL parser, the one the HTTP
//! client uses, so the host judged is the host connected to: `127.1`,
//! `2130706433`, `0x7f000001`, `0177.0.0.1` and `%31%32%37.0.0.1` are all
//! 127.0.0.1 here as they are there. A literal private address is refused
//! (unless the admin allows private networks); a host name is checked again
//! when connecting, after it resolves.

use std::net::IpAddr;

use url::{Host, Url};

use crate::model::network::{forbidden_range, ForbiddenRange};

/// An http(s) URL with a host and without credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboundUrl(Url);

/// What is wrong with a URL; the message completes "url: …".
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OutboundUrlError {
    #[error("must be an absolute http:// or https:// URL")]
    NotAUrl,
    #[error("must be an http:// or https:// URL")]
    Scheme,
    #[error("has no host")]
    NoHost,
    #[error("must not carry credentials; send them in a header or a setting")]
    Credentials,
    #[error("must not contain spaces or control characters")]
    Whitespace,
    #[error("{ip} is {}; an admin can allow private networks (setting allowPrivateNetworks)", .range.describe())]
    Private { ip: IpAddr, range: ForbiddenRange },
}

impl OutboundUrl {
    /// Parses `text` as the HTTP client will, and refuses a literal address
    /// in a private range unless `allow_private_networks`.
    pub fn parse(text: &str, allow_private_networks: bool) -> Result<Self, OutboundUrlError> {
        // The parser would strip or encode these silently: what is stored must be what was meant.
        if text.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(OutboundUrlError::Whitespace);
        }
        let url = Url::parse(text).map_err(|_| OutboundUrlError::NotAUrl)?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(OutboundUrlError::Scheme);
        }
        if url.host().is_none() {
            return Err(OutboundUrlError::NoHost);
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(OutboundUrlError::Credentials);
        }
        let parsed = OutboundUrl(url);
        if let (Some(ip), false) = (parsed.literal_ip(), allow_private_networks) {
            if let Some(range) = forbidden_range(ip) {
                return Err(OutboundUrlError::Private { ip, range });
            }
        }
        Ok(parsed)
    }

    /// The address the host names literally, after the parser's normalising.
    pub fn literal_ip(&self) -> Option<IpAddr> {
        match self.0.host()? {
            Host::Ipv4(v4) => Some(IpAddr::V4(v4)),
            Host::Ipv6(v6) => Some(IpAddr::V6(v6)),
            Host::Domain(_) => None,
        }
    }

    pub fn url(&self) -> &Url {
        &self.0
    }

    pub fn into_url(self) -> Url {
        self.0
    }
}

/// The refusal of a bare host (an SFTP `host`) that is a literal private
/// address in any spelling the system resolver accepts (`127.1`, `2130706433`).
pub fn forbidden_host(host: &str, allow_private_networks: bool) -> Option<OutboundUrlError> {
    if allow_private_networks {
        return None;
    }
    let ip = crate::model::network::literal_ip(host)?;
    forbidden_range(ip).map(|range| OutboundUrlError::Private { ip, range })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_spelling_of_a_private_address_is_refused() {
        for url in [
            "http://127.0.0.1/",
            "http://2130706433/",
            "http://0x7f000001/",
            "http://127.1/",
            "http://0177.0.0.1/",
            "http://017700000001/",
            "http://0/",
            "http://%31%32%37.0.0.1/",
            "http://[::1]:8080/h",
            "http://[::ffff:7f00:1]/",
            "HTTP://10.0.0.1",
            "https://169.254.169.254/latest/meta-data",
            "http://0x0a.1/",
        ] {
            let err = OutboundUrl::parse(url, false).unwrap_err();
            assert!(matches!(err, OutboundUrlError::Private { .. }), "{url}: {err:?}");
            assert!(OutboundUrl::parse(url, true).is_ok(), "{url} with private networks allowed");
        }
    }

    #[test]
    fn public_hosts_and_names_pass() {
        for url in ["https://hooks.example.org:8443/in?x=1", "http://8.8.8.8/", "https://acme.atlassian.net"] {
            assert!(OutboundUrl::parse(url, false).is_ok(), "{url}");
        }
    }

    #[test]
    fn other_schemes_credentials_and_junk_are_refused() {
        for (url, want) in [
            ("ftp://x.org/", OutboundUrlError::Scheme),
            ("file:///etc/passwd", OutboundUrlError::Scheme),
            ("x.org/hook", OutboundUrlError::NotAUrl),
            ("https://user:pw@x.org/", OutboundUrlError::Credentials),
            ("https://x.org:99999/", OutboundUrlError::NotAUrl),
            ("https://x .org/", OutboundUrlError::Whitespace),
            ("https://x.org/\r\nX: y", OutboundUrlError::Whitespace),
        ] {
            assert_eq!(OutboundUrl::parse(url, false), Err(want), "{url}");
        }
    }

    #[test]
    fn bare_hosts_are_judged_in_every_spelling() {
        for host in ["127.0.0.1", "127.1", "2130706433", "0x7f000001", "::1", "[::1]", "10.1.2.3"] {
            assert!(forbidden_host(host, false).is_some(), "{host}");
            assert!(forbidden_host(host, true).is_none(), "{host}");
        }
        assert!(forbidden_host("sftp.example.org", false).is_none());
        assert!(forbidden_host("8.8.8.8", false).is_none());
    }
}
