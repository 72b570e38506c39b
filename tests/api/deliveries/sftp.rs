//! SFTP destinations against asyncssh's SFTP server (tests/peers/sftp_server.py,
//! run with the `.venv` that `make test` creates): the file arrives byte for
//! byte with key and with password auth, and a wrong host key fingerprint
//! fails before anything is uploaded.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

use super::{allow_private_networks, app, attempts, run_now, schedule, wait_delivered};
use crate::helpers::{sha256_hex, ADMIN_KEY};

const PASSWORD: &str = "pa55 word";

struct SftpServer {
    _child: Child,
    port: u16,
    fingerprint: String,
    client_key: String,
    root: tempfile::TempDir,
    _work: tempfile::TempDir,
}

impl SftpServer {
    async fn start() -> SftpServer {
        let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let python = std::env::var_os("FERRY_TEST_PYTHON").map(PathBuf::from).unwrap_or(repo.join(".venv/bin/python"));
        assert!(python.exists(), "no Python for the SFTP peer at {}: run make test", python.display());
        let root = tempfile::tempdir().unwrap();
        std::fs::create_dir(root.path().join("in")).unwrap();
        let work = tempfile::tempdir().unwrap();
        let key_path = work.path().join("client_key");
        let mut child = Command::new(&python)
            .arg(repo.join("tests/peers/sftp_server.py"))
            .arg("--root")
            .arg(root.path())
            .args(["--user", "ferry", "--password", PASSWORD, "--client-key"])
            .arg(&key_path)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .expect("the SFTP peer starts");
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        // A bound, not a pause: a peer that hangs fails the test.
        let line = tokio::time::timeout(Duration::from_secs(60), lines.next_line())
            .await
            .expect("the SFTP peer listens within 60 s")
            .unwrap()
            .expect("the SFTP peer printed its port");
        let info: Value = serde_json::from_str(&line).unwrap();
        SftpServer {
            _child: child,
            port: info["port"].as_u64().unwrap() as u16,
            fingerprint: info["host_key_fingerprint"].as_str().unwrap().to_string(),
            client_key: std::fs::read_to_string(&key_path).unwrap(),
            root,
            _work: work,
        }
    }

    fn destination(&self, auth: Value, file_name: Option<&str>) -> Value {
        let mut d = json!({"type": "sftp", "host": "127.0.0.1", "port": self.port, "username": "ferry",
            "hostKeyFingerprint": self.fingerprint, "directory": "/in"});
        for (k, v) in auth.as_object().unwrap() {
            d[k] = v.clone();
        }
        if let Some(name) = file_name {
            d["fileName"] = json!(name);
        }
        d
    }

    /// Names of the files in the inbox, sorted.
    fn inbox(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(self.root.path().join("in"))
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    fn read(&self, name: &str) -> Vec<u8> {
        std::fs::read(self.root.path().join("in").join(name)).unwrap()
    }
}

#[tokio::test]
async fn an_sftp_server_receives_the_file_byte_identical_with_key_auth_and_with_password_auth() {
    let (app, _clock) = app().await;
    allow_private_networks(&app, true).await;
    let server = SftpServer::start().await;
    let report = app.sample_report(ADMIN_KEY, 300, json!({"name": "Ops Daily"})).await;
    let destinations = json!([
        server.destination(json!({"privateKey": server.client_key}), Some("{{reportSlug}}-{{rows}}.csv")),
        server.destination(json!({"password": PASSWORD}), None),
    ]);
    let schedule = schedule(&app, ADMIN_KEY, &report, destinations).await;
    let export = run_now(&app, ADMIN_KEY, &schedule).await;
    let id = export["id"].as_str().unwrap();
    let file = app.download(ADMIN_KEY, id).await;
    let run = wait_delivered(&app, ADMIN_KEY, &schedule, id).await;
    assert_eq!(run["status"], "SUCCEEDED", "{run}");
    for i in 0..2 {
        assert_eq!(attempts(&run, i)[0]["bytesSent"], file.len(), "{run}");
    }
    let default_name = export["fileName"].as_str().unwrap().to_string();
    let mut expected = vec!["ops-daily-300.csv".to_string(), default_name.clone()];
    expected.sort();
    assert_eq!(server.inbox(), expected, "both files, no .part left behind");
    assert_eq!(sha256_hex(&server.read("ops-daily-300.csv")), sha256_hex(&file), "key auth: byte-identical");
    assert_eq!(sha256_hex(&server.read(&default_name)), sha256_hex(&file), "password auth: byte-identical");
}

#[tokio::test]
async fn a_wrong_host_key_fingerprint_fails_naming_the_one_seen_and_uploads_nothing() {
    let (app, _clock) = app().await;
    allow_private_networks(&app, true).await;
    let server = SftpServer::start().await;
    let report = app.sample_report(ADMIN_KEY, 10, json!({})).await;
    let mut dest = server.destination(json!({"password": PASSWORD}), None);
    dest["hostKeyFingerprint"] = json!("SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU");
    let schedule = schedule(&app, ADMIN_KEY, &report, json!([dest])).await;
    let export = run_now(&app, ADMIN_KEY, &schedule).await;
    let run = wait_delivered(&app, ADMIN_KEY, &schedule, export["id"].as_str().unwrap()).await;
    assert_eq!(run["status"], "FAILED", "{run}");
    let tried = attempts(&run, 0);
    assert_eq!(tried.len(), 1, "a host key mismatch is not retried: {run}");
    assert!(tried[0]["error"].as_str().unwrap().contains(&server.fingerprint), "names the key seen: {run}");
    assert!(server.inbox().is_empty(), "nothing was uploaded");
}
