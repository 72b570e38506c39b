//! Reading back the small JSON states that `checkpoint_state` returns.
//!
//! A state comes from storage, possibly written by an older worker, so a
//! missing or mistyped field is an error rather than a guess: guessing would
//! duplicate or drop a header in a file that is already half uploaded.

use ferry_core::ports::format::FormatError;

/// The boolean field `name` of a resume state.
pub(crate) fn flag(state: &serde_json::Value, name: &str) -> Result<bool, FormatError> {
    state
        .get(name)
        .and_then(serde_json::Value::as_bool)
        .ok_or_else(|| FormatError::Invalid(format!("resume state lacks the boolean field `{name}`: {state}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_or_mistyped_flag_is_an_error() {
        assert!(flag(&serde_json::json!({"x": true}), "x").unwrap());
        assert!(!flag(&serde_json::json!({"x": false}), "x").unwrap());
        assert!(flag(&serde_json::json!({}), "x").is_err());
        assert!(flag(&serde_json::json!({"x": "true"}), "x").is_err());
    }
}
