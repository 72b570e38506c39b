//! Reading the sample tracker page by page. The cursor is `{"row": n}`, the
//! absolute number of the next row, so a page is computed from the cursor
//! alone, in time proportional to its own length.

use async_trait::async_trait;
use ferry_core::model::connection::SampleSettings;
use ferry_core::model::value::Row;
use ferry_core::ports::source::{RowSource, SourceError, SourcePage};
use jiff::Timestamp;
use serde_json::{json, Value as Json};

use super::hash::seed_key;
use super::row::fill_row;
use super::schema::SampleField;
use super::timeline::first_row_updated_since;

/// A `RowSource` over a sample connection's issues.
#[derive(Debug, Clone)]
pub struct SampleReader {
    seed_key: u64,
    /// One past the last row.
    end: u64,
    /// The first row at or after `fromDate` (0 without it).
    start: u64,
    fields: Vec<SampleField>,
    page_rows: u64,
    /// `rowsPerSecond`: each page waits its share of a second (real time:
    /// pacing imitates a slow remote source, it decides nothing).
    pace: Option<u64>,
    /// Buffers of text cells that turned null, for cells that turn text.
    spare: Vec<String>,
}

impl SampleReader {
    /// Reads `settings.rows` issues with the given fields, `page_rows` per page;
    /// with `from_date`, only issues created or updated at or after it.
    pub fn new(
        settings: SampleSettings,
        fields: Vec<SampleField>,
        from_date: Option<Timestamp>,
        page_rows: usize,
    ) -> Self {
        let seed_key = seed_key(settings.seed);
        let start = from_date.map_or(0, |since| first_row_updated_since(seed_key, settings.rows, since));
        // Paced: about ten pages a second, so progress moves smoothly.
        let page_rows = match settings.rows_per_second {
            Some(rate) => page_rows.min((rate / 10).max(1) as usize),
            None => page_rows,
        };
        SampleReader {
            seed_key,
            end: settings.rows,
            start,
            fields,
            page_rows: page_rows.max(1) as u64,
            pace: settings.rows_per_second,
            spare: Vec::new(),
        }
    }

    /// Rows this reader yields in all.
    pub fn len(&self) -> u64 {
        self.end - self.start
    }

    /// True when no row matches.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Overwrites `rows` with the page starting at row `from` (at most
    /// `page_rows` rows, none past the end), reusing the rows' buffers, and
    /// returns the row after it. Synchronous: the benchmarks call it directly.
    pub fn fill_page(&mut self, from: u64, rows: &mut Vec<Row>) -> u64 {
        let to = from.saturating_add(self.page_rows).min(self.end).max(from);
        let count = (to - from) as usize;
        rows.truncate(count);
        for (i, row) in (from..to).enumerate() {
            match rows.get_mut(i) {
                Some(cells) => fill_row(self.seed_key, row, &self.fields, cells, &mut self.spare),
                None => {
                    let mut cells = Vec::with_capacity(self.fields.len());
                    fill_row(self.seed_key, row, &self.fields, &mut cells, &mut self.spare);
                    rows.push(cells);
                }
            }
        }
        to
    }

    /// A paced page's share of a second.
    fn pause(&self, rows: u64) -> Option<std::time::Duration> {
        self.pace.map(|rate| std::time::Duration::from_secs_f64(rows as f64 / rate as f64))
    }

    fn position(&self, cursor: Option<&Json>) -> Result<u64, SourceError> {
        let Some(cursor) = cursor else {
            return Ok(self.start);
        };
        let row = cursor
            .as_object()
            .filter(|o| o.len() == 1)
            .and_then(|o| o.get("row"))
            .and_then(Json::as_u64)
            .filter(|row| (self.start..=self.end).contains(row));
        row.ok_or_else(|| SourceError::Failed("the saved position in the sample data is not valid".into()))
    }
}

#[async_trait]
impl RowSource for SampleReader {
    async fn total(&mut self) -> Result<Option<u64>, SourceError> {
        Ok(Some(self.len()))
    }

    async fn page(&mut self, cursor: Option<&Json>) -> Result<SourcePage, SourceError> {
        let mut rows = Vec::new();
        let next = self.page_into(cursor, &mut rows).await?;
        Ok(SourcePage { rows, next })
    }

    async fn page_into(&mut self, cursor: Option<&Json>, rows: &mut Vec<Row>) -> Result<Option<Json>, SourceError> {
        let from = self.position(cursor)?;
        let to = self.fill_page(from, rows);
        if let Some(pause) = self.pause(to - from) {
            tokio::time::sleep(pause).await;
        }
        Ok((to < self.end).then(|| json!({ "row": to })))
    }

    /// Pages are pure computation: no I/O, no runtime needed (unless paced,
    /// which sleeps on the runtime's timer).
    fn runs_anywhere(&self) -> bool {
        self.pace.is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ferry_core::model::value::Value;
    use std::time::Duration;

    fn reader(rows: u64, seed: u64, page_rows: usize) -> SampleReader {
        SampleReader::new(
            SampleSettings { rows, seed, rows_per_second: None },
            SampleField::ALL.to_vec(),
            None,
            page_rows,
        )
    }

    #[tokio::test]
    async fn a_paced_reader_waits_each_pages_share_of_a_second_and_yields_the_same_rows() {
        let paced = SampleSettings { rows: 40, seed: 2, rows_per_second: Some(200) };
        let mut r = SampleReader::new(paced, SampleField::ALL.to_vec(), None, 5000);
        assert!(!r.runs_anywhere(), "a paced reader sleeps on the runtime's timer");
        // A tenth of a second's rows a page, each page waiting its tenth.
        let first = r.page(None).await.unwrap();
        assert_eq!((first.rows.len(), first.next.clone()), (20, Some(json!({"row": 20}))));
        assert_eq!(r.pause(20), Some(Duration::from_millis(100)));
        assert_eq!(reader(40, 2, 5000).pause(20), None, "an unpaced reader does not wait");
        let mut rows = first.rows;
        rows.extend(r.page(first.next.as_ref()).await.unwrap().rows);
        assert_eq!(rows, read_all(&mut reader(40, 2, 5000)).await);
    }

    async fn read_all(r: &mut SampleReader) -> Vec<Row> {
        let mut all = Vec::new();
        let mut cursor = None;
        loop {
            let page = r.page(cursor.as_ref()).await.unwrap();
            all.extend(page.rows);
            match page.next {
                Some(next) => cursor = Some(next),
                None => return all,
            }
        }
    }

    #[tokio::test]
    async fn the_same_seed_gives_the_same_rows_and_another_seed_other_rows() {
        let a = read_all(&mut reader(300, 1, 64)).await;
        let b = read_all(&mut reader(300, 1, 64)).await;
        let c = read_all(&mut reader(300, 2, 64)).await;
        assert_eq!(a, b);
        assert_eq!(a.len(), 300);
        // Keys match across seeds; the generated content does not.
        assert_eq!(a[5][0], c[5][0]);
        let differing = a.iter().zip(&c).filter(|(x, y)| x[1..] != y[1..]).count();
        assert!(differing > 290, "only {differing} rows differ");
    }

    #[tokio::test]
    async fn pages_read_from_saved_cursors_equal_one_pass() {
        let one_pass = read_all(&mut reader(1_000, 9, 1_000)).await;
        let mut pages = reader(1_000, 9, 7);
        let mut rebuilt = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            // Every page starts from a cursor that went through text, as a checkpoint does.
            let parsed: Option<Json> = cursor.as_deref().map(|c| serde_json::from_str(c).unwrap());
            let mut fresh = reader(1_000, 9, 7);
            let page = fresh.page(parsed.as_ref()).await.unwrap();
            assert!(page.rows.len() <= 7);
            rebuilt.extend(page.rows);
            match page.next {
                Some(next) => cursor = Some(next.to_string()),
                None => break,
            }
        }
        assert_eq!(rebuilt, one_pass);
        let middle = pages.page(Some(&json!({"row": 990}))).await.unwrap();
        assert_eq!(middle.rows, one_pass[990..997].to_vec());
        assert_eq!(middle.next, Some(json!({"row": 997})));
        let last = pages.page(middle.next.as_ref()).await.unwrap();
        assert_eq!(last.rows, one_pass[997..].to_vec());
        assert_eq!(last.next, None);
        assert_eq!(one_pass[0][0], Value::Text("DEMO-1".into()));
        assert_eq!(one_pass[999][0], Value::Text("DEMO-1000".into()));
    }

    #[tokio::test]
    async fn from_date_keeps_rows_created_or_updated_since_then() {
        let all = read_all(&mut reader(2_000, 4, 500)).await;
        let since = match &all[1_234][7] {
            Value::DateTime(t) => *t,
            other => panic!("updated is {other:?}"),
        };
        let mut filtered = SampleReader::new(
            SampleSettings { rows: 2_000, seed: 4, rows_per_second: None },
            SampleField::ALL.to_vec(),
            Some(since),
            100,
        );
        assert_eq!(filtered.total().await.unwrap(), Some(766));
        let rows = read_all(&mut filtered).await;
        assert_eq!(rows, all[1_234..].to_vec());
        let expected: Vec<&Row> = all
            .iter()
            .filter(
                |r| matches!((&r[6], &r[7]), (Value::DateTime(c), Value::DateTime(u)) if *c >= since || *u >= since),
            )
            .collect();
        assert_eq!(rows.iter().collect::<Vec<_>>(), expected);
    }

    #[tokio::test]
    async fn a_from_date_after_every_row_reads_nothing() {
        let since: Timestamp = "2999-01-01T00:00:00Z".parse().unwrap();
        let mut r = SampleReader::new(
            SampleSettings { rows: 10, seed: 0, rows_per_second: None },
            SampleField::ALL.to_vec(),
            Some(since),
            5,
        );
        assert_eq!(r.total().await.unwrap(), Some(0));
        let page = r.page(None).await.unwrap();
        assert!(page.rows.is_empty());
        assert!(page.next.is_none());
    }

    #[tokio::test]
    async fn bad_cursors_fail() {
        let mut r = reader(100, 0, 10);
        for bad in [
            json!({"row": 101}),
            json!({"row": -1}),
            json!({"row": "5"}),
            json!({}),
            json!([5]),
            json!({"row": 5, "x": 1}),
        ] {
            match r.page(Some(&bad)).await {
                Err(SourceError::Failed(_)) => {}
                other => panic!("cursor {bad} gave {:?}", other.map(|p| p.rows.len())),
            }
        }
        let end = r.page(Some(&json!({"row": 100}))).await.unwrap();
        assert!(end.rows.is_empty() && end.next.is_none());
    }

    /// How fast and in how much memory is not asserted (tests check
    /// results); a page is computed from its cursor alone.
    #[tokio::test]
    async fn a_hundred_million_rows_open_and_read_near_the_end() {
        let mut r = reader(100_000_000, 3, 5_000);
        assert_eq!(r.total().await.unwrap(), Some(100_000_000));
        let page = r.page(Some(&json!({"row": 99_998_000}))).await.unwrap();
        assert_eq!(page.rows.len(), 2_000);
        assert_eq!(page.rows[1_999][0], Value::Text("DEMO-100000000".into()));
        assert!(page.next.is_none());
        let since = match &page.rows[0][7] {
            Value::DateTime(t) => *t,
            other => panic!("updated is {other:?}"),
        };
        let mut recent = SampleReader::new(
            SampleSettings { rows: 100_000_000, seed: 3, rows_per_second: None },
            SampleField::ALL.to_vec(),
            Some(since),
            5_000,
        );
        assert_eq!(recent.total().await.unwrap(), Some(2_000));
        assert_eq!(recent.page(None).await.unwrap().rows, page.rows, "the rows updated since the first of them");
    }
}
