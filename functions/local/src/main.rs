//! `ferry`: the single-machine Ferry.

use clap::Parser;
use ferry_local::cli::{Cli, Command};
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
    let key_hint = match &ferry.bootstrapped {
        Some(b) if b.generated => {
            println!("\nFirst start: created the admin key (shown only now, keep it):\n\n    {}\n", b.admin_key);
            b.admin_key.clone()
        }
        Some(_) => "$FERRY_ADMIN_KEY".to_string(),
        None => "YOUR_KEY".to_string(),
    };
    if let Some(b) = &ferry.bootstrapped {
        println!("A demo report is ready: {} ({}).", b.demo_report.name, b.demo_report.id);
        println!("Try it:\n");
        println!("    curl -s -X POST {url}/v1/exports -H 'Authorization: Bearer {key_hint}' \\");
        println!("         -H 'Content-Type: application/json' -d '{{\"reportId\": \"{}\"}}'", b.demo_report.id);
        println!("    curl -s {url}/v1/exports -H 'Authorization: Bearer {key_hint}'");
        println!(
            "    curl -sL -o demo.csv {url}/v1/exports/EXPORT_ID/download -H 'Authorization: Bearer {key_hint}'\n"
        );
    } else {
        println!("Try: curl -s {url}/v1/reports -H 'Authorization: Bearer {key_hint}'");
    }
    let ferry_wait = ferry;
    tokio::select! {
        _ = ferry_wait.wait() => {}
        _ = tokio::signal::ctrl_c() => { println!("stopping"); }
    }
    Ok(())
}
