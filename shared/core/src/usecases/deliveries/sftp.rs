//! The SFTP channel: the destination as an `SftpTarget`, the remote name from
//! its `fileName` template (default: the export's file name), and the file
//! streamed from the file store. The adapter checks the host key, writes a
//! `.part` file and renames it.

use super::context::AttemptContext;
use crate::model::destination::SftpDestination;
use crate::ports::delivery::{DeliveryError, Sent};
use crate::ports::sftp_client::SftpTarget;
use crate::usecases::templates::safe_file_name;

pub(super) async fn upload_sftp(cx: &AttemptContext<'_>, dest: &SftpDestination) -> Result<Sent, DeliveryError> {
    let target = SftpTarget {
        host: dest.host.clone(),
        port: dest.port,
        username: dest.username.clone(),
        password: dest.password.clone(),
        private_key: dest.private_key.clone(),
        host_key_fingerprint: dest.host_key_fingerprint.clone(),
        directory: dest.directory.clone(),
        file_name: remote_name(cx, dest)?,
        allow_private_networks: cx.settings.allow_private_networks,
    };
    let body = cx.ports.files.read(&cx.file_key).await.map_err(|err| {
        tracing::warn!(error = %err, "reading an export's file for SFTP");
        DeliveryError::Failed("the file could not be read from storage".into())
    })?;
    let bytes = cx.ports.sftp.upload(&target, body).await?;
    let dir = target.directory.trim_end_matches('/');
    Ok(Sent { bytes, answer: format!("SFTP {}: written and renamed to {dir}/{}", target.host, target.file_name) })
}

/// The remote file name: never a path, and `.zip` for a zipped export.
fn remote_name(cx: &AttemptContext<'_>, dest: &SftpDestination) -> Result<String, DeliveryError> {
    let Some(template) = &dest.file_name else { return Ok(cx.file_name()) };
    let rendered = cx.placeholders.render(template).map_err(|e| DeliveryError::Rejected(format!("fileName: {e}")))?;
    let name = safe_file_name(&rendered);
    Ok(if cx.export.compress && !name.to_ascii_lowercase().ends_with(".zip") { format!("{name}.zip") } else { name })
}
