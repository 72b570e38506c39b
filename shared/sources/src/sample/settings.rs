//! Parsing a `sample` connection's settings map into `SampleSettings`, with
//! errors that name the setting (`settings.rows`), as the API reports them.

use ferry_core::model::connection::SampleSettings;
use ferry_core::FieldError;
use serde_json::{Map, Value};

/// Most rows a sample connection may produce.
pub const MAX_ROWS: u64 = 1_000_000_000;
/// Fastest pace a sample connection may be given (faster is the same as unpaced).
pub const MAX_ROWS_PER_SECOND: u64 = 1_000_000;

/// The settings of a `sample` connection; absent values take their defaults.
pub fn parse_settings(settings: &Map<String, Value>) -> Result<SampleSettings, FieldError> {
    let mut parsed = SampleSettings::default();
    for (name, value) in settings {
        match name.as_str() {
            "rows" => {
                parsed.rows = value
                    .as_u64()
                    .filter(|&r| r <= MAX_ROWS)
                    .ok_or_else(|| FieldError::new("settings.rows", "must be a whole number from 0 to 1000000000"))?;
            }
            "seed" => {
                parsed.seed = value.as_u64().ok_or_else(|| {
                    FieldError::new("settings.seed", "must be a whole number from 0 to 18446744073709551615")
                })?;
            }
            "rowsPerSecond" => {
                let rate = value.as_u64().filter(|r| (1..=MAX_ROWS_PER_SECOND).contains(r));
                parsed.rows_per_second = Some(rate.ok_or_else(|| {
                    FieldError::new("settings.rowsPerSecond", "must be a whole number from 1 to 1000000")
                })?);
            }
            other => {
                return Err(FieldError::new(
                    format!("settings.{other}"),
                    "is not a setting of sample connections (they have rows, seed and rowsPerSecond)",
                ))
            }
        }
    }
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn map(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn absent_settings_take_the_defaults() {
        assert_eq!(parse_settings(&Map::new()).unwrap(), SampleSettings::default());
        assert_eq!(
            parse_settings(&map(json!({"rows": 5, "seed": 9}))).unwrap(),
            SampleSettings { rows: 5, seed: 9, rows_per_second: None }
        );
    }

    #[test]
    fn bad_settings_name_their_field() {
        let err = |v| parse_settings(&map(v)).unwrap_err().field;
        assert_eq!(err(json!({"rows": 1_000_000_001u64})), "settings.rows");
        assert_eq!(err(json!({"rows": -1})), "settings.rows");
        assert_eq!(err(json!({"rows": "10"})), "settings.rows");
        assert_eq!(err(json!({"rows": 1.5})), "settings.rows");
        assert_eq!(err(json!({"seed": -3})), "settings.seed");
        assert_eq!(err(json!({"colour": "red"})), "settings.colour");
        assert_eq!(err(json!({"rowsPerSecond": 0})), "settings.rowsPerSecond");
        assert_eq!(err(json!({"rowsPerSecond": 2.5})), "settings.rowsPerSecond");
        let paced = parse_settings(&map(json!({"rows": 50, "rowsPerSecond": 10}))).unwrap();
        assert_eq!(paced.rows_per_second, Some(10));
        assert!(parse_settings(&map(json!({"rows": MAX_ROWS}))).is_ok());
    }
}
