//! The four Lambda functions' handlers, in-process, fed real event JSON (API
//! Gateway REST proxy, EventBridge Scheduler input, SQS batches) against the
//! AWS emulator (moto, from `.venv`: `make test` installs it). Every test
//! builds its own table, bucket, queues and schedule group, except
//! `deployed`, which runs on the stack `make aws-e2e` deploys from the template.

mod dashboard;
mod deployed;
mod email;
mod events;
mod exports;
/// The api tests' Jira simulator (they use the rest of it).
#[allow(dead_code)]
#[path = "../api/jira_sim/mod.rs"]
mod jira_sim;
mod local_reference;
mod s3_role;
mod schedules;
mod slow_jira;
mod stack;
