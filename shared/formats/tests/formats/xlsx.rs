//! XLSX read back with calamine (cells, types, sheets) and unzipped with
//! the zip crate (frozen pane, autofilter, bold header, properties).

use std::io::{Cursor, Read};

use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};
use ferry_core::model::format_options::{Format, FormatOptions, FormatOptionsInput};
use ferry_core::model::value::{Row, Value};
use ferry_core::ports::format::FormatSpec;

use crate::helpers::{spec, text, write_file};

fn workbook(bytes: &[u8]) -> Xlsx<Cursor<Vec<u8>>> {
    open_workbook_from_rs(Cursor::new(bytes.to_vec())).expect("calamine opens the file")
}

/// Every sheet as (name, rows of cells).
fn sheets(bytes: &[u8]) -> Vec<(String, Vec<Vec<Data>>)> {
    let mut wb = workbook(bytes);
    wb.sheet_names()
        .into_iter()
        .map(|name| {
            let range = wb.worksheet_range(&name).expect("a sheet");
            assert_eq!(range.start(), Some((0, 0)), "{name} starts at A1");
            let rows = range.rows().map(|r| r.to_vec()).collect();
            (name, rows)
        })
        .collect()
}

fn part(bytes: &[u8], name: &str) -> String {
    let mut archive = ::zip::ZipArchive::new(Cursor::new(bytes)).expect("an XLSX is a zip");
    let mut entry = archive.by_name(name).unwrap_or_else(|_| panic!("{name} in the XLSX"));
    let mut xml = String::new();
    entry.read_to_string(&mut xml).expect("UTF-8 XML");
    xml
}

fn xlsx_spec(options: FormatOptions, headers: &[&str]) -> FormatSpec {
    spec(Format::Xlsx, options, headers)
}

fn s(v: &str) -> Data {
    Data::String(v.to_string())
}

fn ymd_hms(cell: &Data) -> (u16, u8, u8, u8, u8, u8, u16) {
    match cell {
        Data::DateTime(dt) => {
            assert!(dt.is_datetime(), "{cell:?}");
            dt.to_ymd_hms_milli()
        }
        other => panic!("expected an Excel date, got {other:?}"),
    }
}

#[test]
fn cells_keep_their_types() {
    let options =
        FormatOptionsInput { timezone: Some("Europe/Berlin".into()), ..Default::default() }.resolve().expect("options");
    let headers = ["Text", "Int", "Float", "Bool", "At", "On", "Labels", "Null", "NaN"];
    let row: Row = vec![
        text("Café ʤ, \"quoted\""),
        Value::Int(42),
        Value::Float(-2.5),
        Value::Bool(true),
        Value::DateTime("2026-07-01T22:15:30Z".parse().expect("instant")),
        Value::Date(jiff::civil::date(2021, 1, 1)),
        Value::List(vec!["a".into(), "b".into()]),
        Value::Null,
        Value::Float(f64::NAN),
    ];
    let out = write_file(&xlsx_spec(options, &headers), &[row]);
    let sheets = sheets(&out);
    assert_eq!(sheets.len(), 1);
    let (name, rows) = &sheets[0];
    assert_eq!(name, "Sheet1");
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0], headers.iter().map(|h| s(h)).collect::<Vec<_>>());
    let data = &rows[1];
    assert_eq!(data[0], s("Café ʤ, \"quoted\""));
    assert_eq!(data[1], Data::Float(42.0));
    assert_eq!(data[2], Data::Float(-2.5));
    assert_eq!(data[3], Data::Bool(true));
    // Excel has no zones: the Berlin wall time (UTC+2 in July), next day.
    assert_eq!(ymd_hms(&data[4]), (2026, 7, 2, 0, 15, 30, 0));
    assert_eq!(ymd_hms(&data[5]), (2021, 1, 1, 0, 0, 0, 0));
    match &data[5] {
        Data::DateTime(dt) => assert_eq!(dt.as_f64(), 44197.0),
        other => panic!("{other:?}"),
    }
    assert_eq!(data[6], s("a, b"));
    assert_eq!(data[7], Data::Empty);
    assert_eq!(data.get(8).cloned().unwrap_or(Data::Empty), Data::Empty);
}

#[test]
fn carriage_returns_and_literal_escapes_round_trip() {
    let values = ["ABC\r\nDEF", "literal _x000D_ text", "tab\tand\nnewline", "  padded  ", "<&>"];
    let rows: Vec<Row> = values.iter().map(|v| vec![text(v)]).collect();
    let out = write_file(&xlsx_spec(FormatOptions::default(), &["v"]), &rows);
    let sheet_xml = part(&out, "xl/worksheets/sheet1.xml");
    assert!(sheet_xml.contains("ABC_x000D_\nDEF"), "CR stored as _x000D_");
    assert!(sheet_xml.contains("literal _x005F_x000D_ text"), "a literal escape is escaped");
    let (_, read) = sheets(&out).remove(0);
    let got: Vec<Data> = read[1..].iter().map(|r| r[0].clone()).collect();
    assert_eq!(got, values.iter().map(|v| s(v)).collect::<Vec<_>>());
}

#[test]
fn rows_roll_over_to_new_sheets_each_with_a_header() {
    let mut spec = xlsx_spec(FormatOptions::default(), &["Key", "N"]);
    spec.xlsx_rows_per_sheet = 3;
    let rows: Vec<Row> = (0..7).map(|i| vec![Value::Text(format!("K-{i}")), Value::Int(i)]).collect();
    // In batches that do not line up with the sheet size.
    let mut writer = crate::helpers::writer(&spec);
    let mut out = Vec::new();
    for batch in rows.chunks(2) {
        writer.write_rows(batch, &mut out).expect("rows");
    }
    assert!(out.is_empty(), "XLSX keeps rows in its own temporary files");
    let out = crate::helpers::finish_into(writer, out);

    let sheets = sheets(&out);
    let names: Vec<&str> = sheets.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["Sheet1", "Sheet2", "Sheet3"]);
    let mut next = 0;
    for ((name, rows), expected_data_rows) in sheets.iter().zip([3, 3, 1]) {
        assert_eq!(rows[0], [s("Key"), s("N")], "{name} header");
        assert_eq!(rows.len() - 1, expected_data_rows, "{name} data rows");
        for row in &rows[1..] {
            assert_eq!(row[..], [s(&format!("K-{next}")), Data::Float(next as f64)]);
            next += 1;
        }
    }
    assert_eq!(next, 7);
    for (i, last_row) in [(1, 4), (2, 4), (3, 2)] {
        let xml = part(&out, &format!("xl/worksheets/sheet{i}.xml"));
        assert!(xml.contains(r#"<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>"#));
        assert!(xml.contains(&format!(r#"<autoFilter ref="A1:B{last_row}"/>"#)), "sheet{i}: {xml}");
    }
}

#[test]
fn header_is_bold_frozen_and_filtered_and_columns_have_widths() {
    let rows: Vec<Row> = (0..50)
        .map(|i| vec![Value::Text(format!("DEMO-{i}")), text(&"long text ".repeat(20)), Value::Int(i)])
        .collect();
    let out = write_file(&xlsx_spec(FormatOptions::default(), &["Key", "Summary", "N"]), &rows);
    let sheet = part(&out, "xl/worksheets/sheet1.xml");
    assert!(sheet.contains(r#"<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>"#), "{sheet}");
    assert!(sheet.contains(r#"<autoFilter ref="A1:C51"/>"#), "{sheet}");
    // Constant-memory mode writes strings inline, not to a shared table.
    assert!(sheet.contains(r#"t="inlineStr""#));
    // The header cells use the bold style; the styles part defines it.
    let header_style =
        sheet.split(r#"<c r="A1" s=""#).nth(1).and_then(|rest| rest.split('"').next()).expect("A1 has a style");
    assert_ne!(header_style, "0");
    let styles = part(&out, "xl/styles.xml");
    assert!(styles.contains("<b/>"), "{styles}");
    // Key: "DEMO-49" (7) + padding; Summary capped; N: the minimum.
    assert!(sheet.contains(r#"<col min="1" max="1" width="10.7109375" customWidth="1"/>"#), "{sheet}");
    assert!(sheet.contains(r#"<col min="2" max="2" width="60.7109375" customWidth="1"/>"#), "{sheet}");
    assert!(sheet.contains(r#"<col min="3" max="3" width="8.7109375" customWidth="1"/>"#), "{sheet}");
}

#[test]
fn a_file_without_rows_has_the_header_sheet() {
    let out = write_file(&xlsx_spec(FormatOptions::default(), &["a", "b"]), &[]);
    let sheets = sheets(&out);
    assert_eq!(sheets.len(), 1);
    assert_eq!(sheets[0].1, vec![vec![s("a"), s("b")]]);
    assert!(part(&out, "xl/worksheets/sheet1.xml").contains(r#"<autoFilter ref="A1:B1"/>"#));
}

#[test]
fn the_same_input_makes_the_same_bytes_dated_by_created_at() {
    let rows = crate::helpers::sample_rows(40);
    let spec = xlsx_spec(FormatOptions::default(), &crate::helpers::SAMPLE_HEADERS);
    let first = write_file(&spec, &rows);
    let second = write_file(&spec, &rows);
    assert!(first == second, "two runs differ");
    let core = part(&first, "docProps/core.xml");
    assert!(
        core.contains(r#"<dcterms:created xsi:type="dcterms:W3CDTF">2026-01-02T03:04:05Z</dcterms:created>"#),
        "{core}"
    );

    let mut later = spec.clone();
    later.created_at = "2026-05-06T07:08:09Z".parse().expect("instant");
    assert!(write_file(&later, &rows) != first, "the creation time is in the file");
}

#[test]
fn sample_rows_read_back_with_their_types() {
    let rows = crate::helpers::sample_rows(12);
    let out = write_file(&xlsx_spec(FormatOptions::default(), &crate::helpers::SAMPLE_HEADERS), &rows);
    let (_, read) = sheets(&out).remove(0);
    assert_eq!(read.len(), 13);
    for (row, cells) in rows.iter().zip(&read[1..]) {
        for (value, cell) in row.iter().zip(cells) {
            match (value, cell) {
                (Value::Text(t), Data::String(c)) => assert_eq!(t, c),
                (Value::Text(t), Data::Empty) => assert!(t.is_empty()),
                (Value::Int(n), Data::Float(f)) => assert_eq!(*n as f64, *f),
                (Value::Float(x), Data::Float(f)) => assert_eq!(x, f),
                (Value::Bool(b), Data::Bool(c)) => assert_eq!(b, c),
                (Value::DateTime(_), Data::DateTime(_)) | (Value::Date(_), Data::DateTime(_)) => {}
                (Value::List(l), Data::String(c)) => assert_eq!(&l.join(", "), c),
                (Value::List(l), Data::Empty) => assert!(l.is_empty()),
                (Value::Null, Data::Empty) => {}
                (v, c) => panic!("{v:?} read back as {c:?}"),
            }
        }
    }
}

#[test]
fn a_decimal_is_a_number_cell_with_a_format_of_its_decimals() {
    let rows: Vec<Row> = vec![vec![Value::Decimal(211.7, 2), Value::Decimal(3.0, 0), Value::Float(1.5)]];
    let out = write_file(&xlsx_spec(FormatOptions::default(), &["days", "whole", "plain"]), &rows);
    let sheets = sheets(&out);
    assert_eq!(sheets[0].1[1], vec![Data::Float(211.7), Data::Float(3.0), Data::Float(1.5)]);
    let sheet = part(&out, "xl/worksheets/sheet1.xml");
    let style = |cell: &str| -> usize {
        let tag = sheet.split(&format!("<c r=\"{cell}\"")).nth(1).and_then(|r| r.split('>').next()).unwrap_or("");
        tag.split("s=\"").nth(1).and_then(|r| r.split('"').next()).map_or(0, |s| s.parse().unwrap())
    };
    let styles = part(&out, "xl/styles.xml");
    let xfs = styles.split("<cellXfs").nth(1).unwrap().split("</cellXfs>").next().unwrap();
    let formats: Vec<&str> = xfs
        .split("<xf ")
        .skip(1)
        .map(|xf| xf.split("numFmtId=\"").nth(1).unwrap().split('"').next().unwrap())
        .collect();
    assert_eq!(formats[style("A2")], "2", "0.00: Excel's built-in format 2");
    assert_eq!(formats[style("B2")], "1", "0: Excel's built-in format 1");
    assert_eq!(formats[style("C2")], "0", "a plain float stays General");
}
