//! A disk that fills up: Ferry's data dir on a small tmpfs that this test
//! mounts (it needs root, as `make test` has in CI). An export that fills it
//! fails with a clear error and leaves no part behind; a write to SQLite that
//! finds no room answers 507 and saves nothing, on the API and on the pages
//! alike (the page's status is the API's); the server serves throughout,
//! and works again once space is freed.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::dashboard::sign_in;
use crate::helpers::{error_of, spawn_app_with, AppOptions, TestApp, ADMIN_KEY};

/// A tmpfs of a few MiB, unmounted when dropped.
struct SmallDisk {
    dir: tempfile::TempDir,
}

impl SmallDisk {
    fn mount(mib: u32) -> SmallDisk {
        let dir = tempfile::tempdir().expect("a temp dir");
        let status = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={mib}m"), "tmpfs"])
            .arg(dir.path())
            .status();
        match status {
            Ok(s) if s.success() => SmallDisk { dir },
            other => panic!(
                "the disk-full test mounts a {mib} MiB tmpfs and could not ({other:?}): run `make test` as root \
                 (CI does), or in a container allowed to mount tmpfs"
            ),
        }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Fills what is left of the disk with one file; returns its path.
    fn fill(&self) -> PathBuf {
        let path = self.path().join("filler");
        let mut file = std::fs::File::create(&path).expect("the filler file");
        let chunk = vec![0u8; 64 * 1024];
        while file.write_all(&chunk).is_ok() {}
        while file.write_all(&[0u8; 512]).is_ok() {}
        let _ = file.flush();
        path
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        // Lazy: a server task still unwinding may hold a file open.
        let _ = Command::new("umount").arg("-l").arg(self.dir.path()).status();
    }
}

fn upload_folders(app: &TestApp) -> usize {
    std::fs::read_dir(app.data_dir.join("files").join("uploads")).map(|d| d.count()).unwrap_or(0)
}

#[tokio::test]
async fn a_full_disk_fails_the_export_cleanly_and_the_server_keeps_serving() {
    let disk = SmallDisk::mount(24);
    let opts = AppOptions { data_dir: Some(disk.path().join("data")), ..Default::default() };
    let app = spawn_app_with(opts).await;

    // Two million sample rows are some 300 MB of CSV: far more than the disk holds.
    let big = app.sample_report(ADMIN_KEY, 2_000_000, json!({})).await;
    let id = app.start_export(ADMIN_KEY, &big).await["id"].as_str().unwrap().to_string();
    let failed = app.wait_finished(ADMIN_KEY, &id).await;
    assert_eq!(failed["status"], "FAILED", "{failed}");
    assert!(failed["error"].as_str().unwrap().contains("ran out of space"), "{failed}");
    assert!(failed["downloadLink"].is_null(), "no file is offered: {failed}");
    let (status, body) = error_of(app.get(ADMIN_KEY, &format!("/exports/{id}/download")).await).await;
    assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::INTERNAL_SERVER_ERROR, Some("export_failed")));
    assert_eq!(upload_folders(&app), 0, "the partial upload was dropped");
    assert_eq!(app.stored_files(), Vec::<PathBuf>::new(), "no part, no file");

    // The space it took is back: a small export completes.
    let small = app.sample_report(ADMIN_KEY, 50, json!({})).await;
    let id = app.start_export(ADMIN_KEY, &small).await["id"].as_str().unwrap().to_string();
    let done = app.wait_finished(ADMIN_KEY, &id).await;
    assert_eq!(done["status"], "COMPLETED", "{done}");
    assert_eq!(app.download(ADMIN_KEY, &id).await.len() as u64, done["bytes"].as_u64().unwrap());

    // Now SQLite's disk: nothing left for its journal to grow into.
    let connection = app.sample_connection(ADMIN_KEY, 5, 1).await;
    let browser = sign_in(&app, ADMIN_KEY).await;
    let filler = disk.fill();
    let body = json!({"name": "r", "connectionId": connection, "reportType": "issues", "query": "x".repeat(9_000)});
    let before = reports(&app).await;
    let (mut created, mut refused) = (0, 0);
    for _ in 0..400 {
        let r = app.post(ADMIN_KEY, "/reports", &body).await;
        match r.status() {
            StatusCode::CREATED => created += 1,
            StatusCode::INSUFFICIENT_STORAGE => {
                let (_, err) = error_of(r).await;
                assert_eq!(err["error"]["code"], "insufficient_storage", "{err}");
                assert!(err["error"]["message"].as_str().unwrap().contains("storage is full"), "{err}");
                refused += 1;
                break;
            }
            other => panic!("a write on a full disk answered {other}: {}", r.text().await.unwrap()),
        }
        assert_eq!(app.get(ADMIN_KEY, "/health").await.status(), StatusCode::OK);
    }
    assert_eq!(refused, 1, "a full disk refuses writes with 507 (after {created} fitted in the journal's slack)");

    // The dashboard answers the same full disk with the same status, as a page.
    let mut page_refused = None;
    for n in 0..400 {
        let r = browser.post(&app, "/keys", &[("user", &format!("full-disk-{n}")), ("role", "member")]).await;
        match r.status() {
            StatusCode::SEE_OTHER => continue,
            status => {
                let html = r.text().await.unwrap();
                page_refused = Some((status, html));
                break;
            }
        }
    }
    let (status, html) = page_refused.expect("a page write on the full disk was refused");
    assert_eq!(status, StatusCode::INSUFFICIENT_STORAGE, "the page's status is the API's: {html}");
    assert!(html.contains("<h1") && html.contains("storage is full"), "an HTML page says why: {html}");
    assert_eq!(app.client.get(app.v1("/health")).send().await.unwrap().status(), StatusCode::OK);
    assert_eq!(reports(&app).await, before + created, "what was refused was not saved");

    std::fs::remove_file(filler).unwrap();
    let r = app.post(ADMIN_KEY, "/reports", &body).await;
    assert_eq!(r.status(), StatusCode::CREATED, "{}", r.text().await.unwrap());
    assert_eq!(reports(&app).await, before + created + 1);
}

async fn reports(app: &TestApp) -> usize {
    let r = app.get(ADMIN_KEY, "/reports?pageSize=1000").await;
    assert_eq!(r.status(), StatusCode::OK);
    r.json::<Value>().await.unwrap()["items"].as_array().unwrap().len()
}
