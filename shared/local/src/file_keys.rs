//! Which file keys and upload ids the folder store accepts, and where they
//! live on disk. Keys come from export ids and user-made file names, so
//! anything that could leave the store's folder is refused here, once.

use std::path::{Path, PathBuf};

use ferry_core::PortError;

/// Longest key accepted (S3's limit).
const MAX_KEY_BYTES: usize = 1024;

/// Checks a key like `exports/exp_…/name.csv`: relative, `/`-separated, no
/// empty, `.` or `..` segment, no backslash or control character, and not
/// starting with a dot (the names of temporary files at the top).
pub fn check_key(key: &str) -> Result<(), PortError> {
    let bad = |why: &str| Err(PortError::backend(format!("invalid file key {key:?}: {why}")));
    if key.is_empty() || key.len() > MAX_KEY_BYTES {
        return bad("must be 1 to 1024 bytes");
    }
    if key.starts_with('/') || Path::new(key).is_absolute() {
        return bad("must be relative");
    }
    if key.contains('\\') || key.chars().any(char::is_control) {
        return bad("must not contain backslashes or control characters");
    }
    if key.starts_with('.') {
        return bad("must not start with a dot");
    }
    if key.split('/').any(|segment| segment.is_empty() || segment == "." || segment == "..") {
        return bad("must not have empty, . or .. segments");
    }
    Ok(())
}

/// Upload ids are `random_token`s: 64 lowercase hex digits, nothing else.
pub fn is_upload_id(id: &str) -> bool {
    id.len() == 64 && id.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// The on-disk layout under the store's root.
#[derive(Debug, Clone)]
pub struct Layout {
    root: PathBuf,
}

impl Layout {
    pub fn new(root: PathBuf) -> Self {
        Layout { root }
    }

    /// `<root>/files`: finished files, by key.
    pub fn files_dir(&self) -> PathBuf {
        self.root.join("files")
    }

    /// Where the finished file of a (checked) key lives.
    pub fn file(&self, key: &str) -> PathBuf {
        self.files_dir().join(key)
    }

    /// Where `complete_upload` assembles a file before renaming it into place.
    pub fn assembly(&self, upload_id: &str) -> PathBuf {
        self.files_dir().join(format!(".upload-{upload_id}.tmp"))
    }

    /// `<root>/uploads/<upload id>`: the parts of one upload and its key.
    pub fn upload_dir(&self, upload_id: &str) -> PathBuf {
        self.root.join("uploads").join(upload_id)
    }

    /// The file that records which key an upload is for.
    pub fn upload_key(&self, upload_id: &str) -> PathBuf {
        self.upload_dir(upload_id).join("key")
    }

    /// Part `number`, zero-padded so a listing sorts in part order.
    pub fn part(&self, upload_id: &str, number: u32) -> PathBuf {
        self.upload_dir(upload_id).join(format!("{number:05}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn export_keys_pass() {
        check_key("exports/exp_01J0ABC/weekly bugs_2026-01-01.csv").unwrap();
        check_key("exports/exp_1/Café ✓.xlsx").unwrap();
    }

    #[test]
    fn keys_that_could_escape_the_folder_are_refused() {
        for key in [
            "",
            "/etc/passwd",
            "../secret",
            "exports/../../secret",
            "exports/./a",
            "exports//a",
            "exports/a/",
            "exports\\a",
            "exports/a\nb",
            ".upload-x.tmp",
        ] {
            assert!(check_key(key).is_err(), "{key:?} was accepted");
        }
        assert!(check_key(&"a".repeat(1025)).is_err());
    }

    #[test]
    fn only_hex_tokens_are_upload_ids() {
        assert!(is_upload_id(&"ab12".repeat(16)));
        assert!(!is_upload_id("../../etc"));
        assert!(!is_upload_id(&"AB12".repeat(16)));
        assert!(!is_upload_id(&"ab12".repeat(15)));
    }
}
