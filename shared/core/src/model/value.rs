//! Cells and rows as sources produce them and formats write them. Typed, so XLSX
//! gets numbers and dates and CSV gets their canonical text.

use jiff::{civil::Date, Timestamp};

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Text(String),
    Int(i64),
    Float(f64),
    /// A number rounded to `.1` decimals (0–2), shown with exactly that many
    /// in every file, preview and page (`3.50`), and in XLSX a number with a
    /// format of that many decimals: a time in status in hours or days.
    Decimal(f64, u8),
    Bool(bool),
    DateTime(Timestamp),
    Date(Date),
    /// Several short texts (labels, components): CSV/XLSX join them with ", ",
    /// JSON writes an array.
    List(Vec<String>),
}

pub type Row = Vec<Value>;

impl Value {
    /// The cell as a person reads it in a mail's summary table: null as
    /// nothing, lists joined with `, `, instants ISO-8601 UTC.
    pub fn summary_text(&self) -> String {
        match self {
            Value::Null => String::new(),
            Value::Text(s) => s.clone(),
            Value::Int(i) => i.to_string(),
            Value::Float(f) => f.to_string(),
            Value::Decimal(f, decimals) => decimal_text(*f, *decimals),
            Value::Bool(b) => b.to_string(),
            Value::DateTime(ts) => ts.to_string(),
            Value::Date(d) => d.to_string(),
            Value::List(items) => items.join(", "),
        }
    }
}

/// `value` with exactly `decimals` decimals (`3.5`, 2 → `3.50`); nothing
/// for NaN or infinities, which no format can hold.
pub fn decimal_text(value: f64, decimals: u8) -> String {
    if value.is_finite() {
        format!("{value:.prec$}", prec = usize::from(decimals))
    } else {
        String::new()
    }
}

/// The type of a field, as `GET /v1/connections/{id}/fields` reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum FieldType {
    String,
    Number,
    Datetime,
    Date,
    Boolean,
    Array,
}

/// A field a report can use.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct FieldInfo {
    pub id: String,
    pub name: String,
    #[serde(rename = "type")]
    pub field_type: FieldType,
    pub custom: bool,
}
