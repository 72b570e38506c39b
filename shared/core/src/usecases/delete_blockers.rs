//! What stands in the way of a delete the API refuses with 409: the
//! schedules that use a report, the reports that use a connection. The
//! dashboard lists each by name with a link, where the API's message can
//! only name ids. Things the actor may not see are counted, not named.

use crate::error::CoreError;
use crate::model::api_key::Principal;
use crate::recurrence::RecurrenceInput;
use crate::usecases::access::can_read_report;
use crate::Ports;

/// One thing that uses what was to be deleted.
#[derive(Debug, Clone)]
pub enum Blocker {
    /// A schedule of the report: its id and when it runs.
    Schedule { id: String, recurrence: RecurrenceInput },
    /// A report reading with the connection: its id and name.
    Report { id: String, name: String },
    /// One the actor may not see (another user's).
    Hidden,
}

/// The schedules that use report `id`.
pub async fn schedules_using_report(ports: &Ports, actor: &Principal, id: &str) -> Result<Vec<Blocker>, CoreError> {
    let mut out = Vec::new();
    for schedule_id in ports.schedules.schedules_using_report(id).await? {
        out.push(match ports.schedules.get_schedule(&schedule_id).await? {
            Some(s) if actor.is_admin() || s.owner == actor.user => {
                Blocker::Schedule { id: s.id, recurrence: s.recurrence }
            }
            _ => Blocker::Hidden,
        });
    }
    Ok(out)
}

/// The reports that use connection `id`.
pub async fn reports_using_connection(ports: &Ports, actor: &Principal, id: &str) -> Result<Vec<Blocker>, CoreError> {
    let mut out = Vec::new();
    for report_id in ports.reports.reports_using_connection(id).await? {
        out.push(match ports.reports.get_report(&report_id).await? {
            Some(r) if can_read_report(actor, &r) => Blocker::Report { id: r.id, name: r.name },
            _ => Blocker::Hidden,
        });
    }
    Ok(out)
}
