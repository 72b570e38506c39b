//! The dashboard's forms over HTTP (part 2): CSRF on every new page POST,
//! HTML escaping of what people typed on the form and confirmation pages,
//! ownership by URL (a member cannot open or delete an admin's private
//! report), settings and keys as plain forms, deletes with the API's 409
//! explained, and `POST /v1/reports/preview` for an unsaved report.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::dashboard::{location, schedule_of, set_cookie, sign_in, try_sign_in, Browser};
use crate::helpers::{error_of, spawn_app, spawn_app_with, AppOptions, ADMIN_KEY};
use crate::jira_ferry::{allow_private_networks, jira_connection};
use crate::jira_sim::JiraSim;

async fn report_exists(app: &crate::helpers::TestApp, id: &str) -> bool {
    app.get(ADMIN_KEY, &format!("/reports/{id}")).await.status() == StatusCode::OK
}

#[tokio::test]
async fn every_new_page_post_refuses_a_missing_or_wrong_csrf_token_and_changes_nothing() {
    let app = spawn_app().await;
    let schedule = schedule_of(&app, ADMIN_KEY, "Guarded").await;
    let report = app.sample_report(ADMIN_KEY, 5, json!({"name": "Lonely"})).await;
    let connection = app.sample_connection(ADMIN_KEY, 5, 1).await;
    let keys_before: Value = app.get(ADMIN_KEY, "/keys").await.json().await.unwrap();
    let a_key = keys_before["items"][0]["id"].as_str().unwrap().to_string();
    let b = sign_in(&app, ADMIN_KEY).await;
    let posts: Vec<(String, Vec<(&str, &str)>)> = vec![
        ("/settings".into(), vec![("max_attachment_mb", "3"), ("email_from", "x@example.org")]),
        ("/keys".into(), vec![("user", "mallory"), ("role", "admin")]),
        (format!("/keys/{a_key}/delete"), vec![]),
        (format!("/schedules/{schedule}/delete"), vec![]),
        (format!("/reports/{report}/delete"), vec![]),
        (format!("/reports/{report}/copy"), vec![("name", "Stolen")]),
        (format!("/connections/{connection}/delete"), vec![]),
        ("/exports/exp_nothing/file/delete".into(), vec![]),
        ("/connections/new".into(), vec![("name", "Stolen"), ("kind", "sample")]),
        (format!("/connections/{connection}/edit"), vec![("name", "Stolen"), ("kind", "sample")]),
        ("/reports/new".into(), vec![("name", "Stolen"), ("reportType", "issues")]),
        (format!("/reports/{report}/edit"), vec![("name", "Stolen"), ("reportType", "issues")]),
        ("/schedules/new".into(), vec![("reportId", "x")]),
        (format!("/schedules/{schedule}/edit"), vec![("reportId", "x")]),
        ("/schedules/next-runs".into(), vec![("recurrence[time]", "09:00")]),
    ];
    for (path, fields) in posts {
        for token in [None, Some("0123abcd")] {
            let mut all = fields.clone();
            if let Some(t) = token {
                all.push(("csrf", t));
            }
            let r = b.post_raw(&app, &path, &all).await;
            assert_eq!(r.status(), StatusCode::FORBIDDEN, "POST {path} with token {token:?}");
            assert!(r.text().await.unwrap().contains("Form not accepted"));
        }
    }
    assert_eq!(app.get(ADMIN_KEY, &format!("/schedules/{schedule}")).await.status(), StatusCode::OK);
    assert!(report_exists(&app, &report).await);
    assert_eq!(app.get(ADMIN_KEY, &format!("/connections/{connection}")).await.status(), StatusCode::OK);
    let keys_after: Value = app.get(ADMIN_KEY, "/keys").await.json().await.unwrap();
    assert_eq!(keys_before, keys_after);
    let settings: Value = app.get(ADMIN_KEY, "/settings").await.json().await.unwrap();
    assert_ne!(settings["maxAttachmentMb"], 3);
    let reports: Value = app.get(ADMIN_KEY, "/reports").await.json().await.unwrap();
    assert!(!reports.to_string().contains("Stolen"));
}

#[tokio::test]
async fn form_and_confirmation_pages_escape_what_people_typed() {
    let app = spawn_app().await;
    let evil = "<script>alert(1)</script>\"'&";
    let report =
        app.sample_report(ADMIN_KEY, 5, json!({"name": evil, "query": "\"><img src=x onerror=alert(2)>"})).await;
    let b = sign_in(&app, ADMIN_KEY).await;
    for path in [
        format!("/reports/{report}/edit"),
        format!("/reports/{report}/copy"),
        format!("/reports/{report}/delete"),
        format!("/schedules/new?report={report}"),
    ] {
        let r = b.get(&app, &path).await;
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        let html = r.text().await.unwrap();
        assert!(!html.contains("<script>alert(1)"), "{path}: {html}");
        assert!(!html.contains("<img src=x"), "{path}: {html}");
        let as_text = ["&lt;script&gt;alert(1)&lt;/script&gt;", "&#60;script&#62;alert(1)&#60;/script&#62;"];
        assert!(as_text.iter().any(|t| html.contains(t)), "{path} shows the name as text: {html}");
    }
}

#[tokio::test]
async fn a_member_cannot_open_change_or_delete_an_admins_private_things_by_url() {
    let app = spawn_app().await;
    let schedule = schedule_of(&app, ADMIN_KEY, "Admin only").await;
    let s: Value = app.get(ADMIN_KEY, &format!("/schedules/{schedule}")).await.json().await.unwrap();
    let report = s["reportId"].as_str().unwrap().to_string();
    let r: Value = app.get(ADMIN_KEY, &format!("/reports/{report}")).await.json().await.unwrap();
    let connection = r["connectionId"].as_str().unwrap().to_string();
    let member = app.member("mia").await;
    let b = sign_in(&app, &member).await;
    for path in [
        format!("/reports/{report}/edit"),
        format!("/reports/{report}/copy"),
        format!("/reports/{report}/delete"),
        format!("/schedules/{schedule}/edit"),
        format!("/schedules/{schedule}/delete"),
        format!("/connections/{connection}/edit"),
        format!("/connections/{connection}/delete"),
    ] {
        let r = b.get(&app, &path).await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "GET {path}");
        assert!(!r.text().await.unwrap().contains("Admin only"), "{path} shows nothing of it");
    }
    for path in [format!("/reports/{report}/delete"), format!("/schedules/{schedule}/delete")] {
        assert_eq!(b.post(&app, &path, &[]).await.status(), StatusCode::NOT_FOUND, "POST {path}");
    }
    assert!(report_exists(&app, &report).await);
    for path in ["/settings", "/keys"] {
        assert_eq!(b.get(&app, path).await.status(), StatusCode::FORBIDDEN, "GET {path}");
    }
    let r = b.post(&app, "/keys", &[("user", "mia2"), ("role", "admin")]).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn settings_are_saved_from_the_form_and_a_refusal_is_shown_beside_its_field() {
    let app = spawn_app().await;
    let b = sign_in(&app, ADMIN_KEY).await;
    let fields = [
        ("allow_private_networks", "on"),
        ("max_concurrent_exports_per_user", "7"),
        ("max_attachment_mb", "12"),
        ("default_retention_days", "30"),
        ("email_from", "reports@example.org"),
        ("s3_allowed_buckets", "data-lake\r\nteam.reports"),
        ("alert_email", "ops@example.org"),
        ("stall_minutes", "45"),
    ];
    let r = b.post(&app, "/settings", &fields).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/settings?saved=1");
    let s: Value = app.get(ADMIN_KEY, "/settings").await.json().await.unwrap();
    assert_eq!(
        (&s["allowPrivateNetworks"], &s["allowAppPermissions"], &s["maxAttachmentMb"], &s["defaultRetentionDays"]),
        (&json!(true), &json!(false), &json!(12), &json!(30))
    );
    assert_eq!(s["emailFrom"], "reports@example.org");
    assert_eq!(s["s3AllowedBuckets"], json!(["data-lake", "team.reports"]));
    assert_eq!((&s["alertEmail"], &s["stallMinutes"]), (&json!("ops@example.org"), &json!(45)));
    let page = b.get(&app, "/settings").await.text().await.unwrap();
    assert!(page.contains(">data-lake\nteam.reports</textarea>"), "{page}");
    let external_id = s["s3ExternalId"].as_str().unwrap();
    assert!(page.contains(&format!(r#"value="{external_id}" size="40" readonly"#)), "shown read-only: {page}");

    let with = |name: &'static str, value: &'static str| {
        let mut all = fields.to_vec();
        all.retain(|(k, _)| *k != name);
        all.push((name, value));
        all
    };
    let r = b.post(&app, "/settings", &with("max_attachment_mb", "99")).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let html = r.text().await.unwrap();
    assert!(html.contains(r#"value="99" aria-invalid="true" aria-describedby="st-attachment-error""#), "{html}");
    assert!(html.contains(r#"<p class="field-error" id="st-attachment-error">must be between 1 and 28</p>"#));
    let r = b.post(&app, "/settings", &with("max_concurrent_exports_per_user", "x")).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let html = r.text().await.unwrap();
    assert!(html.contains(r#"id="st-concurrent-error">must be a whole number</p>"#), "{html}");
    let r = b.post(&app, "/settings", &with("s3_allowed_buckets", "data-lake\r\nBad_Bucket")).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let html = r.text().await.unwrap();
    assert!(html.contains(r#"id="st-s3-buckets-error">Bad_Bucket: must be an S3 bucket name"#), "{html}");
    let after: Value = app.get(ADMIN_KEY, "/settings").await.json().await.unwrap();
    assert_eq!(after, s, "nothing was saved");
}

#[tokio::test]
async fn a_key_made_on_the_page_is_shown_once_and_the_last_admin_keys_refusal_is_explained() {
    let app = spawn_app().await;
    let b = sign_in(&app, ADMIN_KEY).await;
    let r = b.post(&app, "/keys", &[("user", "dana"), ("email", "dana@example.org"), ("role", "member")]).await;
    assert_eq!((r.status(), location(&r)), (StatusCode::SEE_OTHER, "/keys/created".to_string()));
    let flash = set_cookie(&r, "ferry_new_key").expect("the new key rides in a one-time flash");
    assert!(flash.contains("HttpOnly") && flash.contains("Path=/keys") && !flash.contains("dana"), "{flash}");
    let with_flash = format!("{}; {}", b.cookie, flash.split(';').next().unwrap());
    let shown = |cookie: String| {
        let url = format!("{}/keys/created", app.url);
        let client = app.client.clone();
        async move { client.get(url).header(reqwest::header::COOKIE, cookie).send().await.unwrap() }
    };
    let r = shown(with_flash.clone()).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["cache-control"], "no-store");
    assert!(set_cookie(&r, "ferry_new_key").unwrap().contains("Max-Age=0"), "the page clears the flash");
    let html = r.text().await.unwrap();
    let at = html.find(r#"<input id="new-key" readonly value=""#).expect("the key is shown") + 36;
    let key = &html[at..at + html[at..].find('"').unwrap()];
    assert!(html.contains("the only time Ferry shows it"));
    assert_eq!(app.get(key, "/reports").await.status(), StatusCode::OK, "the key works");
    let list = b.get(&app, "/keys").await.text().await.unwrap();
    assert!(list.contains("dana") && !list.contains(key), "listed, never shown again");
    // A reload (the browser no longer has the flash) shows the list, and made no second key.
    let again = b.get(&app, "/keys/created").await;
    assert_eq!((again.status(), location(&again)), (StatusCode::SEE_OTHER, "/keys".to_string()));
    let keys: Value = app.get(ADMIN_KEY, "/keys").await.json().await.unwrap();
    assert_eq!(keys["items"].as_array().unwrap().iter().filter(|k| k["user"] == "dana").count(), 1);
    // Another session cannot read this one's flash.
    let other = sign_in(&app, ADMIN_KEY).await;
    let r = shown(format!("{}; {}", other.cookie, flash.split(';').next().unwrap())).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    let keys: Value = app.get(ADMIN_KEY, "/keys").await.json().await.unwrap();
    let admin = keys["items"].as_array().unwrap().iter().find(|k| k["role"] == "admin").unwrap()["id"].clone();
    let admin = admin.as_str().unwrap();
    let r = b.post(&app, &format!("/keys/{admin}/delete"), &[]).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let html = r.text().await.unwrap();
    assert!(html
        .contains("This key cannot be deleted: the last admin key cannot be deleted; create another admin key first."));
    assert_eq!(app.get(ADMIN_KEY, "/keys").await.status(), StatusCode::OK, "the admin key still works");
}

#[tokio::test]
async fn deleting_a_report_a_schedule_uses_is_explained_then_works_once_the_schedule_is_gone() {
    let app = spawn_app().await;
    let schedule = schedule_of(&app, ADMIN_KEY, "In use").await;
    let s: Value = app.get(ADMIN_KEY, &format!("/schedules/{schedule}")).await.json().await.unwrap();
    let report = s["reportId"].as_str().unwrap().to_string();
    let b = sign_in(&app, ADMIN_KEY).await;
    let page = b.get(&app, &format!("/reports/{report}/delete")).await.text().await.unwrap();
    assert!(page.contains("Delete “In use”?") && page.contains(">Delete</button>"), "{page}");

    let r = b.post(&app, &format!("/reports/{report}/delete"), &[]).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let html = r.text().await.unwrap();
    assert!(html.contains("It cannot be deleted now: these use it; delete or change them first."), "{html}");
    assert!(
        html.contains(&format!(
            r#"<li><a href="/schedules/{schedule}">Schedule: Weekly on Mon, Wed at 09:00 (Europe/Berlin)</a></li>"#
        )),
        "each blocker by name, linked: {html}"
    );
    assert!(report_exists(&app, &report).await);

    let r = b.post(&app, &format!("/schedules/{schedule}/delete"), &[]).await;
    assert_eq!((r.status(), location(&r)), (StatusCode::SEE_OTHER, "/schedules?done=deleted".to_string()));
    let r = b.post(&app, &format!("/reports/{report}/delete"), &[]).await;
    assert_eq!((r.status(), location(&r)), (StatusCode::SEE_OTHER, "/reports?done=deleted".to_string()));
    assert!(!report_exists(&app, &report).await);
}

#[tokio::test]
async fn copy_makes_a_private_report_of_ones_own() {
    let app = spawn_app().await;
    let report = app.sample_report(ADMIN_KEY, 5, json!({"name": "Shared figures", "visibility": "public"})).await;
    let b = sign_in(&app, ADMIN_KEY).await;
    let r = b.post(&app, &format!("/reports/{report}/copy"), &[("name", "My figures")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let copy = location(&r).trim_start_matches("/reports/").trim_end_matches("?done=copied").to_string();
    let c: Value = app.get(ADMIN_KEY, &format!("/reports/{copy}")).await.json().await.unwrap();
    assert_eq!((c["name"].as_str(), c["visibility"].as_str()), (Some("My figures"), Some("private")));

    let r = b.post(&app, &format!("/reports/{report}/copy"), &[("name", "")]).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r.text().await.unwrap().contains(r#"aria-invalid="true" aria-describedby="copy-problem""#));
}

#[tokio::test]
async fn an_unsaved_report_previews_with_jiras_count_and_a_bad_query_names_query() {
    let app = spawn_app().await;
    let sim = JiraSim::start(30).await;
    allow_private_networks(&app, true).await;
    let connection = jira_connection(&app, &sim, json!({})).await;
    let body = json!({"name": "Draft", "connectionId": connection, "reportType": "issues",
        "query": "project = SIM ORDER BY key", "columns": [{"field": "key"}, {"field": "Story Points"}]});
    let r = app.post(ADMIN_KEY, "/reports/preview", &body).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    let p: Value = r.json().await.unwrap();
    assert_eq!(p["columns"], json!(["key", "Story Points"]));
    assert_eq!(p["rows"].as_array().unwrap().len(), 20);
    assert_eq!(p["approximateCount"], 30);
    let reports: Value = app.get(ADMIN_KEY, "/reports").await.json().await.unwrap();
    assert!(!reports.to_string().contains("Draft"), "nothing is stored");

    let mut bad = body.clone();
    bad["query"] = json!("nosuchfield = 3");
    let (status, e) = error_of(app.post(ADMIN_KEY, "/reports/preview", &bad).await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(e["error"]["details"][0]["field"], "query");
    assert!(e["error"]["details"][0]["message"].as_str().unwrap().contains("nosuchfield"), "{e}");

    let mut wrong = body;
    wrong["columns"] = json!([{"field": "No Such Field"}]);
    let (status, e) = error_of(app.post(ADMIN_KEY, "/reports/preview", &wrong).await).await;
    assert_eq!(
        (status, e["error"]["details"][0]["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("columns[0].field"))
    );
}

#[tokio::test]
async fn form_pages_save_and_return_under_the_public_urls_path() {
    let mut app =
        spawn_app_with(AppOptions { public_url: Some("https://ferry.example.org/prod".into()), ..Default::default() })
            .await;
    let real = format!("http://{}", app.ferry().addr);
    // The demo report; `app`'s API helpers would call the public URL.
    let reports: Value =
        app.client.get(format!("{real}/v1/reports")).bearer_auth(ADMIN_KEY).send().await.unwrap().json().await.unwrap();
    let report = reports["items"][0]["id"].as_str().unwrap().to_string();
    let r = try_sign_in(&app, &real, ADMIN_KEY).await;
    let cookie = set_cookie(&r, "ferry_session").unwrap().split(';').next().unwrap().to_string();
    let b = Browser { base: real, cookie, csrf: String::new() };
    for (path, action) in [
        (format!("/schedules/new?report={report}"), "/prod/schedules/new".to_string()),
        (format!("/reports/{report}/edit"), format!("/prod/reports/{report}/edit")),
        ("/connections/new".to_string(), "/prod/connections/new".to_string()),
    ] {
        let html = b.get(&app, &path).await.text().await.unwrap();
        assert!(html.contains(&format!(r#"method="post" action="{action}""#)), "{path}: {html}");
        assert!(html.contains(r#"<meta name="ferry-base" content="/prod">"#), "the script calls /prod/v1");
    }
    let html = b.get(&app, &format!("/reports/{report}/delete")).await.text().await.unwrap();
    assert!(html.contains(&format!(r#"action="/prod/reports/{report}/delete""#)), "{html}");
    let html = b.get(&app, "/keys").await.text().await.unwrap();
    assert!(html.contains(r#"action="/prod/keys""#));
}

#[tokio::test]
async fn run_as_is_offered_only_when_the_admin_allows_app_permissions() {
    let app = spawn_app().await;
    let b = sign_in(&app, ADMIN_KEY).await;
    let html = b.get(&app, "/schedules/new").await.text().await.unwrap();
    assert!(!html.contains(r#"<label for="s-run-as">Run as</label>"#));
    assert!(html.contains(r#"<label for="s-range">Range</label>"#) && html.contains(r#"name="incremental:bool""#));
    let r = app.put(ADMIN_KEY, "/settings", &json!({"allowAppPermissions": true})).await;
    assert_eq!(r.status(), StatusCode::OK);
    let html = b.get(&app, "/schedules/new").await.text().await.unwrap();
    assert!(html.contains(r#"<label for="s-run-as">Run as</label>"#), "{html}");
    assert!(html.contains(r#"<option value="Europe/Berlin"></option>"#), "the zone list is there");
}

#[tokio::test]
async fn another_users_public_report_offers_copy_but_not_edit_or_delete() {
    let app = spawn_app().await;
    let report = app.sample_report(ADMIN_KEY, 5, json!({"name": "Team figures", "visibility": "public"})).await;
    let member = app.member("mia").await;
    let b = sign_in(&app, &member).await;
    let html = b.get(&app, &format!("/reports/{report}")).await.text().await.unwrap();
    assert!(html.contains(&format!(r#"href="/reports/{report}/copy">Copy</a>"#)), "{html}");
    assert!(!html.contains(">Edit</a>") && !html.contains(">Delete</a>") && !html.contains(">Schedule</a>"));
    assert!(html.contains("copy it to make it yours"));
    let owner = sign_in(&app, ADMIN_KEY).await;
    let html = owner.get(&app, &format!("/reports/{report}")).await.text().await.unwrap();
    assert!(html.contains(">Edit</a>") && html.contains(">Delete</a>") && html.contains(">Schedule</a>"));
}

#[tokio::test]
async fn the_new_fields_values_are_escaped_on_the_forms_and_the_schedule_page() {
    let app = spawn_app().await;
    let sim = JiraSim::start(3).await;
    allow_private_networks(&app, true).await;
    let connection = jira_connection(&app, &sim, json!({})).await;
    let status = "<script>alert(1)</script>";
    let body = json!({"name": "Cycle time", "connectionId": connection, "reportType": "timeInStatus",
        "query": "project = SIM", "timeInStatus": {"layout": "long", "statuses": [status, "Done"],
        "calendar": {"timezone": "Europe/Berlin", "hours": "08:00-16:00"}}});
    let r = app.post(ADMIN_KEY, "/reports", &body).await;
    assert_eq!(r.status(), StatusCode::CREATED, "{}", r.text().await.unwrap());
    let report = r.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string();
    let account = "\"><img/src=x/onerror=alert(2)>";
    let destinations = json!([
        {"type": "email", "toUsers": [account]},
        {"type": "s3", "bucket": "acme-lake", "region": "eu-central-1", "prefix": "<b>x</b>/",
         "accessKeyId": "AKIA<i>", "secretAccessKey": "s3cr3t"},
    ]);
    let recurrence = json!({"frequency": "daily", "time": "06:00", "timezone": "UTC"});
    let r = app
        .post(
            ADMIN_KEY,
            "/schedules",
            &json!({"reportId": report, "recurrence": recurrence,
            "destinations": destinations, "deliverWhen": "changed"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED, "{}", r.text().await.unwrap());
    let schedule = r.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string();
    let b = sign_in(&app, ADMIN_KEY).await;
    for path in
        [format!("/reports/{report}/edit"), format!("/schedules/{schedule}/edit"), format!("/schedules/{schedule}")]
    {
        let r = b.get(&app, &path).await;
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        let html = r.text().await.unwrap();
        for raw in ["<script>alert(1)", "<img/src=x", "<b>x</b>", "AKIA<i>", "s3cr3t"] {
            assert!(!html.contains(raw), "{path} shows {raw} unescaped: {html}");
        }
    }
    let html = b.get(&app, &format!("/schedules/{schedule}")).await.text().await.unwrap();
    assert!(html.contains("<dt>Deliver when</dt><dd>Only when the data changed</dd>"), "{html}");
    assert!(html.contains("&#60;img/src=x/onerror=alert(2)&#62;") || html.contains("&lt;img/src=x"), "{html}");
    let html = b.get(&app, &format!("/schedules/{schedule}/edit")).await.text().await.unwrap();
    assert!(html.contains(r#"<option value="s3">S3</option>"#) && html.contains(r#"[toUsers]:list""#));
}
