//! `DeliveryStore` on the `deliveries` table: `(export_id, destination)` is
//! unique, so a second delivery of the same destination is refused by the
//! database; `link_token_hash` is a unique column for the link lookup;
//! `version` makes the update a one-statement conditional write.

use async_trait::async_trait;
use ferry_core::model::delivery::Delivery;
use ferry_core::ports::delivery_store::DeliveryStore;
use ferry_core::PortError;
use rusqlite::{params, Connection, OptionalExtension};

use super::store::{from_doc, to_doc, to_i64, to_u64, SqliteStore};
use super::versioned::{Versioned, VersionedRow};
use crate::storage_errors::storage_error;

/// The columns a delivery is stored with besides its document.
pub(super) struct DeliveryRow {
    id: String,
    export_id: String,
    destination: i64,
    link_token_hash: Option<String>,
    version: i64,
    doc: String,
}

impl DeliveryRow {
    fn of(d: &Delivery) -> Result<Self, PortError> {
        Ok(DeliveryRow {
            id: d.id.clone(),
            export_id: d.export_id.clone(),
            destination: i64::from(d.destination),
            link_token_hash: d.link_token_hash.clone(),
            version: to_i64(d.version)?,
            doc: to_doc(d)?,
        })
    }
}

impl Versioned for Delivery {
    type Row = DeliveryRow;
    const KIND: &'static str = "delivery";
    fn id(&self) -> &str {
        &self.id
    }
    fn version_mut(&mut self) -> &mut u64 {
        &mut self.version
    }
    fn row(&self) -> Result<DeliveryRow, PortError> {
        DeliveryRow::of(self)
    }
}

impl VersionedRow for DeliveryRow {
    fn update(&self, conn: &Connection, expected: i64) -> rusqlite::Result<usize> {
        conn.execute(
            "UPDATE deliveries SET export_id = ?3, destination = ?4, link_token_hash = ?5,
                    version = ?6, doc = ?7
             WHERE id = ?1 AND version = ?2",
            params![self.id, expected, self.export_id, self.destination, self.link_token_hash, self.version, self.doc],
        )
    }
}

/// A delivery from its document; the `version` column is the truth.
fn decode(doc: &str, version: i64) -> Result<Delivery, PortError> {
    let mut d: Delivery = from_doc(doc)?;
    d.version = to_u64(version)?;
    Ok(d)
}

fn query_one(conn: &Connection, sql: &str, param: &str) -> Result<Option<Delivery>, PortError> {
    let found: Option<(String, i64)> =
        conn.query_row(sql, params![param], |row| Ok((row.get(0)?, row.get(1)?))).optional().map_err(storage_error)?;
    found.map(|(doc, version)| decode(&doc, version)).transpose()
}

#[async_trait]
impl DeliveryStore for SqliteStore {
    async fn insert_delivery(&self, d: &Delivery) -> Result<bool, PortError> {
        let row = DeliveryRow::of(d)?;
        self.call(move |conn| {
            // Only the (export, destination) index is a refusal; a duplicate
            // id or link hash is still an error.
            let inserted = conn
                .execute(
                    "INSERT INTO deliveries (id, export_id, destination, link_token_hash, version, doc)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                     ON CONFLICT (export_id, destination) DO NOTHING",
                    params![row.id, row.export_id, row.destination, row.link_token_hash, row.version, row.doc],
                )
                .map_err(storage_error)?;
            Ok(inserted == 1)
        })
        .await
    }

    async fn get_delivery(&self, id: &str) -> Result<Option<Delivery>, PortError> {
        let id = id.to_string();
        self.call(move |conn| query_one(conn, "SELECT doc, version FROM deliveries WHERE id = ?1", &id)).await
    }

    async fn update_delivery(&self, d: &mut Delivery) -> Result<bool, PortError> {
        self.update_versioned(d).await
    }

    async fn list_deliveries(&self, export_id: &str) -> Result<Vec<Delivery>, PortError> {
        let export_id = export_id.to_string();
        self.call(move |conn| {
            let mut stmt = conn
                .prepare_cached("SELECT doc, version FROM deliveries WHERE export_id = ?1 ORDER BY destination")
                .map_err(storage_error)?;
            let rows = stmt
                .query_map(params![export_id], |row| Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)?)))
                .map_err(storage_error)?;
            rows.map(|r| r.map_err(storage_error).and_then(|(doc, version)| decode(&doc, version))).collect()
        })
        .await
    }

    async fn find_link(&self, token_hash: &str) -> Result<Option<Delivery>, PortError> {
        let hash = token_hash.to_string();
        self.call(move |conn| query_one(conn, "SELECT doc, version FROM deliveries WHERE link_token_hash = ?1", &hash))
            .await
    }
}
