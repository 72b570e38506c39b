//! The delivery worker's step: take one job, claim the delivery, make one
//! attempt over its channel, record it (time from the clock port, outcome,
//! error, bytes sent), and then either finish the delivery or put the job
//! back with a backoff. When a delivery ends for good, the run's outcome is
//! judged again. The local runtime loops `step` (receive + `handle`); Lambda
//! calls `handle` once per message of its SQS event; tests advance a manual
//! clock to reach the retries. Receive counts are bounded as in the export
//! worker (`ports::job_policy`): past `GIVE_UP_AFTER_RECEIVES` the delivery fails for good.
//!
//! Liveness is the export's: the claim is a short lease that a heartbeat
//! renews while the attempt runs, however long the upload takes, so a
//! delivery cut off by a crash is tried again once the lease (and the job's
//! visibility) ends, within a minute. Each attempt is recorded `SENDING`
//! before anything is sent; the worker that finds one left so marks it
//! failed (interrupted) and tries again: the history shows both.

use std::pin::pin;

use futures::future::{self, Either};
use futures::StreamExt;
use jiff::{SignedDuration, Timestamp};

use super::context::load_context;
use super::email::send_email;
use super::link::deliver_link;
use super::s3::put_s3;
use super::sftp::upload_sftp;
use super::webhook::post_webhook;
use crate::error::CoreError;
use crate::model::deliver_when::remember_delivered;
use crate::model::delivery::{AttemptOutcome, Delivery, DeliveryAttempt, DeliveryStatus, MAX_ATTEMPTS};
use crate::model::destination::Destination;
use crate::ports::delivery::{DeliveryError, Sent};
use crate::ports::job_policy::{past_giving_up, settle, Handled, JobOutcome, StepOutcome};
use crate::ports::work_queue::{Job, ReceivedJob};
use crate::usecases::exports::heartbeat;
use crate::usecases::job_stop::Stop;
use crate::usecases::run_outcome::on_delivery_finished;
use crate::usecases::schedules::modify_schedule;
use crate::usecases::settings::current;
use crate::Ports;

/// How long a worker's claim on a delivery (and the job's visibility) lasts
/// without renewal; the heartbeat renews it while an attempt runs.
pub const ATTEMPT_LEASE: SignedDuration = SignedDuration::from_secs(60);

/// The error of an attempt its worker did not live to finish.
pub const INTERRUPTED: &str = "interrupted: Ferry stopped during this attempt; it was tried again";

/// Wait before the 2nd and the 3rd attempt of a round.
pub const BACKOFF: [SignedDuration; 2] = [SignedDuration::from_secs(30), SignedDuration::from_secs(120)];

pub struct DeliveryWorker {
    ports: Ports,
}

impl DeliveryWorker {
    pub fn new(ports: Ports) -> Self {
        DeliveryWorker { ports }
    }

    /// Receives one job and handles it.
    pub async fn step(&self) -> Result<StepOutcome, CoreError> {
        let Some(received) = self.ports.delivery_queue.receive(ATTEMPT_LEASE).await? else {
            return Ok(StepOutcome::Empty);
        };
        Ok(self.handle(received).await?.into())
    }

    /// Handles one received job: one attempt, then ack or put back (see
    /// `JobOutcome`). Err only when the queue itself failed.
    pub async fn handle(&self, received: ReceivedJob) -> Result<JobOutcome, CoreError> {
        let queue = self.ports.delivery_queue.as_ref();
        let Job::Deliver { delivery_id } = &received.job else {
            tracing::warn!(job = ?received.job, "not a delivery job; dropped");
            return settle(queue, &received, Ok(Handled::Done)).await;
        };
        if past_giving_up(&received) {
            self.give_up(delivery_id, received.attempts).await?;
            return settle(queue, &received, Ok(Handled::Done)).await;
        }
        // A backoff or a claim by another worker is a benign wait, not a failure of this job.
        let handled = self.work_on(delivery_id).await;
        settle(queue, &received, handled).await
    }

    /// The job came back too often (its attempts crash or the store fails):
    /// the delivery fails for good and the run is judged.
    async fn give_up(&self, delivery_id: &str, receives: u32) -> Result<(), CoreError> {
        let ports = &self.ports;
        let Some(mut d) = ports.deliveries.get_delivery(delivery_id).await? else { return Ok(()) };
        if !d.status.is_final() {
            tracing::error!(delivery_id, receives, "delivery job keeps failing; giving up");
            let now = ports.clock.now();
            let error = format!("given up after {receives} failed attempts to run the delivery");
            record(&mut d, now, Err(DeliveryError::Rejected(error)), now);
            if !ports.deliveries.update_delivery(&mut d).await? {
                return Ok(());
            }
        }
        on_delivery_finished(ports, &d.export_id).await
    }

    async fn work_on(&self, delivery_id: &str) -> Result<Handled, CoreError> {
        let ports = &self.ports;
        let Some(mut d) = ports.deliveries.get_delivery(delivery_id).await? else {
            return Ok(Handled::Done);
        };
        if d.status.is_final() {
            return Ok(Handled::Done);
        }
        let started = ports.clock.now();
        if let Some(wait) = d.not_before.filter(|t| *t > started) {
            // Claimed by another worker, or backing off: this (duplicate) job waits.
            return Ok(Handled::Later(wait.duration_since(started)));
        }
        if let Some(cut_off) = d.attempts.last_mut().filter(|a| a.outcome == AttemptOutcome::Sending) {
            cut_off.outcome = AttemptOutcome::Failed;
            cut_off.error = Some(INTERRUPTED.into());
        }
        // Recorded before it is sent: a crash leaves a trace in the history.
        d.attempts.push(DeliveryAttempt {
            at: started,
            outcome: AttemptOutcome::Sending,
            error: None,
            bytes_sent: 0,
            answer: None,
            duration_ms: None,
        });
        d.not_before = Some(started + ATTEMPT_LEASE);
        d.updated_at = started;
        if !ports.deliveries.update_delivery(&mut d).await? {
            return Ok(Handled::Later(SignedDuration::from_secs(1)));
        }
        let result = match self.attempt_alive(&mut d, started).await? {
            Ok(sent) => Ok(sent),
            Err(Stop::Refused(err)) => Err(err),
            Err(Stop::Store(e)) => return Err(e),
        };
        let next = record(&mut d, started, result, ports.clock.now());
        if !ports.deliveries.update_delivery(&mut d).await? {
            tracing::error!(delivery_id = %d.id, "delivery changed under its claim; the attempt is not recorded");
            return Ok(Handled::Later(SignedDuration::from_secs(1)));
        }
        let outcome = match (next, d.status) {
            (Some(_), _) => "RETRYING",
            (None, DeliveryStatus::Delivered) => "DELIVERED",
            (None, _) => "FAILED",
        };
        // The Lambdas' log layer turns `ferry_outcome` events into a metric (functions/lambda/src/logs.rs).
        tracing::info!(target: "ferry_outcome", kind = "delivery", outcome, destination = d.kind.as_str(), delivery_id = %d.id, "delivery attempt recorded");
        match next {
            Some(wait) => Ok(Handled::Later(wait)),
            None => {
                if d.status == DeliveryStatus::Delivered {
                    remember_content(ports, &d).await?;
                }
                on_delivery_finished(ports, &d.export_id).await?;
                Ok(Handled::Done)
            }
        }
    }
}

impl DeliveryWorker {
    /// Makes the attempt while a heartbeat renews the claim; an attempt
    /// without an answer for `stallMinutes` ends `stalled`, for good.
    /// Err only when the store failed.
    async fn attempt_alive(
        &self,
        d: &mut Delivery,
        started: Timestamp,
    ) -> Result<Result<Sent, Stop<DeliveryError>>, CoreError> {
        let ports = &self.ports;
        let stall_after = SignedDuration::from_mins(current(ports).await?.stall_minutes.max(1) as i64);
        // The heartbeat renews the lease on a fresh copy; the attempt's record
        // is then written over it with the latest version.
        let mut beat = d.clone();
        let mut ticks = heartbeat::ticks(ports.config.export.heartbeat);
        let result = {
            let mut work = pin!(attempt(ports, d));
            loop {
                match future::select(work.as_mut(), ticks.next()).await {
                    Either::Left((result, _)) => break result,
                    Either::Right(_) => {
                        let now = ports.clock.now();
                        if now.duration_since(started) >= stall_after {
                            let minutes = stall_after.as_secs() / 60;
                            let why = format!(
                                "stalled: the {} attempt to destination {} started at {started} \
                                 had no answer for {minutes} minutes",
                                beat.kind.as_str(),
                                beat.destination
                            );
                            tracing::error!(delivery_id = %beat.id, %why, "delivery stalled");
                            break Err(Stop::Refused(DeliveryError::Rejected(why)));
                        }
                        // Fresh: the attempt itself may have written it (a link's token).
                        if let Some(fresh) = ports.deliveries.get_delivery(&beat.id).await? {
                            beat = fresh;
                        }
                        beat.not_before = Some(now + ATTEMPT_LEASE);
                        if !ports.deliveries.update_delivery(&mut beat).await? {
                            tracing::warn!(delivery_id = %beat.id, "delivery changed during its attempt");
                        }
                    }
                }
            }
        };
        // Whichever wrote last (the attempt or the heartbeat) holds the version.
        d.version = d.version.max(beat.version);
        Ok(result)
    }
}

/// Keeps on the schedule what content its destination now has, for
/// `deliverWhen: changed`. Written after the delivery is recorded DELIVERED,
/// so a failed delivery never counts as delivered.
async fn remember_content(ports: &Ports, d: &Delivery) -> Result<(), CoreError> {
    let Some(e) = ports.exports.get_export(&d.export_id).await? else { return Ok(()) };
    let Some(content) = e.content_sha256 else { return Ok(()) };
    modify_schedule(ports, &d.schedule_id, |s| {
        let id = d.destination_id();
        if let Some(placed) = s.destination(&id).cloned() {
            remember_delivered(&mut s.delivered, &id, &placed.destination, &content);
        }
    })
    .await?;
    Ok(())
}

/// One attempt over the destination's channel: Ok(what was sent), or why it
/// did not deliver (`Stop::Refused`, recorded as the attempt's error) or
/// could not be made (`Stop::Store`, the job comes back).
async fn attempt(ports: &Ports, d: &mut Delivery) -> Result<Sent, Stop<DeliveryError>> {
    let mut cx = load_context(ports, d).await?;
    let destination = cx.destination.clone();
    let result = match &destination {
        Destination::Email(e) => send_email(&cx, d, e).await,
        Destination::Link(l) => deliver_link(&mut cx, d, l).await,
        Destination::Sftp(s) => upload_sftp(&cx, s).await,
        Destination::Webhook(w) => post_webhook(&cx, w).await,
        Destination::S3(s) => put_s3(&cx, s).await,
    };
    if let Err(err) = &result {
        tracing::info!(delivery_id = %d.id, destination = d.destination, kind = d.kind.as_str(), error = %err, "delivery attempt failed");
    }
    result.map_err(Stop::Refused)
}

/// Appends the attempt (started `at`, answered `now`) and moves the delivery
/// on; Some(wait) when another attempt follows after `wait`.
fn record(
    d: &mut Delivery,
    at: Timestamp,
    result: Result<Sent, DeliveryError>,
    now: Timestamp,
) -> Option<SignedDuration> {
    let (outcome, error, bytes_sent, answer) = match &result {
        Ok(sent) => (AttemptOutcome::Delivered, None, sent.bytes, Some(sent.answer.clone())),
        Err(err) => (AttemptOutcome::Failed, Some(err.to_string()), 0, None),
    };
    if d.attempts.last().is_some_and(|a| a.outcome == AttemptOutcome::Sending) {
        d.attempts.pop();
    }
    let duration_ms = Some(now.duration_since(at).as_millis().max(0) as u64);
    d.attempts.push(DeliveryAttempt { at, outcome, error, bytes_sent, answer, duration_ms });
    d.updated_at = now;
    d.not_before = None;
    match result {
        Ok(_) => {
            d.status = DeliveryStatus::Delivered;
            None
        }
        Err(err) if err.retryable() && d.round_attempts() < MAX_ATTEMPTS => {
            let wait = BACKOFF[(d.round_attempts() - 1).min(BACKOFF.len() - 1)];
            d.not_before = Some(now + wait);
            d.status = DeliveryStatus::Pending;
            Some(wait)
        }
        Err(_) => {
            d.status = DeliveryStatus::Failed;
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::destination::DestinationType;

    fn delivery() -> Delivery {
        let t: Timestamp = "2026-01-01T00:00:00Z".parse().unwrap();
        Delivery::pending("dlv_1", "exp_1", "sch_1", DestinationType::Webhook, t)
    }

    #[test]
    fn retryable_failures_back_off_then_fail_at_the_third_attempt() {
        let mut d = delivery();
        let t = d.created_at;
        let down = || Err(DeliveryError::Failed("connection refused".into()));
        assert_eq!(record(&mut d, t, down(), t), Some(BACKOFF[0]));
        assert_eq!((d.status, d.not_before), (DeliveryStatus::Pending, Some(t + BACKOFF[0])));
        assert_eq!(record(&mut d, t, down(), t), Some(BACKOFF[1]));
        assert_eq!(record(&mut d, t, down(), t), None);
        assert_eq!(d.status, DeliveryStatus::Failed);
        assert_eq!(d.attempts.len(), 3);
        assert_eq!(d.attempts[2].error.as_deref(), Some("connection refused"));
        // A redelivery is a new round of three.
        d.round_start = d.attempts.len();
        d.status = DeliveryStatus::Pending;
        assert_eq!(
            record(
                &mut d,
                t,
                Ok(Sent { bytes: 42, answer: "HTTP 200 OK".into() }),
                t + SignedDuration::from_millis(1500)
            ),
            None
        );
        assert_eq!(
            (d.status, d.attempts[3].bytes_sent, d.attempts[3].outcome),
            (DeliveryStatus::Delivered, 42, AttemptOutcome::Delivered)
        );
        assert_eq!((d.attempts[3].answer.as_deref(), d.attempts[3].duration_ms), (Some("HTTP 200 OK"), Some(1500)));
    }

    #[test]
    fn a_rejection_or_a_forbidden_address_fails_at_once() {
        for err in [DeliveryError::Rejected("404".into()), DeliveryError::Forbidden("127.0.0.1 is loopback".into())] {
            let mut d = delivery();
            let t = d.created_at;
            assert_eq!(record(&mut d, t, Err(err), t), None);
            assert_eq!(d.status, DeliveryStatus::Failed);
        }
        let mut d = delivery();
        let t = d.created_at;
        record(&mut d, t, Err(DeliveryError::Forbidden("x".into())), t);
        assert!(d.attempts[0].error.as_deref().unwrap().starts_with("destination_forbidden"));
    }
}
