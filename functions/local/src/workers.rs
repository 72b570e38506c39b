//! Local workers: export and delivery workers each loop their use case's
//! `step`, and when their queue is empty wait for a wake-up from
//! `WakingQueue` or a short poll (delayed jobs become visible by time, which
//! nobody announces); and the retention sweeper's loop.

use std::sync::Arc;
use std::time::Duration;

use ferry_core::ports::job_policy::StepOutcome;
use ferry_core::usecases::abandoned_uploads::sweep_abandoned_uploads;
use ferry_core::usecases::deliveries::sweeper::sweep_expired_files;
use ferry_core::usecases::deliveries::worker::DeliveryWorker;
use ferry_core::usecases::exports::worker::ExportWorker;
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

/// Delivery workers: each loops `DeliveryWorker::step` like an export worker.
/// Retries wait in the queue (a delayed job), so an idle worker polls for them.
pub fn spawn_delivery_workers(ports: &Ports, count: usize, wake: Arc<Notify>) -> Vec<JoinHandle<()>> {
    (0..count)
        .map(|_| {
            let worker = DeliveryWorker::new(ports.clone());
            let wake = wake.clone();
            tokio::spawn(async move {
                loop {
                    let notified = wake.notified();
                    tokio::pin!(notified);
                    notified.as_mut().enable();
                    match worker.step().await {
                        Ok(StepOutcome::Worked) | Ok(StepOutcome::Continue) => continue,
                        Ok(StepOutcome::Empty) => {}
                        Err(err) => tracing::error!(error = %err, "delivery worker step failed"),
                    }
                    tokio::select! {
                        _ = &mut notified => {}
                        _ = tokio::time::sleep(IDLE_POLL) => {}
                    }
                }
            })
        })
        .collect()
}

/// How often the retention sweeper runs.
const SWEEP_EVERY: Duration = Duration::from_secs(60);

/// Deletes files past their retention once a minute (`sweep_expired_files`),
/// and aborts uploads no export will finish (`sweep_abandoned_uploads`).
pub fn spawn_sweeper(ports: Ports) -> JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(SWEEP_EVERY).await;
            match sweep_expired_files(&ports).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(deleted = n, "retention sweep"),
                Err(err) => tracing::error!(error = %err, "retention sweep failed"),
            }
            match sweep_abandoned_uploads(&ports).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(aborted = n, "abandoned upload sweep"),
                Err(err) => tracing::error!(error = %err, "abandoned upload sweep failed"),
            }
        }
    })
}
