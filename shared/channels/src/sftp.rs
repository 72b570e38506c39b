//! The SFTP channel: russh for SSH, russh-sftp for the file protocol.
//!
//! One upload is one connection: resolve the host once and check it (the SSRF
//! guard), connect to that address, verify the host key during the key
//! exchange (before any credential is sent), authenticate with the private
//! key or the password, stream the body into `<name>.part`, then rename it to
//! `<name>`. SFTP v3's rename refuses to replace a file, so a target left by
//! an earlier delivery is deleted first; that gap is a moment in which the
//! file is absent, never one in which it is partial.

use std::net::SocketAddr;
use std::sync::Arc;

use async_trait::async_trait;
use ferry_core::ports::delivery::DeliveryError;
use ferry_core::ports::file_store::ByteStream;
use ferry_core::ports::sftp_client::{SftpClient, SftpTarget};
use futures::StreamExt;
use russh::client::Handle;
use russh::keys::{decode_secret_key, PrivateKeyWithHashAlg};
use russh_sftp::client::error::Error as SftpError;
use russh_sftp::client::SftpSession;
use russh_sftp::protocol::StatusCode;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

use crate::host_key::{ExpectedHostKey, HostKeyCheck};
use crate::network_guard::resolve_checked;
use crate::remote_path::{remote_paths, RemotePaths};
use crate::timeouts::{describe, Timeouts};

#[derive(Debug, Clone, Default)]
pub struct RusshSftpClient {
    timeouts: Timeouts,
}

impl RusshSftpClient {
    /// With the default timeouts (10 s to connect and handshake, 10 min in all).
    pub fn new() -> Self {
        Self::default()
    }

    pub fn with_timeouts(timeouts: Timeouts) -> Self {
        RusshSftpClient { timeouts }
    }
}

#[async_trait]
impl SftpClient for RusshSftpClient {
    async fn upload(&self, target: &SftpTarget, body: ByteStream) -> Result<u64, DeliveryError> {
        // Everything that cannot work is refused before a packet is sent.
        let paths = remote_paths(&target.directory, &target.file_name)?;
        let expected = ExpectedHostKey::parse(&target.host_key_fingerprint)?;
        if target.private_key.is_none() && target.password.is_none() {
            return Err(DeliveryError::Rejected("the SFTP destination has no password or private key".into()));
        }
        let total = self.timeouts.total;
        match tokio::time::timeout(total, self.upload_within_time(target, expected, &paths, body)).await {
            Ok(result) => result,
            // The `.part` may stay behind; the next attempt truncates it.
            Err(_) => Err(DeliveryError::Failed(format!(
                "SFTP upload to {}:{} timed out after {}",
                target.host,
                target.port,
                describe(total)
            ))),
        }
    }
}

impl RusshSftpClient {
    async fn upload_within_time(
        &self,
        target: &SftpTarget,
        expected: ExpectedHostKey,
        paths: &RemotePaths,
        body: ByteStream,
    ) -> Result<u64, DeliveryError> {
        let server = format!("{}:{}", target.host, target.port);
        let connect = self.timeouts.connect;
        let addrs = resolve_checked(&target.host, target.port, target.allow_private_networks, connect).await?;
        let stream = connect_first(&server, &addrs, connect).await?;

        let config = Arc::new(russh::client::Config { nodelay: true, ..Default::default() });
        let (check, seen) = HostKeyCheck::new(expected.clone());
        let handshake = russh::client::connect_stream(config, stream, check);
        let mut handle = match tokio::time::timeout(connect, handshake).await {
            Err(_) => return Err(DeliveryError::Failed(format!("SSH handshake with {server} timed out"))),
            Ok(Ok(handle)) => handle,
            Ok(Err(e)) => {
                let seen = seen.lock().expect("host key lock").clone();
                return Err(match seen {
                    Some(seen) if seen != expected.as_str() => {
                        DeliveryError::Rejected(format!("host key {seen} does not match {}", expected.as_str()))
                    }
                    _ => DeliveryError::Failed(format!("SSH connection to {server} failed: {e}")),
                });
            }
        };

        authenticate(&mut handle, target).await?;
        let result = transfer(&handle, &server, paths, body).await;
        // The file is in place (or not) whatever the goodbye does.
        let _ = handle.disconnect(russh::Disconnect::ByApplication, "", "en").await;
        result
    }
}

async fn connect_first(
    server: &str,
    addrs: &[SocketAddr],
    timeout: std::time::Duration,
) -> Result<TcpStream, DeliveryError> {
    let mut last = String::new();
    for addr in addrs {
        match tokio::time::timeout(timeout, TcpStream::connect(addr)).await {
            Ok(Ok(stream)) => return Ok(stream),
            Ok(Err(e)) => last = e.to_string(),
            Err(_) => last = "timed out".into(),
        }
    }
    Err(DeliveryError::Failed(format!("could not connect to {server}: {last}")))
}

/// The private key if there is one, the password otherwise (or if the key is
/// refused). Failure is `Rejected`: the same credentials fail the same way.
async fn authenticate(handle: &mut Handle<HostKeyCheck>, target: &SftpTarget) -> Result<(), DeliveryError> {
    let user = target.username.as_str();
    let ssh_failed = |e: russh::Error| DeliveryError::Failed(format!("SSH authentication failed: {e}"));
    if let Some(pem) = &target.private_key {
        // The parser's message could quote key material: say only what is wrong.
        let key = decode_secret_key(pem, None).map_err(|_| {
            DeliveryError::Rejected(
                "the private key could not be read (an unencrypted OpenSSH or PEM private key is expected)".into(),
            )
        })?;
        let rsa_hash = handle.best_supported_rsa_hash().await.map_err(ssh_failed)?.flatten();
        let key = PrivateKeyWithHashAlg::new(Arc::new(key), rsa_hash);
        if handle.authenticate_publickey(user, key).await.map_err(ssh_failed)?.success() {
            return Ok(());
        }
    }
    if let Some(password) = &target.password {
        if handle.authenticate_password(user, password).await.map_err(ssh_failed)?.success() {
            return Ok(());
        }
    }
    Err(DeliveryError::Rejected(format!("the SFTP server refused the credentials of {user:?}")))
}

async fn transfer(
    handle: &Handle<HostKeyCheck>,
    server: &str,
    paths: &RemotePaths,
    body: ByteStream,
) -> Result<u64, DeliveryError> {
    let ssh_failed = |e: russh::Error| DeliveryError::Failed(format!("opening SFTP on {server} failed: {e}"));
    let channel = handle.channel_open_session().await.map_err(ssh_failed)?;
    channel.request_subsystem(true, "sftp").await.map_err(ssh_failed)?;
    let sftp = SftpSession::new(channel.into_stream()).await.map_err(|e| sftp_error("starting SFTP", &e))?;

    let result = write_then_rename(&sftp, paths, body).await;
    if result.is_err() {
        // Best effort: a broken connection cannot clean up, and the next
        // attempt truncates the `.part` anyway.
        let _ = sftp.remove_file(paths.part.as_str()).await;
    }
    let _ = sftp.close().await;
    result
}

async fn write_then_rename(
    sftp: &SftpSession,
    paths: &RemotePaths,
    mut body: ByteStream,
) -> Result<u64, DeliveryError> {
    let part = paths.part.as_str();
    let mut file = sftp.create(part).await.map_err(|e| sftp_error(&format!("creating {part}"), &e))?;
    let mut sent = 0u64;
    while let Some(chunk) = body.next().await {
        let chunk = chunk.map_err(|e| {
            // PortError text is for logs only (it may name storage internals).
            tracing::warn!(error = %e, "reading the file to upload failed");
            DeliveryError::Failed("reading the file to deliver failed".into())
        })?;
        file.write_all(&chunk).await.map_err(|e| io_error(&format!("writing {part}"), e))?;
        sent += chunk.len() as u64;
    }
    // Waits for every pending write's acknowledgement, then closes the handle.
    file.shutdown().await.map_err(|e| io_error(&format!("closing {part}"), e))?;
    drop(file);

    let target = paths.target.as_str();
    if let Err(first) = sftp.rename(part, target).await {
        let exists = sftp.try_exists(target).await.unwrap_or(false);
        if !exists {
            return Err(sftp_error(&format!("renaming {part} to {target}"), &first));
        }
        sftp.remove_file(target).await.map_err(|e| sftp_error(&format!("replacing {target}"), &e))?;
        sftp.rename(part, target).await.map_err(|e| sftp_error(&format!("renaming {part} to {target}"), &e))?;
    }
    Ok(sent)
}

/// A missing folder or a permission the server denies will not fix itself;
/// everything else (I/O, timeouts, generic failures) is worth another try.
fn sftp_error(doing: &str, e: &SftpError) -> DeliveryError {
    let text = format!("SFTP {doing}: {e}");
    match e {
        SftpError::Status(status)
            if matches!(status.status_code, StatusCode::NoSuchFile | StatusCode::PermissionDenied) =>
        {
            DeliveryError::Rejected(text)
        }
        _ => DeliveryError::Failed(text),
    }
}

/// russh-sftp's file writes report its own errors inside `io::Error`.
fn io_error(doing: &str, e: std::io::Error) -> DeliveryError {
    match e.get_ref().and_then(|inner| inner.downcast_ref::<SftpError>()) {
        Some(inner) => sftp_error(doing, inner),
        None => DeliveryError::Failed(format!("SFTP {doing}: {e}")),
    }
}
