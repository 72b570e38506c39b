//! Secrets at rest (issue 25, finding 4): the data dir and its files are
//! Ferry's user's alone whatever the umask, no stored secret's text is in
//! any of its files, and a data dir of the format before sealing (plain
//! secrets, files 0644) is sealed and narrowed on its next start, its
//! secrets still working.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use reqwest::StatusCode;
use serde_json::{json, Value};

use super::receiver::Receiver;
use super::{allow_private_networks, app, run_now, schedule, wait_delivered};
use crate::helpers::{AppOptions, TestApp, ADMIN_KEY};

const JIRA_TOKEN: &str = "JIRA-TOKEN-plain-7f3a91";
const HEADER_VALUE: &str = "HEADER-VALUE-plain-22c1";
const HOOK_SECRET: &str = "HOOK-SECRET-plain-90ab";
const SFTP_PASSWORD: &str = "SFTP-PASSWORD-plain-5d1e";
const S3_SECRET: &str = "S3-SECRET-plain-c0ffee";
const SECRETS: [&str; 5] = [JIRA_TOKEN, HEADER_VALUE, HOOK_SECRET, SFTP_PASSWORD, S3_SECRET];

fn all_paths(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        out.push(path.clone());
        if path.is_dir() {
            all_paths(&path, out);
        }
    }
}

/// Every file and dir of the data dir with its permission bits.
fn modes(dir: &Path) -> Vec<(PathBuf, u32, bool)> {
    let mut paths = vec![dir.to_path_buf()];
    all_paths(dir, &mut paths);
    paths
        .into_iter()
        .map(|p| {
            let meta = std::fs::metadata(&p).unwrap();
            (p, meta.permissions().mode() & 0o777, meta.is_dir())
        })
        .collect()
}

fn assert_private(dir: &Path) {
    let found = modes(dir);
    assert!(found.iter().any(|(p, _, _)| p.ends_with("ferry.sqlite")), "{found:?}");
    for key in ["link.key", "signing.key", "data.key"] {
        assert!(found.iter().any(|(p, _, _)| p.ends_with(key)), "{key} in {found:?}");
    }
    for (path, mode, is_dir) in found {
        let want = if is_dir { 0o700 } else { 0o600 };
        assert_eq!(mode, want, "{} is {mode:o}", path.display());
    }
}

/// The stored secrets whose text is in some file of the data dir.
fn secrets_in_files(dir: &Path) -> Vec<String> {
    let mut paths = Vec::new();
    all_paths(dir, &mut paths);
    let mut found = Vec::new();
    for path in paths.iter().filter(|p| p.is_file()) {
        let bytes = std::fs::read(path).unwrap();
        for s in SECRETS {
            if bytes.windows(s.len()).any(|w| w == s.as_bytes()) {
                found.push(format!("{s} in {}", path.display()));
            }
        }
    }
    found
}

/// Rewrites the stored documents as a Ferry before sealing kept them.
fn write_plain_secrets(db: &Path) {
    let conn = rusqlite::Connection::open(db).unwrap();
    let plain = |table: &str, edit: &dyn Fn(&mut Value)| {
        let rows: Vec<(String, String)> = conn
            .prepare(&format!("SELECT id, doc FROM {table}"))
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        for (id, doc) in rows {
            let mut v: Value = serde_json::from_str(&doc).unwrap();
            edit(&mut v);
            conn.execute(&format!("UPDATE {table} SET doc = ?1 WHERE id = ?2"), [v.to_string(), id]).unwrap();
        }
    };
    plain("connections", &|c| {
        if c["kind"] == "jira" {
            c["settings"]["apiToken"] = json!(JIRA_TOKEN);
        }
    });
    plain("schedules", &|s| {
        for d in s["destinations"].as_array_mut().unwrap() {
            match d["type"].as_str().unwrap() {
                "webhook" => {
                    d["headers"]["X-Token"] = json!(HEADER_VALUE);
                    d["secret"] = json!(HOOK_SECRET);
                }
                "sftp" => d["password"] = json!(SFTP_PASSWORD),
                "s3" => d["secretAccessKey"] = json!(S3_SECRET),
                _ => {}
            }
        }
    });
}

/// Widens the data dir as a 022 umask made it before.
fn widen(dir: &Path) {
    for (path, _, is_dir) in modes(dir) {
        let mode = if is_dir { 0o755 } else { 0o644 };
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
    }
}

async fn store_secrets(app: &TestApp, hook_url: &str) -> String {
    let jira = json!({"name": "Jira", "kind": "jira",
        "settings": {"baseUrl": "https://jira.example.org", "email": "ops@example.org", "apiToken": JIRA_TOKEN}});
    let r = app.post(ADMIN_KEY, "/connections", &jira).await;
    assert_eq!(r.status(), StatusCode::CREATED, "{}", r.text().await.unwrap());
    let report = app.sample_report(ADMIN_KEY, 5, json!({"name": "Secrets"})).await;
    let hook =
        json!([{"type": "webhook", "url": hook_url, "headers": {"X-Token": HEADER_VALUE}, "secret": HOOK_SECRET}]);
    let others = json!([
        {"type": "sftp", "host": "sftp.example.org", "username": "u", "password": SFTP_PASSWORD,
         "hostKeyFingerprint": "SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU", "directory": "/in"},
        {"type": "s3", "bucket": "data-lake", "region": "eu-central-1", "accessKeyId": "AKIAEXAMPLE",
         "secretAccessKey": S3_SECRET}]);
    schedule(app, ADMIN_KEY, &report, others).await;
    schedule(app, ADMIN_KEY, &report, hook).await
}

#[tokio::test]
async fn the_data_dir_is_private_under_umask_022_and_its_files_hold_no_stored_secret() {
    // SAFETY: umask swaps the process's creation mask and nothing else.
    unsafe { libc::umask(0o022) };
    let (app, _clock) = app().await;
    allow_private_networks(&app, true).await;
    let receiver = Receiver::start(&[]).await;
    store_secrets(&app, &receiver.url("/hook")).await;
    assert_private(&app.data_dir);
    assert_eq!(secrets_in_files(&app.data_dir), Vec::<String>::new());
    // Write-only as before: the API shows none of them.
    let text = app.get(ADMIN_KEY, "/schedules").await.text().await.unwrap();
    assert!(SECRETS.iter().all(|s| !text.contains(s)), "{text}");
}

#[tokio::test]
async fn a_data_dir_of_the_format_before_sealing_is_sealed_and_made_private_on_start_and_its_secrets_still_work() {
    let (mut app, clock) = app().await;
    allow_private_networks(&app, true).await;
    let receiver = Receiver::start(&[]).await;
    let hooked = store_secrets(&app, &receiver.url("/hook")).await;
    drop(app.ferry.take());
    write_plain_secrets(&app.data_dir.join("ferry.sqlite"));
    widen(&app.data_dir);
    assert_eq!(secrets_in_files(&app.data_dir).len(), SECRETS.len(), "the old format holds them in plain text");

    app.restart(AppOptions { clock: Some(clock.clone()), scheduler: false, ..Default::default() }).await;
    assert_private(&app.data_dir);
    assert_eq!(secrets_in_files(&app.data_dir), Vec::<String>::new());

    // Opened again when used: the webhook gets its header and a signature.
    let export = run_now(&app, ADMIN_KEY, &hooked).await;
    wait_delivered(&app, ADMIN_KEY, &hooked, export["id"].as_str().unwrap()).await;
    let got = receiver.wait_for(1).await;
    assert_eq!(got[0].header("x-token"), Some(HEADER_VALUE));
    assert!(got[0].header("x-ferry-signature").is_some_and(|s| s.contains(",v1=")));
}
