//! Report slots: at most one export per report holds its report's slot item
//! (`SLOT#<report>`), which is how "one running export per report" is
//! enforced: taking it is a put conditional on the item being absent (or
//! already ours), releasing it a delete conditional on it being ours.

use aws_sdk_dynamodb::types::TransactWriteItem;
use ferry_core::PortError;

use super::codec::{get_s, key, s, Expr, ItemBuilder};
use super::store::DynamoStore;

const SLOT: &str = "SLOT";
const HOLDER: &str = "exportId";

fn slot_pk(report_id: &str) -> String {
    format!("SLOT#{report_id}")
}

fn held_by_or_free(export_id: &str) -> Expr {
    Expr::absent().or(Expr::new("#holder = :holder").name("#holder", HOLDER).value(":holder", s(export_id)))
}

/// The transactional write that takes a free slot (fails when held by anyone).
pub(super) fn take(store: &DynamoStore, report_id: &str, export_id: &str) -> Result<TransactWriteItem, PortError> {
    let item = ItemBuilder::new(slot_pk(report_id), SLOT).text(HOLDER, export_id).build();
    store.tx_put(item, Some(Expr::absent()))
}

/// The export holding the slot, if any.
pub(super) async fn holder(store: &DynamoStore, report_id: &str) -> Result<Option<String>, PortError> {
    let item = store.get(key(slot_pk(report_id), SLOT)).await?;
    item.as_ref().map(|i| get_s(i, HOLDER).map(str::to_string)).transpose()
}

/// None when `export_id` holds the slot now; Some(holder) when another does.
pub(super) async fn acquire(
    store: &DynamoStore,
    report_id: &str,
    export_id: &str,
) -> Result<Option<String>, PortError> {
    for _ in 0..10 {
        let item = ItemBuilder::new(slot_pk(report_id), SLOT).text(HOLDER, export_id).build();
        if store.put(item, Some(held_by_or_free(export_id))).await? {
            return Ok(None);
        }
        if let Some(holder) = holder(store, report_id).await? {
            if holder != export_id {
                return Ok(Some(holder));
            }
        }
    }
    Err(PortError::Conflict(format!("report {report_id}: slot kept changing hands")))
}

/// Frees the slot only when `export_id` holds it, so a late release by an
/// export that lost the slot cannot free another export's.
pub(super) async fn release(store: &DynamoStore, report_id: &str, export_id: &str) -> Result<(), PortError> {
    let condition = Expr::new("#holder = :holder").name("#holder", HOLDER).value(":holder", s(export_id));
    store.delete(key(slot_pk(report_id), SLOT), Some(condition)).await?;
    Ok(())
}
