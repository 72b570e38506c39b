//! How long a channel waits: to open a connection, and for the whole delivery.
//! A delivery runs inside a worker step (a Lambda invocation locally capped at
//! 15 minutes), so a stuck peer must fail the attempt rather than the worker.

use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// DNS resolution plus the TCP connect (and, for SFTP, the SSH handshake).
    pub connect: Duration,
    /// The whole attempt: connect, authenticate, stream the body, finish.
    pub total: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        // Ten minutes streams a multi-GB export on a slow link, yet leaves a
        // Lambda invocation room to record the outcome.
        Timeouts { connect: Duration::from_secs(10), total: Duration::from_secs(600) }
    }
}

/// "300 ms", "10 s": for messages.
pub(crate) fn describe(d: Duration) -> String {
    if d.subsec_millis() == 0 && d.as_secs() > 0 {
        format!("{} s", d.as_secs())
    } else {
        format!("{} ms", d.as_millis())
    }
}
