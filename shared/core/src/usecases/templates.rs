//! Placeholders (`{{reportName}}`) in file names, mail subjects and URLs. Only
//! substitution, no logic: a template is checked when it is saved, so an
//! unknown placeholder is a 400 then rather than a failure at 3 a.m.

// The grammar lives in the model (object keys and destinations use it); its
// names stay reachable here.
pub use crate::model::template::{
    canonical, check, file_name_problem, is_disguising, render, safe_file_name, safe_path_value, TemplateError,
    ALL_PLACEHOLDERS, FILE_NAME_PLACEHOLDERS,
};

/// `{{reportDate}}`: ISO-8601 UTC to the millisecond (`2022-03-14T08:42:00.000Z`).
pub fn iso_millis(at: jiff::Timestamp) -> String {
    at.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// `{{runDate}}` and `{{runTime}}`: the run's date (`2026-12-07`) and its
/// time for people (`2026-12-07 09:00 CET`) in `zone`.
pub fn run_date_and_time(at: jiff::Timestamp, zone: &jiff::tz::TimeZone) -> (String, String) {
    let zoned = at.to_zoned(zone.clone());
    (zoned.strftime("%Y-%m-%d").to_string(), zoned.strftime("%Y-%m-%d %H:%M %Z").to_string())
}

/// The value of every placeholder for one finished (or running) export,
/// for mail subjects and bodies, webhook URLs and delivered file names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placeholders {
    values: Vec<(&'static str, String)>,
}

/// Bytes per MB in `{{sizeMb}}` and `maxAttachmentMb`.
pub const BYTES_PER_MB: u64 = 1024 * 1024;

/// RFC 3986 unreserved characters stay; everything else is percent-encoded.
const URL_VALUE: &percent_encoding::AsciiSet =
    &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

impl Placeholders {
    /// Values from the export and its report (None when the report was
    /// deleted); `zone` is the schedule's, for `{{runDate}}` and `{{runTime}}`.
    pub fn for_export(
        report: Option<&crate::model::report::Report>,
        e: &crate::model::export::Export,
        zone: &jiff::tz::TimeZone,
    ) -> Self {
        let bytes = e.bytes.unwrap_or(0);
        let (run_date, run_time) = run_date_and_time(e.created_at, zone);
        let values = vec![
            ("reportName", report.map(|r| r.name.clone()).unwrap_or_else(|| e.report_id.clone())),
            ("reportId", e.report_id.clone()),
            ("reportSlug", report.map(|r| r.slug()).unwrap_or_else(|| "report".into())),
            ("reportDate", iso_millis(e.created_at)),
            ("runDate", run_date),
            ("runTime", run_time),
            ("exportId", e.id.clone()),
            ("query", report.and_then(|r| r.query.clone()).unwrap_or_default()),
            ("format", e.format.as_str().to_string()),
            ("ext", e.format.extension().to_string()),
            ("rows", e.rows.unwrap_or(e.progress.completed).to_string()),
            ("sizeMb", format!("{:.2}", bytes as f64 / BYTES_PER_MB as f64)),
            ("timestamp", e.created_at.strftime("%Y%m%dT%H%M%SZ").to_string()),
            ("fileName", e.file_name.clone().unwrap_or_default()),
        ];
        Placeholders { values }
    }

    /// The value of a placeholder or alias.
    pub fn get(&self, name: &str) -> Option<&str> {
        let name = canonical(name);
        self.values.iter().find(|(n, _)| *n == name).map(|(_, v)| v.as_str())
    }

    /// Renders text (subjects, bodies, file names) with the values as they are.
    pub fn render(&self, template: &str) -> Result<String, TemplateError> {
        render(template, |name| self.get(name).map(str::to_string))
    }

    /// Renders a URL: every value is percent-encoded, so a value cannot add
    /// a path segment, a query parameter or another host.
    pub fn render_url(&self, template: &str) -> Result<String, TemplateError> {
        render(template, |name| self.get(name).map(|v| percent_encoding::utf8_percent_encode(v, URL_VALUE).to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_known_and_rejects_unknown_placeholders() {
        let r = render("{{reportSlug}}_{{ exportId }}.{{ext}}", |n| Some(format!("<{n}>"))).unwrap();
        assert_eq!(r, "<reportSlug>_<exportId>.<ext>");
        assert_eq!(check("{{nope}}.csv", FILE_NAME_PLACEHOLDERS), Err(TemplateError::Unknown("nope".into())));
        assert_eq!(check("{{rows}}", FILE_NAME_PLACEHOLDERS), Err(TemplateError::Unknown("rows".into())));
        assert_eq!(check("{{ext", ALL_PLACEHOLDERS), Err(TemplateError::Unclosed));
    }

    #[test]
    fn file_name_templates_with_paths_or_control_characters_are_refused() {
        for bad in ["../x.csv", "a/b.csv", "a\\b.csv", "..", "x..csv", "a\0b.csv", "a\r\nb.csv", "a\tb", " ", ""] {
            assert!(file_name_problem(bad, FILE_NAME_PLACEHOLDERS).is_some(), "{bad:?}");
        }
        assert!(file_name_problem("{{nope}}.csv", FILE_NAME_PLACEHOLDERS).is_some());
        assert_eq!(
            file_name_problem("{{reportSlug}}_{{exportId}}_{{timestamp}}.{{ext}}", FILE_NAME_PLACEHOLDERS),
            None
        );
        assert_eq!(file_name_problem("Q1 report (final).csv", FILE_NAME_PLACEHOLDERS), None);
    }

    #[test]
    fn url_values_are_percent_encoded_and_text_values_are_not() {
        let p = Placeholders {
            values: vec![("reportName", "Bugs & Ops/2026?x=1".into()), ("rows", "12".into()), ("query", "a b".into())],
        };
        assert_eq!(
            p.render_url("https://x.org/h/{{reportName}}?rows={{rows}}&q={{jql}}").unwrap(),
            "https://x.org/h/Bugs%20%26%20Ops%2F2026%3Fx%3D1?rows=12&q=a%20b"
        );
        assert_eq!(p.render("{{exportConfigName}}: {{rows}} rows").unwrap(), "Bugs & Ops/2026?x=1: 12 rows");
    }

    #[test]
    fn direction_marks_and_line_separators_are_refused_in_file_names_and_cleaned_from_values() {
        for bad in ["report\u{202E}vsc.exe", "a\u{2028}b.csv", "x\u{2066}y.csv", "m\u{200F}.csv"] {
            assert!(file_name_problem(bad, FILE_NAME_PLACEHOLDERS).is_some(), "{bad:?}");
        }
        assert_eq!(safe_file_name("evil\u{202E}vsc.exe"), "evil_vsc.exe");
        assert_eq!(safe_path_value("a\u{2028}b"), "a_b");
    }

    #[test]
    fn placeholder_values_in_paths_never_climb_and_keep_their_dots() {
        assert_eq!(safe_path_value("../../etc/passwd"), ".._.._etc_passwd");
        assert_eq!(safe_path_value("Q1...Q2"), "Q1...Q2");
        assert_eq!(safe_path_value(".."), "__");
        assert_eq!(safe_path_value(""), "_");
    }

    #[test]
    fn dates_for_people_and_the_iso_date_to_the_millisecond() {
        let at: jiff::Timestamp = "2026-12-07T08:00:00.892541935Z".parse().unwrap();
        assert_eq!(iso_millis(at), "2026-12-07T08:00:00.892Z");
        assert_eq!(iso_millis("2022-03-14T08:42:00Z".parse().unwrap()), "2022-03-14T08:42:00.000Z");
        let berlin = jiff::tz::TimeZone::get("Europe/Berlin").unwrap();
        assert_eq!(run_date_and_time(at, &berlin), ("2026-12-07".to_string(), "2026-12-07 09:00 CET".to_string()));
        let late: jiff::Timestamp = "2026-12-07T23:30:00Z".parse().unwrap();
        assert_eq!(run_date_and_time(late, &berlin).0, "2026-12-08", "the date in the schedule's zone");
        assert_eq!(run_date_and_time(at, &jiff::tz::TimeZone::UTC).1, "2026-12-07 08:00 UTC");
    }

    #[test]
    fn file_names_cannot_escape_their_folder() {
        assert_eq!(safe_file_name("../a/b\\c.csv"), "_a_b_c.csv");
        assert_eq!(safe_file_name("..."), "export");
    }
}
