//! The HTML body of a mail with `summaryRows`: the report's name, the run's
//! time, the row count and the first rows as a table, so the numbers can be
//! read on a phone without opening the attachment. Mail clients (Gmail,
//! Outlook, Apple Mail) drop style sheets and scripts and block remote
//! images, so every style is inline, there is no image and no script, and
//! every text from the report is escaped.

use crate::model::export::RowSummary;

/// What the summary says above its table.
pub(super) struct SummaryHead<'a> {
    pub report_name: &'a str,
    pub run_time: &'a str,
    pub rows: u64,
    /// The plain-text body, shown under the table (the attachment or link is in it).
    pub text: &'a str,
}

const CELL: &str = "border:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top;";

/// The HTML document; `rows` of the summary at most.
pub(super) fn summary_html(head: &SummaryHead, summary: Option<&RowSummary>, rows: usize) -> String {
    let mut html = String::from(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><meta name=\"viewport\" \
         content=\"width=device-width\"></head>\n<body style=\"margin:0;padding:16px;font-family:Arial,Helvetica,\
         sans-serif;font-size:14px;color:#1f2328;background:#ffffff;\">\n",
    );
    html.push_str(&format!("<h1 style=\"font-size:20px;margin:0 0 4px 0;\">{}</h1>\n", escape(head.report_name)));
    html.push_str(&format!(
        "<p style=\"margin:0 0 12px 0;color:#57606a;\">Run {} &middot; {} rows</p>\n",
        escape(head.run_time),
        head.rows
    ));
    if let Some(summary) = summary.filter(|_| rows > 0) {
        html.push_str(
            "<table role=\"presentation\" cellspacing=\"0\" cellpadding=\"0\" \
             style=\"border-collapse:collapse;font-size:13px;margin:0 0 12px 0;\">\n<tr>",
        );
        for column in &summary.columns {
            html.push_str(&format!("<th style=\"{CELL}background:#f6f8fa;\">{}</th>", escape(column)));
        }
        html.push_str("</tr>\n");
        for row in summary.rows.iter().take(rows) {
            html.push_str("<tr>");
            for cell in row {
                let align = if looks_numeric(cell) { "text-align:right;" } else { "" };
                html.push_str(&format!("<td style=\"{CELL}{align}\">{}</td>", escape(cell)));
            }
            html.push_str("</tr>\n");
        }
        html.push_str("</table>\n");
        let shown = summary.rows.len().min(rows) as u64;
        if head.rows > shown {
            html.push_str(&format!(
                "<p style=\"margin:0 0 12px 0;color:#57606a;\">The first {shown} of {} rows.</p>\n",
                head.rows
            ));
        }
    }
    html.push_str(&format!(
        "<p style=\"margin:0;white-space:pre-wrap;\">{}</p>\n</body></html>\n",
        escape(head.text.trim_end())
    ));
    html
}

/// Text made safe inside HTML elements and attribute values.
pub(super) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn looks_numeric(cell: &str) -> bool {
    !cell.is_empty() && cell.parse::<f64>().is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary() -> RowSummary {
        RowSummary {
            columns: vec!["Key".into(), "Summary".into(), "Spent".into()],
            rows: (1..=8).map(|i| vec![format!("D-{i}"), "<b> & \"q\" 'x'".into(), format!("{i}.5")]).collect(),
        }
    }

    #[test]
    fn the_table_holds_the_header_and_the_asked_rows_escaped() {
        let head = SummaryHead { report_name: "R <1>", run_time: "2026-12-07 09:00 CET", rows: 8, text: "body" };
        let html = summary_html(&head, Some(&summary()), 5);
        assert_eq!(html.matches("<tr>").count(), 6, "header and five rows");
        assert!(html.contains("&lt;b&gt; &amp; &quot;q&quot; &#39;x&#39;"));
        assert!(!html.contains("<b>"));
        assert!(html.contains("R &lt;1&gt;"));
        assert!(html.contains("The first 5 of 8 rows."));
        assert!(!html.contains("<script") && !html.contains("<style") && !html.contains("<img"));
    }

    #[test]
    fn no_rows_asked_leaves_the_table_out() {
        let head = SummaryHead { report_name: "R", run_time: "t", rows: 8, text: "body" };
        assert!(!summary_html(&head, Some(&summary()), 0).contains("<table"));
    }
}
