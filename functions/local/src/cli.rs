//! Command line of the `ferry` binary.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(name = "ferry", version, about = "Scheduled reports and asynchronous data exports, delivered.")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub serve: ServeArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Runs the API server, the scheduler and the workers (the default).
    Serve(ServeArgs),
    /// Runs one export without a server and writes the file.
    Export(ExportArgs),
}

#[derive(Debug, Clone, clap::Args)]
pub struct ServeArgs {
    /// Port to listen on (127.0.0.1).
    #[arg(long, env = "FERRY_PORT", default_value_t = 8080)]
    pub port: u16,
    /// Where state and files are kept.
    #[arg(long, env = "FERRY_DATA_DIR", default_value = "./ferry-data")]
    pub data_dir: PathBuf,
    /// Address to bind (use 0.0.0.0 to serve other machines).
    #[arg(long, env = "FERRY_BIND", default_value = "127.0.0.1")]
    pub bind: std::net::IpAddr,
}

#[derive(Debug, Clone, clap::Args)]
pub struct ExportArgs {
    /// A report body as the API takes it, with the connection inline:
    /// `"connection": {"kind": "sample", "settings": {...}}` in place of `connectionId`.
    #[arg(long)]
    pub report: PathBuf,
    /// Where to write the file.
    #[arg(long)]
    pub out: PathBuf,
    /// Override the report's format (csv, xlsx, json, jsonl, pdf).
    #[arg(long)]
    pub format: Option<String>,
    /// Never draw a progress bar (it is drawn only on a terminal anyway).
    #[arg(long)]
    pub quiet: bool,
}
