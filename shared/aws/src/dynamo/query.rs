//! Queries: every list is a Query of one partition of the table or of an
//! index, in sort-key order, never a Scan. `collect` keeps querying until it
//! holds the items asked for, because DynamoDB's `Limit` counts the items it
//! evaluated before the filter, so one call may return fewer (or none).

use aws_sdk_dynamodb::types::Select;
use ferry_core::PortError;

use super::codec::{s, sdk_error, Expr, Item};
use super::store::DynamoStore;
use super::table::Index;

/// Items evaluated per call when a filter may drop many of them.
const FILTERED_BATCH: i32 = 200;

/// One partition of the table or an index, read in one direction.
#[derive(Debug, Clone)]
pub(super) struct Stream {
    pub index: Index,
    pub partition: String,
    /// Ascending sort keys when true.
    pub forward: bool,
    /// Applied after the key condition; keep it for rare combinations.
    pub filter: Option<Expr>,
}

/// Which sort keys of the partition to read.
#[derive(Debug, Clone)]
pub(super) enum Range {
    All,
    /// Sort keys strictly after this one in the stream's direction (the
    /// next page after a cursor).
    After(String),
    /// Sort keys strictly below this one (due schedules).
    Below(String),
}

impl Stream {
    pub(super) fn new(index: Index, partition: impl Into<String>, forward: bool) -> Self {
        Stream { index, partition: partition.into(), forward, filter: None }
    }

    pub(super) fn filtered(mut self, filter: Option<Expr>) -> Self {
        self.filter = filter;
        self
    }

    /// The key condition and, with the filter, the names and values.
    fn expression(&self, range: &Range) -> (String, Expr) {
        let mut e = Expr::new(String::new()).name("#qpk", self.index.pk()).value(":qpk", s(self.partition.clone()));
        let key = match range {
            Range::All => "#qpk = :qpk".to_string(),
            Range::After(after) => {
                e = e.name("#qsk", self.index.sk()).value(":qsk", s(after.clone()));
                let op = if self.forward { ">" } else { "<" };
                format!("#qpk = :qpk AND #qsk {op} :qsk")
            }
            Range::Below(below) => {
                e = e.name("#qsk", self.index.sk()).value(":qsk", s(below.clone()));
                "#qpk = :qpk AND #qsk < :qsk".to_string()
            }
        };
        if let Some(f) = &self.filter {
            e.text = f.text.clone();
            e.names.extend(f.names.clone());
            e.values.extend(f.values.clone());
        }
        (key, e)
    }
}

impl DynamoStore {
    /// Up to `want` items of the stream within `range`, in the stream's order.
    pub(super) async fn collect(&self, stream: &Stream, range: Range, want: usize) -> Result<Vec<Item>, PortError> {
        let (key, e) = stream.expression(&range);
        let mut items: Vec<Item> = Vec::new();
        let mut start = None;
        while items.len() < want {
            let missing = i32::try_from(want - items.len()).unwrap_or(i32::MAX);
            let limit = if stream.filter.is_some() { missing.clamp(FILTERED_BATCH, 1000) } else { missing.min(1000) };
            let mut request = self
                .client
                .query()
                .table_name(self.table.as_ref())
                .key_condition_expression(key.clone())
                .set_expression_attribute_names(e.names_opt())
                .set_expression_attribute_values(e.values_opt())
                .scan_index_forward(stream.forward)
                .limit(limit)
                .set_exclusive_start_key(start.take());
            if stream.filter.is_some() {
                request = request.filter_expression(e.text.clone());
            }
            request = match stream.index.name() {
                Some(name) => request.index_name(name),
                // The table itself can be read strongly consistent; indexes cannot.
                None => request.consistent_read(true),
            };
            let out = request.send().await.map_err(|err| sdk_error("Query", err))?;
            items.extend(out.items.unwrap_or_default());
            match out.last_evaluated_key {
                Some(last) if !last.is_empty() => start = Some(last),
                _ => break,
            }
        }
        items.truncate(want);
        Ok(items)
    }

    /// Every item of the stream (for short lists such as "who uses this").
    pub(super) async fn collect_all(&self, stream: &Stream) -> Result<Vec<Item>, PortError> {
        self.collect(stream, Range::All, usize::MAX).await
    }

    /// How many items of the stream pass its filter (`Select: COUNT`).
    pub(super) async fn count(&self, stream: &Stream) -> Result<u64, PortError> {
        let (key, e) = stream.expression(&Range::All);
        let mut total = 0u64;
        let mut start = None;
        loop {
            let mut request = self
                .client
                .query()
                .table_name(self.table.as_ref())
                .key_condition_expression(key.clone())
                .set_expression_attribute_names(e.names_opt())
                .set_expression_attribute_values(e.values_opt())
                .select(Select::Count)
                .set_exclusive_start_key(start.take());
            if stream.filter.is_some() {
                request = request.filter_expression(e.text.clone());
            }
            request = match stream.index.name() {
                Some(name) => request.index_name(name),
                None => request.consistent_read(true),
            };
            let out = request.send().await.map_err(|err| sdk_error("Query", err))?;
            total += u64::try_from(out.count).unwrap_or(0);
            match out.last_evaluated_key {
                Some(last) if !last.is_empty() => start = Some(last),
                _ => return Ok(total),
            }
        }
    }
}

/// Two id-ordered lists (ascending) merged into one, without duplicates,
/// cut at `want`: the union behind "mine plus the site's / the public ones".
pub(super) fn merge_ascending<T>(a: Vec<T>, b: Vec<T>, want: usize, id: impl Fn(&T) -> &str) -> Vec<T> {
    let mut out = Vec::with_capacity(want.min(a.len() + b.len()));
    let (mut a, mut b) = (a.into_iter().peekable(), b.into_iter().peekable());
    while out.len() < want {
        let next = match (a.peek(), b.peek()) {
            (Some(x), Some(y)) => match id(x).cmp(id(y)) {
                std::cmp::Ordering::Less => a.next(),
                std::cmp::Ordering::Greater => b.next(),
                std::cmp::Ordering::Equal => {
                    b.next();
                    a.next()
                }
            },
            (Some(_), None) => a.next(),
            (None, Some(_)) => b.next(),
            (None, None) => None,
        };
        match next {
            Some(item) => out.push(item),
            None => break,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merging_keeps_id_order_drops_twins_and_stops_at_want() {
        let a = vec!["a", "c", "d", "f"];
        let b = vec!["b", "c", "e"];
        assert_eq!(merge_ascending(a.clone(), b.clone(), 10, |s| s), vec!["a", "b", "c", "d", "e", "f"]);
        assert_eq!(merge_ascending(a, b, 3, |s| s), vec!["a", "b", "c"]);
        assert_eq!(merge_ascending(Vec::<&str>::new(), vec!["x"], 2, |s| s), vec!["x"]);
    }
}
