//! The format port: writers that turn rows into file bytes as a stream.

use jiff::Timestamp;

use crate::model::format_options::{Format, FormatOptions};
use crate::model::value::Row;

#[derive(Debug, thiserror::Error)]
pub enum FormatError {
    #[error("i/o error while writing the file: {0}")]
    Io(String),
    #[error("{0}")]
    Invalid(String),
}

/// Everything a writer needs to know about the file it makes.
#[derive(Debug, Clone)]
pub struct FormatSpec {
    pub format: Format,
    pub options: FormatOptions,
    /// Column headers, in order.
    pub headers: Vec<String>,
    /// Wrap the file in a zip archive.
    pub compress: bool,
    /// Name of the file inside the zip archive.
    pub inner_file_name: String,
    /// The export's creation instant: the timestamp written inside files
    /// (XLSX properties, zip entries), so a rerun is byte-identical.
    pub created_at: Timestamp,
    /// Data rows per XLSX sheet before rolling over to the next sheet.
    pub xlsx_rows_per_sheet: u32,
    /// What a PDF says about its report (the other formats ignore it).
    pub document: DocumentInfo,
}

/// The report a file comes from, for a PDF's title block and chart.
#[derive(Debug, Clone, Default)]
pub struct DocumentInfo {
    pub report_name: String,
    pub query: Option<String>,
    /// Set for a `timeInStatus` report: the unit its times are in
    /// (`hours`, `days`, …), which labels the chart of average times.
    pub time_in_status_unit: Option<String>,
}

/// Excel's limit: 1,048,576 rows per sheet, one of them the header.
pub const XLSX_MAX_DATA_ROWS_PER_SHEET: u32 = 1_048_575;

pub trait FormatWriter: Send {
    /// Formats rows. Streaming formats append bytes to `out` (the header with
    /// the first call); XLSX and zip keep them in their own temporary storage.
    fn write_rows(&mut self, rows: &[Row], out: &mut Vec<u8>) -> Result<(), FormatError>;
    /// Ends the file: appends the last bytes to `out`, or returns a reader of
    /// the assembled file (XLSX, zip), which the caller reads part by part.
    fn finish(self: Box<Self>, out: &mut Vec<u8>) -> Result<Option<Box<dyn std::io::Read + Send>>, FormatError>;
    /// State to continue the same file after everything written so far was
    /// saved; None when the format cannot continue and restarts from zero.
    fn checkpoint_state(&self) -> Option<serde_json::Value>;
}

/// The files of a `dataset` export: one CSV file per table, in one zip.
#[derive(Debug, Clone)]
pub struct DatasetLayout {
    /// In the order the source yields them; every file is written, with its
    /// header, even when the source yields no row for it.
    pub files: Vec<DatasetFile>,
    /// CSV options (for a dataset, embedded line breaks are escaped unless
    /// the report says otherwise).
    pub options: FormatOptions,
    /// The zip entries' timestamp: the export's `createdAt`.
    pub created_at: Timestamp,
}

#[derive(Debug, Clone)]
pub struct DatasetFile {
    pub entity: String,
    /// `<entity>_<exportId>_<timestamp>.csv`
    pub file_name: String,
    pub headers: Vec<String>,
}

/// What a dataset's zip holds, piece by piece, as a `ZipSplitter` reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ZipPiece {
    /// A file starts: its name.
    Start(String),
    /// The next bytes of its content.
    Data(Vec<u8>),
    /// It ended (and checked out).
    End,
}

/// Reads a dataset's zip as it streams by (no seeking, nothing held but a
/// chunk): an S3 destination puts each file as an object of its own.
pub trait ZipSplitter: Send {
    /// Takes the zip's next bytes; appends the pieces they complete.
    fn feed(&mut self, input: &[u8], out: &mut Vec<ZipPiece>) -> Result<(), FormatError>;
    /// After the last bytes: an error when the zip ended mid-file.
    fn finish(&self) -> Result<(), FormatError>;
}

pub trait FormatFactory: Send + Sync {
    /// A writer for a new file, or (with `resume`) one that continues a file
    /// from a state returned by `checkpoint_state`.
    fn create(
        &self,
        spec: &FormatSpec,
        resume: Option<&serde_json::Value>,
    ) -> Result<Box<dyn FormatWriter>, FormatError>;

    /// A writer of a dataset's zip: each row's first cell names its entity
    /// (a `Value::Text` of a file's `entity`), the others are that table's
    /// cells; the rows of one entity come together, entities in the
    /// layout's order. Resumable like CSV (`resume`).
    fn create_dataset(
        &self,
        layout: &DatasetLayout,
        resume: Option<&serde_json::Value>,
    ) -> Result<Box<dyn FormatWriter>, FormatError> {
        let _ = (layout, resume);
        Err(FormatError::Invalid("this runtime cannot write datasets".into()))
    }

    /// A reader of a dataset's zip, file by file (`create_dataset`'s layout).
    fn dataset_splitter(&self) -> Result<Box<dyn ZipSplitter>, FormatError> {
        Err(FormatError::Invalid("this runtime cannot read datasets".into()))
    }
}
