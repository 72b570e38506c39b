//! The `dataset` report over a Confluence connection: the chosen entities
//! read one after another (`entities::read_page`), each row led by its
//! entity's name for the dataset's zip writer. The cursor says which entity
//! is being read, where in it, and (when `users` is chosen) the accounts
//! seen so far, so an export resumes exactly where its last checkpoint was.

use std::collections::{BTreeMap, BTreeSet};

use async_trait::async_trait;
use ferry_core::model::value::{Row, Value};
use ferry_core::ports::source::{RowSource, SourceError, SourcePage};
use serde::{Deserialize, Serialize};

use super::client::ConfluenceClient;
use super::entities::{read_page, ConfluenceEntity, EntityCursor, ReadOptions};

pub struct ConfluenceDataset {
    client: ConfluenceClient,
    entities: Vec<ConfluenceEntity>,
    options: ReadOptions,
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct DatasetCursor {
    /// The entity being read (its name, so a cursor names what it reads).
    entity: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    at: Option<EntityCursor>,
    #[serde(skip_serializing_if = "BTreeSet::is_empty")]
    accounts: BTreeSet<String>,
    /// Rows read so far per entity: the export's progress shows them
    /// (`ferry_core::model::dataset::DatasetProgress`).
    rows: BTreeMap<String, u64>,
}

impl ConfluenceDataset {
    pub fn new(client: ConfluenceClient, entities: Vec<ConfluenceEntity>, options: ReadOptions) -> Self {
        ConfluenceDataset { client, entities, options }
    }

    fn wants_users(&self) -> bool {
        self.entities.contains(&ConfluenceEntity::Users)
    }
}

#[async_trait]
impl RowSource for ConfluenceDataset {
    async fn total(&mut self) -> Result<Option<u64>, SourceError> {
        Ok(None)
    }

    async fn page(&mut self, cursor: Option<&serde_json::Value>) -> Result<SourcePage, SourceError> {
        let mut c: DatasetCursor = match cursor {
            Some(v) => serde_json::from_value(v.clone())
                .map_err(|e| SourceError::Failed(format!("the export's saved position is unreadable: {e}")))?,
            None => DatasetCursor::default(),
        };
        let index = match self.entities.iter().position(|e| e.name() == c.entity) {
            Some(i) => i,
            None if cursor.is_none() => 0,
            None => return Err(SourceError::Failed(format!("the export's saved position names {}", c.entity))),
        };
        let Some(&entity) = self.entities.get(index) else {
            return Ok(SourcePage { rows: Vec::new(), next: None });
        };
        let accounts: Vec<String> =
            if entity == ConfluenceEntity::Users { c.accounts.iter().cloned().collect() } else { Vec::new() };
        let page = read_page(&self.client, entity, c.at.as_ref(), &self.options, &accounts).await?;
        if self.wants_users() && entity != ConfluenceEntity::Users {
            c.accounts.extend(page.accounts);
        }
        *c.rows.entry(entity.name().to_string()).or_default() += page.rows.len() as u64;
        let rows: Vec<Row> = page
            .rows
            .into_iter()
            .map(|cells| std::iter::once(Value::Text(entity.name().to_string())).chain(cells).collect())
            .collect();
        let next = match page.next {
            Some(at) => Some((entity, Some(at))),
            None => self.entities.get(index + 1).map(|e| (*e, None)),
        };
        let next = next.map(|(e, at)| {
            c.entity = e.name().to_string();
            c.at = at;
            serde_json::to_value(&c).unwrap_or_default()
        });
        Ok(SourcePage { rows, next })
    }
}
