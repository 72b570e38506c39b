//! One sample issue's cells. Each field draws from its own hash of
//! `(seed, row)`, so a cell has the same value whichever columns a report
//! asks for, and no cell depends on another row.
//!
//! Rows are filled in place: a page's rows are reused for the next page, a
//! text cell that was text before keeps its `String`, and the `String` of a
//! cell that turns null waits in `spare` for the next cell that turns text.
//! So after the first page a row costs copies of static words and no
//! allocation.

use ferry_core::model::value::Value;

use super::hash::{cell_hash, row_hash, Draws};
use super::schema::SampleField;
use super::text::{write_description, write_issue_key, write_summary};
use super::timeline::{created_at, updated_at};
use super::words::{ASSIGNEES, LABELS, PRIORITIES, STATUSES};

/// The cells of row `row`, in the order of `fields`, in a new row.
#[cfg(test)]
pub fn build_row(seed_key: u64, row: u64, fields: &[SampleField]) -> Vec<Value> {
    let mut cells = Vec::with_capacity(fields.len());
    fill_row(seed_key, row, fields, &mut cells, &mut Vec::new());
    cells
}

/// Overwrites `cells` with the cells of row `row`, reusing their buffers
/// and those in `spare`.
pub fn fill_row(seed_key: u64, row: u64, fields: &[SampleField], cells: &mut Vec<Value>, spare: &mut Vec<String>) {
    let hash = row_hash(seed_key, row);
    cells.truncate(fields.len());
    for (i, &field) in fields.iter().enumerate() {
        match cells.get_mut(i) {
            Some(cell) => fill_cell(cell, spare, seed_key, row, hash, field),
            None => {
                let mut cell = Value::Null;
                fill_cell(&mut cell, spare, seed_key, row, hash, field);
                cells.push(cell);
            }
        }
    }
}

/// Makes `cell` a text cell with what `write` appends, in its old buffer or
/// a spare one.
#[inline]
fn set_text(cell: &mut Value, spare: &mut Vec<String>, write: impl FnOnce(&mut String)) {
    if let Value::Text(s) = cell {
        s.clear();
        write(s);
        return;
    }
    let mut s = spare.pop().unwrap_or_default();
    s.clear();
    write(&mut s);
    set(cell, spare, Value::Text(s));
}

/// Replaces `cell`, keeping the `String` of a text cell for later.
#[inline]
fn set(cell: &mut Value, spare: &mut Vec<String>, value: Value) {
    if let Value::Text(old) = std::mem::replace(cell, value) {
        spare.push(old);
    }
}

fn fill_cell(cell: &mut Value, spare: &mut Vec<String>, seed_key: u64, row: u64, hash: u64, field: SampleField) {
    let mut draws = Draws::new(cell_hash(hash, field as u64 + 1));
    match field {
        SampleField::Key => set_text(cell, spare, |s| write_issue_key(s, row + 1)),
        SampleField::Summary => set_text(cell, spare, |s| write_summary(s, &mut draws)),
        SampleField::Status => set_text(cell, spare, |s| s.push_str(draws.pick(STATUSES))),
        SampleField::Assignee => {
            if draws.chance(20) {
                set(cell, spare, Value::Null);
            } else {
                set_text(cell, spare, |s| s.push_str(draws.pick(ASSIGNEES)));
            }
        }
        SampleField::Priority => set_text(cell, spare, |s| s.push_str(draws.pick(PRIORITIES))),
        SampleField::Labels => {
            let count = draws.below(4) as usize;
            let first = draws.below(LABELS.len() as u64) as usize;
            if !matches!(cell, Value::List(_)) {
                set(cell, spare, Value::List(Vec::with_capacity(3)));
            }
            if let Value::List(items) = cell {
                if items.len() > count {
                    spare.extend(items.drain(count..));
                }
                // Consecutive entries of the list, so the labels of one issue differ.
                for k in 0..count {
                    let label = LABELS[(first + k) % LABELS.len()];
                    if k == items.len() {
                        items.push(spare.pop().unwrap_or_default());
                    }
                    items[k].clear();
                    items[k].push_str(label);
                }
            }
        }
        SampleField::Created => set(cell, spare, Value::DateTime(created_at(seed_key, row, hash))),
        SampleField::Updated => set(cell, spare, Value::DateTime(updated_at(seed_key, row, hash))),
        SampleField::TimeSpent => {
            let value = if draws.chance(30) {
                Value::Null
            } else {
                // Quarter hours, up to 40 h, as people log them.
                Value::Int((draws.below(160) as i64 + 1) * 900)
            };
            set(cell, spare, value);
        }
        SampleField::Description => match draws.below(100) {
            0..=11 => set(cell, spare, Value::Null),
            12..=19 => set_text(cell, spare, |_| {}),
            _ => set_text(cell, spare, |s| write_description(s, &mut draws)),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::super::hash::seed_key;
    use super::*;

    /// Bytes this row takes as a CSV line (RFC 4180 quoting, ISO dates, CRLF).
    fn csv_len(row: &[Value]) -> usize {
        let text_len = |s: &str| {
            let quoted = s.contains([',', '"', '\n', '\r']) || s.is_empty();
            s.len() + s.matches('"').count() + if quoted { 2 } else { 0 }
        };
        let cells: usize = row
            .iter()
            .map(|v| match v {
                Value::Null => 0,
                Value::Text(s) => text_len(s),
                Value::List(l) => text_len(&l.join(", ")),
                Value::Int(i) => i.to_string().len(),
                Value::DateTime(_) => "2024-01-01T00:00:00Z".len(),
                other => panic!("unexpected {other:?}"),
            })
            .sum();
        cells + row.len() - 1 + 2
    }

    #[test]
    fn rows_average_about_160_csv_bytes() {
        let key = seed_key(0);
        let rows = 20_000u64;
        let total: usize = (0..rows).map(|i| csv_len(&build_row(key, 1_000 + i, &SampleField::ALL))).sum();
        let average = total as f64 / rows as f64;
        assert!((140.0..180.0).contains(&average), "average {average}");
    }

    #[test]
    fn the_awkward_text_actually_occurs() {
        let key = seed_key(0);
        let descriptions: Vec<Value> =
            (0..5_000).map(|i| build_row(key, i, &[SampleField::Description]).remove(0)).collect();
        let texts: Vec<&str> =
            descriptions.iter().filter_map(|v| if let Value::Text(s) = v { Some(s.as_str()) } else { None }).collect();
        assert!(descriptions.contains(&Value::Null));
        assert!(texts.contains(&""));
        for needle in ["\"", ",", "\r\n", "Café", "Zürich", "日本語", "🚀"] {
            assert!(texts.iter().any(|t| t.contains(needle)), "no description contains {needle:?}");
        }
        for start in ["=", "-", "+", "@", " "] {
            assert!(texts.iter().any(|t| t.starts_with(start)), "no description starts with {start:?}");
        }
        assert!(texts.iter().any(|t| t.contains('\n') && !t.contains('\r')));
        assert!(texts.iter().any(|t| t.ends_with(' ')));
    }

    #[test]
    fn refilled_rows_equal_freshly_built_ones() {
        let key = seed_key(3);
        let (mut cells, mut spare) = (Vec::new(), Vec::new());
        for row in 0..3_000 {
            fill_row(key, row, &SampleField::ALL, &mut cells, &mut spare);
            assert_eq!(cells, build_row(key, row, &SampleField::ALL), "row {row}");
        }
        assert!(spare.len() <= 8, "spare strings are used again, not hoarded: {}", spare.len());
        // A row reused for other columns, fewer of them.
        let some = [SampleField::Labels, SampleField::Key, SampleField::Description];
        fill_row(key, 5, &some, &mut cells, &mut spare);
        assert_eq!(cells, build_row(key, 5, &some));
    }

    #[test]
    fn a_cell_is_the_same_whichever_columns_are_asked_for() {
        let key = seed_key(11);
        let all = build_row(key, 77, &SampleField::ALL);
        let some = build_row(key, 77, &[SampleField::Description, SampleField::Key]);
        assert_eq!(some, vec![all[9].clone(), all[0].clone()]);
        assert_eq!(all[0], Value::Text("DEMO-78".into()));
    }
}
