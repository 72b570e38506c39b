//! The schedule form's secrets when it moves, removes or adds destinations.
//!
//! The API keeps a write-only secret left out (or sent as `***`) from the
//! stored destination *at the same index*. A form that moved a row would
//! give it its new neighbour's secret (or refuse). The form knows where each
//! row came from (its position when the form was drawn: its origin), so
//! before the body goes through the API's rules each row's kept secrets are
//! filled in from the stored destination it came from, and a row that has
//! none (a new one, or one whose origin had none) says so with `""`, so it
//! never inherits the secret of whatever was stored at its new index.
//!
//! Once destinations carry their own ids and the API keeps secrets by id,
//! this is no longer needed: the form sends the id, and the API does it.

use serde_json::{Map, Value as Json};

use crate::error::CoreError;
use crate::model::api_key::Principal;
use crate::model::destination::MASK;
use crate::usecases::schedules::load_schedule;
use crate::Ports;

/// The write-only fields of each destination type.
fn secret_fields(kind: &str) -> &'static [&'static str] {
    match kind {
        "sftp" => &["password", "privateKey"],
        "webhook" => &["secret"],
        "s3" => &["secretAccessKey"],
        _ => &[],
    }
}

/// Fills the kept secrets of `destinations` (the body's JSON list, in the
/// form's order) from the stored destinations of schedule `id` that each row
/// came from (`origins[i]`: the stored index of row `i`; None for a new row).
/// `id` None (a new schedule): rows have no stored secrets to keep.
pub async fn carry_moved_secrets(
    ports: &Ports,
    actor: &Principal,
    id: Option<&str>,
    destinations: &mut Json,
    origins: &[Option<usize>],
) -> Result<(), CoreError> {
    let stored: Vec<Json> = match id {
        Some(id) => load_schedule(ports, actor, id)
            .await?
            .destinations
            .iter()
            .map(|d| serde_json::to_value(d).unwrap_or_default())
            .collect(),
        None => Vec::new(),
    };
    let Some(rows) = destinations.as_array_mut() else { return Ok(()) };
    for (i, row) in rows.iter_mut().enumerate() {
        let Some(row) = row.as_object_mut() else { continue };
        let origin = origins.get(i).copied().flatten().and_then(|o| stored.get(o)).and_then(Json::as_object);
        let origin = origin.filter(|o| o.get("type") == row.get("type"));
        fill_row(row, origin);
    }
    Ok(())
}

fn fill_row(row: &mut Map<String, Json>, origin: Option<&Map<String, Json>>) {
    let kind = row.get("type").and_then(Json::as_str).unwrap_or_default().to_string();
    for field in secret_fields(&kind) {
        let sent = row.get(*field).and_then(Json::as_str);
        if matches!(sent, None | Some(MASK)) {
            let kept = origin.and_then(|o| o.get(*field)).filter(|v| v.is_string()).cloned();
            match (kept, sent) {
                (Some(value), _) => {
                    row.insert((*field).to_string(), value);
                }
                // `***` with nothing to keep: the API's error says so.
                (None, Some(MASK)) => {}
                (None, _) => {
                    row.insert((*field).to_string(), Json::String(String::new()));
                }
            }
        }
    }
    let stored_headers = origin.and_then(|o| o.get("headers")).and_then(Json::as_object);
    if let (Some(Json::Object(headers)), Some(stored)) = (row.get_mut("headers"), stored_headers) {
        for (name, value) in headers.iter_mut() {
            if value.as_str() == Some(MASK) {
                if let Some((_, kept)) = stored.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)) {
                    *value = kept.clone();
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_moved_row_keeps_its_own_secrets_and_a_new_row_inherits_none() {
        let stored = json!({"type": "webhook", "url": "https://a", "secret": "s-a", "headers": {"X-Key": "k-a"}});
        let mut moved = json!({"type": "webhook", "url": "https://a", "secret": "***", "headers": {"x-key": "***"}})
            .as_object()
            .unwrap()
            .clone();
        fill_row(&mut moved, stored.as_object());
        assert_eq!(moved["secret"], "s-a");
        assert_eq!(moved["headers"]["x-key"], "k-a");
        let mut new = json!({"type": "sftp", "host": "h"}).as_object().unwrap().clone();
        fill_row(&mut new, None);
        assert_eq!((new["password"].as_str(), new["privateKey"].as_str()), (Some(""), Some("")));
        let mut typed = json!({"type": "webhook", "secret": "new"}).as_object().unwrap().clone();
        fill_row(&mut typed, stored.as_object());
        assert_eq!(typed["secret"], "new", "a typed secret replaces the stored one");
    }
}
