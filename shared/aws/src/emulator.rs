//! The AWS emulator for tests: moto's server mode (tests/peers/moto_server.py,
//! installed into `.venv` by `make test`) started once per test binary on
//! 127.0.0.1. Tests share it and stay apart by giving every resource a name
//! of their own (`unique_name`), so none needs to reset it.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::OnceLock;

use aws_config::{BehaviorVersion, Region, SdkConfig};

use crate::AwsClients;

const HOW: &str = "run `make test` (it installs moto from tests/peers/requirements.txt into .venv)";

/// The running emulator of this test binary.
pub struct Emulator {
    /// Kept so the server lives as long as the binary: it stops when its
    /// stdin (this child's pipe) closes, which the exit of the binary does.
    _child: Child,
    pub port: u16,
}

static EMULATOR: OnceLock<Emulator> = OnceLock::new();
static NAMES: AtomicU32 = AtomicU32::new(0);

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The test virtualenv's interpreter; `FERRY_TEST_PYTHON` overrides it.
fn python() -> PathBuf {
    if let Some(path) = std::env::var_os("FERRY_TEST_PYTHON") {
        return path.into();
    }
    let path = repo().join(".venv/bin/python");
    assert!(path.exists(), "no Python for the AWS emulator at {}: {HOW}", path.display());
    path
}

impl Emulator {
    /// The binary's emulator, started on first use.
    pub fn get() -> &'static Emulator {
        EMULATOR.get_or_init(Emulator::start)
    }

    fn start() -> Emulator {
        Emulator::spawn(None)
    }

    /// An emulator of the caller's own with moto's recorder enabled (off
    /// until `start_recorder`); moto writes its recording into `folder`.
    /// It stops when dropped.
    pub fn start_recording(folder: &Path) -> Emulator {
        Emulator::spawn(Some(folder))
    }

    fn spawn(recording_folder: Option<&Path>) -> Emulator {
        let python = python();
        let script = repo().join("tests/peers/moto_server.py");
        let mut command = Command::new(&python);
        command.arg(&script).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::inherit());
        if let Some(folder) = recording_folder {
            command.env("MOTO_ENABLE_RECORDING", "True").current_dir(folder);
        }
        let mut child = command
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {} {} ({e}): {HOW}", python.display(), script.display()));
        let stdout = child.stdout.take().expect("stdout");
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).expect("reading the emulator's stdout");
        let info: serde_json::Value = serde_json::from_str(line.trim())
            .unwrap_or_else(|e| panic!("moto_server.py printed {line:?} ({e}); is moto installed? {HOW}"));
        let port = info["port"].as_u64().unwrap_or_else(|| panic!("no port in {line:?}")) as u16;
        Emulator { _child: child, port }
    }

    /// Empties moto's recording and records from now on (an emulator from
    /// `start_recording`, which records from its start).
    pub async fn start_recorder(&self) {
        for action in ["reset-recording", "start-recording"] {
            let url = format!("{}/moto-api/recorder/{action}", self.endpoint());
            let response = reqwest::Client::new().post(&url).send().await.unwrap_or_else(|e| panic!("POST {url}: {e}"));
            assert!(response.status().is_success(), "POST {url}: {}", response.status());
        }
    }

    /// The requests recorded since `start_recorder`, one JSON object each
    /// (method, url, headers, body base64-encoded as `body_encoded`).
    pub async fn recording(&self) -> Vec<serde_json::Value> {
        let url = format!("{}/moto-api/recorder/download-recording", self.endpoint());
        let response = reqwest::get(&url).await.unwrap_or_else(|e| panic!("GET {url}: {e}"));
        assert!(response.status().is_success(), "GET {url}: {}", response.status());
        let text = response.text().await.unwrap_or_else(|e| panic!("GET {url}: {e}"));
        text.lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("a recorded request is not JSON ({e}): {l}")))
            .collect()
    }

    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// SDK configuration for the emulator: its endpoint, a region and dummy
    /// credentials (moto checks neither).
    pub async fn sdk_config(&self) -> SdkConfig {
        let credentials = aws_sdk_sqs::config::Credentials::new("testing", "testing", None, None, "ferry-tests");
        sdk_config_for(&self.endpoint(), credentials).await
    }

    pub async fn clients(&self) -> AwsClients {
        AwsClients::from_config(&self.sdk_config().await)
    }

    /// moto's whole state as JSON (`/moto-api/data.json`), e.g. SES raw messages.
    pub async fn data(&self) -> serde_json::Value {
        let url = format!("{}/moto-api/data.json", self.endpoint());
        let response = reqwest::get(&url).await.unwrap_or_else(|e| panic!("GET {url}: {e}"));
        assert!(response.status().is_success(), "GET {url}: {}", response.status());
        response.json().await.unwrap_or_else(|e| panic!("GET {url}: not JSON: {e}"))
    }
}

/// SDK configuration for an emulator at `endpoint` signing with
/// `credentials`: the emulator's dummy ones, or a role's temporary ones, so
/// that moto's recording tells which role made a call.
pub async fn sdk_config_for(endpoint: &str, credentials: aws_sdk_sqs::config::Credentials) -> SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .endpoint_url(endpoint)
        .credentials_provider(credentials)
        .load()
        .await
}

/// A resource name no other test of this binary (or an earlier run) uses:
/// `<prefix>-<pid>-<n>`.
pub fn unique_name(prefix: &str) -> String {
    format!("{prefix}-{}-{}", std::process::id(), NAMES.fetch_add(1, Ordering::Relaxed))
}
