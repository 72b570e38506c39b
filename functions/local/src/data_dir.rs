//! The data dir: one process at a time (an OS lock on `ferry.lock`), and the
//! keys that sign local file URLs, derive download links and seal stored
//! secrets, made once and kept.
//!
//! Everything in it is Ferry's user's alone (SPEC, Authentication): the
//! dir is 0700 and its files 0600 whatever the umask. Opening sets the
//! process umask to 077 (the database's WAL files, export files and mail
//! are created by libraries), creates what it makes with explicit modes,
//! and narrows what an older Ferry left wider.

use std::fs::{DirBuilder, File, OpenOptions, Permissions};
use std::io::{Read, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use anyhow::Context;

pub struct DataDir {
    pub root: PathBuf,
    /// Held for the life of the process; the OS frees it if the process dies.
    _lock: File,
}

impl DataDir {
    pub fn open(root: &Path) -> anyhow::Result<Self> {
        // SAFETY: umask only swaps the process's file-creation mask; it
        // cannot fail and touches no memory of ours.
        unsafe { libc::umask(0o077) };
        DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(root)
            .with_context(|| format!("creating data dir {}", root.display()))?;
        restrict(root).with_context(|| format!("making {} private", root.display()))?;
        let lock_path = root.join("ferry.lock");
        let lock = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .mode(0o600)
            .open(&lock_path)
            .with_context(|| format!("opening {}", lock_path.display()))?;
        lock.try_lock().map_err(|_| {
            anyhow::anyhow!("another Ferry process is using {}; stop it or pick another --data-dir", root.display())
        })?;
        // SQLite gives its -wal and -shm files the database file's mode.
        let database = root.join("ferry.sqlite");
        OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .mode(0o600)
            .open(&database)
            .with_context(|| format!("creating {}", database.display()))?;
        Ok(DataDir { root: root.to_path_buf(), _lock: lock })
    }

    pub fn database(&self) -> PathBuf {
        self.root.join("ferry.sqlite")
    }

    pub fn files(&self) -> PathBuf {
        self.root.join("files")
    }

    /// Where the local mailer files `.eml` messages.
    pub fn outbox(&self) -> PathBuf {
        self.root.join("outbox")
    }

    /// 32 random bytes in `signing.key`, created on first use.
    pub fn signing_key(&self) -> anyhow::Result<Vec<u8>> {
        self.key_file("signing.key")
    }

    /// 32 random bytes in `link.key` that download-link tokens are derived
    /// from, created on first use. Separate from the signing key, so either
    /// can be replaced without voiding the other.
    pub fn link_key(&self) -> anyhow::Result<Vec<u8>> {
        self.key_file("link.key")
    }

    /// 32 random bytes in `data.key`, created on first use: the AES-256-GCM
    /// key stored secrets are sealed under. Losing it loses those secrets
    /// (connections and destinations then need their secrets typed again).
    pub fn data_key(&self) -> anyhow::Result<[u8; 32]> {
        let key = self.key_file("data.key")?;
        key.try_into().map_err(|_| anyhow::anyhow!("data.key is not 32 bytes"))
    }

    fn key_file(&self, name: &str) -> anyhow::Result<Vec<u8>> {
        let path = self.root.join(name);
        if let Ok(mut f) = File::open(&path) {
            let mut key = Vec::new();
            f.read_to_end(&mut key)?;
            if key.len() == 32 {
                return Ok(key);
            }
        }
        let key: [u8; 32] = rand::random();
        let tmp = self.root.join(format!("{name}.tmp"));
        let mut f = OpenOptions::new().create(true).write(true).truncate(true).mode(0o600).open(&tmp)?;
        f.write_all(&key)?;
        f.sync_all()?;
        std::fs::rename(&tmp, &path)?;
        Ok(key.to_vec())
    }
}

/// Narrows `path` and everything under it: dirs to 0700, files to 0600.
/// Symbolic links are left alone (their targets are not Ferry's to change).
fn restrict(path: &Path) -> std::io::Result<()> {
    let meta = std::fs::symlink_metadata(path)?;
    if meta.file_type().is_symlink() {
        return Ok(());
    }
    let mode = if meta.is_dir() { 0o700 } else { 0o600 };
    if meta.permissions().mode() & 0o777 != mode {
        std::fs::set_permissions(path, Permissions::from_mode(mode))?;
    }
    if meta.is_dir() {
        for entry in std::fs::read_dir(path)? {
            restrict(&entry?.path())?;
        }
    }
    Ok(())
}
