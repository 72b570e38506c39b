use serde_json::json;

use super::*;

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

#[test]
fn bracketed_names_make_the_apis_body_with_items_in_the_order_sent() {
    let form = pairs(&[
        ("csrf", "t"),
        ("_action", "save"),
        ("reportId", "rep_1"),
        ("recurrence[interval]:int", "2"),
        ("recurrence[weekdays]:array", ""),
        ("recurrence[weekdays][]", "MON"),
        ("recurrence[weekdays][]", "WED"),
        ("incremental:bool", "false"),
        ("incremental:bool", "on"),
        ("destinations:array", ""),
        ("destinations[7][type]", "webhook"),
        ("destinations[7][headers]:headers", "X-Key: •••\nX-Plain: 1"),
        ("destinations[7][secret]:secret", "•••"),
        ("destinations[2][type]", "email"),
        ("destinations[2][to]:list", "a@x.org, b@x.org;\nc@x.org"),
        ("destinations[2][subject]", ""),
        ("destinations[2][summaryRows]:int", "ten"),
    ]);
    assert_eq!(
        tree(&form).unwrap(),
        json!({
            "reportId": "rep_1",
            "recurrence": {"interval": 2, "weekdays": ["MON", "WED"]},
            "incremental": true,
            "destinations": [
                {"type": "webhook", "headers": {"X-Key": "***", "X-Plain": "1"}, "secret": "***"},
                {"type": "email", "to": ["a@x.org", "b@x.org", "c@x.org"], "summaryRows": "ten"},
            ],
        })
    );
}

#[test]
fn an_empty_list_is_sent_and_empty_fields_are_left_out() {
    let form = pairs(&[("destinations:array", ""), ("name", ""), ("settings[apiToken]:secret", "")]);
    assert_eq!(tree(&form).unwrap(), json!({"destinations": [], "settings": {}}));
}

#[test]
fn a_name_that_is_no_path_or_clashes_is_refused_naming_it() {
    for bad in ["[x]", "a[b", "a:nosuchkind", "a[][b]"] {
        let e = tree(&pairs(&[(bad, "1")])).unwrap_err();
        assert!(matches!(&e, CoreError::Invalid { details, .. } if details[0].field == bad), "{bad}: {e:?}");
    }
    assert!(tree(&pairs(&[("a", "1"), ("a[b]", "2")])).is_err());
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Item {
    port: u16,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Body {
    items: Vec<Item>,
}

#[test]
fn decoding_names_the_field_by_its_position_as_the_api_does() {
    let body = tree(&pairs(&[("items[9][port]:int", "1"), ("items[4][port]:int", "99999")])).unwrap();
    let e = decode::<Body>(&body).unwrap_err();
    assert!(matches!(&e, CoreError::Invalid { details, .. } if details[0].field == "items[1].port"), "{e:?}");
    let body = tree(&pairs(&[("items[0][prot]:int", "1")])).unwrap();
    let e = decode::<Body>(&body).unwrap_err();
    assert!(matches!(&e, CoreError::Invalid { details, .. } if details[0].field == "items[0].prot"), "{e:?}");
}
