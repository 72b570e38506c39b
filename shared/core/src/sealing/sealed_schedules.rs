//! [`SealedSchedules`]: a `ScheduleStore` that seals the secrets of every
//! destination of a schedule (SFTP `password` and `privateKey`, webhook
//! `secret` and header values, S3 `secretAccessKey`) on the way in and opens
//! them on the way out.

use std::sync::Arc;

use async_trait::async_trait;
use jiff::Timestamp;

use super::SecretBox;
use crate::model::destination::Destination;
use crate::model::page::{Page, PageRequest};
use crate::model::schedule::Schedule;
use crate::ports::ScheduleStore;
use crate::PortError;

pub struct SealedSchedules {
    inner: Arc<dyn ScheduleStore>,
    secrets: SecretBox,
}

impl SealedSchedules {
    pub fn new(inner: Arc<dyn ScheduleStore>, secrets: SecretBox) -> Self {
        SealedSchedules { inner, secrets }
    }
}

fn map_opt(v: &mut Option<String>, f: &mut impl FnMut(&str) -> Result<String, PortError>) -> Result<(), PortError> {
    if let Some(value) = v.as_mut() {
        *value = f(value)?;
    }
    Ok(())
}

/// `s` with each destination secret passed through `f`.
pub(super) fn map_secrets(
    mut s: Schedule,
    mut f: impl FnMut(&str) -> Result<String, PortError>,
) -> Result<Schedule, PortError> {
    for d in s.destinations.iter_mut() {
        match &mut d.destination {
            Destination::Sftp(d) => {
                map_opt(&mut d.password, &mut f)?;
                map_opt(&mut d.private_key, &mut f)?;
            }
            Destination::Webhook(d) => {
                map_opt(&mut d.secret, &mut f)?;
                for value in d.headers.values_mut() {
                    *value = f(value)?;
                }
            }
            Destination::S3(d) => {
                if let Some(secret) = d.secret_mut() {
                    *secret = f(secret)?;
                }
            }
            Destination::Email(_) | Destination::Link(_) => {}
        }
    }
    Ok(s)
}

impl SealedSchedules {
    fn seal(&self, s: &Schedule) -> Result<Schedule, PortError> {
        map_secrets(s.clone(), |v| self.secrets.seal(v))
    }

    fn open(&self, s: Schedule) -> Result<Schedule, PortError> {
        map_secrets(s, |v| self.secrets.open(v))
    }

    fn open_all(&self, found: Vec<Schedule>) -> Result<Vec<Schedule>, PortError> {
        found.into_iter().map(|s| self.open(s)).collect()
    }
}

#[async_trait]
impl ScheduleStore for SealedSchedules {
    async fn insert_schedule(&self, s: &Schedule) -> Result<(), PortError> {
        self.inner.insert_schedule(&self.seal(s)?).await
    }

    async fn get_schedule(&self, id: &str) -> Result<Option<Schedule>, PortError> {
        self.inner.get_schedule(id).await?.map(|s| self.open(s)).transpose()
    }

    async fn update_schedule(&self, s: &mut Schedule) -> Result<bool, PortError> {
        let mut sealed = self.seal(s)?;
        let written = self.inner.update_schedule(&mut sealed).await?;
        s.version = sealed.version;
        Ok(written)
    }

    async fn delete_schedule(&self, id: &str) -> Result<bool, PortError> {
        self.inner.delete_schedule(id).await
    }

    async fn list_schedules(&self, owner: Option<&str>, page: &PageRequest) -> Result<Page<Schedule>, PortError> {
        let found = self.inner.list_schedules(owner, page).await?;
        Ok(Page { items: self.open_all(found.items)?, next_cursor: found.next_cursor })
    }

    async fn schedules_using_report(&self, report_id: &str) -> Result<Vec<String>, PortError> {
        self.inner.schedules_using_report(report_id).await
    }

    async fn due_schedules(&self, now: Timestamp, limit: u32) -> Result<Vec<Schedule>, PortError> {
        self.open_all(self.inner.due_schedules(now, limit).await?)
    }
}
