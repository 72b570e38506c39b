//! The blocking file work of multipart uploads: writing a part with its
//! etag, and assembling listed parts into one file. Runs on tokio's blocking
//! pool; a part's etag is the lowercase hex SHA-256 of its bytes, so
//! `complete_upload` can prove each listed part is the one the caller wrote
//! (hashing runs at memory speed, far above the disk's).

use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::path::Path;

use ferry_core::model::export::PartTag;
use ferry_core::PortError;
use sha2::{Digest, Sha256};

use crate::file_keys::Layout;

/// Writes part `number` beside its final name, then renames it, so a crash
/// never leaves a half-written part under the final name.
pub fn write_part(layout: &Layout, upload_id: &str, number: u32, data: &[u8]) -> Result<PartTag, PortError> {
    let path = layout.part(upload_id, number);
    let temp = path.with_extension(format!("{}.tmp", ferry_core::model::ids::random_token()));
    let written = File::create(&temp).and_then(|mut f| {
        f.write_all(data)?;
        f.sync_data()
    });
    if let Err(e) = written.and_then(|_| fs::rename(&temp, &path)) {
        let _ = fs::remove_file(&temp);
        return Err(PortError::backend(format!("writing part {number} of upload {upload_id}: {e}")));
    }
    Ok(PartTag { number, etag: hex::encode(Sha256::digest(data)), size: data.len() as u64 })
}

/// Concatenates the listed parts into `target`, checking each one's size and
/// etag on the way. On any failure nothing is left at `target` or in `temp`.
pub fn assemble(
    layout: &Layout,
    upload_id: &str,
    parts: &[PartTag],
    temp: &Path,
    target: &Path,
) -> Result<(), PortError> {
    let result = copy_parts(layout, upload_id, parts, temp).and_then(|()| {
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent)
                .map_err(|e| PortError::backend(format!("creating {}: {e}", parent.display())))?;
        }
        fs::rename(temp, target).map_err(|e| PortError::backend(format!("moving the file into place: {e}")))
    });
    if result.is_err() {
        let _ = fs::remove_file(temp);
    }
    result
}

fn copy_parts(layout: &Layout, upload_id: &str, parts: &[PartTag], temp: &Path) -> Result<(), PortError> {
    if let Some(parent) = temp.parent() {
        fs::create_dir_all(parent).map_err(PortError::backend)?;
    }
    let mut out = File::create(temp).map_err(|e| PortError::backend(format!("creating {}: {e}", temp.display())))?;
    let mut buffer = vec![0u8; 256 * 1024];
    for tag in parts {
        let mut part = File::open(layout.part(upload_id, tag.number))
            .map_err(|e| PortError::Backend(format!("part {} of upload {upload_id} is missing: {e}", tag.number)))?;
        let mut hasher = Sha256::new();
        let mut size = 0u64;
        loop {
            let n = match part.read(&mut buffer) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(PortError::backend(e)),
            };
            hasher.update(&buffer[..n]);
            out.write_all(&buffer[..n]).map_err(PortError::backend)?;
            size += n as u64;
        }
        if size != tag.size || hex::encode(hasher.finalize()) != tag.etag {
            return Err(PortError::Backend(format!(
                "part {} of upload {upload_id} does not match its tag (stored {size} bytes)",
                tag.number
            )));
        }
    }
    out.sync_all().map_err(PortError::backend)
}
