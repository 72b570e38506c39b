//! The local scheduler loop: once a second it fires the schedules that are
//! due (`scheduler_step`). Occurrences missed while the process was down are
//! handled on the first step after start (run if under an hour late, else
//! recorded MISSED), because a schedule's `handled_through` stays where the
//! last process left it.

use std::time::Duration;

use ferry_core::usecases::scheduler_tick::scheduler_step;
use ferry_core::Ports;
use tokio::task::JoinHandle;

const TICK: Duration = Duration::from_secs(1);

pub fn spawn_scheduler(ports: Ports) -> JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            if let Err(err) = scheduler_step(&ports).await {
                tracing::error!(error = %err, "scheduler step failed");
            }
            tokio::time::sleep(TICK).await;
        }
    })
}
