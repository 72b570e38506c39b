//! Placeholders (`{{reportName}}`) in file names, mail subjects and URLs. Only
//! substitution, no logic: a template is checked when it is saved, so an
//! unknown placeholder is a 400 then rather than a failure at 3 a.m.

/// Every placeholder SPEC defines, aliases included.
pub const ALL_PLACEHOLDERS: &[&str] = &[
    "reportName",
    "reportId",
    "reportSlug",
    "reportDate",
    "exportId",
    "query",
    "format",
    "ext",
    "rows",
    "sizeMb",
    "timestamp",
    "exportConfigName",
    "exportConfigId",
    "jql",
];

/// Placeholders known before the export runs (file names are fixed at the start).
pub const FILE_NAME_PLACEHOLDERS: &[&str] = &[
    "reportName",
    "reportId",
    "reportSlug",
    "reportDate",
    "exportId",
    "query",
    "format",
    "ext",
    "timestamp",
    "exportConfigName",
    "exportConfigId",
    "jql",
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplateError {
    Unknown(String),
    Unclosed,
}

impl std::fmt::Display for TemplateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TemplateError::Unknown(name) => write!(f, "unknown placeholder {{{{{name}}}}}"),
            TemplateError::Unclosed => write!(f, "a placeholder is missing its closing }}}}"),
        }
    }
}

/// Splits a template into literal text and placeholder names.
fn parts(template: &str) -> Result<Vec<(bool, &str)>, TemplateError> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        if start > 0 {
            out.push((false, &rest[..start]));
        }
        let after = &rest[start + 2..];
        let end = after.find("}}").ok_or(TemplateError::Unclosed)?;
        out.push((true, after[..end].trim()));
        rest = &after[end + 2..];
    }
    if !rest.is_empty() {
        out.push((false, rest));
    }
    Ok(out)
}

/// Checks that every placeholder is one of `allowed`.
pub fn check(template: &str, allowed: &[&str]) -> Result<(), TemplateError> {
    for (is_var, text) in parts(template)? {
        if is_var && !allowed.contains(&text) {
            return Err(TemplateError::Unknown(text.to_string()));
        }
    }
    Ok(())
}

/// Renders a checked template; `value` answers each placeholder (aliases resolved by the caller).
pub fn render(template: &str, value: impl Fn(&str) -> Option<String>) -> Result<String, TemplateError> {
    let mut out = String::with_capacity(template.len() + 32);
    for (is_var, text) in parts(template)? {
        if is_var {
            out.push_str(&value(text).ok_or_else(|| TemplateError::Unknown(text.to_string()))?);
        } else {
            out.push_str(text);
        }
    }
    Ok(out)
}

/// Canonical name of an alias (`jql` → `query`).
pub fn canonical(name: &str) -> &str {
    match name {
        "exportConfigName" => "reportName",
        "exportConfigId" => "reportId",
        "jql" => "query",
        other => other,
    }
}

/// Makes a rendered file name safe for every store: no path separators or control characters.
pub fn safe_file_name(name: &str) -> String {
    let cleaned: String =
        name.chars().map(|c| if c == '/' || c == '\\' || c.is_control() || c == '"' { '_' } else { c }).collect();
    let trimmed = cleaned.trim().trim_start_matches('.');
    if trimmed.is_empty() {
        "export".to_string()
    } else {
        trimmed.chars().take(200).collect()
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
    fn file_names_cannot_escape_their_folder() {
        assert_eq!(safe_file_name("../a/b\\c.csv"), "_a_b_c.csv");
        assert_eq!(safe_file_name("..."), "export");
    }
}
