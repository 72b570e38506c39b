//! Just enough of an http(s) URL to judge it when a schedule is saved: its
//! scheme and host. The webhook adapter parses it fully when it connects.

/// The parts of an http or https URL that the save-time checks need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpUrl {
    /// `http` or `https`, lowercase.
    pub scheme: String,
    /// The host as written (IPv6 literals keep their brackets).
    pub host: String,
    pub port: Option<u16>,
}

/// Parses `scheme://host[:port][/path][?query][#fragment]`; the error says what is wrong.
pub fn parse_http_url(url: &str) -> Result<HttpUrl, &'static str> {
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("must not contain spaces or control characters");
    }
    let (scheme, rest) = url.split_once("://").ok_or("must be an absolute http:// or https:// URL")?;
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return Err("must be an http:// or https:// URL");
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.contains('@') {
        return Err("must not carry credentials; send them in a header");
    }
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        let (inner, after) = v6.split_once(']').ok_or("has an IPv6 address without its closing ]")?;
        (format!("[{inner}]"), after.strip_prefix(':'))
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (h.to_string(), Some(p)),
            None => (authority.to_string(), None),
        }
    };
    if host.is_empty() || host == "[]" {
        return Err("has no host");
    }
    let port = match port {
        None => None,
        Some(p) => Some(p.parse::<u16>().ok().filter(|p| *p != 0).ok_or("has an invalid port")?),
    };
    Ok(HttpUrl { scheme, host, port })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_ports_and_schemes_are_read() {
        let u = parse_http_url("HTTPS://hooks.example.org:8443/in?x=1").unwrap();
        assert_eq!((u.scheme.as_str(), u.host.as_str(), u.port), ("https", "hooks.example.org", Some(8443)));
        let u = parse_http_url("http://[::1]:9/h").unwrap();
        assert_eq!((u.host.as_str(), u.port), ("[::1]", Some(9)));
        let u = parse_http_url("http://10.0.0.1").unwrap();
        assert_eq!((u.host.as_str(), u.port), ("10.0.0.1", None));
    }

    #[test]
    fn other_schemes_credentials_and_junk_are_refused() {
        for bad in [
            "ftp://x.org/",
            "file:///etc/passwd",
            "x.org/hook",
            "https://user:pw@x.org/",
            "https:///path",
            "https://x.org:99999/",
            "https://x .org/",
        ] {
            assert!(parse_http_url(bad).is_err(), "{bad}");
        }
    }
}
