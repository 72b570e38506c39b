//! `docs/dataset-schema.md` is the contract of the dataset files: its
//! column lists equal the core's tables, and files Ferry wrote from the
//! Confluence and Jira simulators load into DuckDB (a reader we did not write) with the
//! documented types, every row and every key present.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Stdio;

use ferry_core::model::dataset::{ColumnType, CONFLUENCE_TABLES, JIRA_TABLES};
use serde_json::{json, Value};
use tokio::io::AsyncWriteExt;

use crate::confluence_sim::{ConfluenceSim, SiteSize};
use crate::helpers::{spawn_app, ADMIN_KEY};
use crate::jira_ferry::{allow_private_networks, jira_connection, run_export};
use crate::jira_sim::JiraSim;

/// One documented column: name, type, key.
type DocColumn = (String, String, bool);

/// The tables of a section of the schema page, by entity.
fn documented(section: &str) -> BTreeMap<String, Vec<DocColumn>> {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let page = std::fs::read_to_string(repo.join("docs/dataset-schema.md")).expect("docs/dataset-schema.md");
    let start = page.find(&format!("## {section}")).unwrap_or_else(|| panic!("no section {section}"));
    let rest = &page[start + 3..];
    let body = &rest[..rest.find("\n## ").unwrap_or(rest.len())];
    let mut tables = BTreeMap::new();
    let mut entity = None;
    for line in body.lines() {
        if let Some(name) = line.strip_prefix("### ") {
            entity = Some(name.trim().to_string());
            tables.insert(name.trim().to_string(), Vec::new());
        } else if let (Some(e), Some(row)) = (&entity, line.strip_prefix("| ")) {
            let cells: Vec<&str> = row.split(" |").map(str::trim).collect();
            if cells[0] == "column" || cells[0].starts_with("---") {
                continue;
            }
            tables.get_mut(e).unwrap().push((cells[0].to_string(), cells[1].to_string(), cells[2] == "yes"));
        }
    }
    tables
}

fn doc_type(kind: ColumnType) -> &'static str {
    match kind {
        ColumnType::String => "string",
        ColumnType::Integer => "bigint",
        ColumnType::Timestamp => "timestamp",
        ColumnType::Boolean => "boolean",
    }
}

fn duckdb_type(doc: &str) -> &'static str {
    match doc {
        "string" => "VARCHAR",
        "bigint" => "BIGINT",
        "timestamp" => "TIMESTAMP",
        "boolean" => "BOOLEAN",
        other => panic!("docs/dataset-schema.md names an unknown type {other}"),
    }
}

#[test]
fn the_schema_page_lists_the_cores_tables() {
    for (section, tables) in [("Confluence entities", &CONFLUENCE_TABLES[..]), ("Jira entities", &JIRA_TABLES[..])] {
        let docs = documented(section);
        assert_eq!(docs.len(), tables.len(), "{section}");
        for t in tables {
            let expected: Vec<DocColumn> = t
                .columns
                .iter()
                .map(|c| (c.name.to_string(), doc_type(c.kind).to_string(), t.key.contains(&c.name)))
                .collect();
            assert_eq!(docs[t.entity], expected, "{section}: {}", t.entity);
        }
    }
}

fn python() -> PathBuf {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let python = std::env::var_os("FERRY_TEST_PYTHON").map(PathBuf::from).unwrap_or(repo.join(".venv/bin/python"));
    assert!(
        python.exists(),
        "no Python at {}: run make test (it installs tests/peers/requirements.txt)",
        python.display()
    );
    python
}

/// Loads every file of a dataset's zip into DuckDB with the types `section`
/// documents; checks every row loads, the types, and that keys are never
/// empty; returns DuckDB's answer per entity.
async fn load_into_duckdb(python: &Path, export: &Value, zip: Vec<u8>, section: &str) -> Value {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let dir = tempfile::tempdir().unwrap();
    let docs = documented(section);
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
    let (mut files, mut records) = (Vec::new(), BTreeMap::new());
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).unwrap();
        let name = entry.name().unwrap().to_string();
        let entity = name.split(&format!("_{}_", export["id"].as_str().unwrap())).next().unwrap().to_string();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        records.insert(entity.clone(), csv::Reader::from_reader(bytes.as_slice()).records().count() as u64);
        let path = dir.path().join(&name);
        std::fs::write(&path, &bytes).unwrap();
        let columns: Vec<Value> = docs[&entity].iter().map(|(c, t, _)| json!([c, duckdb_type(t)])).collect();
        files.push(json!({"entity": entity, "path": path, "columns": columns}));
    }

    let mut child = tokio::process::Command::new(python)
        .arg(repo.join("tests/peers/dataset_duckdb.py"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("Python starts");
    let spec = json!({"files": files}).to_string();
    child.stdin.take().unwrap().write_all(spec.as_bytes()).await.unwrap();
    let out = child.wait_with_output().await.unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("No module named 'duckdb'"),
        "DuckDB is missing from {}: pip install -r tests/peers/requirements.txt (make test does it)",
        python.display()
    );
    assert!(out.status.success(), "DuckDB refused a file: {stderr}");
    let loaded: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(loaded.as_object().unwrap().len(), docs.len());
    for (entity, columns) in &docs {
        let got = &loaded[entity];
        assert_eq!(got["rows"].as_u64(), records.get(entity).copied(), "{entity}: every row loads");
        assert!(got["rows"].as_u64() > Some(0), "{entity} has rows to check");
        let types: Vec<Value> = columns.iter().map(|(c, t, _)| json!([c, duckdb_type(t)])).collect();
        assert_eq!(got["types"], json!(types), "{entity}");
        for (c, _, key) in columns {
            if *key {
                assert_eq!(got["nulls"][c], 0, "{entity}.{c} is a key: never empty");
            }
        }
    }
    loaded
}

#[tokio::test]
async fn jira_files_load_into_duckdb_with_the_documented_types() {
    let python = python();
    let sim = JiraSim::start(120).await;
    let app = spawn_app().await;
    allow_private_networks(&app, true).await;
    let connection = jira_connection(&app, &sim, json!({"maxRequestsPerSecond": 100})).await;
    let report = crate::jira_dataset::dataset_report(&app, &connection, json!({})).await;
    let export = run_export(&app, json!({"reportId": report, "fromDate": "2020-01-01T00:00:00Z"})).await;
    assert_eq!(export["status"], "COMPLETED", "{export}");
    let zip = app.download(ADMIN_KEY, export["id"].as_str().unwrap()).await;
    let loaded = load_into_duckdb(&python, &export, zip, "Jira entities").await;
    assert!(loaded["issues"]["nulls"]["assignee_id"].as_u64() > Some(0), "unassigned issues load as null");
    assert!(loaded["sprints"]["nulls"]["complete_date"].as_u64() > Some(0), "open sprints have no completion");
}

#[tokio::test]
async fn confluence_files_load_into_duckdb_with_the_documented_types() {
    let python = python();
    let sim = ConfluenceSim::start(SiteSize { spaces: 3, pages: 40 }, 25).await;
    let app = spawn_app().await;
    allow_private_networks(&app, true).await;
    let settings = sim.settings(json!({"maxRequestsPerSecond": 100}));
    let r =
        app.post(ADMIN_KEY, "/connections", &json!({"name": "wiki", "kind": "confluence", "settings": settings})).await;
    let connection = r.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string();
    let r = app
        .post(ADMIN_KEY, "/reports", &json!({"name": "Wiki", "connectionId": connection, "reportType": "dataset"}))
        .await;
    let report = r.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string();
    let export = run_export(&app, json!({"reportId": report, "fromDate": "2020-01-01T00:00:00Z"})).await;
    assert_eq!(export["status"], "COMPLETED", "{export}");
    let zip = app.download(ADMIN_KEY, export["id"].as_str().unwrap()).await;
    let loaded = load_into_duckdb(&python, &export, zip, "Confluence entities").await;
    assert_eq!(loaded["pages"]["nulls"]["body_text"], 0);
    assert!(loaded["pages"]["nulls"]["parent_id"].as_u64() > Some(0), "top pages have no parent");
}
