//! A `timeInStatus` report's chart: the average time per status, as
//! horizontal bars on a page of its own after the table. The averages are
//! running sums over every row read (a handful of numbers, whatever the
//! row count), including rows past `maxRows`.
//!
//! Wide files have a `Time in <status>` column per status; long files a
//! `Status` and a `Time in status` column (the headers the time-in-status
//! table writes). A time written as text (unit `duration`) is not charted.

use ferry_core::model::value::{Row, Value};

/// Where the times are in a row.
enum Columns {
    /// Column index and status, one per status.
    Wide(Vec<(usize, String)>),
    /// The status column and the time column.
    Long { status: usize, time: usize },
}

pub(crate) struct StatusTimes {
    columns: Columns,
    /// Status, sum and count, in the order statuses were first met.
    sums: Vec<(String, f64, u64)>,
}

/// One bar: a status and its average time.
pub(crate) struct Bar {
    pub status: String,
    pub average: f64,
}

impl StatusTimes {
    pub(crate) fn new(headers: &[String]) -> Self {
        let find = |name: &str| headers.iter().position(|h| h == name);
        let time_in_status = headers.iter().position(|h| without_unit(h) == "Time in status");
        let columns = match (find("Status"), time_in_status) {
            (Some(status), Some(time)) => Columns::Long { status, time },
            _ => Columns::Wide(
                headers
                    .iter()
                    .enumerate()
                    .filter_map(|(i, h)| without_unit(h).strip_prefix("Time in ").map(|s| (i, s.to_string())))
                    .collect(),
            ),
        };
        let sums = match &columns {
            Columns::Wide(cols) => cols.iter().map(|(_, s)| (s.clone(), 0.0, 0)).collect(),
            Columns::Long { .. } => Vec::new(),
        };
        StatusTimes { columns, sums }
    }

    pub(crate) fn add(&mut self, row: &Row) {
        match &self.columns {
            Columns::Wide(cols) => {
                for (slot, (i, _)) in cols.iter().enumerate() {
                    if let Some(v) = row.get(*i).and_then(number) {
                        self.sums[slot].1 += v;
                        self.sums[slot].2 += 1;
                    }
                }
            }
            Columns::Long { status, time } => {
                let (Some(Value::Text(s)), Some(v)) = (row.get(*status), row.get(*time).and_then(number)) else {
                    return;
                };
                match self.sums.iter_mut().find(|(name, _, _)| name == s) {
                    Some(entry) => {
                        entry.1 += v;
                        entry.2 += 1;
                    }
                    None => self.sums.push((s.clone(), v, 1)),
                }
            }
        }
    }

    /// The averages of the statuses that had a time.
    pub(crate) fn bars(&self) -> Vec<Bar> {
        self.sums
            .iter()
            .filter(|(_, _, n)| *n > 0)
            .map(|(status, sum, n)| Bar { status: status.clone(), average: sum / *n as f64 })
            .collect()
    }
}

/// A time column's header without the unit it ends with
/// (`Time in To Do (hours)` → `Time in To Do`); the chart names the unit once.
fn without_unit(header: &str) -> &str {
    [" (hours)", " (days)", " (minutes)", " (seconds)"]
        .iter()
        .find_map(|unit| header.strip_suffix(unit))
        .unwrap_or(header)
}

fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Int(i) => Some(*i as f64),
        Value::Float(f) | Value::Decimal(f, _) if f.is_finite() => Some(*f),
        _ => None,
    }
}

/// An average as the chart labels it: two decimals at most.
pub(crate) fn average_text(v: f64) -> String {
    let text = format!("{v:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wide_and_long_rows_average_per_status() {
        let headers: Vec<String> = ["Key", "Time in Open (hours)", "Time in Done (hours)"].map(String::from).to_vec();
        let mut wide = StatusTimes::new(&headers);
        wide.add(&vec![Value::Text("A-1".into()), Value::Decimal(2.0, 2), Value::Null]);
        wide.add(&vec![Value::Text("A-2".into()), Value::Float(4.0), Value::Int(3)]);
        let bars: Vec<(String, f64)> = wide.bars().into_iter().map(|b| (b.status, b.average)).collect();
        assert_eq!(bars, [("Open".to_string(), 3.0), ("Done".to_string(), 3.0)]);

        let headers: Vec<String> = ["Key", "Status", "Time in status (days)"].map(String::from).to_vec();
        let mut long = StatusTimes::new(&headers);
        for (s, t) in [("Open", 1.0), ("Done", 5.0), ("Open", 2.0)] {
            long.add(&vec![Value::Text("A-1".into()), Value::Text(s.into()), Value::Float(t)]);
        }
        let bars: Vec<(String, f64)> = long.bars().into_iter().map(|b| (b.status, b.average)).collect();
        assert_eq!(bars, [("Open".to_string(), 1.5), ("Done".to_string(), 5.0)]);
        assert_eq!(average_text(1.5), "1.5");
        assert_eq!(average_text(2.0), "2");
    }
}
