//! Storage of deliveries: one per (export, destination index), versioned
//! updates so two workers never both record the same attempt, and the lookup
//! of a download link by its token's hash.

use async_trait::async_trait;

use crate::model::delivery::Delivery;
use crate::PortError;

#[async_trait]
pub trait DeliveryStore: Send + Sync {
    /// Stores a new delivery, atomically only if its export has no delivery
    /// for the same destination index yet; false (nothing written) otherwise.
    async fn insert_delivery(&self, d: &Delivery) -> Result<bool, PortError>;
    /// The delivery with this id.
    async fn get_delivery(&self, id: &str) -> Result<Option<Delivery>, PortError>;
    /// Writes `d` if the stored version equals `d.version`, then bumps
    /// `d.version`. False (nothing written) when someone else wrote first.
    async fn update_delivery(&self, d: &mut Delivery) -> Result<bool, PortError>;
    /// The deliveries of an export, by destination index.
    async fn list_deliveries(&self, export_id: &str) -> Result<Vec<Delivery>, PortError>;
    /// The delivery whose `link_token_hash` is `token_hash`, if any.
    async fn find_link(&self, token_hash: &str) -> Result<Option<Delivery>, PortError>;
}
