//! `StandardFormats`: the one `FormatFactory` every runtime uses, choosing
//! the writer for a report's format and wrapping it in zip when asked.

use ferry_core::model::format_options::Format;
use ferry_core::ports::format::{DatasetLayout, FormatError, FormatFactory, FormatSpec, FormatWriter, ZipSplitter};

use crate::csv::CsvWriter;
use crate::dataset_zip::DatasetZipWriter;
use crate::json::JsonWriter;
use crate::jsonl::JsonlWriter;
use crate::pdf::PdfWriter;
use crate::xlsx::XlsxWriter;
use crate::zip::ZipFormatWriter;

/// CSV, JSON, JSONL, XLSX and PDF writers, optionally zipped.
#[derive(Debug, Clone, Copy, Default)]
pub struct StandardFormats;

impl FormatFactory for StandardFormats {
    fn create(
        &self,
        spec: &FormatSpec,
        resume: Option<&serde_json::Value>,
    ) -> Result<Box<dyn FormatWriter>, FormatError> {
        if spec.compress {
            // A zip's directory comes last: a zipped file always restarts
            // (its `checkpoint_state` is None), so a state here is a caller bug.
            if resume.is_some() {
                return Err(FormatError::Invalid("a zipped file cannot be resumed; start it over".into()));
            }
            let inner = plain_writer(spec, None)?;
            return Ok(Box::new(ZipFormatWriter::new(inner, spec)?));
        }
        plain_writer(spec, resume)
    }

    fn create_dataset(
        &self,
        layout: &DatasetLayout,
        resume: Option<&serde_json::Value>,
    ) -> Result<Box<dyn FormatWriter>, FormatError> {
        Ok(match resume {
            None => Box::new(DatasetZipWriter::new(layout)),
            Some(state) => Box::new(DatasetZipWriter::resume(layout, state)?),
        })
    }

    fn dataset_splitter(&self) -> Result<Box<dyn ZipSplitter>, FormatError> {
        Ok(Box::new(crate::dataset_split::DatasetSplitter::default()))
    }
}

fn plain_writer(spec: &FormatSpec, resume: Option<&serde_json::Value>) -> Result<Box<dyn FormatWriter>, FormatError> {
    Ok(match (spec.format, resume) {
        (Format::Csv, None) => Box::new(CsvWriter::new(spec)),
        (Format::Csv, Some(state)) => Box::new(CsvWriter::resume(spec, state)?),
        (Format::Json, None) => Box::new(JsonWriter::new(spec)),
        (Format::Json, Some(state)) => Box::new(JsonWriter::resume(spec, state)?),
        // Lines stand alone: continuing needs no state.
        (Format::Jsonl, _) => Box::new(JsonlWriter::new(spec)),
        (Format::Xlsx, None) => Box::new(XlsxWriter::new(spec)?),
        (Format::Xlsx, Some(_)) => {
            return Err(FormatError::Invalid("an XLSX file cannot be resumed; start it over".into()))
        }
        (Format::Pdf, None) => Box::new(PdfWriter::new(spec)?),
        (Format::Pdf, Some(_)) => {
            return Err(FormatError::Invalid("a PDF file cannot be resumed; start it over".into()))
        }
    })
}
