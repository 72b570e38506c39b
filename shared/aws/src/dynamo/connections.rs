//! `ConnectionStore`: connections in the `CON` partition (id order for the
//! admin's list), and in `gsi1` under `CON#U#<owner>` (user scope) or
//! `CON#SITE` (site scope), so a member's "mine plus the site's" list is two
//! Queries merged by id.

use async_trait::async_trait;
use ferry_core::model::connection::{Connection, ConnectionScope};
use ferry_core::model::page::{Page, PageRequest};
use ferry_core::ports::connection_store::ConnectionStore;
use ferry_core::PortError;

use super::codec::{from_doc, key, Expr, Item, ItemBuilder};
use super::query::{merge_ascending, Range, Stream};
use super::store::DynamoStore;
use super::table::Index;
use ferry_core::model::page_cursor::{PagePosition, PagedList};

const CONNECTIONS: &str = "CON";
const SITE: &str = "CON#SITE";

fn owner_partition(owner: &str) -> String {
    format!("CON#U#{owner}")
}

fn item(c: &Connection) -> Result<Item, PortError> {
    let visible = match c.scope {
        ConnectionScope::User => owner_partition(&c.owner),
        ConnectionScope::Site => SITE.to_string(),
    };
    Ok(ItemBuilder::new(CONNECTIONS, &c.id)
        .index(Index::Gsi1, visible, &c.id)
        .doc(&format!("connection {}", c.id), c)?
        .build())
}

#[async_trait]
impl ConnectionStore for DynamoStore {
    async fn insert_connection(&self, c: &Connection) -> Result<(), PortError> {
        if self.put(item(c)?, Some(Expr::absent())).await? {
            Ok(())
        } else {
            Err(PortError::Conflict(format!("connection {} already exists", c.id)))
        }
    }

    async fn get_connection(&self, id: &str) -> Result<Option<Connection>, PortError> {
        self.get(key(CONNECTIONS, id)).await?.as_ref().map(from_doc).transpose()
    }

    /// `PortError::NotFound` when no connection has this id (nothing is created).
    async fn update_connection(&self, c: &Connection) -> Result<(), PortError> {
        if self.put(item(c)?, Some(Expr::present())).await? {
            Ok(())
        } else {
            Err(PortError::NotFound(format!("connection {}", c.id)))
        }
    }

    async fn delete_connection(&self, id: &str) -> Result<bool, PortError> {
        Ok(self.delete(key(CONNECTIONS, id), None).await?.is_some())
    }

    async fn list_connections(&self, owner: Option<&str>, page: &PageRequest) -> Result<Page<Connection>, PortError> {
        let pos = PagePosition::read(PagedList::Connections, &[owner.unwrap_or("*")], page)?;
        let range = pos.after.clone().map_or(Range::All, Range::After);
        let items = match owner {
            None => self.collect(&Stream::new(Index::Table, CONNECTIONS, true), range, pos.want).await?,
            Some(owner) => {
                let own = Stream::new(Index::Gsi1, owner_partition(owner), true);
                let site = Stream::new(Index::Gsi1, SITE, true);
                let (own, site) = futures::try_join!(
                    self.collect(&own, range.clone(), pos.want),
                    self.collect(&site, range, pos.want)
                )?;
                let decode = |items: Vec<Item>| items.iter().map(from_doc).collect::<Result<Vec<Connection>, _>>();
                let merged = merge_ascending(decode(own)?, decode(site)?, pos.want, |c| &c.id);
                return Ok(pos.finish(merged, |c| &c.id));
            }
        };
        let connections = items.iter().map(from_doc).collect::<Result<Vec<Connection>, _>>()?;
        Ok(pos.finish(connections, |c| &c.id))
    }
}
