//! Contract of the `SftpClient` port, run against its adapter with a real
//! SFTP server as the peer: the file arrives whole under its name (written
//! as `.part`, then renamed, so no partial file is ever seen) and the bytes
//! sent are counted; sending the same name again replaces it; a host key
//! that does not match is refused for good, naming the one seen, before
//! anything is written; a name that leaves the folder is refused before
//! connecting; a loopback host is forbidden while private networks are off;
//! nothing listening is worth another attempt.

use async_trait::async_trait;
use bytes::Bytes;

use crate::ports::delivery::DeliveryError;
use crate::ports::file_store::ByteStream;
use crate::ports::sftp_client::{SftpClient, SftpTarget};

/// An SFTP server on 127.0.0.1 that the suite may write to.
#[async_trait]
pub trait SftpPeer: Send + Sync {
    /// A target that logs in (key or password) to a folder that exists,
    /// with the server's true host key fingerprint and private networks allowed.
    fn target(&self, file_name: &str) -> SftpTarget;
    /// Every file under the folder of `target`, by name, with its bytes, sorted.
    async fn files(&self) -> Vec<(String, Vec<u8>)>;
}

fn body(len: usize, seed: u8) -> Vec<u8> {
    (0..len).map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed)).collect()
}

fn stream(data: &[u8]) -> ByteStream {
    let chunks: Vec<Result<Bytes, crate::PortError>> =
        data.chunks(32_771).map(|c| Ok(Bytes::copy_from_slice(c))).collect();
    Box::pin(futures::stream::iter(chunks))
}

/// Checks every `SftpClient` promise against the peer's folder, which
/// starts empty. `closed_port` is a port on 127.0.0.1 where nothing listens.
pub async fn sftp_client_conformance(client: &dyn SftpClient, peer: &dyn SftpPeer, closed_port: u16) {
    let first = body(300_001, 1);
    let sent = client.upload(&peer.target("report.csv"), stream(&first)).await.expect("an upload");
    assert_eq!(sent, first.len() as u64, "the bytes sent are the file's");
    assert_eq!(peer.files().await, [("report.csv".to_string(), first)], "the file, whole, and no .part left");

    let second = body(1_000, 2);
    client.upload(&peer.target("report.csv"), stream(&second)).await.expect("the same name again");
    assert_eq!(peer.files().await, [("report.csv".to_string(), second.clone())], "replaced");

    let wrong = "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    let seen = peer.target("x.csv").host_key_fingerprint;
    let target = SftpTarget { host_key_fingerprint: wrong.into(), ..peer.target("other.csv") };
    let err = client.upload(&target, stream(b"nope")).await.expect_err("a host key that does not match");
    assert!(matches!(&err, DeliveryError::Rejected(why) if why.contains(&seen)), "refused naming {seen}: {err:?}");

    for name in ["../escape.csv", "sub/x.csv"] {
        let err = client.upload(&peer.target(name), stream(b"nope")).await.expect_err("a name outside the folder");
        assert!(matches!(err, DeliveryError::Rejected(_)), "{name}: {err:?}");
    }
    let target = SftpTarget { allow_private_networks: false, ..peer.target("private.csv") };
    let err = client.upload(&target, stream(b"nope")).await.expect_err("a loopback host");
    assert!(matches!(err, DeliveryError::Forbidden(_)), "forbidden while private networks are off: {err:?}");
    assert_eq!(peer.files().await, [("report.csv".to_string(), second)], "nothing else was written");

    let target = SftpTarget { port: closed_port, ..peer.target("closed.csv") };
    let err = client.upload(&target, stream(b"nope")).await.expect_err("nothing listening");
    assert!(err.retryable(), "worth another attempt: {err:?}");
}
