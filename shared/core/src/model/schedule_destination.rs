//! A destination as a schedule holds it: with its identity (`dst_…`), given
//! when it is first saved and kept for as long as it stays in the schedule.
//! Stored secrets, the `deliverWhen: changed` memory and deliveries follow
//! the id, never the position, so moving or removing a destination leaves
//! the others as they are.

use serde::{Deserialize, Serialize};

use super::destination::Destination;
use super::ids::legacy_destination_id;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ScheduleDestination {
    /// Read-only `dst_…`. Empty only while a schedule stored before
    /// destinations had ids is read (see [`adopt_ids`]).
    #[serde(default)]
    pub id: String,
    #[serde(flatten)]
    pub destination: Destination,
}

impl ScheduleDestination {
    /// The destination as answers show it: every secret that is set is `***`.
    pub fn masked(&self) -> ScheduleDestination {
        ScheduleDestination { id: self.id.clone(), destination: self.destination.masked() }
    }
}

/// Gives each destination stored without an id the id derived from the
/// schedule and its index (`legacy_destination_id`), the same one every
/// delivery made to it before names. Called whenever a schedule is read.
pub fn adopt_ids(schedule_id: &str, destinations: &mut [ScheduleDestination]) {
    for (index, d) in destinations.iter_mut().enumerate() {
        if d.id.is_empty() {
            d.id = legacy_destination_id(schedule_id, index as u32);
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn the_id_sits_beside_the_type_and_fields_of_the_destination() {
        let d: ScheduleDestination =
            serde_json::from_value(json!({"id": "dst_01JAAAAAAAAAAAAAAAAAAAAAAA", "type": "link", "notify": []}))
                .unwrap();
        assert_eq!(d.id, "dst_01JAAAAAAAAAAAAAAAAAAAAAAA");
        let back = serde_json::to_value(&d).unwrap();
        assert_eq!(back["id"], "dst_01JAAAAAAAAAAAAAAAAAAAAAAA");
        assert_eq!(back["type"], "link");
        let typo = json!({"id": "dst_01JAAAAAAAAAAAAAAAAAAAAAAA", "type": "link", "notfy": []});
        assert!(serde_json::from_value::<ScheduleDestination>(typo).is_err(), "unknown fields stay refused");
    }

    #[test]
    fn destinations_stored_without_ids_get_the_derived_ones() {
        let mut ds: Vec<ScheduleDestination> =
            serde_json::from_value(json!([{"type": "link"}, {"id": "dst_01JAAAAAAAAAAAAAAAAAAAAAAA", "type": "link"}]))
                .unwrap();
        adopt_ids("sch_1", &mut ds);
        assert_eq!(ds[0].id, legacy_destination_id("sch_1", 0));
        assert_eq!(ds[1].id, "dst_01JAAAAAAAAAAAAAAAAAAAAAAA", "a stored id stays");
    }
}
