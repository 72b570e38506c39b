//! Behaviour tests of the format writers through the port, checked by
//! readers Ferry did not write: the `csv` crate, serde_json, calamine and the
//! zip crate's reader.

mod csv_options;
mod csv_spectrum;
mod helpers;
mod json;
mod pdf;
mod resume;
mod throughput;
mod xlsx;
mod xlsx_sheet_limit;
mod zipped;
