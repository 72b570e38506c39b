//! `DeliveryStore`: an export's deliveries in its own partition
//! (`DLV#<export>`, sorted by the zero-padded destination index), so the
//! list is one Query in destination order and "one delivery per (export,
//! destination)" is a put conditional on the item's absence. A pointer item
//! (`DLVID#<id>`) written in the same transaction finds a delivery by id
//! with strongly consistent reads. A link is found through `gsi1`
//! (`LINK#<token hash>`, sparse). Updates are conditional on `version` and
//! on the id, so the export and destination of a delivery never change.

use async_trait::async_trait;
use ferry_core::model::delivery::Delivery;
use ferry_core::ports::delivery_store::DeliveryStore;
use ferry_core::PortError;

use super::codec::{get_n, get_s, key, n, next_version, s, versioned, Expr, Item, ItemBuilder};
use super::query::{Range, Stream};
use super::store::{DynamoStore, TxOutcome};
use super::table::Index;

fn slot_key(export_id: &str, destination: u32) -> (String, String) {
    (format!("DLV#{export_id}"), format!("{destination:010}"))
}

fn pointer_key(id: &str) -> Item {
    key(format!("DLVID#{id}"), "DLVID")
}

fn item(d: &Delivery) -> Result<Item, PortError> {
    let (pk, sk) = slot_key(&d.export_id, d.destination);
    let mut b = ItemBuilder::new(pk, sk).text("id", &d.id).version(d.version);
    if let Some(hash) = &d.link_token_hash {
        b = b.index(Index::Gsi1, format!("LINK#{hash}"), &d.id);
    }
    Ok(b.doc(&format!("delivery {}", d.id), d)?.build())
}

fn decode(item: &Item) -> Result<Delivery, PortError> {
    versioned(item, |d: &mut Delivery, v| d.version = v)
}

#[async_trait]
impl DeliveryStore for DynamoStore {
    async fn insert_delivery(&self, d: &Delivery) -> Result<bool, PortError> {
        let mut pointer = pointer_key(&d.id);
        pointer.insert("exportId".into(), s(&d.export_id));
        pointer.insert("destination".into(), n(u64::from(d.destination)));
        let writes = vec![self.tx_put(item(d)?, Some(Expr::absent()))?, self.tx_put(pointer, Some(Expr::absent()))?];
        match self.transact(writes).await? {
            TxOutcome::Committed => Ok(true),
            outcome if outcome.refused_at(0) => Ok(false),
            _ => Err(PortError::Conflict(format!("delivery {} already exists", d.id))),
        }
    }

    async fn get_delivery(&self, id: &str) -> Result<Option<Delivery>, PortError> {
        let Some(p) = self.get(pointer_key(id)).await? else { return Ok(None) };
        let destination = u32::try_from(get_n(&p, "destination")?).map_err(PortError::backend)?;
        let (pk, sk) = slot_key(get_s(&p, "exportId")?, destination);
        let Some(found) = self.get(key(pk, sk)).await? else { return Ok(None) };
        Ok(Some(decode(&found)?).filter(|d| d.id == id))
    }

    async fn update_delivery(&self, d: &mut Delivery) -> Result<bool, PortError> {
        let next = next_version(&format!("delivery {}", d.id), d.version)?;
        let mut stored = d.clone();
        stored.version = next;
        let same_id = Expr::new("#id = :id").name("#id", "id").value(":id", s(&d.id));
        let written = self.put(item(&stored)?, Some(Expr::at_version(d.version).and(same_id))).await?;
        if written {
            d.version = next;
        }
        Ok(written)
    }

    async fn list_deliveries(&self, export_id: &str) -> Result<Vec<Delivery>, PortError> {
        let (pk, _) = slot_key(export_id, 0);
        let items = self.collect(&Stream::new(Index::Table, pk, true), Range::All, usize::MAX).await?;
        items.iter().map(decode).collect()
    }

    /// Through an index: a link is clicked long after it was stored, so the
    /// index's eventual consistency does not show.
    async fn find_link(&self, token_hash: &str) -> Result<Option<Delivery>, PortError> {
        let items = self.collect(&Stream::new(Index::Gsi1, format!("LINK#{token_hash}"), true), Range::All, 1).await?;
        items.first().map(decode).transpose()
    }
}
