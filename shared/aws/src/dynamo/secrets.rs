//! The link key: a random 32-byte secret every Lambda container derives
//! download-link tokens from, created by whichever container asks first
//! (a put conditional on its absence), so the template holds no secret.

use aws_sdk_dynamodb::primitives::Blob;
use aws_sdk_dynamodb::types::AttributeValue;
use ferry_core::PortError;
use rand::RngCore;

use super::codec::{key, Expr, Item, ItemBuilder};
use super::store::DynamoStore;

const LINK_KEY: &str = "SECRET#link-key";
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
        if let Some(item) = self.get(key(LINK_KEY, SECRET)).await? {
            return value_of(&item);
        }
        let mut fresh = vec![0u8; LEN];
        rand::rngs::OsRng.fill_bytes(&mut fresh);
        let item = ItemBuilder::new(LINK_KEY, SECRET).attr(VALUE, AttributeValue::B(Blob::new(fresh.clone()))).build();
        if self.put(item, Some(Expr::absent())).await? {
            return Ok(fresh);
        }
        let stored = self.get(key(LINK_KEY, SECRET)).await?;
        stored.as_ref().map(value_of).transpose()?.ok_or_else(|| PortError::backend("the link key vanished"))
    }
}
