//! `ReportStore`: reports in the `REP` partition (id order for the admin's
//! list); in `gsi1` by owner (`REP#O#<owner>`), in `gsi2` when public
//! (`REP#PUBLIC`, sparse), so "own plus public" is two Queries merged by id;
//! in `gsi3` by connection (`REP#C#<connection>`) for "who uses it".

use async_trait::async_trait;
use ferry_core::model::page::{Page, PageRequest};
use ferry_core::model::report::{Report, Visibility};
use ferry_core::ports::report_store::ReportStore;
use ferry_core::PortError;

use super::codec::{from_doc, get_s, key, Expr, Item, ItemBuilder, SK};
use super::query::{merge_ascending, Range, Stream};
use super::store::DynamoStore;
use super::table::Index;
use ferry_core::model::page_cursor::{PagePosition, PagedList};

const REPORTS: &str = "REP";
const PUBLIC: &str = "REP#PUBLIC";

fn owner_partition(owner: &str) -> String {
    format!("REP#O#{owner}")
}

fn connection_partition(connection_id: &str) -> String {
    format!("REP#C#{connection_id}")
}

fn item(r: &Report) -> Result<Item, PortError> {
    let mut b = ItemBuilder::new(REPORTS, &r.id).index(Index::Gsi1, owner_partition(&r.owner), &r.id).index(
        Index::Gsi3,
        connection_partition(&r.connection_id),
        &r.id,
    );
    if r.visibility == Visibility::Public {
        b = b.index(Index::Gsi2, PUBLIC, &r.id);
    }
    Ok(b.doc(&format!("report {}", r.id), r)?.build())
}

fn decode(items: &[Item]) -> Result<Vec<Report>, PortError> {
    items.iter().map(from_doc).collect()
}

#[async_trait]
impl ReportStore for DynamoStore {
    async fn insert_report(&self, r: &Report) -> Result<(), PortError> {
        if self.put(item(r)?, Some(Expr::absent())).await? {
            Ok(())
        } else {
            Err(PortError::Conflict(format!("report {} already exists", r.id)))
        }
    }

    async fn get_report(&self, id: &str) -> Result<Option<Report>, PortError> {
        self.get(key(REPORTS, id)).await?.as_ref().map(from_doc).transpose()
    }

    /// `PortError::NotFound` when no report has this id (nothing is created).
    async fn update_report(&self, r: &Report) -> Result<(), PortError> {
        if self.put(item(r)?, Some(Expr::present())).await? {
            Ok(())
        } else {
            Err(PortError::NotFound(format!("report {}", r.id)))
        }
    }

    async fn delete_report(&self, id: &str) -> Result<bool, PortError> {
        Ok(self.delete(key(REPORTS, id), None).await?.is_some())
    }

    async fn list_reports(&self, visible_to: Option<&str>, page: &PageRequest) -> Result<Page<Report>, PortError> {
        let pos = PagePosition::read(PagedList::Reports, &[visible_to.unwrap_or("*")], page)?;
        let range = pos.after.clone().map_or(Range::All, Range::After);
        let reports = match visible_to {
            None => decode(&self.collect(&Stream::new(Index::Table, REPORTS, true), range, pos.want).await?)?,
            Some(viewer) => {
                let own = Stream::new(Index::Gsi1, owner_partition(viewer), true);
                let public = Stream::new(Index::Gsi2, PUBLIC, true);
                let (own, public) = futures::try_join!(
                    self.collect(&own, range.clone(), pos.want),
                    self.collect(&public, range, pos.want)
                )?;
                merge_ascending(decode(&own)?, decode(&public)?, pos.want, |r| &r.id)
            }
        };
        Ok(pos.finish(reports, |r| &r.id))
    }

    async fn reports_using_connection(&self, connection_id: &str) -> Result<Vec<String>, PortError> {
        let items = self.collect_all(&Stream::new(Index::Gsi3, connection_partition(connection_id), true)).await?;
        items.iter().map(|i| get_s(i, SK).map(str::to_string)).collect()
    }
}
