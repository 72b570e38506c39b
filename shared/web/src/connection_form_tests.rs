use askama::Template;
use serde_json::json;

use super::*;
use crate::form_names::posted;

fn drawn(values: Value) -> String {
    let page = ConnectionFormPage {
        frame: Frame::anonymous(""),
        title: "t".into(),
        action: "/connections/new".into(),
        form: FormView::new(values),
        tested: None,
        return_to: None,
        is_admin: true,
    };
    page.render().unwrap()
}

/// Every name the form draws, for each kind, posts into `ConnectionInput`,
/// and each setting it posts is one the form knows for that kind.
#[test]
fn every_field_name_of_the_connection_form_decodes_into_connection_input() {
    for (kind, own) in [("jira", &ATLASSIAN_SETTINGS[..]), ("sample", &SAMPLE_SETTINGS[..])] {
        let html = drawn(json!({"name": "n", "kind": kind, "scope": "site", "settings": {}}));
        let body = own_settings(form_input::tree(&posted(&html)).unwrap());
        let input: ConnectionInput = form_input::decode(&body).unwrap_or_else(|e| panic!("{kind}: {e:?}"));
        let mut posted_keys: Vec<&str> = input.settings.keys().map(String::as_str).collect();
        posted_keys.sort_unstable();
        let mut expected = own.to_vec();
        expected.sort_unstable();
        assert_eq!(posted_keys, expected, "{kind}");
    }
}

#[test]
fn a_stored_token_is_drawn_as_dots_and_an_error_beside_its_field() {
    let values = json!({"name": "", "kind": "jira", "settings": {"apiToken": "***"}});
    let html = drawn(values.clone());
    assert!(html.contains(r#"name="settings[apiToken]:secret" value="•••""#), "{html}");
    let refused = FormView::refused(values, CoreError::invalid("settings.baseUrl", "must be https")).unwrap();
    let page = ConnectionFormPage {
        frame: Frame::anonymous(""),
        title: "t".into(),
        action: "/a".into(),
        form: refused,
        tested: None,
        return_to: None,
        is_admin: false,
    };
    let html = page.render().unwrap();
    assert!(html.contains(r#"aria-invalid="true" aria-describedby="k-base-url-error""#), "{html}");
    assert!(html.contains(r#"<p class="field-error" id="k-base-url-error">must be https</p>"#), "{html}");
    assert!(!html.contains(r#"name="scope""#), "members pick no scope");
}
