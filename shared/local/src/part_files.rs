//! The blocking file work of multipart uploads, on tokio's blocking pool.
//!
//! ```text
//! uploads/<id>/data        parts that arrived in order (1, 2, 3, …), end to end
//! uploads/<id>/00005       a part that arrived out of order, on its own
//! uploads/<id>/00005.tag   every stored part's size, etag and place
//! ```
//! Exports upload their parts in order, so their bytes land in `data` where
//! the finished file needs them, and completing the upload is a rename: the
//! file is written once, never copied. Any other order still works (S3's
//! rules: parts in any order, a number written again replaces its part, a
//! subset may be listed), by copying at completion.
//!
//! Listing an upload's parts reads the tags back (one file per part).
//!
//! A part's etag is the CRC-32 of its bytes (8 hex digits), recorded in its
//! tag when it is written, so `complete` tells each listed part is the one
//! the caller wrote without reading it again. A checksum, not a digest: it
//! only has to tell versions of a part apart, the file's SHA-256 is the
//! export's own, and a second SHA-256 over every byte cost a tenth of an
//! export's CPU. A tag is written after its
//! bytes (and replaced by a rename), and removed before they are overwritten,
//! so a crash never leaves a tag over bytes it does not describe.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

use ferry_core::model::export::PartTag;
use ferry_core::model::ids::random_token;
use ferry_core::ports::file_store::OpenUpload;
use ferry_core::PortError;
use jiff::Timestamp;

/// A stored part that is not what its upload's records say.
#[derive(Debug, thiserror::Error)]
enum PartError {
    #[error("part {number} of upload {upload} has a damaged tag")]
    DamagedTag { number: u32, upload: String },
    #[error("part {number} of upload {upload} is missing")]
    Missing { number: u32, upload: String },
    #[error("part {number} of upload {upload} does not match its tag (stored {stored} bytes)")]
    NotAsTagged { number: u32, upload: String, stored: u64 },
    #[error("part {number} of upload {upload} is cut short")]
    CutShort { number: u32, upload: String },
}

use crate::file_keys::{is_upload_id, Layout};

/// Where a stored part's bytes are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    /// In `data`, from this offset.
    Run(u64),
    /// In its own file.
    Own,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Stored {
    size: u64,
    etag: String,
    place: Place,
}

struct Upload<'a> {
    layout: &'a Layout,
    id: &'a str,
}

impl Upload<'_> {
    fn data(&self) -> PathBuf {
        self.layout.upload_dir(self.id).join("data")
    }

    fn own(&self, number: u32) -> PathBuf {
        self.layout.part(self.id, number)
    }

    fn tag_path(&self, number: u32) -> PathBuf {
        self.layout.part(self.id, number).with_extension("tag")
    }

    fn tag(&self, number: u32) -> Result<Option<Stored>, PortError> {
        let text = match fs::read_to_string(self.tag_path(number)) {
            Ok(t) => t,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(PortError::backend(e)),
        };
        let fields: Vec<&str> = text.split_whitespace().collect();
        let bad = || PortError::backend(PartError::DamagedTag { number, upload: self.id.to_string() });
        let size = fields.first().and_then(|s| s.parse().ok()).ok_or_else(bad)?;
        let etag = fields.get(1).ok_or_else(bad)?.to_string();
        let place = match (fields.get(2), fields.get(3).and_then(|o| o.parse().ok())) {
            (Some(&"run"), Some(offset)) => Place::Run(offset),
            (Some(&"own"), None) => Place::Own,
            _ => return Err(bad()),
        };
        Ok(Some(Stored { size, etag, place }))
    }

    fn set_tag(&self, number: u32, stored: &Stored, durable: bool) -> Result<(), PortError> {
        let place = match stored.place {
            Place::Run(offset) => format!("run {offset}"),
            Place::Own => "own".into(),
        };
        let text = format!("{} {} {place}\n", stored.size, stored.etag);
        write_then_rename(&self.tag_path(number), text.as_bytes(), durable)
    }

    fn remove_tag(&self, number: u32) -> Result<(), PortError> {
        remove_if_present(&self.tag_path(number))
    }

    /// Where part `number` goes in `data`: right after part `number - 1` if
    /// that one is there too (or at 0 for part 1); None when it must be kept
    /// on its own.
    fn run_offset(&self, number: u32) -> Result<Option<u64>, PortError> {
        if number == 1 {
            return Ok(Some(0));
        }
        Ok(match self.tag(number - 1)? {
            Some(Stored { size, place: Place::Run(offset), .. }) => Some(offset + size),
            _ => None,
        })
    }

    /// Moves the parts after `number` out of `data` into files of their own,
    /// before part `number` is rewritten in place (rare: S3's rules allow it,
    /// exports never do it).
    fn evict_after(&self, number: u32, durable: bool) -> Result<(), PortError> {
        let mut next = number + 1;
        while let Some(stored @ Stored { place: Place::Run(offset), .. }) = self.tag(next)? {
            let mut bytes = vec![0u8; stored.size as usize];
            File::open(self.data()).and_then(|f| f.read_exact_at(&mut bytes, offset)).map_err(PortError::from_io)?;
            write_then_rename(&self.own(next), &bytes, durable)?;
            self.set_tag(next, &Stored { place: Place::Own, ..stored }, durable)?;
            next += 1;
        }
        Ok(())
    }
}

/// Stores part `number` of an upload and returns its tag.
pub fn write_part(
    layout: &Layout,
    upload_id: &str,
    number: u32,
    data: &[u8],
    durable: bool,
) -> Result<PartTag, PortError> {
    let upload = Upload { layout, id: upload_id };
    let etag = format!("{:08x}", crc32fast::hash(data));
    let failed = |e: PortError| match e {
        // A full disk stays a full disk, whatever else is said about it.
        PortError::NoSpace(m) => PortError::NoSpace(format!("writing part {number} of upload {upload_id}: {m}")),
        e => PortError::backend_in(format_args!("writing part {number} of upload {upload_id}"), e),
    };
    let place = match upload.run_offset(number)? {
        Some(offset) => {
            upload.evict_after(number, durable).map_err(failed)?;
            upload.remove_tag(number)?;
            let file = OpenOptions::new().create(true).write(true).truncate(false).open(upload.data());
            let written = file.and_then(|f| {
                f.write_all_at(data, offset)?;
                f.set_len(offset + data.len() as u64)?;
                if durable {
                    f.sync_data()?;
                }
                Ok(())
            });
            written.map_err(|e| failed(PortError::from_io(e)))?;
            remove_if_present(&upload.own(number))?;
            Place::Run(offset)
        }
        None => {
            upload.remove_tag(number)?;
            write_then_rename(&upload.own(number), data, durable).map_err(failed)?;
            Place::Own
        }
    };
    let size = data.len() as u64;
    upload.set_tag(number, &Stored { size, etag: etag.clone(), place }, durable).map_err(failed)?;
    Ok(PartTag { number, etag, size })
}

/// The tags of every stored part of an upload, in ascending order of their
/// numbers: one per `NNNNN.tag` file.
pub fn list_parts(layout: &Layout, upload_id: &str) -> Result<Vec<PartTag>, PortError> {
    let upload = Upload { layout, id: upload_id };
    let entries = fs::read_dir(layout.upload_dir(upload_id)).map_err(PortError::from_io)?;
    let mut numbers = Vec::new();
    for entry in entries {
        let name = entry.map_err(PortError::from_io)?.file_name();
        let number = name.to_str().and_then(|n| n.strip_suffix(".tag")).filter(|n| n.len() == 5);
        if let Some(number) = number.and_then(|n| n.parse::<u32>().ok()) {
            numbers.push(number);
        }
    }
    numbers.sort_unstable();
    let mut parts = Vec::with_capacity(numbers.len());
    for number in numbers {
        // A tag removed meanwhile (its part is being rewritten) is not a stored part yet.
        if let Some(Stored { size, etag, .. }) = upload.tag(number)? {
            parts.push(PartTag { number, etag, size });
        }
    }
    Ok(parts)
}

/// Builds the file from the listed parts, in order, checking each one's size
/// and etag against its tag, and moves it to `target`. When the listed parts
/// are exactly the start of `data`, that file is the result (a rename);
/// otherwise they are copied into `temp` first. On any failure nothing is
/// left at `target` or in `temp`.
pub fn assemble(
    layout: &Layout,
    upload_id: &str,
    parts: &[PartTag],
    temp: &Path,
    target: &Path,
    durable: bool,
) -> Result<(), PortError> {
    let upload = Upload { layout, id: upload_id };
    let mut stored = Vec::with_capacity(parts.len());
    for tag in parts {
        let found = upload.tag(tag.number)?.ok_or_else(|| {
            PortError::backend(PartError::Missing { number: tag.number, upload: upload_id.to_string() })
        })?;
        if found.size != tag.size || found.etag != tag.etag {
            let (number, upload, stored) = (tag.number, upload_id.to_string(), found.size);
            return Err(PortError::backend(PartError::NotAsTagged { number, upload, stored }));
        }
        stored.push(found);
    }
    let mut end = 0;
    let in_place = stored.iter().all(|s| {
        let next = s.place == Place::Run(end);
        end += s.size;
        next
    });
    let source = if in_place { upload.data() } else { temp.to_path_buf() };
    let result = (|| {
        if in_place {
            let file = OpenOptions::new().write(true).open(&source).map_err(PortError::from_io)?;
            file.set_len(end).map_err(PortError::from_io)?;
            if durable {
                file.sync_all().map_err(PortError::from_io)?;
            }
        } else {
            copy_parts(&upload, parts, &stored, temp, durable)?;
        }
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent)
                .map_err(|e| PortError::backend_in(format_args!("creating {}", parent.display()), e))?;
        }
        fs::rename(&source, target).map_err(|e| PortError::backend_in("moving the file into place", e))
    })();
    if result.is_err() && !in_place {
        let _ = fs::remove_file(temp);
    }
    result
}

fn copy_parts(
    upload: &Upload,
    parts: &[PartTag],
    stored: &[Stored],
    temp: &Path,
    durable: bool,
) -> Result<(), PortError> {
    if let Some(parent) = temp.parent() {
        fs::create_dir_all(parent).map_err(PortError::from_io)?;
    }
    let mut out = File::create(temp).map_err(PortError::from_io)?;
    for (tag, s) in parts.iter().zip(stored) {
        let (path, offset) = match s.place {
            Place::Run(offset) => (upload.data(), offset),
            Place::Own => (upload.own(tag.number), 0),
        };
        let mut file = File::open(&path).map_err(|e| {
            PortError::backend_in(format_args!("part {} of upload {} is missing", tag.number, upload.id), e)
        })?;
        file.seek(SeekFrom::Start(offset)).map_err(PortError::from_io)?;
        // File to file: the kernel copies (copy_file_range) without a pass through user space.
        let copied = io::copy(&mut file.take(s.size), &mut out).map_err(PortError::from_io)?;
        if copied != s.size {
            return Err(PortError::backend(PartError::CutShort { number: tag.number, upload: upload.id.to_string() }));
        }
    }
    if durable {
        out.sync_all().map_err(PortError::from_io)?;
    }
    Ok(())
}

/// Writes `bytes` beside `path` and renames them into place, so a crash
/// never leaves a half-written file under the final name.
/// Uploads whose key starts with `prefix`, started (their `key` file
/// written) before `before`. A folder without its `key` file is skipped: it
/// is an upload whose start did not finish, and nothing refers to it.
pub fn open_uploads(layout: &Layout, prefix: &str, before: Timestamp) -> Result<Vec<OpenUpload>, PortError> {
    let root = layout.upload_dir("x").parent().map(Path::to_path_buf).unwrap_or_default();
    let entries = match fs::read_dir(&root) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(PortError::backend(e)),
    };
    let mut found = Vec::new();
    for entry in entries {
        let entry = entry.map_err(PortError::from_io)?;
        let Some(upload_id) = entry.file_name().to_str().filter(|id| is_upload_id(id)).map(str::to_string) else {
            continue;
        };
        let key_file = layout.upload_key(&upload_id);
        let (key, modified) = match (fs::read_to_string(&key_file), fs::metadata(&key_file)) {
            (Ok(key), Ok(meta)) => (key, meta.modified().map_err(PortError::from_io)?),
            _ => continue,
        };
        let started_at = Timestamp::try_from(modified).map_err(PortError::backend)?;
        if key.starts_with(prefix) && started_at < before {
            found.push(OpenUpload { key, upload_id, started_at });
        }
    }
    Ok(found)
}

fn write_then_rename(path: &Path, bytes: &[u8], durable: bool) -> Result<(), PortError> {
    let temp = path.with_extension(format!("{}.tmp", &random_token()[..16]));
    let written = File::create(&temp).and_then(|mut f| {
        f.write_all(bytes)?;
        if durable {
            f.sync_data()?;
        }
        Ok(())
    });
    if let Err(e) = written.and_then(|()| fs::rename(&temp, path)) {
        let _ = fs::remove_file(&temp);
        return Err(PortError::from_io(e));
    }
    Ok(())
}

fn remove_if_present(path: &Path) -> Result<(), PortError> {
    match fs::remove_file(path) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(PortError::backend(e)),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tag(layout: &Layout, id: &str, number: u32, data: &[u8]) -> PartTag {
        write_part(layout, id, number, data, false).unwrap()
    }

    fn assembled(layout: &Layout, id: &str, parts: &[PartTag], dir: &Path) -> Vec<u8> {
        let target = dir.join("out");
        assemble(layout, id, parts, &dir.join("tmp"), &target, false).unwrap();
        fs::read(target).unwrap()
    }

    #[test]
    fn parts_in_order_are_one_file_renamed_into_place() {
        let dir = tempfile::tempdir().unwrap();
        let layout = Layout::new(dir.path().to_path_buf());
        fs::create_dir_all(layout.upload_dir("u")).unwrap();
        let parts = [tag(&layout, "u", 1, b"abc"), tag(&layout, "u", 2, b"defg"), tag(&layout, "u", 3, b"h")];
        assert_eq!(fs::read(layout.upload_dir("u").join("data")).unwrap(), b"abcdefgh");
        assert!(!layout.part("u", 2).exists(), "no part file of its own");
        assert_eq!(assembled(&layout, "u", &parts, dir.path()), b"abcdefgh");
        assert!(!layout.upload_dir("u").join("data").exists(), "renamed, not copied");
    }

    #[test]
    fn a_rewritten_last_part_replaces_its_bytes_and_a_resumed_upload_carries_on() {
        let dir = tempfile::tempdir().unwrap();
        let layout = Layout::new(dir.path().to_path_buf());
        fs::create_dir_all(layout.upload_dir("u")).unwrap();
        let one = tag(&layout, "u", 1, b"first-");
        tag(&layout, "u", 2, b"LOST PART THAT WAS LONGER");
        let two = tag(&layout, "u", 2, b"second-");
        let three = tag(&layout, "u", 3, b"third");
        assert_eq!(assembled(&layout, "u", &[one, two, three], dir.path()), b"first-second-third");
    }

    #[test]
    fn listed_parts_are_the_last_tag_of_each_number_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let layout = Layout::new(dir.path().to_path_buf());
        fs::create_dir_all(layout.upload_dir("u")).unwrap();
        let three = tag(&layout, "u", 3, b"own file");
        let one = tag(&layout, "u", 1, b"one");
        tag(&layout, "u", 2, b"two");
        let two = tag(&layout, "u", 2, b"TWO");
        assert_eq!(list_parts(&layout, "u").unwrap(), [one, two, three]);
    }

    #[test]
    fn rewriting_an_earlier_part_keeps_the_later_ones() {
        let dir = tempfile::tempdir().unwrap();
        let layout = Layout::new(dir.path().to_path_buf());
        fs::create_dir_all(layout.upload_dir("u")).unwrap();
        tag(&layout, "u", 1, b"one-");
        let three = {
            tag(&layout, "u", 2, b"two-");
            tag(&layout, "u", 3, b"three")
        };
        let two = tag(&layout, "u", 2, b"TWO, LONGER-");
        let one = Upload { layout: &layout, id: "u" }.tag(1).unwrap().unwrap();
        let one = PartTag { number: 1, etag: one.etag, size: one.size };
        assert_eq!(assembled(&layout, "u", &[one, two, three], dir.path()), b"one-TWO, LONGER-three");
    }
}
