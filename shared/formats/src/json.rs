//! JSON: `{"columns": [...], "rows": [[...], ...]}`, streamed.
//!
//! The prefix goes out with the first write, each row on its own line
//! (so line tools can skim a large file), and `]}` only at `finish`. The one
//! piece of state a resumed writer needs is whether a row came before it,
//! because that decides the comma.

use ferry_core::model::value::Row;
use ferry_core::ports::format::{FormatError, FormatSpec, FormatWriter};

use crate::date_text::DateTimeText;
use crate::json_encode::{self, JsonCells};
use crate::out_buf::OutBuf;
use crate::resume_state;

pub struct JsonWriter {
    headers: Vec<String>,
    cells: JsonCells,
    prefix_written: bool,
    row_written: bool,
}

impl JsonWriter {
    pub fn new(spec: &FormatSpec) -> Self {
        JsonWriter {
            headers: spec.headers.clone(),
            cells: JsonCells::new(DateTimeText::new(&spec.options)),
            prefix_written: false,
            row_written: false,
        }
    }

    /// Continues a file from `checkpoint_state`.
    pub fn resume(spec: &FormatSpec, state: &serde_json::Value) -> Result<Self, FormatError> {
        let mut writer = JsonWriter::new(spec);
        writer.prefix_written = resume_state::flag(state, "prefixWritten")?;
        writer.row_written = resume_state::flag(state, "rowWritten")?;
        if writer.row_written && !writer.prefix_written {
            return Err(FormatError::Invalid(format!("inconsistent JSON resume state: {state}")));
        }
        Ok(writer)
    }

    fn write_prefix(&mut self, out: &mut OutBuf) {
        out.put(b"{\"columns\":[");
        for (i, header) in self.headers.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            json_encode::write_string(out, header);
        }
        out.put(b"],\"rows\":[");
        self.prefix_written = true;
    }
}

impl FormatWriter for JsonWriter {
    fn write_rows(&mut self, rows: &[Row], out: &mut Vec<u8>) -> Result<(), FormatError> {
        let mut out = OutBuf::new(out);
        if !self.prefix_written {
            self.write_prefix(&mut out);
        }
        for row in rows {
            out.put(if self.row_written { b",\n[" } else { b"\n[" });
            for (i, value) in row.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                self.cells.write(&mut out, value)?;
            }
            out.push(b']');
            self.row_written = true;
        }
        Ok(())
    }

    fn finish(mut self: Box<Self>, out: &mut Vec<u8>) -> Result<Option<Box<dyn std::io::Read + Send>>, FormatError> {
        let mut out = OutBuf::new(out);
        if !self.prefix_written {
            self.write_prefix(&mut out);
        }
        out.put(if self.row_written { b"\n]}\n" } else { b"]}\n" });
        Ok(None)
    }

    fn checkpoint_state(&self) -> Option<serde_json::Value> {
        Some(serde_json::json!({ "prefixWritten": self.prefix_written, "rowWritten": self.row_written }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::spec_with;
    use ferry_core::model::format_options::{Format, FormatOptions};
    use ferry_core::model::value::Value;

    fn json(rows: &[Row]) -> String {
        let spec = spec_with(Format::Json, FormatOptions::default(), &["Key", "N"]);
        let mut writer: Box<dyn FormatWriter> = Box::new(JsonWriter::new(&spec));
        let mut out = Vec::new();
        writer.write_rows(rows, &mut out).unwrap();
        assert!(writer.finish(&mut out).unwrap().is_none());
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn rows_are_arrays_one_per_line() {
        let rows =
            vec![vec![Value::Text("DEMO-1".into()), Value::Int(1)], vec![Value::Text("DEMO-2".into()), Value::Null]];
        assert_eq!(json(&rows), "{\"columns\":[\"Key\",\"N\"],\"rows\":[\n[\"DEMO-1\",1],\n[\"DEMO-2\",null]\n]}\n");
    }

    #[test]
    fn no_rows_is_an_empty_array() {
        assert_eq!(json(&[]), "{\"columns\":[\"Key\",\"N\"],\"rows\":[]}\n");
    }

    #[test]
    fn a_row_without_a_prefix_is_an_invalid_state() {
        let spec = spec_with(Format::Json, FormatOptions::default(), &["Key"]);
        let state = serde_json::json!({"prefixWritten": false, "rowWritten": true});
        assert!(JsonWriter::resume(&spec, &state).is_err());
    }
}
