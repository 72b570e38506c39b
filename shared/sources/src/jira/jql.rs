//! Building the JQL an export runs: the user's query, parenthesised so its
//! `OR`s cannot swallow Ferry's clauses, `AND` Ferry's clauses, then the
//! user's `ORDER BY` back at the end. JQL dates have minute precision and are
//! read in the Jira user's time zone, so instants are written in that zone
//! and rounded down to the minute (the reader drops the few issues of that
//! minute that fall before the instant).

use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};

/// `user AND clause AND …`, keeping the user's `ORDER BY` last.
pub fn combine(user: Option<&str>, clauses: &[String]) -> String {
    let (filter, order_by) = split_order_by(user.unwrap_or(""));
    let mut parts = Vec::with_capacity(clauses.len() + 1);
    if !filter.trim().is_empty() {
        parts.push(format!("({})", filter.trim()));
    }
    parts.extend(clauses.iter().cloned());
    let mut jql = parts.join(" AND ");
    if let Some(order_by) = order_by {
        if !jql.is_empty() {
            jql.push(' ');
        }
        jql.push_str(order_by.trim());
    }
    jql
}

/// The query's filter and its top-level `ORDER BY …` clause, if any. Quotes
/// (`"…"`, `'…'`, with `\` escapes) and parentheses are respected, so a
/// summary containing "order by" is not mistaken for the clause.
pub fn split_order_by(jql: &str) -> (&str, Option<&str>) {
    let bytes = jql.as_bytes();
    let mut quote: Option<u8> = None;
    let mut depth = 0i32;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(q) => {
                if b == b'\\' {
                    i += 1;
                } else if b == q {
                    quote = None;
                }
            }
            None => match b {
                b'"' | b'\'' => quote = Some(b),
                b'(' => depth += 1,
                b')' => depth -= 1,
                _ if depth == 0 && is_order_by_at(bytes, i) => return (&jql[..i], Some(&jql[i..])),
                _ => {}
            },
        }
        i += 1;
    }
    (jql, None)
}

/// `order` as a word, then whitespace, then `by` as a word.
fn is_order_by_at(bytes: &[u8], i: usize) -> bool {
    let word_edge = |j: usize| j >= bytes.len() || !(bytes[j].is_ascii_alphanumeric() || bytes[j] == b'_');
    if i > 0 && !word_edge(i - 1) {
        return false;
    }
    if bytes.len() < i + 5 || !bytes[i..i + 5].eq_ignore_ascii_case(b"order") {
        return false;
    }
    let mut j = i + 5;
    if j >= bytes.len() || !bytes[j].is_ascii_whitespace() {
        return false;
    }
    while j < bytes.len() && bytes[j].is_ascii_whitespace() {
        j += 1;
    }
    bytes.len() >= j + 2 && bytes[j..j + 2].eq_ignore_ascii_case(b"by") && word_edge(j + 2)
}

/// `"yyyy-MM-dd HH:mm"` of `t` in `tz`, rounded down to the minute.
pub fn datetime_literal(t: Timestamp, tz: &TimeZone) -> String {
    let local = t.to_zoned(tz.clone()).datetime();
    format!("\"{}\"", local.strftime("%Y-%m-%d %H:%M"))
}

/// `"yyyy-MM-dd"` of `t` in `tz`, moved by `days`.
pub fn date_literal(t: Timestamp, tz: &TimeZone, days: i64) -> String {
    let date = t.to_zoned(tz.clone()).date();
    let moved = date.checked_add(days.days()).unwrap_or(date);
    format!("\"{}\"", moved.strftime("%Y-%m-%d"))
}

/// The zone JQL dates are read in: the user's (`/myself` `timeZone`). When
/// Jira does not say or names a zone Ferry does not know, None: the caller
/// then widens the date by the largest offsets and relies on its filter.
pub fn user_time_zone(name: Option<&str>) -> Option<TimeZone> {
    let name = name?.trim();
    let tz = TimeZone::get(name).ok();
    if tz.is_none() {
        tracing::warn!(time_zone = name, "Jira user time zone unknown; widening JQL dates instead");
    }
    tz
}

/// The instant to write when the zone is unknown: earlier than the instant
/// under any offset from UTC−12 to UTC+14, written as if UTC.
pub fn widened(t: Timestamp) -> Timestamp {
    t.checked_sub(14.hours()).unwrap_or(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_users_query_is_parenthesised_and_its_order_by_kept_last() {
        let since = vec!["updated >= \"2026-01-05 09:30\"".to_string()];
        assert_eq!(
            combine(Some("project = A OR assignee = currentUser() ORDER BY created DESC"), &since),
            "(project = A OR assignee = currentUser()) AND updated >= \"2026-01-05 09:30\" ORDER BY created DESC"
        );
        assert_eq!(combine(Some("project = A"), &since), "(project = A) AND updated >= \"2026-01-05 09:30\"");
        assert_eq!(combine(Some("order by key"), &since), "updated >= \"2026-01-05 09:30\" order by key");
        assert_eq!(combine(None, &since), "updated >= \"2026-01-05 09:30\"");
        assert_eq!(combine(Some(" project = A "), &[]), "(project = A)");
        assert_eq!(combine(Some("project = A order by rank"), &[]), "(project = A) order by rank");
        assert_eq!(combine(None, &[]), "");
    }

    #[test]
    fn order_by_inside_quotes_parentheses_or_words_is_not_the_clause() {
        assert_eq!(split_order_by("summary ~ \"order by\""), ("summary ~ \"order by\"", None));
        assert_eq!(split_order_by("summary ~ 'x\\' order by y'"), ("summary ~ 'x\\' order by y'", None));
        assert_eq!(split_order_by("reorder by = 1"), ("reorder by = 1", None));
        assert_eq!(split_order_by("border = 1 ORDER\tBY key"), ("border = 1 ", Some("ORDER\tBY key")));
        assert_eq!(split_order_by("a = 1 orderby x"), ("a = 1 orderby x", None));
    }

    #[test]
    fn dates_are_written_in_the_users_zone_rounded_down_to_the_minute() {
        let t: Timestamp = "2026-01-05T08:30:59.900Z".parse().unwrap();
        let berlin = user_time_zone(Some("Europe/Berlin")).unwrap();
        assert_eq!(datetime_literal(t, &berlin), "\"2026-01-05 09:30\"");
        let la = user_time_zone(Some("America/Los_Angeles")).unwrap();
        assert_eq!(datetime_literal(t, &la), "\"2026-01-05 00:30\"");
        assert_eq!(date_literal(t, &la, -1), "\"2026-01-04\"");
        assert_eq!(date_literal(t, &la, 1), "\"2026-01-06\"");
        assert!(user_time_zone(Some("Mars/Olympus")).is_none());
        assert!(user_time_zone(None).is_none());
        assert_eq!(datetime_literal(widened(t), &TimeZone::UTC), "\"2026-01-04 18:30\"");
    }
}
