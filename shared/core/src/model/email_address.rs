//! `EmailAddress`: the one definition of a mail address Ferry accepts, for
//! settings (`emailFrom`), keys (`email`), destinations (`to`, `cc`, `notify`)
//! and the Jira connection's `email`.
//!
//! The rule is RFC 5321's mailbox, as a mail server accepts it: a local part
//! (a dot-atom, or a quoted string) of at most 64 bytes, `@`, and a domain
//! (host name labels, one label included, as in `ferry@localhost`; or an
//! address literal such as `[192.0.2.1]`), at most 254 bytes in all.
//! Non-ASCII letters are allowed in both halves (RFC 6531, SMTPUTF8). Display
//! names, comments and lists (`Ann <a@x.org>`, `a@x.org, b@x.org`) are not
//! addresses and are refused, so a header can never be smuggled in.

use std::fmt;

/// Longest address: RFC 5321's path limit less its angle brackets.
const MAX_LEN: usize = 254;
const MAX_LOCAL: usize = 64;
const MAX_DOMAIN: usize = 253;
const MAX_LABEL: usize = 63;

/// A mail address that a mail server accepts as a mailbox.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EmailAddress(String);

/// Why a text is not an address; the message completes "'x' is not an email address: …".
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum EmailAddressError {
    #[error("it has no @")]
    NoAt,
    #[error("it is longer than 254 characters")]
    TooLong,
    #[error("the part before @ is empty or longer than 64 characters")]
    LocalLength,
    #[error("the part before @ has a character or dot that is not allowed there")]
    LocalSyntax,
    #[error("the domain after @ is empty or longer than 253 characters")]
    DomainLength,
    #[error("the domain after @ is not a host name or an address literal")]
    DomainSyntax,
}

impl EmailAddress {
    /// Parses an address as it would go into `MAIL FROM` / `RCPT TO`.
    pub fn parse(text: &str) -> Result<Self, EmailAddressError> {
        if text.len() > MAX_LEN {
            return Err(EmailAddressError::TooLong);
        }
        let (local, domain) = text.rsplit_once('@').ok_or(EmailAddressError::NoAt)?;
        if local.is_empty() || local.len() > MAX_LOCAL {
            return Err(EmailAddressError::LocalLength);
        }
        if !(is_dot_atom(local) || is_quoted_string(local)) {
            return Err(EmailAddressError::LocalSyntax);
        }
        if domain.is_empty() || domain.len() > MAX_DOMAIN {
            return Err(EmailAddressError::DomainLength);
        }
        if !(is_host_name(domain) || is_address_literal(domain)) {
            return Err(EmailAddressError::DomainSyntax);
        }
        Ok(EmailAddress(text.to_string()))
    }

    /// Checks a field's value, naming the field in the error.
    pub fn parse_field(field: &str, text: &str) -> Result<Self, crate::FieldError> {
        Self::parse(text)
            .map_err(|why| crate::FieldError::new(field, format!("'{text}' is not an email address: {why}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The part after the last `@`.
    pub fn domain(&self) -> &str {
        self.0.rsplit_once('@').map_or("", |(_, d)| d)
    }
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for EmailAddress {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// RFC 5322 `atext`, plus any non-ASCII character (RFC 6531).
fn is_atext(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~".contains(c) || (!c.is_ascii() && !c.is_control())
}

fn is_dot_atom(s: &str) -> bool {
    s.split('.').all(|atom| !atom.is_empty() && atom.chars().all(is_atext))
}

/// `"…"` with printable ASCII (or non-ASCII) inside, `\` escaping the next one.
fn is_quoted_string(s: &str) -> bool {
    let Some(inner) = s.strip_prefix('"').and_then(|s| s.strip_suffix('"')) else { return false };
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        let printable = |c: char| (c == ' ' || c.is_ascii_graphic()) || (!c.is_ascii() && !c.is_control());
        match c {
            '\\' => match chars.next() {
                Some(next) if printable(next) => {}
                _ => return false,
            },
            '"' => return false,
            c if printable(c) => {}
            _ => return false,
        }
    }
    true
}

/// Labels of letters, digits and inner hyphens (non-ASCII letters for IDNs),
/// each 1–63 bytes; a trailing root dot is not part of a mailbox.
fn is_host_name(s: &str) -> bool {
    s.split('.').all(|label| {
        !label.is_empty()
            && label.len() <= MAX_LABEL
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || (!c.is_ascii() && c.is_alphanumeric()))
    })
}

/// `[192.0.2.1]` or `[IPv6:2001:db8::1]`.
fn is_address_literal(s: &str) -> bool {
    let Some(inner) = s.strip_prefix('[').and_then(|s| s.strip_suffix(']')) else { return false };
    match inner.strip_prefix("IPv6:") {
        Some(v6) => v6.parse::<std::net::Ipv6Addr>().is_ok(),
        None => inner.parse::<std::net::Ipv4Addr>().is_ok(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_mail_servers_accept_are_addresses() {
        for ok in [
            "ferry@localhost",
            "a@x.org",
            "first.last+tag@sub.example.co.uk",
            "o'brien@example.ie",
            "x!#$%&'*+-/=?^_`{|}~@example.org",
            "\"john doe\"@example.org",
            "\"a\\\"b\"@example.org",
            "user@[192.0.2.1]",
            "user@[IPv6:2001:db8::1]",
            "jörg@bücher.de",
            "ops@mail-1.example.org",
        ] {
            assert!(EmailAddress::parse(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn everything_else_is_refused_with_its_reason() {
        for (bad, why) in [
            ("nobody", EmailAddressError::NoAt),
            ("@x.org", EmailAddressError::LocalLength),
            ("a@", EmailAddressError::DomainLength),
            ("a..b@x.org", EmailAddressError::LocalSyntax),
            (".a@x.org", EmailAddressError::LocalSyntax),
            ("a b@x.org", EmailAddressError::LocalSyntax),
            ("Ann <a@x.org>", EmailAddressError::LocalSyntax),
            ("a@x.org, b@y.org", EmailAddressError::LocalSyntax),
            ("a@x.org\r\nBcc: c@y.org", EmailAddressError::LocalSyntax),
            ("a@-x.org", EmailAddressError::DomainSyntax),
            ("a@x..org", EmailAddressError::DomainSyntax),
            ("a@x.org.", EmailAddressError::DomainSyntax),
            ("a@[300.1.1.1]", EmailAddressError::DomainSyntax),
            ("a@x_y.org", EmailAddressError::DomainSyntax),
        ] {
            assert_eq!(EmailAddress::parse(bad), Err(why), "{bad}");
        }
        let long_local = format!("{}@x.org", "a".repeat(65));
        assert_eq!(EmailAddress::parse(&long_local), Err(EmailAddressError::LocalLength));
        let long = format!("a@{}.org", "b".repeat(260));
        assert_eq!(EmailAddress::parse(&long), Err(EmailAddressError::TooLong));
    }

    #[test]
    fn field_errors_name_the_field_and_the_value() {
        let err = EmailAddress::parse_field("emailFrom", "nobody").unwrap_err();
        assert_eq!(err.field, "emailFrom");
        assert_eq!(err.message, "'nobody' is not an email address: it has no @");
        assert_eq!(EmailAddress::parse("a@b.c").unwrap().domain(), "b.c");
    }
}
