//! Which network addresses Ferry refuses to reach unless the admin setting
//! `allowPrivateNetworks` is on: loopback, private, link-local, cloud metadata
//! and other non-public ranges. A connection's `baseUrl` and a webhook URL are
//! otherwise ways to read or poke the machines next to Ferry (SSRF), so both
//! the Jira source and the webhook channel ask these pure functions before
//! they connect.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Why an address is refused, for messages ("… is a loopback address").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ForbiddenRange {
    Loopback,
    Private,
    LinkLocal,
    /// Cloud instance metadata services (169.254.169.254, fd00:ec2::254, …).
    Metadata,
    /// Unspecified, broadcast, multicast, documentation and reserved ranges.
    NonPublic,
}

impl ForbiddenRange {
    /// A phrase for a sentence: "a loopback address".
    pub fn describe(self) -> &'static str {
        match self {
            ForbiddenRange::Loopback => "a loopback address",
            ForbiddenRange::Private => "a private network address",
            ForbiddenRange::LinkLocal => "a link-local address",
            ForbiddenRange::Metadata => "a cloud metadata address",
            ForbiddenRange::NonPublic => "a non-public address",
        }
    }
}

/// True when Ferry must not connect to `ip` unless private networks are allowed.
pub fn is_forbidden_ip(ip: IpAddr) -> bool {
    forbidden_range(ip).is_some()
}

/// The range that makes `ip` forbidden, or None for a public address.
pub fn forbidden_range(ip: IpAddr) -> Option<ForbiddenRange> {
    match ip {
        IpAddr::V4(v4) => forbidden_v4(v4),
        IpAddr::V6(v6) => forbidden_v6(v6),
    }
}

/// The address a host names literally (`10.0.0.1`, `[::1]`), if it is one,
/// in every spelling a URL parser or the system resolver reads as an address
/// (`127.1`, `2130706433`, `0x7f000001`, `0177.0.0.1`, percent-encoded).
/// Brackets around IPv6 literals are accepted, as URLs write them.
pub fn literal_ip(host: &str) -> Option<IpAddr> {
    let bare = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')).unwrap_or(host);
    if let Ok(ip) = bare.parse() {
        return Some(ip);
    }
    match url::Host::parse(host).ok()? {
        url::Host::Ipv4(v4) => Some(IpAddr::V4(v4)),
        url::Host::Ipv6(v6) => Some(IpAddr::V6(v6)),
        url::Host::Domain(_) => None,
    }
}

fn forbidden_v4(ip: Ipv4Addr) -> Option<ForbiddenRange> {
    let [a, b, c, _] = ip.octets();
    if ip == Ipv4Addr::new(169, 254, 169, 254) || ip == Ipv4Addr::new(169, 254, 170, 2) {
        // AWS/GCP/Azure instance metadata and the ECS task metadata endpoint.
        return Some(ForbiddenRange::Metadata);
    }
    if ip == Ipv4Addr::new(100, 100, 100, 200) {
        // Alibaba Cloud's metadata service, inside the shared (CGNAT) range.
        return Some(ForbiddenRange::Metadata);
    }
    let range = match (a, b, c) {
        (127, _, _) => ForbiddenRange::Loopback,
        (10, _, _) => ForbiddenRange::Private,
        (172, 16..=31, _) => ForbiddenRange::Private,
        (192, 168, _) => ForbiddenRange::Private,
        // Shared address space (RFC 6598): carrier NAT, and in practice internal networks.
        (100, 64..=127, _) => ForbiddenRange::Private,
        (169, 254, _) => ForbiddenRange::LinkLocal,
        // "This network" (0.0.0.0 reaches the local host on Linux).
        (0, _, _) => ForbiddenRange::NonPublic,
        // IETF protocol assignments, documentation, benchmarking.
        (192, 0, 0) | (192, 0, 2) | (198, 51, 100) | (203, 0, 113) => ForbiddenRange::NonPublic,
        (198, 18..=19, _) => ForbiddenRange::NonPublic,
        // Multicast, reserved and broadcast.
        (224..=255, _, _) => ForbiddenRange::NonPublic,
        _ => return None,
    };
    Some(range)
}

fn forbidden_v6(ip: Ipv6Addr) -> Option<ForbiddenRange> {
    if ip.is_loopback() {
        return Some(ForbiddenRange::Loopback);
    }
    if ip.is_unspecified() {
        return Some(ForbiddenRange::NonPublic);
    }
    // An IPv4 address carried in IPv6 reaches that IPv4 host: judge it as one.
    if let Some(v4) = embedded_v4(ip) {
        return forbidden_v4(v4);
    }
    let segments = ip.segments();
    if segments[..4] == [0xfd00, 0x0ec2, 0, 0] && segments[4..] == [0, 0, 0, 0x254] {
        // AWS's IPv6 instance metadata endpoint (fd00:ec2::254).
        return Some(ForbiddenRange::Metadata);
    }
    let first = segments[0];
    let range = match first {
        // Unique local addresses fc00::/7.
        0xfc00..=0xfdff => ForbiddenRange::Private,
        // Link-local fe80::/10 and the deprecated site-local fec0::/10.
        0xfe80..=0xfebf => ForbiddenRange::LinkLocal,
        0xfec0..=0xfeff => ForbiddenRange::Private,
        // Multicast.
        0xff00..=0xffff => ForbiddenRange::NonPublic,
        // Documentation 2001:db8::/32.
        0x2001 if segments[1] == 0x0db8 => ForbiddenRange::NonPublic,
        // Discard-only 100::/64.
        0x0100 if segments[1..4] == [0, 0, 0] => ForbiddenRange::NonPublic,
        _ => return None,
    };
    Some(range)
}

/// The IPv4 address inside an IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible
/// (::a.b.c.d), NAT64 (64:ff9b::/96) or 6to4 (2002::/16) address.
fn embedded_v4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    let s = ip.segments();
    let tail = || Ipv4Addr::new((s[6] >> 8) as u8, s[6] as u8, (s[7] >> 8) as u8, s[7] as u8);
    if let Some(v4) = ip.to_ipv4_mapped() {
        return Some(v4);
    }
    if s[..6] == [0, 0, 0, 0, 0, 0] {
        return Some(tail());
    }
    if s[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        return Some(tail());
    }
    if s[0] == 0x2002 {
        return Some(Ipv4Addr::new((s[1] >> 8) as u8, s[1] as u8, (s[2] >> 8) as u8, s[2] as u8));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn loopback_private_link_local_and_metadata_addresses_are_forbidden() {
        for (addr, range) in [
            ("127.0.0.1", ForbiddenRange::Loopback),
            ("127.255.0.9", ForbiddenRange::Loopback),
            ("10.1.2.3", ForbiddenRange::Private),
            ("172.16.0.1", ForbiddenRange::Private),
            ("172.31.255.255", ForbiddenRange::Private),
            ("192.168.1.1", ForbiddenRange::Private),
            ("100.64.0.1", ForbiddenRange::Private),
            ("169.254.1.1", ForbiddenRange::LinkLocal),
            ("169.254.169.254", ForbiddenRange::Metadata),
            ("169.254.170.2", ForbiddenRange::Metadata),
            ("100.100.100.200", ForbiddenRange::Metadata),
            ("0.0.0.0", ForbiddenRange::NonPublic),
            ("255.255.255.255", ForbiddenRange::NonPublic),
            ("224.0.0.1", ForbiddenRange::NonPublic),
            ("::1", ForbiddenRange::Loopback),
            ("::", ForbiddenRange::NonPublic),
            ("fd12:3456::1", ForbiddenRange::Private),
            ("fe80::1", ForbiddenRange::LinkLocal),
            ("fd00:ec2::254", ForbiddenRange::Metadata),
            ("ff02::1", ForbiddenRange::NonPublic),
            ("::ffff:127.0.0.1", ForbiddenRange::Loopback),
            ("::ffff:169.254.169.254", ForbiddenRange::Metadata),
            ("::10.0.0.1", ForbiddenRange::Private),
            ("64:ff9b::a00:1", ForbiddenRange::Private),
            ("2002:c0a8:0101::1", ForbiddenRange::Private),
        ] {
            assert_eq!(forbidden_range(ip(addr)), Some(range), "{addr}");
            assert!(is_forbidden_ip(ip(addr)), "{addr}");
        }
    }

    #[test]
    fn public_addresses_are_allowed() {
        for addr in [
            "8.8.8.8",
            "104.192.136.1",
            "172.15.255.255",
            "172.32.0.1",
            "100.63.255.255",
            "100.128.0.1",
            "169.253.1.1",
            "2600:1f18::1",
            "2a00:1450:4001::200e",
            "::ffff:8.8.8.8",
            "2002:0808:0808::1",
        ] {
            assert_eq!(forbidden_range(ip(addr)), None, "{addr}");
        }
    }

    #[test]
    fn literal_hosts_are_recognised_with_or_without_brackets() {
        assert_eq!(literal_ip("127.0.0.1"), Some(ip("127.0.0.1")));
        assert_eq!(literal_ip("[::1]"), Some(ip("::1")));
        assert_eq!(literal_ip("::1"), Some(ip("::1")));
        assert_eq!(literal_ip("example.atlassian.net"), None);
        assert_eq!(literal_ip("localhost"), None);
    }
}
