//! Zipped files: one deflated entry holding exactly the plain file, dated by
//! the export's `createdAt`, identical on a rerun.

use std::io::{Cursor, Read};

use ferry_core::model::format_options::{Format, FormatOptions};
use ferry_core::ports::format::FormatSpec;

use crate::helpers::{sample_rows, spec, write_file, SAMPLE_HEADERS};

fn zipped(format: Format) -> FormatSpec {
    let mut spec = spec(format, FormatOptions::default(), &SAMPLE_HEADERS);
    spec.compress = true;
    spec.inner_file_name = format!("weekly report.{}", format.extension());
    spec
}

fn unzip(bytes: &[u8]) -> (String, Vec<u8>, ::zip::DateTime, ::zip::CompressionMethod) {
    let mut archive = ::zip::ZipArchive::new(Cursor::new(bytes)).expect("a zip archive");
    assert_eq!(archive.len(), 1, "one entry");
    let mut entry = archive.by_index(0).expect("the entry");
    let mut content = Vec::new();
    entry.read_to_end(&mut content).expect("entry bytes");
    let modified = entry.last_modified().expect("a modification time");
    (entry.name().expect("a UTF-8 name").to_string(), content, modified, entry.compression())
}

#[test]
fn the_entry_holds_exactly_the_plain_file() {
    let rows = sample_rows(300);
    for format in [Format::Csv, Format::Json, Format::Jsonl, Format::Xlsx] {
        let spec = zipped(format);
        let out = write_file(&spec, &rows);
        let (name, content, modified, method) = unzip(&out);
        assert_eq!(name, spec.inner_file_name);
        assert_eq!(method, ::zip::CompressionMethod::Deflated);
        assert_eq!((modified.year(), modified.month(), modified.day()), (2026, 1, 2));
        // DOS time counts seconds in twos: 03:04:05 is stored as 03:04:04.
        assert_eq!((modified.hour(), modified.minute(), modified.second()), (3, 4, 4));
        let plain = write_file(&FormatSpec { compress: false, ..spec.clone() }, &rows);
        assert!(content == plain, "{format:?}: unzipped bytes differ from the plain file");
        if format != Format::Xlsx {
            assert!(out.len() < plain.len() / 3, "{format:?} is compressed: {} of {}", out.len(), plain.len());
        }
    }
}

#[test]
fn two_runs_are_byte_identical() {
    let rows = sample_rows(100);
    for format in [Format::Csv, Format::Xlsx] {
        let spec = zipped(format);
        assert!(write_file(&spec, &rows) == write_file(&spec, &rows), "{format:?}");
    }
}

#[test]
fn zipped_rows_never_reach_the_callers_buffer() {
    let spec = zipped(Format::Csv);
    let mut writer = crate::helpers::writer(&spec);
    let mut out = Vec::new();
    writer.write_rows(&sample_rows(10), &mut out).expect("rows");
    assert!(out.is_empty());
    let reader = writer.finish(&mut out).expect("finished");
    assert!(out.is_empty());
    assert!(reader.is_some());
}
