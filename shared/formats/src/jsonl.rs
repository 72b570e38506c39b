//! JSONL (newline-delimited JSON): one object per row, keyed by header.
//!
//! Every line stands alone, so the file can be cut and continued anywhere
//! between rows: a resumed writer needs no state at all.

use ferry_core::model::value::Row;
use ferry_core::ports::format::{FormatError, FormatSpec, FormatWriter};

use crate::date_text::DateTimeText;
use crate::json_encode::{self, JsonCells};
use crate::out_buf::OutBuf;

pub struct JsonlWriter {
    /// `"Header":` per column, escaped once instead of once per row.
    keys: Vec<Vec<u8>>,
    cells: JsonCells,
}

impl JsonlWriter {
    pub fn new(spec: &FormatSpec) -> Self {
        let keys = spec
            .headers
            .iter()
            .map(|header| {
                let mut key = Vec::with_capacity(header.len() + 3);
                json_encode::write_string(&mut OutBuf::new(&mut key), header);
                key.push(b':');
                key
            })
            .collect();
        JsonlWriter { keys, cells: JsonCells::new(DateTimeText::new(&spec.options)) }
    }
}

impl FormatWriter for JsonlWriter {
    fn write_rows(&mut self, rows: &[Row], out: &mut Vec<u8>) -> Result<(), FormatError> {
        let mut out = OutBuf::new(out);
        for row in rows {
            out.push(b'{');
            // A value without a header has no key to go under; rows match
            // the headers by construction, so `zip` only guards the edges.
            for (i, (key, value)) in self.keys.iter().zip(row).enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                out.put(key);
                self.cells.write(&mut out, value)?;
            }
            out.put(b"}\n");
        }
        Ok(())
    }

    fn finish(self: Box<Self>, _out: &mut Vec<u8>) -> Result<Option<Box<dyn std::io::Read + Send>>, FormatError> {
        Ok(None)
    }

    fn checkpoint_state(&self) -> Option<serde_json::Value> {
        Some(serde_json::json!({}))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::spec_with;
    use ferry_core::model::format_options::{Format, FormatOptions};
    use ferry_core::model::value::Value;

    #[test]
    fn each_row_is_an_object_on_its_own_line() {
        let spec = spec_with(Format::Jsonl, FormatOptions::default(), &["Key", "Say \"hi\""]);
        let mut writer: Box<dyn FormatWriter> = Box::new(JsonlWriter::new(&spec));
        let mut out = Vec::new();
        let rows = vec![
            vec![Value::Text("DEMO-1".into()), Value::Bool(true)],
            vec![Value::Text("DEMO-2".into()), Value::List(vec!["x".into()])],
        ];
        writer.write_rows(&rows, &mut out).unwrap();
        assert!(writer.finish(&mut out).unwrap().is_none());
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "{\"Key\":\"DEMO-1\",\"Say \\\"hi\\\"\":true}\n{\"Key\":\"DEMO-2\",\"Say \\\"hi\\\"\":[\"x\"]}\n"
        );
    }
}
