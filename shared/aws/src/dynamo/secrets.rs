//! The link key: a random 32-byte secret every Lambda container derives
//! download-link tokens from, created by whichever container asks first
//! (a put conditional on its absence), so the template holds no secret.
//! And the data key stored secrets are sealed under, kept only as KMS
//! wrapped it (`crate::kms_data_key`).

use aws_sdk_dynamodb::primitives::Blob;
use aws_sdk_dynamodb::types::AttributeValue;
use ferry_core::PortError;
use rand::RngCore;

use super::codec::{key, Expr, Item, ItemBuilder};
use super::store::DynamoStore;

const LINK_KEY: &str = "SECRET#link-key";
const WRAPPED_DATA_KEY: &str = "SECRET#data-key";
const SECRET: &str = "SECRET";
const VALUE: &str = "value";
const LEN: usize = 32;

fn value_of(item: &Item) -> Result<Vec<u8>, PortError> {
    match item.get(VALUE) {
        Some(AttributeValue::B(b)) if b.as_ref().len() == LEN => Ok(b.as_ref().to_vec()),
        _ => Err(PortError::backend("the stored link key is not 32 bytes")),
    }
}

impl DynamoStore {
    /// The table's link key, created on first use. Two containers starting
    /// at once both end with the one that was stored first.
    pub async fn link_key(&self) -> Result<Vec<u8>, PortError> {
        self.table_secret(LINK_KEY).await
    }

    /// The data key as KMS wrapped it (`kms_data_key.rs`), if stored.
    pub async fn wrapped_data_key(&self) -> Result<Option<Vec<u8>>, PortError> {
        let item = self.get(key(WRAPPED_DATA_KEY, SECRET)).await?;
        match item.as_ref().and_then(|i| i.get(VALUE)) {
            None => Ok(None),
            Some(AttributeValue::B(b)) => Ok(Some(b.as_ref().to_vec())),
            Some(_) => Err(PortError::backend("the wrapped data key is not binary")),
        }
    }

    /// Stores the wrapped data key unless one is stored; false when another
    /// container stored one first (then that one is the install's).
    pub async fn store_wrapped_data_key(&self, wrapped: &[u8]) -> Result<bool, PortError> {
        let item = ItemBuilder::new(WRAPPED_DATA_KEY, SECRET)
            .attr(VALUE, AttributeValue::B(Blob::new(wrapped.to_vec())))
            .build();
        self.put(item, Some(Expr::absent())).await
    }

    async fn table_secret(&self, pk: &str) -> Result<Vec<u8>, PortError> {
        if let Some(item) = self.get(key(pk, SECRET)).await? {
            return value_of(&item);
        }
        let mut fresh = vec![0u8; LEN];
        rand::rngs::OsRng.fill_bytes(&mut fresh);
        let item = ItemBuilder::new(pk, SECRET).attr(VALUE, AttributeValue::B(Blob::new(fresh.clone()))).build();
        if self.put(item, Some(Expr::absent())).await? {
            return Ok(fresh);
        }
        let stored = self.get(key(pk, SECRET)).await?;
        stored.as_ref().map(value_of).transpose()?.ok_or_else(|| PortError::backend("a table secret vanished"))
    }
}
