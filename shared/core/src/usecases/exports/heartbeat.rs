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

use std::time::Duration;

use futures::channel::mpsc;

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
