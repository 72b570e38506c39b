//! A schedule's destinations when it is saved: each keeps its id and the
//! secrets of the stored destination with that id (`secrets`), a new one
//! gets an id, every field is checked with errors naming it
//! (`checks`), and defaults that depend on settings filled in. So a bad
//! address or an unknown placeholder is a 400 now, not a failed delivery at 3 a.m.

mod checks;
mod s3_checks;
mod secrets;

use crate::error::{CoreError, FieldError};
use crate::model::destination::{Destination, DestinationDraft, DestinationInput, DEFAULT_SUMMARY_ROWS};
use crate::model::ids::IdKind;
use crate::model::schedule_destination::ScheduleDestination;
use crate::model::settings::Settings;
use crate::ports::IdGenerator;

/// A destination as a request sends it: the `id` it was read back with, if any.
pub type SentDestination = (Option<String>, DestinationDraft);

/// Destinations a schedule may have.
pub const MAX_DESTINATIONS: usize = 20;

/// Reads the destinations of a request, every error named by its path.
pub fn parse_destinations(sent: &[DestinationInput]) -> Result<Vec<SentDestination>, CoreError> {
    if sent.len() > MAX_DESTINATIONS {
        return Err(CoreError::invalid("destinations", format!("at most {MAX_DESTINATIONS} destinations")));
    }
    let mut errors = Vec::new();
    let mut out = Vec::with_capacity(sent.len());
    for (i, d) in sent.iter().enumerate() {
        match d.parse(&format!("destinations[{i}]")) {
            Ok(d) => out.push(d),
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(CoreError::invalid_fields(errors))
    }
}

/// One destination as a request sends it (no stored one to keep secrets
/// from), parsed into the domain type with the defaults settings give and
/// every check a save makes; errors name fields under `field` (`destination`).
pub fn parse_destination(
    field: &str,
    input: &DestinationInput,
    settings: &Settings,
) -> Result<Destination, Vec<FieldError>> {
    let (_, draft) = input.parse(field).map_err(|e| vec![e])?;
    let d = secrets::keep_stored_secrets(field, draft, None)?;
    let d = normalized(d.into_destination(field)?, settings);
    let errors = checks::check_destination(field, &d, settings);
    if errors.is_empty() {
        Ok(d)
    } else {
        Err(errors)
    }
}

/// The destinations to store for `sent` (a POST or PUT body), given the
/// `stored` ones of the schedule being replaced (None for a new one). On a
/// PUT a destination sent with its `id` is that stored destination, wherever
/// it now stands: it keeps the id and its stored secrets; an id the schedule
/// does not have is a 400 naming it. A destination without id is new and gets
/// one; so does every destination of a new schedule (ids sent to a POST, as
/// from a copied GET, are read-only fields and ignored).
pub fn prepare_destinations(
    sent: Vec<SentDestination>,
    stored: Option<&[ScheduleDestination]>,
    settings: &Settings,
    ids: &dyn IdGenerator,
) -> Result<Vec<ScheduleDestination>, CoreError> {
    if sent.len() > MAX_DESTINATIONS {
        return Err(CoreError::invalid("destinations", format!("at most {MAX_DESTINATIONS} destinations")));
    }
    let mut errors: Vec<FieldError> = Vec::new();
    let mut out = Vec::with_capacity(sent.len());
    let mut claimed: Vec<String> = Vec::new();
    for (i, (id, d)) in sent.into_iter().enumerate() {
        let field = format!("destinations[{i}]");
        let before = match (stored, id) {
            (Some(stored), Some(id)) => match stored.iter().find(|s| s.id == id) {
                Some(_) if claimed.contains(&id) => {
                    errors
                        .push(FieldError::new(format!("{field}.id"), "names a destination given earlier in the list"));
                    continue;
                }
                Some(s) => {
                    claimed.push(id);
                    Some(s)
                }
                None => {
                    errors.push(FieldError::new(
                        format!("{field}.id"),
                        "is not a destination of this schedule; leave id out for a new destination",
                    ));
                    continue;
                }
            },
            _ => None,
        };
        let d = match secrets::keep_stored_secrets(&field, d, before.map(|b| &b.destination)) {
            Ok(d) => d,
            Err(mut e) => {
                errors.append(&mut e);
                continue;
            }
        };
        let d = match d.into_destination(&field) {
            Ok(d) => normalized(d, settings),
            Err(mut e) => {
                errors.append(&mut e);
                continue;
            }
        };
        errors.extend(checks::check_destination(&field, &d, settings));
        let id = before.map(|b| b.id.clone()).unwrap_or_else(|| ids.new_id(IdKind::Destination));
        out.push(ScheduleDestination { id, destination: d });
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(CoreError::invalid_fields(errors))
    }
}

/// Fills in defaults that come from settings, and the summary rows of an
/// email destination saved without them (stored ones that lack them stay at 0).
fn normalized(d: Destination, settings: &Settings) -> Destination {
    match d {
        Destination::Email(mut e) => {
            e.summary_rows = Some(e.summary_rows.unwrap_or(DEFAULT_SUMMARY_ROWS));
            Destination::Email(e)
        }
        Destination::Link(mut l) => {
            l.retention_days = Some(l.retention_days.unwrap_or(settings.default_retention_days));
            Destination::Link(l)
        }
        other => other,
    }
}

#[cfg(test)]
mod tests;
