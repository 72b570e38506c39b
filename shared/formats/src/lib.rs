//! Ferry's file formats: streaming CSV, JSON, JSONL, XLSX and PDF writers and zip
//! compression, behind the core's format port (`ferry_core::ports::format`).
//! `StandardFormats` is the factory a runtime hands to the use cases.

mod byte_scan;
mod cell_text;
mod column_widths;
mod date_text;
mod excel_serial;
mod factory;
mod formula_guard;
mod json_encode;
mod out_buf;
mod resume_state;
#[cfg(test)]
mod test_support;

pub mod csv;
pub mod dataset_split;
pub mod dataset_zip;
pub mod json;
pub mod jsonl;
pub mod pdf;
pub mod xlsx;
pub mod zip;

pub use crate::csv::CsvWriter;
pub use crate::dataset_zip::DatasetZipWriter;
pub use crate::json::JsonWriter;
pub use crate::jsonl::JsonlWriter;
pub use crate::pdf::PdfWriter;
pub use crate::xlsx::XlsxWriter;
pub use crate::zip::ZipFormatWriter;
pub use factory::StandardFormats;
