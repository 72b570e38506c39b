//! Lists the dashboard shows that the JSON API does not have as such: the
//! caller's schedules with their report's name (searchable by it), and the
//! caller's exports with their report's name, and one of each by id. Same
//! visibility rules as the API: members see their own, admins everything.

use std::collections::HashMap;

use crate::error::CoreError;
use crate::model::api_key::Principal;
use crate::model::page::{Page, PageRequest};
use crate::ports::export_store::ExportFilter;
use crate::usecases::exports::{export_view, ExportView};
use crate::usecases::schedules::{schedule_view, ScheduleView};
use crate::Ports;

/// A schedule and the name of the report it runs.
#[derive(Debug, Clone)]
pub struct ScheduleRow {
    pub schedule: ScheduleView,
    /// None when the report is gone.
    pub report_name: Option<String>,
}

/// An export and the name of its report.
#[derive(Debug, Clone)]
pub struct ExportRow {
    pub export: ExportView,
    pub report_name: Option<String>,
}

/// One page of the caller's schedules whose report name contains `search`
/// (case-insensitive; empty = all). The store pages by id, so a filtered page
/// may hold fewer than `page.size` rows; it is never empty while more follow.
pub async fn schedule_rows(
    ports: &Ports,
    actor: &Principal,
    search: &str,
    mut page: PageRequest,
) -> Result<Page<ScheduleRow>, CoreError> {
    let owner = (!actor.is_admin()).then_some(actor.user.as_str());
    let needle = search.trim().to_lowercase();
    let mut names = ReportNames::default();
    loop {
        let stored = ports.schedules.list_schedules(owner, &page).await?;
        let mut items = Vec::new();
        for s in &stored.items {
            let report_name = names.get(ports, &s.report_id).await?;
            let hit = needle.is_empty() || report_name.as_deref().is_some_and(|n| n.to_lowercase().contains(&needle));
            if hit {
                items.push(ScheduleRow { schedule: schedule_view(ports, s), report_name });
            }
        }
        if !items.is_empty() || stored.next_cursor.is_none() {
            return Ok(Page { items, next_cursor: stored.next_cursor });
        }
        page.cursor = stored.next_cursor;
    }
}

/// One page of the caller's exports, newest first, with report names.
pub async fn export_rows(ports: &Ports, actor: &Principal, page: PageRequest) -> Result<Page<ExportRow>, CoreError> {
    let mut filter = ExportFilter::default();
    if !actor.is_admin() {
        filter.created_by = Some(actor.user.clone());
    }
    let stored = ports.exports.list_exports(&filter, &page).await?;
    let mut names = ReportNames::default();
    let mut items = Vec::with_capacity(stored.items.len());
    for e in &stored.items {
        let report_name = names.get(ports, &e.report_id).await?;
        items.push(ExportRow { export: export_view(ports, e), report_name });
    }
    Ok(Page { items, next_cursor: stored.next_cursor })
}

/// One of the caller's schedules with its report's name (the schedule's own
/// page, and the question before deleting it).
pub async fn schedule_row(ports: &Ports, actor: &Principal, id: &str) -> Result<ScheduleRow, CoreError> {
    let schedule = crate::usecases::schedules::get_schedule(ports, actor, id).await?;
    let report_name = ReportNames::default().get(ports, &schedule.report_id).await?;
    Ok(ScheduleRow { schedule, report_name })
}

/// One of the caller's exports with its report's name (the question before
/// cancelling it).
pub async fn export_row(ports: &Ports, actor: &Principal, id: &str) -> Result<ExportRow, CoreError> {
    let export = crate::usecases::exports::get_export(ports, actor, id).await?;
    let report_name = ReportNames::default().get(ports, &export.report_id).await?;
    Ok(ExportRow { export, report_name })
}

/// Report names looked up once per page.
#[derive(Default)]
struct ReportNames(HashMap<String, Option<String>>);

impl ReportNames {
    async fn get(&mut self, ports: &Ports, id: &str) -> Result<Option<String>, CoreError> {
        if let Some(name) = self.0.get(id) {
            return Ok(name.clone());
        }
        let name = ports.reports.get_report(id).await?.map(|r| r.name);
        self.0.insert(id.to_string(), name.clone());
        Ok(name)
    }
}

/// What every page's frame shows about failures: how many of the caller's
/// schedules need attention (failing, or paused by Ferry), and for admins
/// whether failure notices can reach anyone.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Attention {
    pub schedules: usize,
    pub notices_unmailable: bool,
}

pub async fn attention(ports: &Ports, actor: &Principal) -> Result<Attention, CoreError> {
    let owner = (!actor.is_admin()).then_some(actor.user.as_str());
    let mut page = PageRequest::first(1000);
    let mut schedules = 0;
    loop {
        let stored = ports.schedules.list_schedules(owner, &page).await?;
        schedules += stored.items.iter().filter(|s| s.state().needs_attention()).count();
        match stored.next_cursor {
            Some(c) => page.cursor = Some(c),
            None => break,
        }
    }
    let notices_unmailable =
        actor.is_admin() && crate::usecases::deliveries::notices::notices_unmailable(ports).await?;
    Ok(Attention { schedules, notices_unmailable })
}
