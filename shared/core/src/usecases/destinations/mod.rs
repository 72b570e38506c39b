//! A schedule's destinations when it is saved: secrets kept from the stored
//! schedule (`secrets`), every field checked with errors naming it
//! (`checks`), and defaults that depend on settings filled in. So a bad
//! address or an unknown placeholder is a 400 now, not a failed delivery at 3 a.m.

mod checks;
mod s3_checks;
mod secrets;

pub use s3_checks::bucket_problem;

use crate::error::{CoreError, FieldError};
use crate::model::destination::{Destination, DestinationInput, DEFAULT_SUMMARY_ROWS};
use crate::model::settings::Settings;

/// Destinations a schedule may have.
pub const MAX_DESTINATIONS: usize = 20;

/// Reads the destinations of a request, every error named by its path.
pub fn parse_destinations(sent: &[DestinationInput]) -> Result<Vec<Destination>, CoreError> {
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

/// The destinations to store for `sent` (a POST or PUT body), given the
/// `stored` ones of the schedule being replaced (empty for a new one).
pub fn prepare_destinations(
    sent: Vec<Destination>,
    stored: &[Destination],
    settings: &Settings,
) -> Result<Vec<Destination>, CoreError> {
    if sent.len() > MAX_DESTINATIONS {
        return Err(CoreError::invalid("destinations", format!("at most {MAX_DESTINATIONS} destinations")));
    }
    let mut errors: Vec<FieldError> = Vec::new();
    let mut out = Vec::with_capacity(sent.len());
    for (i, d) in sent.into_iter().enumerate() {
        let field = format!("destinations[{i}]");
        let d = match secrets::keep_stored_secrets(&field, d, stored.get(i)) {
            Ok(d) => d,
            Err(mut e) => {
                errors.append(&mut e);
                continue;
            }
        };
        let d = normalized(d, settings);
        errors.extend(checks::check_destination(&field, &d, settings));
        out.push(d);
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
