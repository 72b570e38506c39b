//! Jobs as SQS message bodies, both ways. The export and deliver Lambdas do
//! not poll: the event source mapping hands them a batch of records, each
//! with its body, receipt handle and `ApproximateReceiveCount`, which
//! `received_job` turns into the `ReceivedJob` a worker step takes.

use ferry_core::ports::work_queue::{Job, ReceivedJob};

/// A message whose body is not a Ferry job: the consumer reports it as
/// failed (the redrive policy moves it to the DLQ) rather than guessing.
#[derive(Debug, thiserror::Error)]
#[error("the SQS message body is not a Ferry job: {0}")]
pub struct BadJobMessage(#[source] serde_json::Error);

/// The message body of a job: its JSON (`{"type":"export","export_id":"exp_…"}`).
pub fn job_body(job: &Job) -> String {
    serde_json::to_string(job).expect("a job serializes")
}

/// The job of a Lambda SQS record: its `body`, its `receiptHandle` and its
/// `attributes.ApproximateReceiveCount` (this delivery included).
pub fn received_job(body: &str, receipt: &str, attempts: u32) -> Result<ReceivedJob, BadJobMessage> {
    let job = serde_json::from_str(body).map_err(BadJobMessage)?;
    Ok(ReceivedJob { job, receipt: receipt.to_string(), attempts: attempts.max(1) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_becomes_the_job_it_carries_with_its_receipt_and_attempts() {
        let job = Job::Deliver { delivery_id: "dlv_1".into() };
        let body = job_body(&job);
        assert_eq!(body, r#"{"type":"deliver","delivery_id":"dlv_1"}"#);
        let received = received_job(&body, "AQEB…", 3).unwrap();
        assert_eq!(received, ReceivedJob { job, receipt: "AQEB…".into(), attempts: 3 });
    }

    #[test]
    fn a_body_that_is_not_a_job_is_an_error_naming_it() {
        let err = received_job(r#"{"type":"reboot"}"#, "r", 1).unwrap_err();
        assert!(err.to_string().starts_with("the SQS message body is not a Ferry job"), "{err}");
        assert!(received_job("not json", "r", 1).is_err());
    }
}
