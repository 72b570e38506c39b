//! jira-cli's rich ADF document (`md.json`): headings, breaks, a quote,
//! panels, a code block, nested bullet and ordered lists, two tables, a
//! mention, an inline card and every mark. Flattened, every `text` node's
//! text appears once and in order, and no table cell is dropped.

use serde_json::Value as Json;

use super::fixture;
use crate::jira::adf::to_plain_text;

fn texts(node: &Json, out: &mut Vec<String>) {
    if node.get("type").and_then(Json::as_str) == Some("text") {
        out.push(node["text"].as_str().unwrap_or_default().to_string());
    }
    for child in node.get("content").and_then(Json::as_array).into_iter().flatten() {
        texts(child, out);
    }
}

#[test]
fn every_text_node_appears_once_in_order_with_table_cells_kept() {
    let doc = fixture("jira-cli/pkg/adf/testdata/md.json");
    let flat = to_plain_text(&doc);
    let mut all = Vec::new();
    texts(&doc, &mut all);
    assert_eq!(all.len(), 60);
    let mut at = 0;
    for t in &all {
        match flat[at..].find(t.as_str()) {
            Some(i) => at += i + t.len(),
            None => panic!("{t:?} missing or out of order after byte {at} in:\n{flat}"),
        }
    }
    // "Once": texts that are not part of another text occur as often as their nodes.
    for t in &all {
        if all.iter().any(|o| o != t && o.contains(t.as_str())) {
            continue;
        }
        let nodes = all.iter().filter(|o| *o == t).count();
        assert_eq!(flat.matches(t.as_str()).count(), nodes, "{t:?} in:\n{flat}");
    }
    // Both tables keep every cell, one line per row.
    let table_lines: Vec<&str> = flat.lines().filter(|l| l.contains(" | ")).collect();
    assert_eq!(table_lines.len(), 3 + 4, "{table_lines:#?}");
    assert_eq!(table_lines[0], "Table Header 1 | Table Header 2 | Table Header 3");
    assert_eq!(table_lines.iter().map(|l| l.matches(" | ").count()).sum::<usize>(), 3 * 2 + 4 * 4);
}

#[test]
fn the_document_reads_as_plain_text() {
    let flat = to_plain_text(&fixture("jira-cli/pkg/adf/testdata/md.json"));
    let expected = r#"H1
H2
1. Some text
2. Some more text
> Blockquote text
Inline Node https://antiklabs.atlassian.net/wiki/spaces/ANK/pages/124234/hello-world
Implement epic browser
Panel paragraph
Person A
Strong Paragraph 1
Paragraph 2
Bold Text
Italic Text
Prefix: Underlined Text
Prefix: Inline Code Block
Prefix: Strikethrough text
Link (https://ankit.pl)
- Prefix: Unordered list item 1
  - Next
    - Another
      - New level
- Unordered list item 2
- Unordered list item 3
1. Ordered list item 1
2. Ordered list item 2
3. Ordered list item 3
  1. nested
    1. second level
      1. third level
        1. fourth level
Table Header 1 | Table Header 2 | Table Header 3
Table row 1 column 1 | Table row 1 column 2 | Table row 1 column 3
Table row 2 column 1 | Table row 2 column 2 | Table row 2 column 3
package main

import (
	"fmt"
)

func main() {
	fmt.Println("Hello, World!")
}
Table Header 1 | Table Header 2 | Table Header 3 | Table Header 4 | Table Header 5
Table row 1 column 1 | Table row 2 column 1 | Table row 3 column 1 | Table row 4 column 1 | Table row 5 column 1
Table row 1 column 2 | Table row 2 column 2 | Table row 3 column 2 | Table row 4 column 2 | Table row 5 column 2
Table row 1 column 2 | Table row 2 column 3 | Table row 3 column 3 | Table row 4 column 3 | Table row 5 column 3"#;
    assert_eq!(flat, expected);
}
