//! The `sample` source: a synthetic issue tracker whose row `i` is a pure
//! function of `(seed, i)`, so any page is produced from its cursor alone and
//! a billion rows need no memory.

mod hash;
mod reader;
mod row;
mod schema;
mod settings;
mod text;
mod timeline;
mod words;

pub use reader::SampleReader;
pub use schema::{check_report, default_columns, field_infos, SampleField};
pub use settings::{parse_settings, MAX_ROWS};
