//! `ferry-format-bench`: Ferry's writers on prebuilt `sample` rows, the Rust
//! side of `make bench` (bench/run.py runs the Python peers on the same rows).
//!
//! The rows are built in memory first and not timed, as the peers' are. Each
//! run then writes them to a file the way an export does: pages of 5,000 rows
//! into a buffer that goes to the file every 8 MiB, then `finish`. Prints one
//! JSON line: rows, bytes, the seconds of every run, and resident memory
//! before writing and at its peak (from /proc/self/status).
//!
//! ```text
//! ferry-format-bench <csv|json|jsonl|xlsx|pdf|zip|source|source-csv|dataset> --rows N [--seed S] [--repeat R] [--out PATH]
//! ```
//! `zip` is CSV zipped (a report's `compress`); `source` times only building
//! the rows (the sample generator), into one reused page; `source-csv` builds
//! each page and writes it as CSV on one thread, as an export's stages would
//! on one core. `dataset` writes the same rows as JSONL through serde_json,
//! not through any of Ferry's writers: the rows the Python peers load and
//! every output is read back against (bench/verify.py), so a fault of
//! Ferry's own encoders cannot hide in the reference.

use std::fs::File;
use std::io::{Read, Write};
use std::time::Instant;

use ferry_core::model::connection::SampleSettings;
use ferry_core::model::format_options::{Format, FormatOptions};
use ferry_core::model::value::{Row, Value};
use ferry_core::ports::format::{FormatFactory, FormatSpec, XLSX_MAX_DATA_ROWS_PER_SHEET};
use ferry_formats::StandardFormats;
use ferry_sources::sample::{SampleField, SampleReader};

const PAGE_ROWS: usize = 5_000;
const FLUSH_BYTES: usize = 8 << 20;

struct Args {
    mode: String,
    rows: u64,
    seed: u64,
    repeat: usize,
    out: String,
}

fn parse_args() -> Result<Args, String> {
    let mut args = std::env::args().skip(1);
    let mode = args.next().ok_or("usage: ferry-format-bench <csv|json|jsonl|xlsx|pdf|zip|source|dataset> --rows N")?;
    let mut parsed = Args { mode, rows: 1_000_000, seed: 1, repeat: 1, out: "/dev/null".into() };
    while let Some(flag) = args.next() {
        let value = args.next().ok_or(format!("{flag} needs a value"))?;
        let number = || value.parse::<u64>().map_err(|e| format!("{flag}: {e}"));
        match flag.as_str() {
            "--rows" => parsed.rows = number()?,
            "--seed" => parsed.seed = number()?,
            "--repeat" => parsed.repeat = number()?.max(1) as usize,
            "--out" => parsed.out = value,
            other => return Err(format!("unknown option {other}")),
        }
    }
    Ok(parsed)
}

fn reader(args: &Args) -> SampleReader {
    let settings = SampleSettings { rows: args.rows, seed: args.seed, rows_per_second: None };
    SampleReader::new(settings, SampleField::ALL.to_vec(), None, PAGE_ROWS)
}

/// All rows, built before any timing starts.
fn prebuilt_rows(args: &Args) -> Vec<Row> {
    let mut source = reader(args);
    let mut all = Vec::with_capacity(args.rows as usize);
    let mut page = Vec::new();
    let mut from = 0;
    while from < args.rows {
        from = source.fill_page(from, &mut page);
        all.append(&mut page);
    }
    all
}

fn spec(format: Format, compress: bool) -> FormatSpec {
    FormatSpec {
        format,
        options: FormatOptions::default(),
        headers: SampleField::ALL.iter().map(|f| f.id().to_string()).collect(),
        compress,
        inner_file_name: format!("bench.{}", format.extension()),
        created_at: "2026-01-01T00:00:00Z".parse().expect("a valid instant"),
        xlsx_rows_per_sheet: XLSX_MAX_DATA_ROWS_PER_SHEET,
        document: Default::default(),
    }
}

/// Writes every row to `path` as an export would; returns the file's size.
fn write_file(spec: &FormatSpec, rows: &[Row], path: &str) -> Result<u64, String> {
    let mut file = File::create(path).map_err(|e| format!("{path}: {e}"))?;
    let mut writer = StandardFormats.create(spec, None).map_err(|e| e.to_string())?;
    let mut out = Vec::with_capacity(FLUSH_BYTES + FLUSH_BYTES / 4);
    let mut bytes = 0u64;
    for page in rows.chunks(PAGE_ROWS) {
        writer.write_rows(page, &mut out).map_err(|e| e.to_string())?;
        if out.len() >= FLUSH_BYTES {
            file.write_all(&out).map_err(|e| e.to_string())?;
            bytes += out.len() as u64;
            out.clear();
        }
    }
    let tail = writer.finish(&mut out).map_err(|e| e.to_string())?;
    file.write_all(&out).map_err(|e| e.to_string())?;
    bytes += out.len() as u64;
    if let Some(mut reader) = tail {
        let mut chunk = vec![0u8; 1 << 20];
        loop {
            let n = reader.read(&mut chunk).map_err(|e| e.to_string())?;
            if n == 0 {
                break;
            }
            file.write_all(&chunk[..n]).map_err(|e| e.to_string())?;
            bytes += n as u64;
        }
    }
    Ok(bytes)
}

/// A cell as serde_json sees it: instants in RFC 3339 UTC (jiff's
/// rendering), dates as `YYYY-MM-DD`, lists as arrays.
fn json_value(value: &Value) -> serde_json::Value {
    match value {
        Value::Null => serde_json::Value::Null,
        Value::Text(s) => s.clone().into(),
        Value::Int(i) => (*i).into(),
        Value::Float(f) | Value::Decimal(f, _) => {
            serde_json::Number::from_f64(*f).map_or(serde_json::Value::Null, Into::into)
        }
        Value::Bool(b) => (*b).into(),
        Value::DateTime(t) => t.to_string().into(),
        Value::Date(d) => d.to_string().into(),
        Value::List(items) => items.clone().into(),
    }
}

/// The rows as JSONL, one object a row keyed by the column ids, by serde_json.
fn write_dataset(rows: &[Row], path: &str) -> Result<u64, String> {
    let headers: Vec<&str> = SampleField::ALL.iter().map(|f| f.id()).collect();
    let mut file = std::io::BufWriter::new(File::create(path).map_err(|e| format!("{path}: {e}"))?);
    for row in rows {
        let object: serde_json::Map<String, serde_json::Value> =
            headers.iter().zip(row).map(|(h, v)| (h.to_string(), json_value(v))).collect();
        serde_json::to_writer(&mut file, &object).map_err(|e| e.to_string())?;
        file.write_all(b"\n").map_err(|e| e.to_string())?;
    }
    file.flush().map_err(|e| e.to_string())?;
    std::fs::metadata(path).map(|m| m.len()).map_err(|e| e.to_string())
}

/// Builds every row into one reused page: the sample generator alone.
fn build_only(args: &Args) -> u64 {
    let mut source = reader(args);
    let mut page = Vec::new();
    let (mut from, mut cells) = (0, 0u64);
    while from < args.rows {
        from = source.fill_page(from, &mut page);
        cells += page.iter().map(|r| r.len() as u64).sum::<u64>();
    }
    cells
}

/// CPU time of all this process's threads, in nanoseconds (schedstat), so
/// figures taken on a busy machine can be told apart from waiting.
fn cpu_ns() -> u64 {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else { return 0 };
    tasks
        .filter_map(|t| std::fs::read_to_string(t.ok()?.path().join("schedstat")).ok())
        .filter_map(|s| s.split_whitespace().next()?.parse::<u64>().ok())
        .sum()
}

/// Builds every page and formats it at once, on this thread.
fn build_and_write(args: &Args) -> Result<u64, String> {
    let mut source = reader(args);
    let mut writer = StandardFormats.create(&spec(Format::Csv, false), None).map_err(|e| e.to_string())?;
    let mut file = File::create(&args.out).map_err(|e| e.to_string())?;
    let (mut page, mut out) = (Vec::new(), Vec::with_capacity(FLUSH_BYTES + FLUSH_BYTES / 4));
    let (mut from, mut bytes) = (0, 0u64);
    while from < args.rows {
        from = source.fill_page(from, &mut page);
        writer.write_rows(&page, &mut out).map_err(|e| e.to_string())?;
        if out.len() >= FLUSH_BYTES {
            file.write_all(&out).map_err(|e| e.to_string())?;
            bytes += out.len() as u64;
            out.clear();
        }
    }
    file.write_all(&out).map_err(|e| e.to_string())?;
    Ok(bytes + out.len() as u64)
}

/// `VmRSS` or `VmHWM` of this process in KiB.
fn memory_kib(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix(field).and_then(|v| v.trim_start_matches(':').split_whitespace().next()))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

fn main() {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    let format = match args.mode.as_str() {
        "csv" | "zip" => Some(Format::Csv),
        "json" => Some(Format::Json),
        "jsonl" => Some(Format::Jsonl),
        "xlsx" => Some(Format::Xlsx),
        "pdf" => Some(Format::Pdf),
        "source" | "source-csv" | "dataset" => None,
        other => {
            eprintln!("unknown mode {other}");
            std::process::exit(2);
        }
    };
    if args.mode == "dataset" {
        let rows = prebuilt_rows(&args);
        match write_dataset(&rows, &args.out) {
            Ok(bytes) => println!("{{\"mode\":\"dataset\",\"rows\":{},\"bytes\":{bytes}}}", args.rows),
            Err(e) => {
                eprintln!("writing the dataset failed: {e}");
                std::process::exit(1);
            }
        }
        return;
    }
    let rows = if format.is_some() { prebuilt_rows(&args) } else { Vec::new() };
    let rss_before = memory_kib("VmRSS");
    let mut seconds = Vec::new();
    let mut cpu_seconds = Vec::new();
    let mut bytes = 0;
    for _ in 0..args.repeat {
        let started = Instant::now();
        let cpu_started = cpu_ns();
        match format {
            Some(format) => match write_file(&spec(format, args.mode == "zip"), &rows, &args.out) {
                Ok(b) => bytes = b,
                Err(e) => {
                    eprintln!("writing failed: {e}");
                    std::process::exit(1);
                }
            },
            None if args.mode == "source-csv" => match build_and_write(&args) {
                Ok(b) => bytes = b,
                Err(e) => {
                    eprintln!("writing failed: {e}");
                    std::process::exit(1);
                }
            },
            None => {
                std::hint::black_box(build_only(&args));
            }
        }
        seconds.push(started.elapsed().as_secs_f64());
        cpu_seconds.push(cpu_ns().saturating_sub(cpu_started) as f64 / 1e9);
    }
    let list = |v: &[f64]| v.iter().map(|s| format!("{s:.6}")).collect::<Vec<_>>().join(",");
    println!(
        "{{\"mode\":\"{}\",\"rows\":{},\"bytes\":{},\"seconds\":[{}],\"cpu_seconds\":[{}],\"rss_before_kib\":{},\"peak_rss_kib\":{}}}",
        args.mode,
        args.rows,
        bytes,
        list(&seconds),
        list(&cpu_seconds),
        rss_before,
        memory_kib("VmHWM")
    );
}
