//! The heartbeat of a running export: a tick every `ExportConfig::heartbeat`
//! of real time, whatever the source is doing. On each tick the run renews
//! its lease, writes its progress, asks the format stage for a checkpoint at
//! the next page, and looks for a cancel, a takeover or a stall, so a live
//! worker never loses its export to another however long the site takes to
//! answer, and stops within one tick when it should.
//!
//! The ticks come from a plain thread that sleeps (the core names no async
//! runtime); it ends at the first tick after the run dropped the receiver.
//! What a tick decides reads the clock port, so tests move time instead of
//! waiting for it; only the cadence is real time.

use std::future::Future;
use std::pin::pin;
use std::time::Duration;

use futures::channel::mpsc;
use futures::future::{self, Either};
use futures::StreamExt;
use jiff::SignedDuration;

use crate::error::CoreError;
use crate::model::export::{ExportStatus, Lease};
use crate::Ports;

/// Ticks every `every` until the receiver is dropped.
pub(crate) fn ticks(every: Duration) -> mpsc::UnboundedReceiver<()> {
    let (tx, rx) = mpsc::unbounded();
    let spawned = std::thread::Builder::new().name("ferry-heartbeat".into()).spawn(move || loop {
        std::thread::sleep(every);
        if tx.unbounded_send(()).is_err() {
            return;
        }
    });
    if let Err(e) = spawned {
        // Without ticks the run still renews its lease at every checkpoint, as before.
        tracing::error!(error = %e, "could not start the export heartbeat");
    }
    rx
}

/// The lease as renewed while a run opened its source.
pub(crate) struct Renewed {
    pub version: u64,
    pub lease: Lease,
}

/// How the opening of a source ended.
pub(crate) enum Opening<T> {
    Done(T, Option<Renewed>),
    /// It took `stall_after` or longer (clock port): the run fails `stalled`.
    Stalled(SignedDuration),
}

/// Runs `work` (the source's opening requests: fields, statuses, a count)
/// while renewing the export's lease on every tick, so a throttled site's
/// slow opening does not hand a live run's export to another worker, and
/// gives up when it has taken `stall_after`, so a site that never answers
/// does not keep the export `RUNNING` for ever. A renewal that finds the
/// export written by someone else (a cancel, a takeover) stops renewing:
/// the run's first save meets the same conflict and settles it as every
/// later save does.
pub(crate) async fn keeping_lease<T>(
    ports: &Ports,
    worker: &str,
    (id, version): (&str, u64),
    stall_after: SignedDuration,
    work: impl Future<Output = T>,
) -> Result<Opening<T>, CoreError> {
    let began = ports.clock.now();
    let mut ticks = ticks(ports.config.export.heartbeat);
    let mut work = pin!(work);
    let mut renewed = None;
    let mut expected = Some(version);
    loop {
        if let Either::Left((out, _)) = future::select(work.as_mut(), ticks.next()).await {
            return Ok(Opening::Done(out, renewed));
        }
        let still = ports.clock.now().duration_since(began);
        if still >= stall_after {
            return Ok(Opening::Stalled(still));
        }
        let Some(version) = expected.take() else { continue };
        let Some(mut stored) = ports.exports.get_export(id).await? else { continue };
        let ours = stored.lease.as_ref().is_some_and(|l| l.owner == worker);
        if stored.version != version || stored.status != ExportStatus::Running || !ours {
            continue;
        }
        let lease = Lease { owner: worker.to_string(), until: ports.clock.now() + ports.config.export.lease };
        stored.lease = Some(lease.clone());
        if ports.exports.update_export(&mut stored).await? {
            expected = Some(stored.version);
            renewed = Some(Renewed { version: stored.version, lease });
        }
    }
}
