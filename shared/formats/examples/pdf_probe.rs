use ferry_core::model::format_options::{Format, FormatOptions, PdfOptions};
use ferry_core::model::value::Value;
use ferry_core::ports::format::{DocumentInfo, FormatFactory, FormatSpec};
use ferry_formats::StandardFormats;
fn main() {
    let n: usize = std::env::args().nth(1).unwrap().parse().unwrap();
    let out = std::env::args().nth(2).unwrap();
    let headers = ["Key", "Summary", "Status", "Assignee", "Priority", "Created", "Time spent (h)"];
    let spec = FormatSpec {
        format: Format::Pdf,
        options: FormatOptions {
            pdf: PdfOptions { max_rows: 100_000, ..PdfOptions::default() },
            ..FormatOptions::default()
        },
        headers: headers.iter().map(|h| h.to_string()).collect(),
        compress: false,
        inner_file_name: "x.pdf".into(),
        created_at: "2026-12-07T08:00:00Z".parse().unwrap(),
        xlsx_rows_per_sheet: 1_000_000,
        document: DocumentInfo {
            report_name: "Open issues, all teams".into(),
            query: Some("project in (DEMO, OPS) AND statusCategory != Done".into()),
            time_in_status_unit: None,
        },
    };
    let summaries = [
        "Login fails when the password contains \"quotes\", commas or a line break",
        "Экспорт отчёта в PDF",
        "Σφάλμα στην αναφορά",
        "Dashboard slow",
        "Café menu: prices in €",
    ];
    let statuses = ["Open", "In Progress", "In Review", "Done"];
    let people = ["Ana Lima", "Ben Okafor", "Chen Wei", "Dana Novak", ""];
    let mut w = StandardFormats.create(&spec, None).unwrap();
    let mut buf = Vec::new();
    let t = std::time::Instant::now();
    let start: jiff::Timestamp = "2026-11-02T09:15:00Z".parse().unwrap();
    let mut i = 0;
    while i < n {
        let page: Vec<Vec<Value>> = (i..(i + 1000).min(n))
            .map(|k| {
                vec![
                    Value::Text(format!("DEMO-{}", k + 1)),
                    Value::Text(summaries[k % 5].into()),
                    Value::Text(statuses[k % 4].into()),
                    if people[k % 5].is_empty() { Value::Null } else { Value::Text(people[k % 5].into()) },
                    Value::Text(["High", "Medium", "Low"][k % 3].into()),
                    Value::DateTime(start + jiff::SignedDuration::from_mins(97 * k as i64)),
                    Value::Float(((k * 37) % 400) as f64 / 4.0),
                ]
            })
            .collect();
        w.write_rows(&page, &mut buf).unwrap();
        i += 1000;
    }
    let mut r = w.finish(&mut buf).unwrap().unwrap();
    let bytes = std::io::copy(&mut r, &mut std::fs::File::create(&out).unwrap()).unwrap();
    eprintln!("rows={n} bytes={bytes} seconds={:.2}", t.elapsed().as_secs_f64());
}
