//! The SSRF guard: a destination's host is resolved once, every address is
//! checked against ferry-core's forbidden ranges (unless the admin allowed
//! private networks), and the caller connects to exactly those addresses. A
//! second lookup at connect time could answer differently (DNS rebinding), so
//! nothing here hands a host name on to a connector.

use std::net::SocketAddr;
use std::time::Duration;

use ferry_core::model::network::{forbidden_range, literal_ip};
use ferry_core::ports::delivery::DeliveryError;

/// Resolves `host` (a name or an IP literal, IPv6 with or without brackets)
/// and returns its addresses with `port`, in resolver order.
///
/// Unless `allow_private_networks`, any loopback, private, link-local,
/// metadata or otherwise non-public address among them is
/// `DeliveryError::Forbidden`: a name that mixes public and private answers is
/// refused whole rather than filtered, since that mix is what a rebinding
/// attack looks like.
pub async fn resolve_checked(
    host: &str,
    port: u16,
    allow_private_networks: bool,
    timeout: Duration,
) -> Result<Vec<SocketAddr>, DeliveryError> {
    if let Some(ip) = literal_ip(host) {
        let addr = SocketAddr::new(ip, port);
        if !allow_private_networks {
            if let Some(range) = forbidden_range(ip) {
                return Err(DeliveryError::Forbidden(format!("{ip} is {}", range.describe())));
            }
        }
        return Ok(vec![addr]);
    }
    if host.is_empty() {
        return Err(DeliveryError::Rejected("the destination has no host".into()));
    }
    let lookup = tokio::net::lookup_host((host, port));
    let addrs: Vec<SocketAddr> = match tokio::time::timeout(timeout, lookup).await {
        Err(_) => return Err(DeliveryError::Failed(format!("resolving {host} timed out"))),
        // A name that does not resolve may resolve later (DNS outage): retryable.
        Ok(Err(e)) => return Err(DeliveryError::Failed(format!("could not resolve {host}: {e}"))),
        Ok(Ok(addrs)) => addrs.collect(),
    };
    if addrs.is_empty() {
        return Err(DeliveryError::Failed(format!("{host} resolves to no address")));
    }
    if !allow_private_networks {
        for addr in &addrs {
            if let Some(range) = forbidden_range(addr.ip()) {
                // The address itself is not told: it is the private
                // network's, and this text is shown to members.
                return Err(DeliveryError::Forbidden(format!("{host} resolves to {}", range.describe())));
            }
        }
    }
    Ok(addrs)
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: Duration = Duration::from_secs(5);

    #[tokio::test]
    async fn literal_forbidden_addresses_are_refused_without_a_lookup() {
        for (host, why) in [
            ("127.0.0.1", "127.0.0.1 is a loopback address"),
            ("10.0.0.1", "10.0.0.1 is a private network address"),
            ("169.254.169.254", "169.254.169.254 is a cloud metadata address"),
            ("[::1]", "::1 is a loopback address"),
        ] {
            let err = resolve_checked(host, 80, false, T).await.unwrap_err();
            assert_eq!(err, DeliveryError::Forbidden(why.into()), "{host}");
        }
    }

    #[tokio::test]
    async fn a_name_resolving_to_loopback_is_refused() {
        let err = resolve_checked("localhost", 80, false, T).await.unwrap_err();
        let DeliveryError::Forbidden(why) = err else { panic!("{err:?}") };
        assert!(why.starts_with("localhost resolves to "), "{why}");
        assert!(why.ends_with("a loopback address"), "{why}");
    }

    #[tokio::test]
    async fn allowed_private_networks_pass_the_checked_addresses_through() {
        let addrs = resolve_checked("127.0.0.1", 2222, true, T).await.unwrap();
        assert_eq!(addrs, vec!["127.0.0.1:2222".parse().unwrap()]);
        let addrs = resolve_checked("[::1]", 22, true, T).await.unwrap();
        assert_eq!(addrs, vec!["[::1]:22".parse().unwrap()]);
        let addrs = resolve_checked("localhost", 8080, true, T).await.unwrap();
        assert!(!addrs.is_empty() && addrs.iter().all(|a| a.ip().is_loopback() && a.port() == 8080));
    }
}
