//! The private-network guard at connect time (SPEC "Private networks"). A
//! `baseUrl` host name is resolved once, every address it resolves to is
//! checked with `ferry_core::model::network`, and the client is pinned to the
//! checked address, so a DNS answer that changes between the check and the
//! connection (rebinding) cannot lead it elsewhere. Redirects are off in the
//! client for the same reason.

use std::net::SocketAddr;

use ferry_core::model::network::{forbidden_range, literal_ip};
use reqwest::Url;

use super::error::JiraError;

/// A host name and the checked address the client must connect to for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PinnedHost {
    pub host: String,
    pub addr: SocketAddr,
}

/// Checks where `url` leads. None: connect as usual (private networks are
/// allowed, or the host is a literal public address).
pub async fn check_destination(url: &Url, allow_private_networks: bool) -> Result<Option<PinnedHost>, JiraError> {
    if allow_private_networks {
        return Ok(None);
    }
    let host = url.host_str().unwrap_or_default();
    let port = url.port_or_known_default().unwrap_or(443);
    if let Some(ip) = literal_ip(host) {
        return match forbidden_range(ip) {
            Some(range) => Err(forbidden(&format!("{ip} is {}", range.describe()))),
            None => Ok(None),
        };
    }
    let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host, port))
        .await
        .map_err(|e| JiraError::Other(format!("could not resolve the Jira host {host} of settings.baseUrl: {e}")))?
        .collect();
    pin(host, &addrs)
}

/// The first resolved address, when none of them is forbidden.
fn pin(host: &str, addrs: &[SocketAddr]) -> Result<Option<PinnedHost>, JiraError> {
    // One forbidden answer is enough to refuse: a name that mixes public and
    // private addresses is either misconfigured or an attempt to slip through.
    if let Some(range) = addrs.iter().find_map(|a| forbidden_range(a.ip())) {
        // Not the address itself: it is the private network's, and members see this text.
        return Err(forbidden(&format!("the host {host} resolves to {}", range.describe())));
    }
    match addrs.first() {
        Some(addr) => Ok(Some(PinnedHost { host: host.to_string(), addr: *addr })),
        None => Err(JiraError::Other(format!("the Jira host {host} of settings.baseUrl resolves to no address"))),
    }
}

fn forbidden(what: &str) -> JiraError {
    JiraError::Forbidden(format!(
        "settings.baseUrl: {what}; Ferry does not connect to private networks unless an admin turns on allowPrivateNetworks"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[tokio::test]
    async fn a_name_resolving_to_loopback_is_forbidden_and_allowed_when_private_networks_are() {
        match check_destination(&url("http://localhost:9/"), false).await {
            Err(JiraError::Forbidden(m)) => {
                assert!(m.starts_with("settings.baseUrl: the host localhost resolves to "), "{m}");
                assert!(m.contains("loopback"), "{m}");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(check_destination(&url("http://localhost:9/"), true).await.unwrap(), None);
    }

    #[tokio::test]
    async fn literal_addresses_are_judged_without_resolving() {
        assert!(matches!(
            check_destination(&url("http://169.254.169.254/latest"), false).await,
            Err(JiraError::Forbidden(m)) if m.contains("cloud metadata")
        ));
        assert!(matches!(check_destination(&url("http://[::1]:8080"), false).await, Err(JiraError::Forbidden(_))));
        assert_eq!(check_destination(&url("https://8.8.8.8"), false).await.unwrap(), None);
    }

    #[test]
    fn resolved_names_are_pinned_to_a_checked_address_and_mixed_answers_refused() {
        let public: SocketAddr = "104.192.136.1:443".parse().unwrap();
        let private: SocketAddr = "10.0.0.8:443".parse().unwrap();
        assert_eq!(
            pin("acme.atlassian.net", &[public]).unwrap(),
            Some(PinnedHost { host: "acme.atlassian.net".into(), addr: public })
        );
        // The refusal names the host and the kind of network, never the private address itself.
        assert!(matches!(pin("rebind.example", &[public, private]), Err(JiraError::Forbidden(m))
                if m.contains("rebind.example") && !m.contains("10.0.0.8")));
        assert!(matches!(pin("void.example", &[]), Err(JiraError::Other(_))));
    }
}
