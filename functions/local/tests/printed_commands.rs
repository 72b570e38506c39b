//! `ferry serve` prints commands that work when pasted: the real binary is
//! started on a fresh data dir, the lines it prints under `Try it` are run
//! by bash as printed, against it, and what they fetched is checked.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

/// An admin key of the length `FERRY_ADMIN_KEY` needs.
const KEY: &str = "printed-commands-admin-key-0123456789abcdef";

/// Runs `ferry serve` on a free port; the child and the commands it printed.
fn serve(data_dir: &Path, admin_key: Option<&str>) -> (Child, Vec<String>) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_ferry"));
    command
        .args(["serve", "--port", "0", "--data-dir"])
        .arg(data_dir)
        .env_remove("FERRY_ADMIN_KEY")
        .env_remove("FERRY_PUBLIC_URL")
        .env("FERRY_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    if let Some(key) = admin_key {
        command.env("FERRY_ADMIN_KEY", key);
    }
    let mut child = command.spawn().expect("the ferry binary starts");
    let stdout = child.stdout.take().expect("stdout");
    let mut commands = Vec::new();
    let mut in_try_it = false;
    for line in BufReader::new(stdout).lines() {
        let line = line.expect("a line of output");
        if line.starts_with("Try it") {
            in_try_it = true;
        } else if in_try_it && line.trim().is_empty() && !commands.is_empty() {
            break;
        } else if in_try_it && !line.trim().is_empty() {
            commands.push(line.trim().to_string());
        }
    }
    assert!(!commands.is_empty(), "ferry serve printed no commands under `Try it`");
    (child, commands)
}

fn need(tool: &str) {
    let found = Command::new("sh").arg("-c").arg(format!("command -v {tool}")).status().is_ok_and(|s| s.success());
    assert!(found, "this test runs the printed commands with {tool}; install it (apt-get install {tool})");
}

/// Runs the printed lines in one bash, in `dir`, then the printed export
/// lookup again once the download is done; its stdout.
fn run_as_printed(commands: &[String], dir: &Path, exported_key: Option<&str>) -> String {
    for tool in ["bash", "curl", "sed", "sha256sum"] {
        need(tool);
    }
    let script = format!("set -e\n{}\necho\necho LOOKUP\n{}\n", commands.join("\n"), commands[1]);
    let mut bash = Command::new("bash");
    bash.arg("-c").arg(script).current_dir(dir).env_remove("FERRY_ADMIN_KEY");
    if let Some(key) = exported_key {
        bash.env("FERRY_ADMIN_KEY", key);
    }
    let out = bash.output().expect("bash runs");
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(out.status.success(), "the printed commands failed: {stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    stdout
}

/// The export the last lookup answered, checked against the downloaded file.
fn check_download(stdout: &str, dir: &Path) {
    let lookup = stdout.split("LOOKUP\n").nth(1).expect("the lookup ran");
    let export: serde_json::Value = serde_json::from_str(lookup.trim()).unwrap_or_else(|e| panic!("{e}: {lookup}"));
    assert_eq!(export["status"], "COMPLETED", "{export}");
    assert!(export["id"].as_str().is_some_and(|id| id.starts_with("exp_")), "{export}");
    let file = std::fs::read(dir.join("demo.csv")).expect("demo.csv was downloaded");
    assert_eq!(file.len() as u64, export["bytes"].as_u64().expect("bytes"), "the whole file");
    let head = String::from_utf8_lossy(&file[..file.len().min(200)]).to_lowercase();
    assert!(head.lines().next().is_some_and(|h| h.contains("key,")), "a CSV with its header: {head:?}");
    let sum = Command::new("sha256sum").arg(dir.join("demo.csv")).output().expect("sha256sum");
    let sum = String::from_utf8_lossy(&sum.stdout).split_whitespace().next().unwrap_or_default().to_string();
    assert_eq!(export["sha256"], sum, "the file the export made");
}

#[test]
fn the_printed_commands_work_with_the_key_exported_in_ferry_admin_key() {
    let dir = tempfile::tempdir().unwrap();
    let (mut child, commands) = serve(&dir.path().join("data"), Some(KEY));
    assert!(commands.iter().all(|c| c.contains("\"Authorization: Bearer $FERRY_ADMIN_KEY\"")), "{commands:?}");
    let stdout = run_as_printed(&commands, dir.path(), Some(KEY));
    child.kill().ok();
    child.wait().ok();
    check_download(&stdout, dir.path());
}

#[test]
fn the_printed_commands_work_with_the_generated_key_inline() {
    let dir = tempfile::tempdir().unwrap();
    let (mut child, commands) = serve(&dir.path().join("data"), None);
    let stdout = run_as_printed(&commands, dir.path(), None);
    child.kill().ok();
    child.wait().ok();
    check_download(&stdout, dir.path());
}
