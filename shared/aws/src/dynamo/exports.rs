//! `ExportStore`: exports in the `EXP` partition (newest first for the
//! admin's unfiltered list), and in one index per list filter: `gsi1` by
//! report, `gsi2` by schedule (sparse), `gsi3` by creator, `gsi4` by status.
//! A list Queries the index of its most selective filter (schedule, report,
//! creator, status) and applies the others as a FilterExpression. Updates are
//! conditional on `version`; the report's slot is its own item.

use async_trait::async_trait;
use ferry_core::model::export::{Export, ExportStatus};
use ferry_core::model::page::{Page, PageRequest};
use ferry_core::ports::export_store::{CreateOutcome, ExportFilter, ExportStore};
use ferry_core::PortError;

use super::codec::{key, next_version, s, versioned, Expr, Item, ItemBuilder};
use super::query::{Range, Stream};
use super::slots;
use super::store::{DynamoStore, TxOutcome};
use super::table::Index;
use ferry_core::model::page_cursor::{PagePosition, PagedList};

pub(super) const EXPORTS: &str = "EXP";

const ACTIVE: [ExportStatus; 3] = [ExportStatus::Queued, ExportStatus::Running, ExportStatus::Cancelling];

fn status_partition(status: ExportStatus) -> String {
    format!("EXP#S#{}", status.as_str())
}

/// The stored item of an export (at its own `version`).
pub(super) fn item(e: &Export) -> Result<Item, PortError> {
    let mut b = ItemBuilder::new(EXPORTS, &e.id)
        .text("reportId", &e.report_id)
        .opt_text("scheduleId", e.schedule_id.as_deref())
        .text("createdBy", &e.created_by)
        .text("owner", &e.owner)
        .text("status", e.status.as_str())
        .index(Index::Gsi1, format!("EXP#R#{}", e.report_id), &e.id)
        .index(Index::Gsi3, format!("EXP#C#{}", e.created_by), &e.id)
        .index(Index::Gsi4, status_partition(e.status), &e.id)
        .version(e.version);
    if let Some(schedule_id) = &e.schedule_id {
        b = b.index(Index::Gsi2, format!("EXP#H#{schedule_id}"), &e.id);
    }
    Ok(b.doc(&format!("export {}", e.id), e)?.build())
}

fn decode(item: &Item) -> Result<Export, PortError> {
    versioned(item, |e: &mut Export, v| e.version = v)
}

/// The stream a filter is served by: the index of its most selective field,
/// the other fields as a filter expression.
fn stream_of(filter: &ExportFilter) -> Stream {
    let mut rest: Vec<(&str, &str, String)> = Vec::new();
    let mut add = |attr: &'static str, placeholder: &'static str, value: Option<String>| {
        if let Some(v) = value {
            rest.push((attr, placeholder, v));
        }
    };
    add("scheduleId", "schedule", filter.schedule_id.clone());
    add("reportId", "report", filter.report_id.clone());
    add("createdBy", "creator", filter.created_by.clone());
    add("status", "status", filter.status.map(|st| st.as_str().to_string()));
    if rest.is_empty() {
        return Stream::new(Index::Table, EXPORTS, false);
    }
    let (attr, _, value) = rest.remove(0);
    let (index, partition) = match attr {
        "scheduleId" => (Index::Gsi2, format!("EXP#H#{value}")),
        "reportId" => (Index::Gsi1, format!("EXP#R#{value}")),
        "createdBy" => (Index::Gsi3, format!("EXP#C#{value}")),
        _ => (Index::Gsi4, format!("EXP#S#{value}")),
    };
    let filter = rest.into_iter().fold(None::<Expr>, |acc, (attr, placeholder, value)| {
        let clause = Expr::new(format!("#f_{placeholder} = :f_{placeholder}"))
            .name(&format!("#f_{placeholder}"), attr)
            .value(&format!(":f_{placeholder}"), s(value));
        Some(match acc {
            Some(acc) => acc.and(clause),
            None => clause,
        })
    });
    Stream::new(index, partition, false).filtered(filter)
}

#[async_trait]
impl ExportStore for DynamoStore {
    async fn create_export(&self, e: &Export, take_slot: bool) -> Result<CreateOutcome, PortError> {
        let duplicate = || PortError::Conflict(format!("export {} already exists", e.id));
        if !take_slot {
            return if self.put(item(e)?, Some(Expr::absent())).await? {
                Ok(CreateOutcome::Created)
            } else {
                Err(duplicate())
            };
        }
        for _ in 0..10 {
            let writes = vec![slots::take(self, &e.report_id, &e.id)?, self.tx_put(item(e)?, Some(Expr::absent()))?];
            match self.transact(writes).await? {
                TxOutcome::Committed => return Ok(CreateOutcome::Created),
                outcome if outcome.refused_at(1) => return Err(duplicate()),
                _ => {
                    if let Some(holder) = slots::holder(self, &e.report_id).await? {
                        return Ok(CreateOutcome::SlotBusy(holder));
                    }
                    // Released between the two calls: try again.
                }
            }
        }
        Err(PortError::Conflict(format!("report {}: slot kept changing hands", e.report_id)))
    }

    async fn get_export(&self, id: &str) -> Result<Option<Export>, PortError> {
        self.get(key(EXPORTS, id)).await?.as_ref().map(decode).transpose()
    }

    async fn update_export(&self, e: &mut Export) -> Result<bool, PortError> {
        let next = next_version(&format!("export {}", e.id), e.version)?;
        // The document is written with the version it will have once stored.
        let mut stored = e.clone();
        stored.version = next;
        let written = self.put(item(&stored)?, Some(Expr::at_version(e.version))).await?;
        if written {
            e.version = next;
        }
        Ok(written)
    }

    async fn list_exports(&self, filter: &ExportFilter, page: &PageRequest) -> Result<Page<Export>, PortError> {
        let pos = PagePosition::read(PagedList::Exports, &filter.cursor_scope(), page)?;
        let range = pos.after.clone().map_or(Range::All, Range::After);
        let items = self.collect(&stream_of(filter), range, pos.want).await?;
        let exports = items.iter().map(decode).collect::<Result<Vec<_>, _>>()?;
        Ok(pos.finish(exports, |e| &e.id))
    }

    /// Counts the owner's exports in each active status partition of `gsi4`.
    /// Those hold only unfinished exports (a few per user at any time), so
    /// the owner filter reads little.
    async fn count_active_exports(&self, owner: &str) -> Result<u64, PortError> {
        let mut total = 0;
        for status in ACTIVE {
            let filter = Expr::new("#f_owner = :f_owner").name("#f_owner", "owner").value(":f_owner", s(owner));
            total +=
                self.count(&Stream::new(Index::Gsi4, status_partition(status), true).filtered(Some(filter))).await?;
        }
        Ok(total)
    }

    async fn acquire_slot(&self, report_id: &str, export_id: &str) -> Result<Option<String>, PortError> {
        slots::acquire(self, report_id, export_id).await
    }

    async fn release_slot(&self, report_id: &str, export_id: &str) -> Result<(), PortError> {
        slots::release(self, report_id, export_id).await
    }
}
