//! Logs of the four Lambdas: one JSON object per event on stdout, which
//! CloudWatch Logs keeps per invocation and Logs Insights can query by field.
//! `RUST_LOG` filters (default `info`). Secrets never reach a log line: the
//! ports' types mask them in `Debug`.
//!
//! Each export and delivery outcome (the core's `ferry_outcome` events) is
//! also written as an Embedded Metric Format line: CloudWatch turns it into
//! the metrics `Ferry/Exports` and `Ferry/Deliveries` by `Outcome` (and
//! `Destination`), so a dashboard or an alarm needs no log parsing.

use std::collections::BTreeMap;
use std::io::Write;

use serde_json::{json, Map, Value};
use tracing::field::{Field, Visit};
use tracing::{Event, Subscriber};
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

/// The target of the core's outcome events.
pub const OUTCOME_TARGET: &str = "ferry_outcome";
/// The CloudWatch namespace of Ferry's metrics.
pub const NAMESPACE: &str = "Ferry";

/// Installs the JSON subscriber and the metric layer; call once, first thing in `main`.
pub fn init() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::registry()
        .with(tracing_subscriber::fmt::layer().json().with_filter(filter))
        .with(MetricLayer)
        .init();
}

/// Writes an EMF line for every outcome event, whatever `RUST_LOG` says.
struct MetricLayer;

impl<S: Subscriber> Layer<S> for MetricLayer {
    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        if event.metadata().target() != OUTCOME_TARGET {
            return;
        }
        let mut fields = Fields::default();
        event.record(&mut fields);
        let now = jiff::Timestamp::now().as_millisecond();
        if let Some(line) = emf(&fields.0, now) {
            // One write per line: Lambda keeps a line whole.
            let _ = writeln!(std::io::stdout().lock(), "{line}");
        }
    }
}

#[derive(Default)]
struct Fields(BTreeMap<String, Value>);

impl Visit for Fields {
    fn record_u64(&mut self, field: &Field, value: u64) {
        self.0.insert(field.name().into(), value.into());
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        self.0.insert(field.name().into(), value.into());
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().into(), value.into());
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0.insert(field.name().into(), format!("{value:?}").into());
    }
}

/// The EMF object of an outcome event (`kind` export or delivery, its
/// `outcome`, a delivery's `destination` type); None for another kind.
pub fn emf(fields: &BTreeMap<String, Value>, timestamp_ms: i64) -> Option<Value> {
    let outcome = fields.get("outcome")?.as_str()?;
    let (metric, dimensions) = match fields.get("kind")?.as_str()? {
        "export" => ("Exports", json!([["Outcome"]])),
        "delivery" => ("Deliveries", json!([["Outcome"], ["Outcome", "Destination"]])),
        _ => return None,
    };
    let mut line = Map::new();
    for (k, v) in fields.iter().filter(|(k, _)| !["kind", "outcome", "destination", "message"].contains(&k.as_str())) {
        line.insert(k.clone(), v.clone());
    }
    line.insert("Outcome".into(), outcome.into());
    if let Some(destination) = fields.get("destination") {
        line.insert("Destination".into(), destination.clone());
    }
    line.insert(metric.into(), 1.into());
    line.insert(
        "_aws".into(),
        json!({
            "Timestamp": timestamp_ms,
            "CloudWatchMetrics": [{
                "Namespace": NAMESPACE,
                "Dimensions": dimensions,
                "Metrics": [{"Name": metric, "Unit": "Count"}]
            }]
        }),
    );
    Some(Value::Object(line))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(pairs: &[(&str, Value)]) -> BTreeMap<String, Value> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect()
    }

    #[test]
    fn an_export_outcome_is_one_count_by_outcome_with_its_fields_as_properties() {
        let f = fields(&[
            ("kind", "export".into()),
            ("outcome", "COMPLETED".into()),
            ("export_id", "exp_1".into()),
            ("rows", 100_000.into()),
            ("message", "export completed".into()),
        ]);
        let line = emf(&f, 1_700_000_000_000).unwrap();
        assert_eq!(
            line,
            json!({
                "Outcome": "COMPLETED", "Exports": 1, "export_id": "exp_1", "rows": 100_000,
                "_aws": {"Timestamp": 1_700_000_000_000i64, "CloudWatchMetrics": [{"Namespace": "Ferry",
                    "Dimensions": [["Outcome"]], "Metrics": [{"Name": "Exports", "Unit": "Count"}]}]}
            })
        );
    }

    #[test]
    fn a_delivery_outcome_counts_by_outcome_and_by_destination_type() {
        let f = fields(&[("kind", "delivery".into()), ("outcome", "FAILED".into()), ("destination", "webhook".into())]);
        let line = emf(&f, 5).unwrap();
        assert_eq!(line["Deliveries"], 1);
        assert_eq!(line["Destination"], "webhook");
        assert_eq!(
            line["_aws"]["CloudWatchMetrics"][0]["Dimensions"],
            json!([["Outcome"], ["Outcome", "Destination"]])
        );
        assert_eq!(emf(&fields(&[("kind", "sweep".into()), ("outcome", "x".into())]), 5), None);
        assert_eq!(emf(&fields(&[("kind", "export".into())]), 5), None, "no outcome, no metric");
    }
}
