//! Confluence's storage format (XHTML with `ac:`/`ri:` macro elements) as
//! plain text for the `pages` and `comments` bodies of a dataset: tags go,
//! entities are decoded, block elements and `<br/>` become line breaks, table
//! cells are separated by a tab, code blocks (`CDATA`) keep their text, and
//! macro parameters (configuration, not content) are left out. The text is
//! cut to `max_chars` characters. The storage format is not always
//! well-formed XML (HTML entities such as `&nbsp;`), so this is a tolerant
//! scanner rather than an XML parser.

/// Elements whose text is configuration, not content.
const SKIPPED: [&str; 2] = ["ac:parameter", "ri:attachment"];
/// Elements that start a new line.
const BLOCKS: [&str; 16] = [
    "p",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "tr",
    "blockquote",
    "pre",
    "table",
    "ul",
    "ol",
    "ac:structured-macro",
];

/// The plain text of a storage-format body, at most `max_chars` characters,
/// and whether it was cut.
pub fn storage_to_text(storage: &str, max_chars: usize) -> (String, bool) {
    let mut out = String::new();
    let mut skipping = 0usize;
    let mut rest = storage;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("<![CDATA[") {
            let end = after.find("]]>").unwrap_or(after.len());
            if skipping == 0 {
                out.push_str(&after[..end]);
            }
            rest = after.get(end + 3..).unwrap_or("");
        } else if let Some(after) = rest.strip_prefix("<!--") {
            rest = after.find("-->").map_or("", |end| &after[end + 3..]);
        } else if rest.starts_with('<') {
            // An unclosed tag at the very end is dropped.
            let Some(end) = rest.find('>') else { break };
            let tag = &rest[1..end];
            rest = &rest[end + 1..];
            let closing = tag.starts_with('/');
            let self_closing = tag.ends_with('/');
            let name: String = tag
                .trim_start_matches('/')
                .chars()
                .take_while(|c| !c.is_whitespace() && *c != '/')
                .collect::<String>()
                .to_ascii_lowercase();
            if SKIPPED.contains(&name.as_str()) && !self_closing {
                skipping = if closing { skipping.saturating_sub(1) } else { skipping + 1 };
                continue;
            }
            if skipping > 0 {
                continue;
            }
            if name == "br" || BLOCKS.contains(&name.as_str()) {
                new_line(&mut out);
            } else if (name == "td" || name == "th") && !closing && !out.ends_with('\n') && !out.is_empty() {
                out.push('\t');
            }
        } else {
            let end = rest.find('<').unwrap_or(rest.len());
            if skipping == 0 {
                decode_entities(&rest[..end], &mut out);
            }
            rest = &rest[end..];
        }
    }
    let text = out.trim().to_string();
    match text.char_indices().nth(max_chars) {
        Some((cut, _)) => (text[..cut].to_string(), true),
        None => (text, false),
    }
}

/// One line break, never a blank run of them.
fn new_line(out: &mut String) {
    while out.ends_with(' ') || out.ends_with('\t') {
        out.pop();
    }
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
}

fn decode_entities(text: &str, out: &mut String) {
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let end = rest.find(';').filter(|e| *e <= 10);
        let decoded = end.and_then(|e| entity(&rest[1..e]));
        match (end, decoded) {
            (Some(e), Some(c)) => {
                out.push(c);
                rest = &rest[e + 1..];
            }
            _ => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
}

fn entity(name: &str) -> Option<char> {
    if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        return char::from_u32(code);
    }
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => '\u{a0}',
        "ndash" => '–',
        "mdash" => '—',
        "hellip" => '…',
        "rsquo" => '’',
        "lsquo" => '‘',
        "rdquo" => '”',
        "ldquo" => '“',
        "euro" => '€',
        "copy" => '©',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_becomes_lines_and_entities_characters() {
        let storage =
            "<h1>Title</h1><p>Steps &amp; notes, &quot;quoted&quot; &#169; &#x2713;</p><p>first<br/>second</p>\
            <ul><li>one</li><li>two &lt;tags&gt;</li></ul><table><tbody><tr><th>k</th><td>v</td></tr></tbody></table>";
        let (text, cut) = storage_to_text(storage, 1000);
        assert_eq!(text, "Title\nSteps & notes, \"quoted\" © ✓\nfirst\nsecond\none\ntwo <tags>\nk\tv");
        assert!(!cut);
    }

    #[test]
    fn macros_keep_their_body_and_code_but_not_their_parameters() {
        let storage = "<ac:structured-macro ac:name=\"code\"><ac:parameter ac:name=\"language\">rust</ac:parameter>\
            <ac:plain-text-body><![CDATA[fn main() { if a < b {} }]]></ac:plain-text-body></ac:structured-macro>\
            <ac:structured-macro ac:name=\"info\"><ac:rich-text-body><p>Heads up: ünïcode</p></ac:rich-text-body></ac:structured-macro>\
            <p><ac:image><ri:attachment ri:filename=\"a.png\" /></ac:image>after<!-- hidden --> &bogus; & done</p>";
        let (text, _) = storage_to_text(storage, 1000);
        assert_eq!(text, "fn main() { if a < b {} }\nHeads up: ünïcode\nafter &bogus; & done");
    }

    #[test]
    fn text_is_cut_at_a_character_count_not_a_byte_count() {
        assert_eq!(storage_to_text("<p>ääääé</p>", 3), ("äää".to_string(), true));
        assert_eq!(storage_to_text("<p>abc</p>", 3), ("abc".to_string(), false));
        assert_eq!(storage_to_text("", 3), (String::new(), false));
        assert_eq!(storage_to_text("<p>unclosed <b", 100).0, "unclosed");
        assert_eq!(storage_to_text("a <", 100).0, "a");
    }
}
