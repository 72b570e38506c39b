//! PDF files as a reader sees them, through poppler's tools (`pdftotext`,
//! `pdfinfo`, `pdffonts`; Debian's poppler-utils, which `make test`
//! installs): pages, the header on each, every key in order, page numbers,
//! text in Greek and Cyrillic, numbers flush right, the `maxRows` note and
//! the time-in-status chart.

use std::io::Write;
use std::process::Command;

use ferry_core::model::format_options::{FormatOptions, Orientation, Paper, PdfOptions};
use ferry_core::model::value::{Row, Value};
use ferry_core::ports::format::{DocumentInfo, FormatSpec};

use crate::helpers::{spec, text, write_file};
use ferry_core::model::format_options::Format;

/// Runs a poppler tool on the file and returns what it prints.
fn poppler(tool: &str, args: &[&str], pdf: &[u8]) -> String {
    let mut file = tempfile::NamedTempFile::new().expect("temp file");
    file.write_all(pdf).expect("pdf written");
    let mut command = Command::new(tool);
    command.args(args).arg(file.path());
    if tool == "pdftotext" {
        command.arg("-");
    }
    let out = command.output().unwrap_or_else(|e| {
        panic!(
            "cannot run {tool} ({e}): install Debian's poppler-utils (apt-get install poppler-utils; make test does)"
        )
    });
    assert!(out.status.success(), "{tool} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("UTF-8 text")
}

/// The text of each page, in reading order (`-layout` keeps a row on a line).
fn pages(pdf: &[u8]) -> Vec<String> {
    let text = poppler("pdftotext", &["-layout", "-enc", "UTF-8"], pdf);
    let mut pages: Vec<String> = text.split('\u{c}').map(str::to_string).collect();
    if pages.last().is_some_and(|p| p.trim().is_empty()) {
        pages.pop();
    }
    pages
}

fn pdf_spec(headers: &[&str], pdf: PdfOptions) -> FormatSpec {
    let mut s = spec(Format::Pdf, FormatOptions { pdf, ..FormatOptions::default() }, headers);
    s.document =
        DocumentInfo { report_name: "Open bugs".into(), query: Some("project = DEMO".into()), ..Default::default() };
    s
}

const SUMMARIES: [&str; 4] = [
    "short",
    "a much longer summary that has to wrap onto a second and maybe a third line inside its narrow column",
    "Ελληνικά γράμματα και κείμενο",
    "Кириллица: отчёт готов",
];

fn rows(n: usize) -> Vec<Row> {
    (0..n)
        .map(|i| {
            vec![
                Value::Text(format!("DEMO-{i}")),
                text(SUMMARIES[i % SUMMARIES.len()]),
                Value::Int(if i % 2 == 0 { 7 } else { 1_234_567 }),
            ]
        })
        .collect()
}

/// Whether a line of the page reads `n / N` (pdftotext's layout mode may
/// close up the spaces on a page with little text).
fn has_footer(page: &str, n: usize, total: usize) -> bool {
    let want = format!("{n}/{total}");
    page.lines().any(|l| l.split_whitespace().collect::<String>() == want)
}

/// The `DEMO-n` keys in the text, in order.
fn keys(text: &str) -> Vec<String> {
    text.split_whitespace().filter(|w| w.starts_with("DEMO-")).map(str::to_string).collect()
}

#[test]
fn a_2000_row_report_has_the_header_on_every_page_every_key_in_order_and_n_of_n() {
    let pdf = write_file(&pdf_spec(&["Key", "Summary", "Points"], PdfOptions::default()), &rows(2000));
    let pages = pages(&pdf);
    let n = pages.len();
    let info = poppler("pdfinfo", &[], &pdf);
    assert!(info.lines().any(|l| l.split_whitespace().collect::<Vec<_>>() == ["Pages:", &n.to_string()]), "{info}");
    assert!(n > 20, "2,000 rows, some of them three lines high, need more than 20 A4 pages; got {n}");
    let mut all_keys = Vec::new();
    for (i, page) in pages.iter().enumerate() {
        let header = page.lines().find(|l| l.contains("Key")).unwrap_or_else(|| panic!("no header on page {}", i + 1));
        assert!(header.contains("Summary") && header.contains("Points"), "page {}: {header}", i + 1);
        assert!(has_footer(page, i + 1, n), "page {} lacks its n / N footer:\n{page}", i + 1);
        let on_page = keys(page);
        assert!(!on_page.is_empty(), "page {} has no rows", i + 1);
        all_keys.extend(on_page);
    }
    let expected: Vec<String> = (0..2000).map(|i| format!("DEMO-{i}")).collect();
    assert_eq!(all_keys, expected);
    assert!(pages[0].contains("Open bugs") && pages[0].contains("Query: project = DEMO"));
    assert!(pages[0].contains("Rows: 2,000"));
    assert!(pages[0].contains("a much longer summary that has to wrap"), "wrapped text reads on");
}

#[test]
fn greek_and_cyrillic_survive_extraction_from_an_embedded_subset_font() {
    let pdf = write_file(&pdf_spec(&["Key", "Summary", "Points"], PdfOptions::default()), &rows(8));
    let text = pages(&pdf).concat();
    assert!(text.contains("Ελληνικά γράμματα και κείμενο"), "{text}");
    assert!(text.contains("Кириллица: отчёт готов"), "{text}");
    let fonts = poppler("pdffonts", &[], &pdf);
    let font = fonts.lines().find(|l| l.contains("DejaVuSansCondensed")).expect("the font is listed");
    // name, type (2 words), encoding, then emb sub uni.
    let flags: Vec<&str> = font.split_whitespace().rev().skip(2).take(3).collect();
    assert_eq!(flags, ["yes", "yes", "yes"], "embedded, subset, with a ToUnicode map: {font}");
    assert_eq!(fonts.lines().count(), 3, "one font: {fonts}");
}

#[test]
fn numbers_are_flush_right_in_their_column() {
    let pdf = write_file(&pdf_spec(&["Key", "Summary", "Points"], PdfOptions::default()), &rows(4));
    let boxes = poppler("pdftotext", &["-bbox"], &pdf);
    let right_edge = |word: &str| -> f64 {
        let line = boxes.lines().find(|l| l.ends_with(&format!(">{word}</word>"))).expect("the number is a word");
        let at = line.find("xMax=\"").expect("xMax") + 6;
        line[at..].split('"').next().unwrap().parse().unwrap()
    };
    let (short, long) = (right_edge("7"), right_edge("1234567"));
    assert!((short - long).abs() < 0.5, "7 ends at {short}, 1234567 at {long}");
}

#[test]
fn rows_past_max_rows_are_left_out_and_page_1_says_how_many() {
    let pdf_options = PdfOptions { max_rows: 10_000, ..PdfOptions::default() };
    let pdf = write_file(&pdf_spec(&["Key", "Summary", "Points"], pdf_options), &rows(20_000));
    let pages = pages(&pdf);
    assert!(
        pages[0]
            .contains("Rows: 20,000 — this PDF shows the first 10,000; 10,000 rows were left out (maxRows 10,000)."),
        "{}",
        pages[0]
    );
    let all: Vec<String> = pages.iter().flat_map(|p| keys(p)).collect();
    assert_eq!(all.len(), 10_000);
    assert_eq!(all.last().map(String::as_str), Some("DEMO-9999"));
}

#[test]
fn a_time_in_status_report_ends_with_a_chart_of_average_times() {
    let mut s = pdf_spec(&["Key", "Time in Open", "Time in In Progress"], PdfOptions::default());
    s.document.time_in_status_unit = Some("hours".into());
    let rows: Vec<Row> = (0..30)
        .map(|i| vec![Value::Text(format!("DEMO-{i}")), Value::Float(2.0 + (i % 2) as f64), Value::Float(10.0)])
        .collect();
    let pages = pages(&write_file(&s, &rows));
    let chart = pages.last().unwrap();
    assert!(chart.contains("Average time in status (hours)"), "{chart}");
    assert!(chart.contains("Over all 30 rows"));
    let line = |label: &str| chart.lines().find(|l| l.trim_start().starts_with(label)).unwrap_or_default().to_string();
    assert!(line("Open").trim_end().ends_with("2.5"), "{chart}");
    assert!(line("In Progress").trim_end().ends_with("10"), "{chart}");
    assert_eq!(keys(chart), Vec::<String>::new(), "the chart has a page of its own");
    let n = pages.len();
    assert!(has_footer(chart, n, n), "{chart}");
}

#[test]
fn no_rows_is_one_page_that_says_so() {
    let pages = pages(&write_file(&pdf_spec(&["Key"], PdfOptions::default()), &[]));
    assert_eq!(pages.len(), 1);
    assert!(
        pages[0].contains("No rows.") && pages[0].contains("Rows: 0") && has_footer(&pages[0], 1, 1),
        "{}",
        pages[0]
    );
}

#[test]
fn paper_and_orientation_set_the_page_size_and_auto_turns_wide_tables() {
    let size = |pdf: &[u8]| {
        let info = poppler("pdfinfo", &[], pdf);
        let line = info.lines().find(|l| l.starts_with("Page size:")).unwrap().to_string();
        line.split_whitespace().skip(2).take(3).collect::<Vec<_>>().join(" ")
    };
    let narrow = rows(3);
    let letter = PdfOptions { paper: Paper::Letter, orientation: Orientation::Portrait, ..PdfOptions::default() };
    assert_eq!(size(&write_file(&pdf_spec(&["Key", "Summary", "Points"], letter), &narrow)), "612 x 792");
    assert_eq!(
        size(&write_file(&pdf_spec(&["Key", "Summary", "Points"], PdfOptions::default()), &narrow)),
        "595.28 x 841.89"
    );
    let wide_headers: Vec<String> = (0..12).map(|i| format!("A rather long column header {i}")).collect();
    let headers: Vec<&str> = wide_headers.iter().map(String::as_str).collect();
    let wide: Vec<Row> = vec![(0..12).map(|i| text(&format!("value number {i} of this row"))).collect()];
    assert_eq!(size(&write_file(&pdf_spec(&headers, PdfOptions::default()), &wide)), "841.89 x 595.28");
}

#[test]
fn the_run_time_is_in_the_report_zone_and_the_same_rows_make_the_same_bytes() {
    let mut s = pdf_spec(&["Key", "Summary", "Points"], PdfOptions::default());
    s.options.timezone = jiff::tz::TimeZone::get("Europe/Berlin").unwrap();
    s.options.timezone_name = "Europe/Berlin".into();
    let first = write_file(&s, &rows(50));
    assert!(pages(&first)[0].contains("Run: 2026-01-02 04:04 CET"), "{}", pages(&first)[0]);
    assert_eq!(first, write_file(&s, &rows(50)));
}
