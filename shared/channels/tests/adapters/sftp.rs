//! RusshSftpClient against asyncssh's SFTP server (tests/peers/sftp_server.py).

use std::path::{Path, PathBuf};

use ferry_channels::RusshSftpClient;
use ferry_core::conformance::sftp_client::{sftp_client_conformance, SftpPeer};
use ferry_core::ports::delivery::DeliveryError;
use ferry_core::ports::sftp_client::{SftpClient, SftpTarget};
use serde_json::Value;
use tempfile::TempDir;

use crate::peers::{self, data, failing_stream, sha256, stream, Peer};

const PASSWORD: &str = "s3cret pass";

struct Server {
    peer: Peer,
    /// What clients see as `/`.
    root: TempDir,
    client_key: String,
    events: PathBuf,
    _work: TempDir,
}

impl Server {
    async fn start() -> Server {
        Self::start_with_key("ssh-ed25519", "openssh").await
    }

    /// A server accepting a client key of that type, written in that format.
    async fn start_with_key(key_type: &str, key_format: &str) -> Server {
        let root = tempfile::tempdir().unwrap();
        std::fs::create_dir(root.path().join("in")).unwrap();
        let work = tempfile::tempdir().unwrap();
        let key_path = work.path().join("client_key");
        let events = work.path().join("events.jsonl");
        let peer = peers::start(
            "sftp_server.py",
            &[
                "--root".as_ref(),
                root.path().as_os_str(),
                "--user".as_ref(),
                "ferry".as_ref(),
                "--password".as_ref(),
                PASSWORD.as_ref(),
                "--client-key".as_ref(),
                key_path.as_os_str(),
                "--events".as_ref(),
                events.as_os_str(),
                "--client-key-type".as_ref(),
                key_type.as_ref(),
                "--client-key-format".as_ref(),
                key_format.as_ref(),
            ],
        )
        .await;
        let client_key = std::fs::read_to_string(&key_path).unwrap();
        Server { peer, root, client_key, events, _work: work }
    }

    fn fingerprint(&self) -> String {
        self.peer.info["host_key_fingerprint"].as_str().unwrap().to_owned()
    }

    fn target(&self, file_name: &str) -> SftpTarget {
        SftpTarget {
            host: "127.0.0.1".into(),
            port: self.peer.port(),
            username: "ferry".into(),
            password: None,
            private_key: Some(self.client_key.clone()),
            host_key_fingerprint: self.fingerprint(),
            directory: "/in".into(),
            file_name: file_name.into(),
            allow_private_networks: true,
        }
    }

    fn inbox(&self) -> PathBuf {
        self.root.path().join("in")
    }

    /// Every file under the root, relative to it, sorted.
    fn files(&self) -> Vec<String> {
        fn walk(dir: &Path, base: &Path, out: &mut Vec<String>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    walk(&path, base, out);
                } else {
                    out.push(path.strip_prefix(base).unwrap().to_string_lossy().into_owned());
                }
            }
        }
        let mut out = Vec::new();
        walk(self.root.path(), self.root.path(), &mut out);
        out.sort();
        out
    }

    fn events(&self) -> Vec<Value> {
        match std::fs::read_to_string(&self.events) {
            Ok(text) => text.lines().map(|l| serde_json::from_str(l).unwrap()).collect(),
            Err(_) => Vec::new(),
        }
    }

    fn events_named(&self, name: &str) -> Vec<Value> {
        self.events().into_iter().filter(|e| e["event"] == name).collect()
    }
}

#[tokio::test]
async fn key_auth_uploads_a_byte_identical_file_and_leaves_no_part_file() {
    let server = Server::start().await;
    let body = data(5 * 1024 * 1024 + 17, 1);

    let sent = RusshSftpClient::new().upload(&server.target("report.csv"), stream(&body)).await.unwrap();

    assert_eq!(sent, body.len() as u64);
    assert_eq!(server.files(), ["in/report.csv"]);
    let received = std::fs::read(server.inbox().join("report.csv")).unwrap();
    assert_eq!(sha256(&received), sha256(&body));
    let auths = server.events_named("auth");
    assert!(auths.iter().all(|e| e["method"] == "publickey"), "{auths:?}");
    assert!(auths.iter().any(|e| e["ok"] == true), "{auths:?}");
    // Written under the temporary name, then renamed.
    assert_eq!(server.events_named("open")[0]["path"], "/in/report.csv.part");
    let renames = server.events_named("rename");
    assert_eq!(renames.len(), 1);
    assert_eq!((&renames[0]["old"], &renames[0]["new"]), (&"/in/report.csv.part".into(), &"/in/report.csv".into()));
}

#[tokio::test]
async fn rsa_and_ecdsa_keys_in_openssh_and_pem_form_log_in() {
    for (key_type, format) in [("ssh-rsa", "openssh"), ("ssh-rsa", "pkcs1-pem"), ("ecdsa-sha2-nistp256", "pkcs8-pem")] {
        let server = Server::start_with_key(key_type, format).await;
        let body = data(70_000, 7);

        RusshSftpClient::new().upload(&server.target("k.csv"), stream(&body)).await.unwrap_or_else(|e| {
            panic!("{key_type} {format}: {e}");
        });

        assert_eq!(std::fs::read(server.inbox().join("k.csv")).unwrap(), body, "{key_type} {format}");
    }
}

#[tokio::test]
async fn password_auth_uploads_a_byte_identical_file() {
    let server = Server::start().await;
    let body = data(300_001, 2);
    let target = SftpTarget { private_key: None, password: Some(PASSWORD.into()), ..server.target("p.xlsx") };

    let sent = RusshSftpClient::new().upload(&target, stream(&body)).await.unwrap();

    assert_eq!(sent, body.len() as u64);
    assert_eq!(server.files(), ["in/p.xlsx"]);
    assert_eq!(sha256(&std::fs::read(server.inbox().join("p.xlsx")).unwrap()), sha256(&body));
    let auths = server.events_named("auth");
    assert_eq!(auths.len(), 1, "{auths:?}");
    assert_eq!((&auths[0]["method"], &auths[0]["ok"]), (&"password".into(), &true.into()));
}

#[tokio::test]
async fn a_second_delivery_of_the_same_name_replaces_the_file() {
    let server = Server::start().await;
    let client = RusshSftpClient::new();
    client.upload(&server.target("daily.csv"), stream(&data(1000, 3))).await.unwrap();
    let second = data(2000, 4);

    client.upload(&server.target("daily.csv"), stream(&second)).await.unwrap();

    assert_eq!(server.files(), ["in/daily.csv"]);
    assert_eq!(std::fs::read(server.inbox().join("daily.csv")).unwrap(), second);
    // asyncssh's v3 rename refuses to overwrite: the old file is removed first.
    assert_eq!(server.events_named("remove").last().unwrap()["path"], "/in/daily.csv");
}

#[tokio::test]
async fn a_wrong_host_key_fingerprint_fails_before_authenticating_or_uploading() {
    let server = Server::start().await;
    let wrong = "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    let target = SftpTarget { host_key_fingerprint: wrong.into(), ..server.target("x.csv") };

    let err = RusshSftpClient::new().upload(&target, stream(&data(10, 5))).await.unwrap_err();

    assert_eq!(err, DeliveryError::Rejected(format!("host key {} does not match {wrong}", server.fingerprint())));
    assert!(!err.retryable());
    assert_eq!(server.events_named("connection").len(), 1);
    assert!(server.events_named("auth").is_empty(), "{:?}", server.events());
    assert!(server.events_named("open").is_empty());
    assert!(server.files().is_empty(), "{:?}", server.files());
}

#[tokio::test]
async fn names_that_escape_the_directory_are_refused_before_connecting() {
    let server = Server::start().await;
    for (directory, name) in [("/in", "../escape.csv"), ("/in", "sub/x.csv"), ("/in/..", "x.csv"), ("../", "x.csv")] {
        let target = SftpTarget { directory: directory.into(), ..server.target(name) };
        let err = RusshSftpClient::new().upload(&target, stream(b"nope")).await.unwrap_err();
        assert!(matches!(err, DeliveryError::Rejected(_)), "{directory} {name}: {err:?}");
    }
    assert!(server.events().is_empty(), "{:?}", server.events());
    assert!(server.files().is_empty());
}

#[tokio::test]
async fn a_wrong_password_is_rejected_and_nothing_is_written() {
    let server = Server::start().await;
    let target = SftpTarget { private_key: None, password: Some("not it".into()), ..server.target("x.csv") };

    let err = RusshSftpClient::new().upload(&target, stream(b"data")).await.unwrap_err();

    assert_eq!(err, DeliveryError::Rejected("the SFTP server refused the credentials of \"ferry\"".into()));
    assert!(!err.to_string().contains("not it"));
    assert!(server.files().is_empty());
}

#[tokio::test]
async fn a_missing_remote_directory_is_rejected() {
    let server = Server::start().await;
    let target = SftpTarget { directory: "/nowhere".into(), ..server.target("x.csv") };

    let err = RusshSftpClient::new().upload(&target, stream(b"data")).await.unwrap_err();

    let DeliveryError::Rejected(why) = &err else { panic!("{err:?}") };
    assert!(why.starts_with("SFTP creating /nowhere/x.csv.part: No such file"), "{why}");
}

#[tokio::test]
async fn a_file_that_cannot_be_read_fails_the_attempt_and_removes_the_part_file() {
    let server = Server::start().await;

    let err =
        RusshSftpClient::new().upload(&server.target("x.csv"), failing_stream(&data(70_000, 6))).await.unwrap_err();

    // Retryable, and the storage detail stays in the logs.
    assert_eq!(err, DeliveryError::Failed("reading the file to deliver failed".into()));
    assert!(server.files().is_empty(), "{:?}", server.files());
    assert_eq!(server.events_named("remove")[0]["path"], "/in/x.csv.part");
}

#[tokio::test]
async fn a_loopback_host_is_forbidden_while_private_networks_are_off() {
    let server = Server::start().await;
    for host in ["127.0.0.1", "localhost"] {
        let target = SftpTarget { host: host.into(), allow_private_networks: false, ..server.target("x.csv") };
        let err = RusshSftpClient::new().upload(&target, stream(b"data")).await.unwrap_err();
        assert!(matches!(err, DeliveryError::Forbidden(_)), "{host}: {err:?}");
        assert!(err.to_string().starts_with("destination_forbidden: "), "{err}");
    }
    assert!(server.events().is_empty(), "no connection was made: {:?}", server.events());
}

#[tokio::test]
async fn a_closed_port_is_a_retryable_failure() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let target = SftpTarget {
        host: "127.0.0.1".into(),
        port,
        username: "ferry".into(),
        password: Some("pw".into()),
        private_key: None,
        host_key_fingerprint: "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA".into(),
        directory: "".into(),
        file_name: "x".into(),
        allow_private_networks: true,
    };
    let err = RusshSftpClient::new().upload(&target, stream(b"data")).await.unwrap_err();
    assert!(err.retryable(), "{err:?}");
    assert!(err.to_string().starts_with(&format!("could not connect to 127.0.0.1:{port}")), "{err}");
}

#[async_trait::async_trait]
impl SftpPeer for Server {
    fn target(&self, file_name: &str) -> SftpTarget {
        Server::target(self, file_name)
    }

    async fn files(&self) -> Vec<(String, Vec<u8>)> {
        let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(self.inbox())
            .unwrap()
            .map(|e| e.unwrap().path())
            .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read(&p).unwrap()))
            .collect();
        files.sort();
        files
    }
}

#[tokio::test]
async fn the_russh_client_keeps_the_sftp_contract() {
    let server = Server::start().await;
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    sftp_client_conformance(&RusshSftpClient::new(), &server, closed).await;
}
