//! The SFTP port: uploads one file to a server whose host key must match.

use async_trait::async_trait;

use super::delivery::DeliveryError;
use super::file_store::ByteStream;

/// Its `Debug` masks the password and the key, so a stray `{:?}` cannot leak them.
#[derive(Clone, PartialEq, Eq)]
pub struct SftpTarget {
    pub host: String,
    pub port: u16,
    pub username: String,
    pub password: Option<String>,
    /// An OpenSSH private key (PEM text).
    pub private_key: Option<String>,
    /// `SHA256:` + unpadded base64 of the SHA-256 of the host key, as `ssh-keygen -lf` prints it.
    pub host_key_fingerprint: String,
    /// Remote folder; the file cannot leave it.
    pub directory: String,
    /// Remote file name (no path separators).
    pub file_name: String,
    pub allow_private_networks: bool,
}

impl std::fmt::Debug for SftpTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mask = |o: &Option<String>| o.as_ref().map(|_| "***");
        f.debug_struct("SftpTarget")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("username", &self.username)
            .field("password", &mask(&self.password))
            .field("private_key", &mask(&self.private_key))
            .field("host_key_fingerprint", &self.host_key_fingerprint)
            .field("directory", &self.directory)
            .field("file_name", &self.file_name)
            .field("allow_private_networks", &self.allow_private_networks)
            .finish()
    }
}

#[async_trait]
pub trait SftpClient: Send + Sync {
    /// Streams `body` to `<directory>/<file_name>.part`, then renames it to
    /// `<file_name>`, so readers never see a partial file. A host key that does
    /// not match is `Rejected`, naming the fingerprint seen, before anything is
    /// sent. Returns the bytes sent.
    async fn upload(&self, target: &SftpTarget, body: ByteStream) -> Result<u64, DeliveryError>;
}
