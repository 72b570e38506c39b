//! What `ferry serve` prints to get a person going: shell commands that work
//! when pasted into bash as printed. The key goes in inline (a generated key,
//! shown once) or as `"$FERRY_ADMIN_KEY"` in double quotes, so the shell
//! expands it; the export's id is carried from one command to the next in a
//! shell variable instead of a placeholder to replace by hand.

/// How the printed commands carry the API key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyHint {
    /// The key itself (hex: nothing in it needs quoting).
    Inline(String),
    /// The key is in the environment variable `FERRY_ADMIN_KEY`.
    Variable,
}

impl KeyHint {
    /// The `-H` argument that sends the key.
    fn header(&self) -> String {
        match self {
            KeyHint::Inline(key) => format!("-H 'Authorization: Bearer {key}'"),
            KeyHint::Variable => "-H \"Authorization: Bearer $FERRY_ADMIN_KEY\"".to_string(),
        }
    }
}

/// The commands to try, one per line: with a demo report, start its export,
/// read it back and download its file (curl waits while the export answers
/// 503 with `Retry-After`); without one, list the reports.
pub fn try_it_commands(url: &str, key: &KeyHint, demo_report_id: Option<&str>) -> Vec<String> {
    let auth = key.header();
    match demo_report_id {
        Some(report) => vec![
            format!(
                "EXPORT_ID=$(curl -s -X POST {url}/v1/exports {auth} -H 'Content-Type: application/json' \
                 -d '{{\"reportId\": \"{report}\"}}' | sed -E 's/.*\"id\":\"(exp_[0-9A-Z]+)\".*/\\1/')"
            ),
            format!("curl -s {url}/v1/exports/$EXPORT_ID {auth}"),
            format!("curl -sL --retry 10 -o demo.csv {url}/v1/exports/$EXPORT_ID/download {auth}"),
        ],
        None => vec![format!("curl -s {url}/v1/reports {auth}")],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_variable_is_in_double_quotes_so_the_shell_expands_it() {
        let lines = try_it_commands("http://127.0.0.1:8080", &KeyHint::Variable, None);
        assert_eq!(lines, ["curl -s http://127.0.0.1:8080/v1/reports -H \"Authorization: Bearer $FERRY_ADMIN_KEY\""]);
        for line in try_it_commands("http://h", &KeyHint::Variable, Some("rep_1")) {
            assert!(!line.contains("'Authorization: Bearer $"), "{line}");
            assert!(!line.contains("EXPORT_ID/") || line.contains("$EXPORT_ID/"), "no placeholder left: {line}");
        }
    }

    #[test]
    fn an_inline_key_is_written_as_it_is() {
        let lines = try_it_commands("http://h", &KeyHint::Inline("abc123".into()), Some("rep_1"));
        assert!(lines[0].contains("-H 'Authorization: Bearer abc123'"), "{}", lines[0]);
        assert!(lines[0].contains(r#"-d '{"reportId": "rep_1"}'"#), "{}", lines[0]);
    }
}
