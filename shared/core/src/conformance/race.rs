//! Releasing several racers at once, for the suites' race checks.

use std::future::Future;
use std::sync::Arc;

use tokio::sync::Barrier;

/// How many racers a race runs.
pub(super) const RACERS: usize = 8;

/// Runs one future per racer on the runtime's threads, released together, and
/// returns their results in racer order.
pub(super) async fn race<T, F, Fut>(make: F) -> Vec<T>
where
    T: Send + 'static,
    F: Fn(usize) -> Fut,
    Fut: Future<Output = T> + Send + 'static,
{
    let barrier = Arc::new(Barrier::new(RACERS));
    let tasks: Vec<_> = (0..RACERS)
        .map(|i| {
            let (barrier, work) = (Arc::clone(&barrier), make(i));
            tokio::spawn(async move {
                barrier.wait().await;
                work.await
            })
        })
        .collect();
    let mut results = Vec::new();
    for task in tasks {
        results.push(task.await.expect("racer panicked"));
    }
    results
}
