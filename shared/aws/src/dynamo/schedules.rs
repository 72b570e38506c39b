//! `ScheduleStore`: schedules in the `SCH` partition (id order for the
//! admin's list); in `gsi1` by owner, in `gsi2` by report, and, only while
//! unpaused with a next run, in `gsi4` under the constant partition
//! `SCH#DUE` sorted by `<next run, ms>#<id>`: "what is due" is one Query of
//! that sparse index up to `now`, soonest first. Updates are conditional on
//! `version` (so is the failure counter inside the schedule).

use async_trait::async_trait;
use ferry_core::model::page::{Page, PageRequest};
use ferry_core::model::schedule::Schedule;
use ferry_core::ports::schedule_store::ScheduleStore;
use ferry_core::PortError;
use jiff::Timestamp;

use super::codec::{get_s, key, next_version, versioned, Expr, Item, ItemBuilder, SK};
use super::query::{Range, Stream};
use super::store::DynamoStore;
use super::table::Index;
use ferry_core::model::page_cursor::{PagePosition, PagedList};

const SCHEDULES: &str = "SCH";
const DUE: &str = "SCH#DUE";
const NANOS_PER_MILLI: i128 = 1_000_000;
/// Added to unix milliseconds so every instant jiff can hold (about ±3.8e14
/// ms) is a positive 16-digit number, whose text order is its time order.
const MILLIS_OFFSET: i128 = 1_000_000_000_000_000;

/// `next_run_at` rounded up to the millisecond and `now` rounded down (as in
/// the SQLite store), so a schedule is never due early.
fn due_key(ms: i128) -> String {
    format!("{:016}", ms + MILLIS_OFFSET)
}

fn millis_up(t: Timestamp) -> i128 {
    -(-t.as_nanosecond()).div_euclid(NANOS_PER_MILLI)
}

fn millis_down(t: Timestamp) -> i128 {
    t.as_nanosecond().div_euclid(NANOS_PER_MILLI)
}

fn item(s: &Schedule) -> Result<Item, PortError> {
    let mut b = ItemBuilder::new(SCHEDULES, &s.id)
        .index(Index::Gsi1, format!("SCH#O#{}", s.owner), &s.id)
        .index(Index::Gsi2, format!("SCH#R#{}", s.report_id), &s.id)
        .version(s.version);
    if let (false, Some(next)) = (s.paused, s.next_run_at) {
        b = b.index(Index::Gsi4, DUE, format!("{}#{}", due_key(millis_up(next)), s.id));
    }
    Ok(b.doc(&format!("schedule {}", s.id), s)?.build())
}

fn decode(item: &Item) -> Result<Schedule, PortError> {
    versioned(item, |s: &mut Schedule, v| s.version = v)
}

#[async_trait]
impl ScheduleStore for DynamoStore {
    async fn insert_schedule(&self, s: &Schedule) -> Result<(), PortError> {
        if self.put(item(s)?, Some(Expr::absent())).await? {
            Ok(())
        } else {
            Err(PortError::Conflict(format!("schedule {} already exists", s.id)))
        }
    }

    async fn get_schedule(&self, id: &str) -> Result<Option<Schedule>, PortError> {
        self.get(key(SCHEDULES, id)).await?.as_ref().map(decode).transpose()
    }

    async fn update_schedule(&self, s: &mut Schedule) -> Result<bool, PortError> {
        let next = next_version(&format!("schedule {}", s.id), s.version)?;
        let mut stored = s.clone();
        stored.version = next;
        let written = self.put(item(&stored)?, Some(Expr::at_version(s.version))).await?;
        if written {
            s.version = next;
        }
        Ok(written)
    }

    async fn delete_schedule(&self, id: &str) -> Result<bool, PortError> {
        Ok(self.delete(key(SCHEDULES, id), None).await?.is_some())
    }

    async fn list_schedules(&self, owner: Option<&str>, page: &PageRequest) -> Result<Page<Schedule>, PortError> {
        let pos = PagePosition::read(PagedList::Schedules, &[owner.unwrap_or("*")], page)?;
        let range = pos.after.clone().map_or(Range::All, Range::After);
        let stream = match owner {
            None => Stream::new(Index::Table, SCHEDULES, true),
            Some(owner) => Stream::new(Index::Gsi1, format!("SCH#O#{owner}"), true),
        };
        let items = self.collect(&stream, range, pos.want).await?;
        let schedules = items.iter().map(decode).collect::<Result<Vec<_>, _>>()?;
        Ok(pos.finish(schedules, |s| &s.id))
    }

    async fn schedules_using_report(&self, report_id: &str) -> Result<Vec<String>, PortError> {
        let items = self.collect_all(&Stream::new(Index::Gsi2, format!("SCH#R#{report_id}"), true)).await?;
        items.iter().map(|i| get_s(i, SK).map(str::to_string)).collect()
    }

    async fn due_schedules(&self, now: Timestamp, limit: u32) -> Result<Vec<Schedule>, PortError> {
        // Every key of a due schedule starts with a 16-digit time at or
        // before `now`, so it sorts below the next millisecond's digits.
        let below = Range::Below(due_key(millis_down(now) + 1));
        let items = self.collect(&Stream::new(Index::Gsi4, DUE, true), below, limit as usize).await?;
        items.iter().map(decode).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(ns: i128) -> Timestamp {
        Timestamp::from_nanosecond(ns).expect("valid instant")
    }

    #[test]
    fn due_keys_sort_like_time_and_round_away_from_now() {
        assert_eq!(millis_up(at(5_000_001)), 6);
        assert_eq!(millis_down(at(5_999_999)), 5);
        assert_eq!(millis_up(at(-1)), 0);
        assert_eq!(millis_down(at(-1)), -1);
        let keys: Vec<String> = [Timestamp::MIN, at(-1), at(0), at(1_000_000), Timestamp::MAX]
            .into_iter()
            .map(|t| due_key(millis_down(t)))
            .collect();
        assert!(keys.iter().all(|k| k.len() == 16), "{keys:?}");
        let mut sorted = keys.clone();
        sorted.sort();
        assert_eq!(keys, sorted);
    }
}
