//! The data key stored secrets are sealed under on AWS (SPEC, Authentication):
//! 32 bytes that KMS generates under the template's key and that the table
//! keeps only wrapped (`SECRET#data-key`). A container unwraps it once, at
//! its cold start, and keeps it for its life, so KMS is asked once per
//! container, not per secret. The first container to find none generates
//! it; when two race, the one stored first wins and the other unwraps it.

use aws_sdk_kms::primitives::Blob;
use aws_sdk_kms::types::DataKeySpec;
use ferry_core::PortError;

use crate::DynamoStore;

fn kms_error(operation: &str, e: impl std::error::Error + Send + Sync + 'static) -> PortError {
    PortError::caused(format!("KMS {operation}: {}", aws_sdk_kms::error::DisplayErrorContext(&e)), e)
}

fn plain_key(bytes: Option<&Blob>) -> Result<[u8; 32], PortError> {
    let bytes = bytes.ok_or_else(|| PortError::backend("KMS returned no plaintext data key"))?;
    bytes.as_ref().try_into().map_err(|_| PortError::backend("the data key is not 32 bytes"))
}

/// The install's data key, unwrapped by KMS key `key_id`.
pub async fn kms_data_key(store: &DynamoStore, kms: &aws_sdk_kms::Client, key_id: &str) -> Result<[u8; 32], PortError> {
    for _ in 0..3 {
        if let Some(wrapped) = store.wrapped_data_key().await? {
            let out = kms
                .decrypt()
                .key_id(key_id)
                .ciphertext_blob(Blob::new(wrapped))
                .send()
                .await
                .map_err(|e| kms_error("Decrypt", e))?;
            return plain_key(out.plaintext());
        }
        let made = kms
            .generate_data_key()
            .key_id(key_id)
            .key_spec(DataKeySpec::Aes256)
            .send()
            .await
            .map_err(|e| kms_error("GenerateDataKey", e))?;
        let wrapped = made.ciphertext_blob().ok_or_else(|| PortError::backend("KMS returned no wrapped data key"))?;
        if store.store_wrapped_data_key(wrapped.as_ref()).await? {
            return plain_key(made.plaintext());
        }
    }
    Err(PortError::backend("the wrapped data key could be neither stored nor read"))
}
