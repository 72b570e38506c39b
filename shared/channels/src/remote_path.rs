//! Where an SFTP upload lands, and proof it cannot land anywhere else: the
//! file name is one path component and the directory climbs no `..`, so a
//! placeholder-rendered name like `../../etc/cron.d/x` is refused, not sent.

use ferry_core::ports::delivery::DeliveryError;

/// The temporary and final remote paths of one upload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemotePaths {
    /// `<directory>/<file_name>.part`, renamed to `target` when complete.
    pub part: String,
    pub target: String,
}

/// Joins `directory` (absolute, relative to the login folder, or empty for
/// the login folder itself) and `file_name`.
pub fn remote_paths(directory: &str, file_name: &str) -> Result<RemotePaths, DeliveryError> {
    check_file_name(file_name)?;
    check_directory(directory)?;
    let target = match directory.trim_end_matches('/') {
        "" if directory.starts_with('/') => format!("/{file_name}"),
        "" => file_name.to_owned(),
        dir => format!("{dir}/{file_name}"),
    };
    Ok(RemotePaths { part: format!("{target}.part"), target })
}

fn check_file_name(name: &str) -> Result<(), DeliveryError> {
    let refuse = |why: &str| Err(DeliveryError::Rejected(format!("the remote file name {name:?} {why}")));
    if name.is_empty() || name == "." || name == ".." {
        return refuse("is not a file name");
    }
    // A backslash separates folders on Windows SFTP servers.
    if name.contains(['/', '\\']) {
        return refuse("must not contain / or \\");
    }
    if name.chars().any(char::is_control) {
        return refuse("must not contain control characters");
    }
    if name.len() > 250 {
        return refuse("is longer than 250 bytes");
    }
    Ok(())
}

fn check_directory(dir: &str) -> Result<(), DeliveryError> {
    let refuse = |why: &str| Err(DeliveryError::Rejected(format!("the remote directory {dir:?} {why}")));
    if dir.chars().any(char::is_control) {
        return refuse("must not contain control characters");
    }
    if dir.split(['/', '\\']).any(|segment| segment == "..") {
        return refuse("must not contain ..");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(dir: &str, name: &str) -> (String, String) {
        let p = remote_paths(dir, name).unwrap();
        (p.part, p.target)
    }

    #[test]
    fn the_part_file_sits_beside_the_target() {
        assert_eq!(paths("upload", "a.csv"), ("upload/a.csv.part".into(), "upload/a.csv".into()));
        assert_eq!(paths("/srv/in/", "a.csv"), ("/srv/in/a.csv.part".into(), "/srv/in/a.csv".into()));
        assert_eq!(paths("/", "a.csv"), ("/a.csv.part".into(), "/a.csv".into()));
        assert_eq!(paths("", "a.csv"), ("a.csv.part".into(), "a.csv".into()));
        assert_eq!(paths("./in", "..a..csv"), ("./in/..a..csv.part".into(), "./in/..a..csv".into()));
    }

    #[test]
    fn names_and_directories_that_escape_are_refused() {
        for (dir, name) in [
            ("in", "../a.csv"),
            ("in", ".."),
            ("in", "."),
            ("in", ""),
            ("in", "sub/a.csv"),
            ("in", "..\\a.csv"),
            ("in", "a\0.csv"),
            ("in", "a\n.csv"),
            ("../etc", "a.csv"),
            ("/srv/in/../../etc", "a.csv"),
            ("in\\..", "a.csv"),
            ("..", "a.csv"),
        ] {
            let err = remote_paths(dir, name).unwrap_err();
            assert!(matches!(err, DeliveryError::Rejected(_)), "{dir:?} {name:?}");
        }
    }
}
