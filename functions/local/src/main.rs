//! `ferry`: the single-machine Ferry.

use clap::Parser;
use ferry_local::cli::{Cli, Command};
use ferry_local::hints::{try_it_commands, KeyHint};
use ferry_local::{start, LocalConfig};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_env("FERRY_LOG").unwrap_or_else(|_| "info".into()))
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Export(args)) => {
            let config = LocalConfig::new(std::env::temp_dir(), 0).with_env()?;
            ferry_local::export_cmd::run(args, config).await
        }
        Some(Command::Serve(serve)) => serve_forever(serve).await,
        None => serve_forever(cli.serve).await,
    }
}

async fn serve_forever(args: ferry_local::cli::ServeArgs) -> anyhow::Result<()> {
    let mut config = LocalConfig::new(args.data_dir.clone(), args.port).with_env()?;
    config.bind = std::net::SocketAddr::new(args.bind, args.port);
    let ferry = start(config).await?;
    let url = &ferry.public_url;
    println!("Ferry is serving {url}/v1 (data in {})", args.data_dir.display());
    println!("Dashboard: open {url}/ and sign in with your API key.");
    let key = match &ferry.bootstrapped {
        Some(b) if b.generated => {
            println!("\nFirst start: created the admin key (shown only now, keep it):\n\n    {}\n", b.admin_key);
            KeyHint::Inline(b.admin_key.clone())
        }
        Some(_) => KeyHint::Variable,
        None => {
            println!("The commands below read your API key from FERRY_ADMIN_KEY: export FERRY_ADMIN_KEY=<your key>");
            KeyHint::Variable
        }
    };
    let demo = ferry.bootstrapped.as_ref().map(|b| &b.demo_report);
    if let Some(report) = demo {
        println!("A demo report is ready: {} ({}).", report.name, report.id);
    }
    println!("Try it (bash):\n");
    for line in try_it_commands(url, &key, demo.map(|r| r.id.as_str())) {
        println!("    {line}");
    }
    println!();
    let ferry_wait = ferry;
    tokio::select! {
        _ = ferry_wait.wait() => {}
        _ = tokio::signal::ctrl_c() => { println!("stopping"); }
    }
    Ok(())
}
