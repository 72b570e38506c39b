//! Starting the Python peers (tests/peers/*.py) and the shared test data.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use bytes::Bytes;
use ferry_core::ports::file_store::ByteStream;
use ferry_core::PortError;
use sha2::{Digest, Sha256};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

const HOW: &str = "run make test (it creates .venv with the test peers)";

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The test virtualenv's interpreter; `FERRY_TEST_PYTHON` overrides it.
fn python() -> PathBuf {
    if let Some(path) = std::env::var_os("FERRY_TEST_PYTHON") {
        return path.into();
    }
    let path = repo().join(".venv/bin/python");
    assert!(path.exists(), "no Python for the test peers at {}: {HOW}", path.display());
    path
}

/// A running peer; killed when dropped (and it exits when its stdin closes).
pub struct Peer {
    _child: Child,
    /// The JSON line it printed once listening.
    pub info: serde_json::Value,
}

impl Peer {
    pub fn port(&self) -> u16 {
        self.info["port"].as_u64().expect("port") as u16
    }
}

/// Starts `tests/peers/<script>` and waits for its JSON line.
pub async fn start(script: &str, args: &[&OsStr]) -> Peer {
    let python = python();
    let mut child = Command::new(&python)
        .arg(repo().join("tests/peers").join(script))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {} ({e}): {HOW}", python.display()));
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    // A bound, not a pause: a peer that hangs fails the test instead of the run.
    let line = tokio::time::timeout(Duration::from_secs(60), lines.next_line())
        .await
        .unwrap_or_else(|_| panic!("{script} did not start within 60 s"))
        .expect("reading the peer's stdout")
        .unwrap_or_else(|| panic!("{script} exited before listening (see its stderr above): {HOW}"));
    let info = serde_json::from_str(&line).unwrap_or_else(|e| panic!("{script} printed {line:?}: {e}"));
    Peer { _child: child, info }
}

/// Deterministic bytes that are not text: every byte value, no pattern a
/// transfer could get right by accident.
pub fn data(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

/// `data` as a stream of uneven chunks (1 byte up to 100 KB), as a file
/// store's reads might come.
pub fn stream(data: &[u8]) -> ByteStream {
    let sizes = [1usize, 7, 4096, 65_536, 100_003, 333];
    let mut chunks = Vec::new();
    let (mut at, mut i) = (0, 0);
    while at < data.len() {
        let end = (at + sizes[i % sizes.len()]).min(data.len());
        chunks.push(Ok(Bytes::copy_from_slice(&data[at..end])));
        at = end;
        i += 1;
    }
    Box::pin(futures::stream::iter(chunks))
}

/// `data`'s first bytes, then a read error from the file store.
pub fn failing_stream(data: &[u8]) -> ByteStream {
    let items =
        vec![Ok(Bytes::copy_from_slice(data)), Err(PortError::backend("disk /var/lib/ferry/files/xyz vanished"))];
    Box::pin(futures::stream::iter(items))
}

pub fn sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}
