//! The sheet roll-over at Excel's real limit, 1,048,576 rows a sheet (the
//! header and 1,048,575 data rows), through the real writer: one-column rows
//! stream in pages, and calamine reads the file back cell by cell (its
//! dependencies are optimised even in test builds, see the workspace
//! profile), so it runs in `make test`.

use std::io::Cursor;

use calamine::{open_workbook_from_rs, DataRef, Reader, Xlsx};
use ferry_core::model::format_options::{Format, FormatOptions};
use ferry_core::model::value::{Row, Value};
use ferry_core::ports::format::XLSX_MAX_DATA_ROWS_PER_SHEET;

use crate::helpers::{finish_into, spec, writer};

/// Excel's rows per sheet (its "Excel specifications and limits").
const EXCEL_ROWS_PER_SHEET: u32 = 1_048_576;
const PAGE: u64 = 20_000;

/// Row positions (0-based, the header at 0) and values of one sheet; every
/// cell is read, and each data cell must hold its own number.
fn data_rows(workbook: &mut Xlsx<Cursor<Vec<u8>>>, sheet: &str, first_number: u64) -> (u32, u64) {
    let mut cells = workbook.worksheet_cells_reader(sheet).expect("the sheet");
    let mut next_row = 0u32;
    let mut number = first_number;
    while let Some(cell) = cells.next_cell().expect("a readable cell") {
        let (row, column) = cell.get_position();
        assert_eq!((row, column), (next_row, 0), "{sheet}: cells in order, one a row");
        match (row, cell.get_value()) {
            (0, DataRef::SharedString(h)) => assert_eq!(*h, "N", "{sheet} header"),
            (0, DataRef::String(h)) => assert_eq!(h, "N", "{sheet} header"),
            (0, other) => panic!("{sheet} header is {other:?}"),
            (_, DataRef::Float(v)) => {
                assert_eq!(*v, number as f64, "{sheet} row {}", row + 1);
                number += 1;
            }
            (_, other) => panic!("{sheet} row {}: {other:?}", row + 1),
        }
        next_row += 1;
    }
    (next_row.saturating_sub(1), number)
}

#[test]
fn a_sheet_rolls_over_after_excels_1_048_575_data_rows() {
    assert_eq!(XLSX_MAX_DATA_ROWS_PER_SHEET, EXCEL_ROWS_PER_SHEET - 1, "one row of each sheet is its header");
    let spec = spec(Format::Xlsx, FormatOptions::default(), &["N"]);
    assert_eq!(spec.xlsx_rows_per_sheet, XLSX_MAX_DATA_ROWS_PER_SHEET, "the limit every export uses");
    let total = u64::from(XLSX_MAX_DATA_ROWS_PER_SHEET) + 5;

    let mut w = writer(&spec);
    let mut out = Vec::new();
    let mut page: Vec<Row> = Vec::with_capacity(PAGE as usize);
    let mut from = 0;
    while from < total {
        let to = (from + PAGE).min(total);
        page.clear();
        page.extend((from..to).map(|n| vec![Value::Int(n as i64)]));
        w.write_rows(&page, &mut out).expect("rows");
        from = to;
    }
    let file = finish_into(w, out);

    let mut workbook: Xlsx<_> = open_workbook_from_rs(Cursor::new(file)).expect("calamine opens the file");
    assert_eq!(workbook.sheet_names(), ["Sheet1", "Sheet2"]);
    let (first_sheet_rows, next) = data_rows(&mut workbook, "Sheet1", 0);
    assert_eq!(first_sheet_rows, XLSX_MAX_DATA_ROWS_PER_SHEET, "Sheet1 is full");
    let (second_sheet_rows, end) = data_rows(&mut workbook, "Sheet2", next);
    assert_eq!(second_sheet_rows, 5, "the rest went on Sheet2, after its own header");
    assert_eq!(end, total, "every row once, in order");
}
