//! Keeps an SQS message hidden while its job runs, a little at a time.
//!
//! The queues' visibility timeout is 6 × the consuming function's timeout
//! (AWS's guidance for event sources: a message must not come back while an
//! invocation may still hold it). Left at that, the message of an invocation
//! that crashed would come back only after the whole 90 minutes. So a job's
//! message is hidden for `HOLD` as soon as its handling starts and again every
//! `EVERY` while it runs: a live invocation keeps it, a dead one lets it come
//! back within `HOLD`.
//!
//! A renewal racing the worker's own `retry_later` (a job put back for later)
//! can at worst hide the message for `HOLD` instead of the worker's delay:
//! the job comes back a little later, never twice at once.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use ferry_core::ports::work_queue::WorkQueue;
use futures::future::{select, Either};
use futures::{Stream, StreamExt};
use jiff::SignedDuration;

/// How long a message stays hidden after each renewal.
pub const HOLD: SignedDuration = SignedDuration::from_secs(120);
/// How often a running job renews it (well inside `HOLD`).
pub const EVERY: Duration = Duration::from_secs(30);

/// Renews the visibility of the messages a function is working on.
pub struct VisibilityKeeper {
    queue: Arc<dyn WorkQueue>,
}

impl VisibilityKeeper {
    pub fn new(queue: Arc<dyn WorkQueue>) -> Self {
        VisibilityKeeper { queue }
    }

    /// Runs `work`, keeping the message of `receipt` hidden until it ends.
    pub async fn while_running<T>(&self, receipt: &str, work: impl Future<Output = T>) -> T {
        let mut interval = tokio::time::interval(EVERY);
        interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let ticks = futures::stream::unfold(interval, |mut i| async move {
            i.tick().await;
            Some(((), i))
        });
        kept_hidden(self.queue.as_ref(), receipt, HOLD, ticks, work).await
    }
}

/// `work`'s result; at every tick until then, the message is hidden for `hold`.
async fn kept_hidden<T>(
    queue: &dyn WorkQueue,
    receipt: &str,
    hold: SignedDuration,
    ticks: impl Stream<Item = ()>,
    work: impl Future<Output = T>,
) -> T {
    let renew = async {
        futures::pin_mut!(ticks);
        while ticks.next().await.is_some() {
            if let Err(err) = queue.retry_later(receipt, hold).await {
                // The job goes on: at worst its message comes back early and
                // the export's own lease keeps a second worker out.
                tracing::warn!(error = %err, "could not keep the job's message hidden");
            }
        }
        futures::future::pending::<()>().await
    };
    futures::pin_mut!(work);
    futures::pin_mut!(renew);
    match select(work, renew).await {
        Either::Left((out, _)) => out,
        Either::Right(((), _)) => unreachable!("renewing never ends by itself"),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use async_trait::async_trait;
    use ferry_core::ports::work_queue::{Job, ReceivedJob};
    use ferry_core::PortError;

    use super::*;

    /// Records each `retry_later`: a logic test of when renewals happen.
    #[derive(Default)]
    struct Recording(Mutex<Vec<(String, SignedDuration)>>);

    #[async_trait]
    impl WorkQueue for Recording {
        async fn enqueue(&self, _: &Job, _: SignedDuration) -> Result<(), PortError> {
            unreachable!("the keeper never enqueues")
        }
        async fn receive(&self, _: SignedDuration) -> Result<Option<ReceivedJob>, PortError> {
            unreachable!("the keeper never receives")
        }
        async fn ack(&self, _: &str) -> Result<(), PortError> {
            unreachable!("the keeper never acks")
        }
        async fn retry_later(&self, receipt: &str, delay: SignedDuration) -> Result<(), PortError> {
            self.0.lock().unwrap().push((receipt.to_string(), delay));
            Ok(())
        }
    }

    impl Recording {
        fn count(&self) -> usize {
            self.0.lock().unwrap().len()
        }
    }

    async fn until_count(queue: &Recording, n: usize) {
        for _ in 0..10_000 {
            if queue.count() >= n {
                return;
            }
            tokio::task::yield_now().await;
        }
        panic!("the keeper renewed {} times, not {n}", queue.count());
    }

    #[tokio::test]
    async fn a_running_job_hides_its_message_at_every_tick_and_stops_when_it_ends() {
        let queue = Arc::new(Recording::default());
        let (tick, ticks) = futures::channel::mpsc::unbounded();
        let (finish, finished) = tokio::sync::oneshot::channel::<u32>();
        let task = tokio::spawn({
            let queue = queue.clone();
            async move { kept_hidden(queue.as_ref(), "receipt-1", HOLD, ticks, async { finished.await.unwrap() }).await }
        });

        tick.unbounded_send(()).unwrap();
        until_count(&queue, 1).await;
        tick.unbounded_send(()).unwrap();
        tick.unbounded_send(()).unwrap();
        until_count(&queue, 3).await;
        finish.send(7).unwrap();

        assert_eq!(task.await.unwrap(), 7, "the job's own result comes back");
        assert!(tick.unbounded_send(()).is_err(), "nothing renews once the job has ended");
        let calls = queue.0.lock().unwrap().clone();
        assert_eq!(calls, vec![("receipt-1".to_string(), HOLD); 3]);
    }
}
