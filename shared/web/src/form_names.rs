//! Test support: the fields a rendered form would post, read from its HTML,
//! so a test can post every name an editor draws and decode it into the
//! API's input type: a misspelt name fails there as an unknown field.
//!
//! A `<template>` (a list row the script adds) counts as one more row: its
//! `__N__` becomes a number of its own, so each template's names are decoded
//! too. A field with no value gets one that its kind accepts, so no name is
//! left out for being empty.

/// (name, value) of every named `input`, `select` and `textarea` in `html`,
/// checkboxes included whether checked or not.
pub fn posted(html: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (n, part) in html.split("<template").enumerate() {
        // Text before the first `<template` is the page; later parts start inside one.
        let (inside, after) = match n {
            0 => ("", part),
            _ => part.split_once("</template>").unwrap_or((part, "")),
        };
        let row = (9000 + n).to_string();
        scan(&inside.replace("__N__", &row), &mut out);
        scan(after, &mut out);
    }
    out
}

fn scan(html: &str, out: &mut Vec<(String, String)>) {
    let mut rest = html;
    while let Some(at) = rest.find('<') {
        rest = &rest[at + 1..];
        let end = rest.find('>').unwrap_or(rest.len());
        let tag = &rest[..end];
        let element = tag.split_whitespace().next().unwrap_or("");
        if !matches!(element, "input" | "select" | "textarea") {
            continue;
        }
        let Some(name) = attribute(tag, "name") else { continue };
        let mut value = match element {
            "select" => selected_option(&rest[end..]),
            "textarea" => unescape(&rest[end + 1..rest.find("</textarea>").unwrap_or(end + 1)]),
            _ => attribute(tag, "value").unwrap_or_default(),
        };
        if value.is_empty() {
            value = filler(&name).to_string();
        }
        out.push((name, value));
    }
}

/// The value of the selected option of the select starting here; when that
/// is empty (a "none" choice), the first option that is not, so the name is
/// posted with a value its type accepts.
fn selected_option(html: &str) -> String {
    let body = &html[..html.find("</select>").unwrap_or(html.len())];
    let options: Vec<(bool, String)> = body
        .split("<option")
        .skip(1)
        .map(|o| {
            let tag = &o[..o.find('>').unwrap_or(o.len())];
            (tag.contains(" selected"), attribute(tag, "value").unwrap_or_default())
        })
        .collect();
    let selected = options.iter().find(|(on, _)| *on).map(|(_, v)| v.clone()).unwrap_or_default();
    if selected.is_empty() {
        options.into_iter().map(|(_, v)| v).find(|v| !v.is_empty()).unwrap_or_default()
    } else {
        selected
    }
}

fn attribute(tag: &str, name: &str) -> Option<String> {
    let key = format!(" {name}=\"");
    let at = tag.find(&key)? + key.len();
    let len = tag[at..].find('"')?;
    Some(unescape(&tag[at..at + len]))
}

fn unescape(text: &str) -> String {
    text.replace("&#34;", "\"")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&lt;", "<")
        .replace("&#60;", "<")
        .replace("&gt;", ">")
        .replace("&#62;", ">")
        .replace("&amp;", "&")
        .replace("&#38;", "&")
}

/// A value a field of this kind accepts, for one left empty.
fn filler(name: &str) -> &'static str {
    match name.rsplit_once(':').map(|(_, kind)| kind) {
        Some("int") => "1",
        Some("bool") => "true",
        Some("headers") => "X-Filled: 1",
        Some("array") => "",
        _ => "filled",
    }
}
