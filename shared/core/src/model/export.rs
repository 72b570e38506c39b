//! Exports: one run of a report producing one file, as a resumable job.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::format_options::Format;
use crate::hashing::Sha256State;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "UPPERCASE")]
pub enum ExportStatus {
    Queued,
    Running,
    Completed,
    Failed,
    Cancelling,
    Cancelled,
}

impl ExportStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ExportStatus::Queued => "QUEUED",
            ExportStatus::Running => "RUNNING",
            ExportStatus::Completed => "COMPLETED",
            ExportStatus::Failed => "FAILED",
            ExportStatus::Cancelling => "CANCELLING",
            ExportStatus::Cancelled => "CANCELLED",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Queued, Self::Running, Self::Completed, Self::Failed, Self::Cancelling, Self::Cancelled]
            .into_iter()
            .find(|v| v.as_str() == s)
    }
    pub fn is_terminal(self) -> bool {
        matches!(self, ExportStatus::Completed | ExportStatus::Failed | ExportStatus::Cancelled)
    }
    pub fn is_active(self) -> bool {
        !self.is_terminal()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Trigger {
    Api,
    Schedule,
    RunNow,
}

impl Trigger {
    pub fn as_str(self) -> &'static str {
        match self {
            Trigger::Api => "api",
            Trigger::Schedule => "schedule",
            Trigger::RunNow => "run_now",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default, utoipa::ToSchema)]
pub struct Progress {
    pub completed: u64,
    pub total: Option<u64>,
}

/// One uploaded part of a multipart file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartTag {
    pub number: u32,
    pub etag: String,
    pub size: u64,
}

/// Everything needed to continue an export where a dead worker stopped: the
/// upload and how many of its parts count, the source position after the
/// last uploaded row, the writer's state and the running SHA-256. Saved after
/// every uploaded part.
///
/// The parts' tags are not kept here but listed from the file store when the
/// upload completes: 10,000 tags would break DynamoDB's 400 KB item limit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Checkpoint {
    pub upload_id: String,
    /// Parts 1..=parts are uploaded and belong to the file; a higher-numbered
    /// part in the store is a dead worker's leftover, overwritten next.
    #[serde(deserialize_with = "part_count")]
    pub parts: u32,
    pub source_cursor: Option<serde_json::Value>,
    pub format_state: Option<serde_json::Value>,
    pub rows: u64,
    pub bytes: u64,
    pub sha256: Sha256State,
    /// The content hash's state after the checkpointed rows (`content_hash`);
    /// None in checkpoints written before content hashes existed.
    #[serde(default)]
    pub content_sha256: Option<Sha256State>,
    /// The file's bytes after the last part (base64), when the checkpoint
    /// was taken between parts: a store's parts cannot be smaller than its
    /// minimum (S3: 5 MiB), so a slow source's checkpoint keeps them here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending: Option<String>,
}

/// The first rows of an export (at most `SUMMARY_ROWS`) as text: what an
/// email destination's `summaryRows` shows without opening the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct RowSummary {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// Rows an export keeps for summaries: the most `summaryRows` allows.
pub const SUMMARY_ROWS: usize = 50;

/// A worker's claim on an export; expired leases are taken over.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lease {
    pub owner: String,
    pub until: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Export {
    pub id: String,
    pub report_id: String,
    /// The report's owner when the export was created: the concurrency limit counts per owner.
    pub owner: String,
    pub schedule_id: Option<String>,
    pub trigger: Trigger,
    pub status: ExportStatus,
    pub created_by: String,
    pub created_at: Timestamp,
    pub started_at: Option<Timestamp>,
    pub completed_at: Option<Timestamp>,
    pub progress: Progress,
    pub rows: Option<u64>,
    pub bytes: Option<u64>,
    pub sha256: Option<String>,
    /// SHA-256 of the header and rows as the source yielded them, whatever
    /// the format (`content_hash`): what `deliverWhen: changed` compares.
    #[serde(default)]
    pub content_sha256: Option<String>,
    pub format: Format,
    /// The file is a zip archive of the formatted file.
    #[serde(default)]
    pub compress: bool,
    pub file_name: Option<String>,
    /// Key of the finished file in the file store; None once deleted.
    pub file_key: Option<String>,
    pub expires_at: Option<Timestamp>,
    pub error: Option<String>,
    pub warnings: Vec<String>,
    /// The file's first rows as text, for a mail's summary table.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<RowSummary>,
    /// Runs with the site connection of the report's connection kind
    /// (a schedule with `runAs: "app"`), resolved when the export starts.
    #[serde(default)]
    pub run_as_app: bool,
    pub from_date: Option<Timestamp>,
    pub to_date: Option<Timestamp>,
    pub checkpoint: Option<Checkpoint>,
    pub lease: Option<Lease>,
    /// Optimistic-concurrency version; every write is conditional on it.
    pub version: u64,
}

impl Export {
    /// A new QUEUED export (started by the API, as CSV, by its owner): the
    /// one place every field gets its first value. Callers and tests set
    /// what differs with struct update syntax, so a new field is one edit.
    pub fn queued(
        id: impl Into<String>,
        report_id: impl Into<String>,
        owner: impl Into<String>,
        created_at: Timestamp,
    ) -> Export {
        let owner = owner.into();
        Export {
            id: id.into(),
            report_id: report_id.into(),
            created_by: owner.clone(),
            owner,
            schedule_id: None,
            trigger: Trigger::Api,
            status: ExportStatus::Queued,
            created_at,
            started_at: None,
            completed_at: None,
            progress: Progress::default(),
            rows: None,
            bytes: None,
            sha256: None,
            content_sha256: None,
            format: Format::Csv,
            compress: false,
            file_name: None,
            file_key: None,
            expires_at: None,
            error: None,
            warnings: Vec::new(),
            summary: None,
            run_as_app: false,
            from_date: None,
            to_date: None,
            checkpoint: None,
            lease: None,
            version: 0,
        }
    }

    /// Where the export's file lives in the file store, once it has a name.
    pub fn upload_key(&self) -> Option<String> {
        self.file_name.as_ref().map(|name| format!("exports/{}/{}", self.id, name))
    }

    pub fn content_type(&self) -> &'static str {
        if self.compress {
            "application/zip"
        } else {
            self.format.content_type()
        }
    }

    /// A finished file exists and is within its retention.
    pub fn file_available(&self, now: Timestamp) -> bool {
        self.status == ExportStatus::Completed && self.file_key.is_some() && self.expires_at.is_none_or(|e| now < e)
    }
}

/// Reads the part count, or the list of tags that checkpoints of older
/// versions kept (an export in flight across an upgrade still resumes).
fn part_count<'de, D: serde::Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Parts {
        Count(u32),
        Tags(Vec<serde::de::IgnoredAny>),
    }
    Ok(match Parts::deserialize(d)? {
        Parts::Count(n) => n,
        Parts::Tags(tags) => tags.len() as u32,
    })
}

#[cfg(test)]
mod tests {
    use super::Checkpoint;

    #[test]
    fn a_checkpoint_reads_its_part_count_or_an_older_list_of_tags() {
        let base = r#""uploadId":"u","sourceCursor":null,"formatState":null,"rows":5,"bytes":9,"sha256":"#;
        let sha = serde_json::to_string(&crate::hashing::ResumableSha256::new().snapshot()).unwrap();
        let count: Checkpoint = serde_json::from_str(&format!(r#"{{{base}{sha},"parts":3}}"#)).unwrap();
        assert_eq!(count.parts, 3);
        let tags = r#"[{"number":1,"etag":"a","size":1},{"number":2,"etag":"b","size":1}]"#;
        let old: Checkpoint = serde_json::from_str(&format!(r#"{{{base}{sha},"parts":{tags}}}"#)).unwrap();
        assert_eq!(old.parts, 2);
        assert_eq!(serde_json::to_value(&old).unwrap()["parts"], 2, "written back as a count");
    }
}
