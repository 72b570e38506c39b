//! The template grammar: placeholders (`{{reportName}}`) in file names, mail
//! subjects, URLs and object keys, and the rules a template and a rendered
//! value follow. Only substitution, no logic; the values of one export are
//! `usecases::templates::Placeholders`.

/// Every placeholder SPEC defines, aliases included.
pub const ALL_PLACEHOLDERS: &[&str] = &[
    "reportName",
    "reportId",
    "reportSlug",
    "reportDate",
    "runDate",
    "runTime",
    "exportId",
    "query",
    "format",
    "ext",
    "rows",
    "sizeMb",
    "timestamp",
    "fileName",
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
    "runDate",
    "runTime",
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

/// Why a file-name template is refused when it is saved, if it is: a name
/// is one file in one folder, so it holds no path (`/`, `\\`, `..`) and no
/// control character (NUL, CR, LF), whatever its placeholders become.
/// `safe_file_name` still cleans the rendered name at run time.
pub fn file_name_problem(template: &str, allowed: &[&str]) -> Option<String> {
    if template.trim().is_empty() || template.len() > 255 {
        return Some("must be 1–255 characters".into());
    }
    if template.contains(['/', '\\']) || template.contains("..") {
        return Some("must be a file name, not a path: no '/', '\\' or '..'".into());
    }
    if template.chars().any(char::is_control) {
        return Some("must not contain control characters (NUL, line breaks, tabs)".into());
    }
    if template.chars().any(is_disguising) {
        return Some(
            "must not contain direction marks or line separators (U+202E, U+2028 and the like): they disguise \
             a name's extension"
                .into(),
        );
    }
    check(template, allowed).err().map(|e| e.to_string())
}

/// Characters that change how a name looks without being seen: bidi
/// embeddings, overrides, isolates and marks (U+202E shows `gpj.exe` as
/// `exe.jpg`), and the Unicode line and paragraph separators.
pub fn is_disguising(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{2028}' | '\u{2029}')
}

/// A placeholder's value made safe inside an object key or a path: it
/// cannot add a folder (`/`, `\` become `_`), climb out of one (a value of
/// only dots becomes underscores, so `..` is never a segment; `Q1...Q2`
/// stays as it is), be empty, or hide characters.
pub fn safe_path_value(value: &str) -> String {
    let cleaned: String = value
        .chars()
        .map(|c| if c == '/' || c == '\\' || c.is_control() || is_disguising(c) { '_' } else { c })
        .collect();
    if cleaned.is_empty() {
        "_".to_string()
    } else if cleaned.chars().all(|c| c == '.') {
        "_".repeat(cleaned.chars().count())
    } else {
        cleaned
    }
}

/// Makes a rendered file name safe for every store: no path separators or control characters.
pub fn safe_file_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| if c == '/' || c == '\\' || c.is_control() || is_disguising(c) || c == '"' { '_' } else { c })
        .collect();
    let trimmed = cleaned.trim().trim_start_matches('.');
    if trimmed.is_empty() {
        "export".to_string()
    } else {
        trimmed.chars().take(200).collect()
    }
}
