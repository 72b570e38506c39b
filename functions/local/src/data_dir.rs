//! The data dir: one process at a time (an OS lock on `ferry.lock`), and the
//! keys that sign local file URLs and derive download links, made once and kept.

use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;

pub struct DataDir {
    pub root: PathBuf,
    /// Held for the life of the process; the OS frees it if the process dies.
    _lock: File,
}

impl DataDir {
    pub fn open(root: &Path) -> anyhow::Result<Self> {
        std::fs::create_dir_all(root).with_context(|| format!("creating data dir {}", root.display()))?;
        let lock_path = root.join("ferry.lock");
        let lock = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .with_context(|| format!("opening {}", lock_path.display()))?;
        lock.try_lock().map_err(|_| {
            anyhow::anyhow!("another Ferry process is using {}; stop it or pick another --data-dir", root.display())
        })?;
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
        let mut f = File::create(&tmp)?;
        f.write_all(&key)?;
        f.sync_all()?;
        std::fs::rename(&tmp, &path)?;
        Ok(key.to_vec())
    }
}
