//! `ScheduleRunStore`: a schedule's runs in its own partition
//! (`RUN#<schedule>`, sorted by run id: the history is one Query, newest
//! first). Claiming an occurrence is one transaction of three or four puts:
//! the occurrence marker (`OCC#<schedule>`/`<date>`, conditional on its
//! absence: this is the idempotency of a firing), the run, the pointer from
//! the export to the run (`RUNX#<schedule>`/`<export>`, for `run_of_export`
//! as a strongly consistent read) and the export itself; a lost claim
//! writes none of them.
//!
//! Markers carry a TTL: EventBridge Scheduler gives up redelivering an event
//! after at most 24 hours, so a marker is only needed for days; an expired
//! one that DynamoDB has not removed yet counts as absent.

use std::time::{SystemTime, UNIX_EPOCH};

use async_trait::async_trait;
use ferry_core::model::export::Export;
use ferry_core::model::page::{Page, PageRequest};
use ferry_core::model::schedule_run::ScheduleRun;
use ferry_core::ports::schedule_run_store::ScheduleRunStore;
use ferry_core::PortError;

use super::codec::{get_s, key, n, next_version, s, versioned, Expr, Item, ItemBuilder, EXPIRES_AT};
use super::exports;
use super::query::{Range, Stream};
use super::store::{DynamoStore, TxOutcome};
use super::table::Index;
use ferry_core::model::page_cursor::{PagePosition, PagedList};

/// How long an occurrence marker is kept.
const MARKER_TTL_SECS: u64 = 30 * 24 * 3600;

fn runs_pk(schedule_id: &str) -> String {
    format!("RUN#{schedule_id}")
}

fn pointer_key(schedule_id: &str, export_id: &str) -> Item {
    key(format!("RUNX#{schedule_id}"), export_id)
}

fn now_secs() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

fn item(r: &ScheduleRun) -> Result<Item, PortError> {
    Ok(ItemBuilder::new(runs_pk(&r.schedule_id), &r.id)
        .opt_text("exportId", r.export_id.as_deref())
        .version(r.version)
        .doc(&format!("run {}", r.id), r)?
        .build())
}

/// The pointer from the run's export to the run, when it has an export.
fn pointer(r: &ScheduleRun) -> Option<Item> {
    let export_id = r.export_id.as_deref()?;
    let mut item = pointer_key(&r.schedule_id, export_id);
    item.insert("runId".into(), s(&r.id));
    Some(item)
}

fn decode(item: &Item) -> Result<ScheduleRun, PortError> {
    versioned(item, |r: &mut ScheduleRun, v| r.version = v)
}

#[async_trait]
impl ScheduleRunStore for DynamoStore {
    async fn claim_run(&self, run: &ScheduleRun, export: Option<&Export>) -> Result<bool, PortError> {
        let mut writes = Vec::new();
        if let Some(day) = run.occurrence_date {
            let now = now_secs();
            let marker = ItemBuilder::new(format!("OCC#{}", run.schedule_id), day.to_string())
                .text("runId", &run.id)
                .attr(EXPIRES_AT, n(now + MARKER_TTL_SECS))
                .build();
            let expired = Expr::new("#expires < :now").name("#expires", EXPIRES_AT).value(":now", n(now));
            writes.push(self.tx_put(marker, Some(Expr::absent().or(expired)))?);
        }
        writes.push(self.tx_put(item(run)?, Some(Expr::absent()))?);
        if let Some(p) = pointer(run) {
            writes.push(self.tx_put(p, None)?);
        }
        if let Some(e) = export {
            writes.push(self.tx_put(exports::item(e)?, Some(Expr::absent()))?);
        }
        match self.transact(writes).await? {
            TxOutcome::Committed => Ok(true),
            outcome if run.occurrence_date.is_some() && outcome.refused_at(0) => Ok(false),
            _ => Err(PortError::Conflict(format!("run {}: its id or its export's id is already stored", run.id))),
        }
    }

    async fn run_of_export(&self, schedule_id: &str, export_id: &str) -> Result<Option<ScheduleRun>, PortError> {
        let Some(p) = self.get(pointer_key(schedule_id, export_id)).await? else { return Ok(None) };
        let Some(item) = self.get(key(runs_pk(schedule_id), get_s(&p, "runId")?)).await? else { return Ok(None) };
        let run = decode(&item)?;
        // A run whose export was changed later leaves its old pointer behind.
        Ok((run.export_id.as_deref() == Some(export_id)).then_some(run))
    }

    async fn update_run(&self, r: &mut ScheduleRun) -> Result<bool, PortError> {
        let next = next_version(&format!("run {}", r.id), r.version)?;
        let mut stored = r.clone();
        stored.version = next;
        let condition = Expr::at_version(r.version);
        let written = match pointer(&stored) {
            None => self.put(item(&stored)?, Some(condition)).await?,
            Some(p) => {
                let writes = vec![self.tx_put(item(&stored)?, Some(condition))?, self.tx_put(p, None)?];
                matches!(self.transact(writes).await?, TxOutcome::Committed)
            }
        };
        if written {
            r.version = next;
        }
        Ok(written)
    }

    async fn list_runs(&self, schedule_id: &str, page: &PageRequest) -> Result<Page<ScheduleRun>, PortError> {
        let pos = PagePosition::read(PagedList::ScheduleRuns, &[schedule_id], page)?;
        let range = pos.after.clone().map_or(Range::All, Range::After);
        let items = self.collect(&Stream::new(Index::Table, runs_pk(schedule_id), false), range, pos.want).await?;
        let runs = items.iter().map(decode).collect::<Result<Vec<_>, _>>()?;
        Ok(pos.finish(runs, |r| &r.id))
    }
}
