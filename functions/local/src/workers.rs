//! Local export workers: each loops `ExportWorker::step`, and when the queue
//! is empty waits for a wake-up from `WakingQueue` or a short poll (delayed
//! jobs become visible by time, which nobody announces).

use std::sync::Arc;
use std::time::Duration;

use ferry_core::usecases::export_worker::{ExportWorker, StepOutcome};
use ferry_core::Ports;
use tokio::sync::Notify;
use tokio::task::JoinHandle;

/// How often an idle worker looks for delayed jobs.
const IDLE_POLL: Duration = Duration::from_millis(250);

pub fn spawn_export_workers(ports: &Ports, count: usize, wake: Arc<Notify>, process_id: &str) -> Vec<JoinHandle<()>> {
    (0..count)
        .map(|n| {
            let worker = ExportWorker::new(ports.clone(), format!("{process_id}-w{n}"));
            let wake = wake.clone();
            tokio::spawn(async move { run_worker(worker, wake).await })
        })
        .collect()
}

async fn run_worker(worker: ExportWorker, wake: Arc<Notify>) {
    loop {
        // Register interest before looking, so a wake-up between an empty
        // receive and the wait is not lost.
        let notified = wake.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        match worker.step().await {
            Ok(StepOutcome::Worked) | Ok(StepOutcome::Continue) => continue,
            Ok(StepOutcome::Empty) => {}
            Err(err) => tracing::error!(error = %err, "export worker step failed"),
        }
        tokio::select! {
            _ = &mut notified => {}
            _ = tokio::time::sleep(IDLE_POLL) => {}
        }
    }
}
