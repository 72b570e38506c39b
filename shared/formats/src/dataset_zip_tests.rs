//! The dataset zip read back by the `zip` crate: one entry per file in the
//! layout's order, a header in every file (rows or not), escaped line
//! breaks; and a writer resumed from any page's checkpoint writes the same
//! bytes as one that never stopped.

use std::io::Read;

use ferry_core::model::format_options::{FormatOptionsInput, LineBreaks, LineTerminator};
use ferry_core::model::value::{Row, Value};
use ferry_core::ports::format::{DatasetFile, DatasetLayout, FormatWriter};

use super::DatasetZipWriter;

fn layout() -> DatasetLayout {
    let input = FormatOptionsInput {
        line_breaks: Some(LineBreaks::Escape),
        line_terminator: Some(LineTerminator::Lf),
        ..Default::default()
    };
    let file = |entity: &str, headers: &[&str]| DatasetFile {
        entity: entity.into(),
        file_name: format!("{entity}_exp_1_20260101T000000Z.csv"),
        headers: headers.iter().map(|h| h.to_string()).collect(),
    };
    DatasetLayout {
        files: vec![file("spaces", &["id", "name"]), file("pages", &["id", "title"]), file("users", &["account_id"])],
        options: input.resolve().unwrap(),
        created_at: "2026-01-01T00:00:00Z".parse().unwrap(),
    }
}

fn row(entity: &str, cells: Vec<Value>) -> Row {
    std::iter::once(Value::Text(entity.into())).chain(cells).collect()
}

/// Three pages: spaces, then pages across two pages; no users.
fn pages() -> Vec<Vec<Row>> {
    let page = |n: i64| row("pages", vec![Value::Int(n), Value::Text(format!("Title {n}\nline two, \"quoted\""))]);
    vec![
        vec![row("spaces", vec![Value::Int(1), Value::Text("Ops".into())])],
        (1..=300).map(page).collect(),
        (301..=450).map(page).collect(),
    ]
}

fn entries(zip: &[u8]) -> Vec<(String, String)> {
    let mut archive = ::zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
    (0..archive.len())
        .map(|i| {
            let mut f = archive.by_index(i).unwrap();
            let mut text = String::new();
            f.read_to_string(&mut text).unwrap();
            (f.name().unwrap().to_string(), text)
        })
        .collect()
}

fn write_all(pages: &[Vec<Row>]) -> Vec<u8> {
    let mut w: Box<dyn FormatWriter> = Box::new(DatasetZipWriter::new(&layout()));
    let mut out = Vec::new();
    for p in pages {
        w.write_rows(p, &mut out).unwrap();
    }
    w.finish(&mut out).unwrap();
    out
}

#[test]
fn every_file_has_its_header_and_rows_in_the_layouts_order() {
    let zip = write_all(&pages());
    let files = entries(&zip);
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        ["spaces_exp_1_20260101T000000Z.csv", "pages_exp_1_20260101T000000Z.csv", "users_exp_1_20260101T000000Z.csv"]
    );
    assert_eq!(files[0].1, "id,name\n1,Ops\n");
    let lines: Vec<&str> = files[1].1.lines().collect();
    assert_eq!(lines.len(), 451);
    assert_eq!(lines[0], "id,title");
    assert_eq!(lines[1], "1,\"Title 1\\nline two, \"\"quoted\"\"\"");
    assert_eq!(files[2].1, "account_id\n", "a file without rows still has its header");
    let empty = write_all(&[]);
    assert_eq!(
        entries(&empty).iter().map(|(_, t)| t.as_str()).collect::<Vec<_>>(),
        ["id,name\n", "id,title\n", "account_id\n"]
    );
}

#[test]
fn a_writer_resumed_from_any_page_writes_the_same_bytes() {
    let pages = pages();
    let whole = write_all(&pages);
    for stop in 1..=pages.len() {
        let mut w: Box<dyn FormatWriter> = Box::new(DatasetZipWriter::new(&layout()));
        let mut out = Vec::new();
        for p in &pages[..stop] {
            w.write_rows(p, &mut out).unwrap();
        }
        let state = w.checkpoint_state().unwrap();
        // Through JSON, as a checkpoint is stored.
        let state: serde_json::Value = serde_json::from_str(&state.to_string()).unwrap();
        let mut resumed: Box<dyn FormatWriter> = Box::new(DatasetZipWriter::resume(&layout(), &state).unwrap());
        for p in &pages[stop..] {
            resumed.write_rows(p, &mut out).unwrap();
        }
        resumed.finish(&mut out).unwrap();
        assert!(out == whole, "resumed after page {stop}: {} bytes, not {}", out.len(), whole.len());
    }
}

#[test]
fn rows_out_of_the_layouts_order_are_refused() {
    let mut w = DatasetZipWriter::new(&layout());
    let mut out = Vec::new();
    w.write_rows(&[row("users", vec![Value::Text("a".into())])], &mut out).unwrap();
    assert!(w.write_rows(&[row("pages", vec![Value::Int(1), Value::Null])], &mut out).is_err());
    assert!(w.write_rows(&[row("blogs", vec![])], &mut out).is_err());
}
