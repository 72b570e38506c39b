//! Atlassian Document Format (Jira v3 rich text) flattened to readable plain
//! text for a cell: blocks on their own lines, list items with `- ` or `1. `
//! (nested ones indented), table rows as cells joined by ` | `, quotes with
//! `> `, mentions and cards by their text or URL, link targets after their
//! text. Every `text` node's text appears once, in document order. Unknown
//! nodes are not dropped: their children and `text` are kept.

use serde_json::Value as Json;

/// Whether `value` looks like an ADF document (`{"type": "doc", ...}`).
pub fn is_adf(value: &Json) -> bool {
    value.get("type").and_then(Json::as_str) == Some("doc") && value.get("content").is_some_and(Json::is_array)
}

/// The document as plain text, without trailing line breaks.
pub fn to_plain_text(doc: &Json) -> String {
    let text = node_text(doc, 0);
    text.trim_end_matches('\n').to_string()
}

const INLINE: [&str; 10] = [
    "text",
    "hardBreak",
    "mention",
    "emoji",
    "inlineCard",
    "date",
    "status",
    "mediaInline",
    "placeholder",
    "inlineExtension",
];

fn kind(node: &Json) -> &str {
    node.get("type").and_then(Json::as_str).unwrap_or("")
}

fn children(node: &Json) -> &[Json] {
    node.get("content").and_then(Json::as_array).map(Vec::as_slice).unwrap_or(&[])
}

fn attr<'a>(node: &'a Json, name: &str) -> Option<&'a str> {
    node.get("attrs").and_then(|a| a.get(name)).and_then(Json::as_str).filter(|s| !s.is_empty())
}

/// Text of any node; `depth` is the list nesting, for indentation.
fn node_text(node: &Json, depth: usize) -> String {
    match kind(node) {
        "paragraph" | "heading" => inline_run(children(node)),
        "bulletList" => list(node, depth, |_| "- ".to_string()),
        "orderedList" => {
            let start = node.get("attrs").and_then(|a| a.get("order")).and_then(Json::as_u64).unwrap_or(1);
            list(node, depth, move |i| format!("{}. ", start + i as u64))
        }
        "taskList" => list(node, depth, |_| String::new()),
        "taskItem" => {
            let mark = if attr(node, "state") == Some("DONE") { "[x] " } else { "[ ] " };
            format!("{mark}{}", inline_run(children(node)))
        }
        "decisionList" => list(node, depth, |_| String::new()),
        "decisionItem" => format!("- {}", inline_run(children(node))),
        "codeBlock" => children(node).iter().map(|c| node_text(c, depth)).collect(),
        "blockquote" => prefix_lines(&blocks(children(node), depth), "> "),
        "rule" => "---".to_string(),
        "table" => children(node)
            .iter()
            .map(|row| node_text(row, depth))
            .filter(|r| !r.is_empty())
            .collect::<Vec<_>>()
            .join("\n"),
        "tableRow" => children(node)
            .iter()
            .map(|cell| blocks(children(cell), depth).replace('\n', " "))
            .collect::<Vec<_>>()
            .join(" | "),
        "media" | "mediaInline" => attr(node, "alt").map(|a| format!("[{a}]")).unwrap_or_default(),
        k if INLINE.contains(&k) => inline(node),
        // doc, panel, expand, layouts, list items, extensions and anything new.
        _ => {
            let kids = children(node);
            let mut text =
                if kids.iter().all(|c| INLINE.contains(&kind(c))) { inline_run(kids) } else { blocks(kids, depth) };
            if text.is_empty() {
                text = node.get("text").and_then(Json::as_str).unwrap_or("").to_string();
            }
            text
        }
    }
}

/// Block children, one per line, empty ones left out. A block's own
/// trailing line breaks (a final hardBreak, a code block's last newline)
/// would only add blank lines.
fn blocks(nodes: &[Json], depth: usize) -> String {
    nodes
        .iter()
        .map(|n| node_text(n, depth))
        .map(|t| t.trim_end_matches('\n').to_string())
        .filter(|t| !t.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

fn list(node: &Json, depth: usize, marker: impl Fn(usize) -> String) -> String {
    let indent = "  ".repeat(depth);
    let mut lines = Vec::new();
    for (i, item) in children(node).iter().enumerate() {
        let text = match kind(item) {
            "listItem" => blocks(children(item), depth + 1),
            _ => node_text(item, depth + 1),
        };
        let mut first = true;
        for line in text.split('\n') {
            if first {
                lines.push(format!("{indent}{}{line}", marker(i)));
                first = false;
            } else if line.starts_with(&"  ".repeat(depth + 1)) {
                // A nested list already carries its own indentation.
                lines.push(line.to_string());
            } else {
                lines.push(format!("{indent}  {line}"));
            }
        }
    }
    lines.join("\n")
}

fn prefix_lines(text: &str, prefix: &str) -> String {
    text.split('\n').map(|l| format!("{prefix}{l}")).collect::<Vec<_>>().join("\n")
}

fn inline_run(nodes: &[Json]) -> String {
    let mut out = String::new();
    for node in nodes {
        let text = inline(node);
        // A card is a chip of its own in Jira; keep its URL off the word before it.
        if kind(node) == "inlineCard" && !out.is_empty() && !out.ends_with(char::is_whitespace) && !text.is_empty() {
            out.push(' ');
        }
        out.push_str(&text);
    }
    out
}

fn inline(node: &Json) -> String {
    match kind(node) {
        "text" => {
            let text = node.get("text").and_then(Json::as_str).unwrap_or("");
            match link_target(node) {
                Some(href) if href != text => format!("{text} ({href})"),
                _ => text.to_string(),
            }
        }
        "hardBreak" => "\n".to_string(),
        "mention" => attr(node, "text")
            .map(str::to_string)
            .or_else(|| attr(node, "id").map(|id| format!("@{id}")))
            .unwrap_or_default(),
        "emoji" => attr(node, "text").or_else(|| attr(node, "shortName")).unwrap_or("").to_string(),
        "inlineCard" | "blockCard" | "embedCard" => attr(node, "url").unwrap_or("").to_string(),
        "date" => attr(node, "timestamp")
            .and_then(|ms| ms.parse::<i64>().ok())
            .and_then(super::dates::from_epoch_millis)
            .map(|t| t.to_zoned(jiff::tz::TimeZone::UTC).date().to_string())
            .unwrap_or_default(),
        "status" => attr(node, "text").unwrap_or("").to_string(),
        "placeholder" => String::new(),
        _ => node_text(node, 0),
    }
}

fn link_target(node: &Json) -> Option<&str> {
    node.get("marks")?.as_array()?.iter().find(|m| kind(m) == "link").and_then(|m| attr(m, "href"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn p(text: &str) -> Json {
        json!({"type": "paragraph", "content": [{"type": "text", "text": text}]})
    }

    fn doc(content: Json) -> Json {
        json!({"type": "doc", "version": 1, "content": content})
    }

    #[test]
    fn paragraphs_are_lines_and_breaks_are_kept() {
        let d = doc(json!([
            p("One"),
            {"type": "paragraph", "content": [
                {"type": "text", "text": "Two"}, {"type": "hardBreak"}, {"type": "text", "text": "Three"}]},
            {"type": "paragraph", "content": []},
            {"type": "heading", "attrs": {"level": 1}, "content": [{"type": "text", "text": "Head"}]}
        ]));
        assert!(is_adf(&d));
        assert_eq!(to_plain_text(&d), "One\nTwo\nThree\nHead");
    }

    #[test]
    fn lists_nest_with_markers_and_indentation() {
        let d = doc(json!([
            {"type": "bulletList", "content": [
                {"type": "listItem", "content": [p("a"), {"type": "orderedList", "attrs": {"order": 3}, "content": [
                    {"type": "listItem", "content": [p("x")]},
                    {"type": "listItem", "content": [p("y")]}]}]},
                {"type": "listItem", "content": [p("b")]}]}
        ]));
        assert_eq!(to_plain_text(&d), "- a\n  3. x\n  4. y\n- b");
    }

    #[test]
    fn mentions_links_cards_code_quotes_and_tables_read_naturally() {
        let d = doc(json!([
            {"type": "paragraph", "content": [
                {"type": "mention", "attrs": {"id": "5fb8", "text": "@Ann"}},
                {"type": "text", "text": " see "},
                {"type": "text", "text": "docs", "marks": [{"type": "link", "attrs": {"href": "https://x.test/d"}}]},
                {"type": "text", "text": " and "},
                {"type": "inlineCard", "attrs": {"url": "https://x.test/c"}},
                {"type": "emoji", "attrs": {"shortName": ":smile:", "text": "😄"}}]},
            {"type": "codeBlock", "attrs": {"language": "go"}, "content": [{"type": "text", "text": "fmt.Println(1)\nx := 2"}]},
            {"type": "blockquote", "content": [p("quoted"), p("twice")]},
            {"type": "table", "content": [
                {"type": "tableRow", "content": [
                    {"type": "tableHeader", "content": [p("H1")]}, {"type": "tableHeader", "content": [p("H2")]}]},
                {"type": "tableRow", "content": [
                    {"type": "tableCell", "content": [p("a"), p("b")]}, {"type": "tableCell", "content": []}]}]},
            {"type": "rule"},
            {"type": "mysteryBlock", "content": [p("kept")]}
        ]));
        assert_eq!(
            to_plain_text(&d),
            "@Ann see docs (https://x.test/d) and https://x.test/c😄\nfmt.Println(1)\nx := 2\n> quoted\n> twice\nH1 | H2\na b | \n---\nkept"
        );
    }

    #[test]
    fn malformed_nodes_do_not_panic() {
        for odd in [
            json!(null),
            json!("text"),
            json!({"type": "doc"}),
            json!({"type": "doc", "content": [1, null, {"type": 5}]}),
        ] {
            let _ = to_plain_text(&odd);
        }
        assert!(!is_adf(&json!({"type": "doc"})));
    }
}
