//! Property tests of every parser of user input in the core: whatever a
//! client sends, parsing never panics, and a refusal names a field of the
//! request (or a required field that is missing).

use ferry_core::json_input::from_json_value;
use ferry_core::model::email_address::EmailAddress;
use ferry_core::model::format_options::FormatOptionsInput;
use ferry_core::model::network::forbidden_range;
use ferry_core::model::outbound_url::OutboundUrl;
use ferry_core::model::settings::SettingsPatch;
use ferry_core::recurrence::RecurrenceInput;
use ferry_core::usecases::connections::ConnectionInput;
use ferry_core::usecases::exports::StartExport;
use ferry_core::usecases::keys::KeyInput;
use ferry_core::usecases::reports::ReportInput;
use ferry_core::usecases::schedules::ScheduleInput;
use ferry_core::usecases::templates::{check, file_name_problem, render, safe_file_name, ALL_PLACEHOLDERS};
use jiff::Timestamp;
use proptest::prelude::*;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

/// Any JSON value, a few levels deep.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(Value::from),
        "\\PC{0,12}".prop_map(Value::String),
        prop_oneof![Just("csv"), Just("daily"), Just("MON"), Just("09:00"), Just("Europe/Berlin"), Just("2030-03-31")]
            .prop_map(|s| Value::String(s.into())),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map("[a-zA-Z]{1,8}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// An object whose keys are mostly the type's own fields, with values of any type.
fn body_with(fields: &'static [&'static str]) -> impl Strategy<Value = Value> {
    let key = prop_oneof![4 => prop::sample::select(fields).prop_map(str::to_string), 1 => "[a-z]{1,6}"];
    prop::collection::btree_map(key, any_json(), 0..8).prop_map(|m| Value::Object(m.into_iter().collect()))
}

/// A refusal of `body` names `body`, one of its keys, or a missing field.
fn assert_names_a_field<T: DeserializeOwned>(body: &Value) -> Result<(), TestCaseError> {
    if let Err(e) = from_json_value::<T>(body, "") {
        let first = e.field.split(['.', '[']).next().unwrap_or_default();
        let named = e.field == "body"
            || body.as_object().is_some_and(|o| o.contains_key(first))
            || e.message.starts_with("missing field");
        prop_assert!(named, "{} names no field of {body}: {}", e.field, e.message);
        prop_assert!(!e.message.contains(" at line "), "{}", e.message);
    }
    Ok(())
}

const REPORT: &[&str] = &[
    "name",
    "visibility",
    "connectionId",
    "reportType",
    "query",
    "columns",
    "format",
    "formatOptions",
    "fileName",
    "compress",
    "id",
];
const SCHEDULE: &[&str] = &["reportId", "recurrence", "destinations", "runAs", "incremental", "range", "paused"];
const RECURRENCE: &[&str] =
    &["frequency", "interval", "weekdays", "monthDay", "month", "time", "timezone", "start", "end"];
const OPTIONS: &[&str] = &[
    "delimiter",
    "lineTerminator",
    "bom",
    "lineBreaks",
    "escapeChar",
    "sanitizeFormulas",
    "profile",
    "timezone",
    "dateFormat",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn request_bodies_of_any_shape_never_panic_and_name_their_field(
        report in body_with(REPORT),
        schedule in body_with(SCHEDULE),
        connection in body_with(&["name", "kind", "settings", "scope"]),
        key in body_with(&["user", "email", "role"]),
        settings in body_with(&["allowAppPermissions", "allowPrivateNetworks", "maxAttachmentMb", "emailFrom"]),
        start in body_with(&["reportId", "fromDate", "toDate", "format"]),
    ) {
        assert_names_a_field::<ReportInput>(&report)?;
        assert_names_a_field::<ScheduleInput>(&schedule)?;
        assert_names_a_field::<ConnectionInput>(&connection)?;
        assert_names_a_field::<KeyInput>(&key)?;
        assert_names_a_field::<SettingsPatch>(&settings)?;
        assert_names_a_field::<StartExport>(&start)?;
    }

    #[test]
    fn recurrences_of_any_shape_parse_or_name_a_recurrence_field(body in body_with(RECURRENCE)) {
        assert_names_a_field::<RecurrenceInput>(&body)?;
        if let Ok(input) = from_json_value::<RecurrenceInput>(&body, "recurrence") {
            let now: Timestamp = "2026-12-05T12:00:00Z".parse().unwrap();
            match input.parse(now) {
                Ok(rule) => {
                    let runs: Vec<_> = rule.occurrences_after(now).take(5).collect();
                    prop_assert!(runs.windows(2).all(|w| w[0].at < w[1].at), "{body}: {runs:?}");
                }
                Err(e) => prop_assert!(e.field.starts_with("recurrence."), "{}", e.field),
            }
        }
    }

    #[test]
    fn format_options_of_any_shape_resolve_or_name_their_field(body in body_with(OPTIONS)) {
        assert_names_a_field::<FormatOptionsInput>(&body)?;
        if let Ok(input) = from_json_value::<FormatOptionsInput>(&body, "formatOptions") {
            if let Err(e) = input.resolve() {
                prop_assert!(e.field.starts_with("formatOptions."), "{}", e.field);
            }
        }
    }

    #[test]
    fn any_text_is_an_address_or_refused_and_accepted_ones_are_kept_whole(text in "\\PC{0,40}|[a-z.+\"]{1,10}@[a-z0-9.\\[\\]-]{0,12}") {
        if let Ok(address) = EmailAddress::parse(&text) {
            prop_assert_eq!(address.as_str(), text.as_str());
            prop_assert!(text.len() <= 254 && text.contains('@'));
            prop_assert!(!text.contains(['\r', '\n', ',', '<', '>']) || text.starts_with('"'), "{}", text);
        }
    }

    #[test]
    fn built_addresses_parse(local in "[a-z0-9!#$%&'*+/=?^_`{|}~-]{1,20}(\\.[a-z0-9_-]{1,10}){0,2}", domain in "[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?(\\.[a-z]{2,6}){0,3}") {
        let text = format!("{local}@{domain}");
        prop_assert!(EmailAddress::parse(&text).is_ok(), "{}", text);
    }

    #[test]
    fn an_accepted_outbound_url_never_names_a_private_address(host in "[0-9a-fx.%]{1,20}|\\PC{0,20}", port in proptest::option::of(0u32..70000)) {
        let url = match port {
            Some(p) => format!("http://{host}:{p}/hook"),
            None => format!("http://{host}/hook"),
        };
        if let Ok(parsed) = OutboundUrl::parse(&url, false) {
            if let Some(ip) = parsed.literal_ip() {
                prop_assert!(forbidden_range(ip).is_none(), "{url} → {ip}");
            }
        }
    }

    #[test]
    fn templates_never_panic_and_accepted_file_names_stay_names(template in "(\\PC|\\{\\{ ?[a-zA-Z]{0,12} ?\\}\\}|/|\\.\\.|\\\\){0,12}", value in "\\PC{0,20}") {
        let _ = check(&template, ALL_PLACEHOLDERS);
        let _ = render(&template, |_| Some(value.clone()));
        if file_name_problem(&template, ALL_PLACEHOLDERS).is_none() {
            prop_assert!(!template.contains(['/', '\\']) && !template.contains(".."), "{}", template);
            prop_assert!(!template.chars().any(char::is_control), "{:?}", template);
            let rendered = render(&template, |_| Some(value.clone())).unwrap();
            let name = safe_file_name(&rendered);
            prop_assert!(!name.contains(['/', '\\']) && !name.chars().any(char::is_control), "{:?}", name);
            prop_assert!(!name.is_empty() && !name.starts_with('.'), "{:?}", name);
        }
    }
}
