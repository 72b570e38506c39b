//! The dashboard's sessions over HTTP: sign-in, the cookie's flags, expiry by
//! the clock port, a deleted key ending its sessions, CSRF on page forms and
//! on `/v1` calls made with the cookie, and the pages' security headers.

use std::sync::Arc;

use ferry_core::ports::clock::ManualClock;
use jiff::{SignedDuration, Timestamp};
use reqwest::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE, COOKIE, LOCATION, SET_COOKIE, WWW_AUTHENTICATE,
};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{spawn_app, spawn_app_with, AppOptions, TestApp, ADMIN_KEY};

/// A browser's state for one signed-in person: the session cookie and the
/// CSRF token its pages carry.
pub struct Browser {
    pub base: String,
    pub cookie: String,
    pub csrf: String,
}

/// The value of the `name="csrf"` hidden field of a page.
pub fn csrf_field(html: &str) -> String {
    let at = html.find(r#"name="csrf" value=""#).expect("a form with a csrf field");
    let rest = &html[at + r#"name="csrf" value=""#.len()..];
    rest[..rest.find('"').unwrap()].to_string()
}

/// `name=value` of the `Set-Cookie` header for cookie `name`, and its attributes.
pub fn set_cookie(r: &reqwest::Response, name: &str) -> Option<String> {
    r.headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .map(String::from)
}

fn form_body(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", percent_encoding::utf8_percent_encode(v, percent_encoding::NON_ALPHANUMERIC)))
        .collect::<Vec<_>>()
        .join("&")
}

/// Loads the sign-in form and posts `key` with its token; the raw answer.
pub async fn try_sign_in(app: &TestApp, base: &str, key: &str) -> reqwest::Response {
    let form = app.client.get(format!("{base}/sign-in")).send().await.unwrap();
    assert_eq!(form.status(), StatusCode::OK);
    let nonce = set_cookie(&form, "ferry_sign_in").expect("the form sets its nonce cookie");
    let nonce = nonce.split(';').next().unwrap().to_string();
    let html = form.text().await.unwrap();
    assert!(html.contains(r#"<label for="api-key">API key</label>"#), "{html}");
    app.client
        .post(format!("{base}/sign-in"))
        .header(COOKIE, nonce)
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(form_body(&[("key", key), ("csrf", &csrf_field(&html))]))
        .send()
        .await
        .unwrap()
}

/// Signs in and reads the CSRF token from the first page.
pub async fn sign_in_at(app: &TestApp, base: &str, key: &str) -> Browser {
    let r = try_sign_in(app, base, key).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", r.text().await.unwrap());
    let cookie = set_cookie(&r, "ferry_session").expect("a session cookie");
    let cookie = cookie.split(';').next().unwrap().to_string();
    let mut b = Browser { base: base.to_string(), cookie, csrf: String::new() };
    let page = b.get(app, "/schedules").await;
    assert_eq!(page.status(), StatusCode::OK);
    b.csrf = csrf_field(&page.text().await.unwrap());
    b
}

pub async fn sign_in(app: &TestApp, key: &str) -> Browser {
    sign_in_at(app, &app.url, key).await
}

impl Browser {
    pub async fn get(&self, app: &TestApp, path: &str) -> reqwest::Response {
        app.client.get(format!("{}{path}", self.base)).header(COOKIE, &self.cookie).send().await.unwrap()
    }

    /// A page form: the given fields plus this session's CSRF token.
    pub async fn post(&self, app: &TestApp, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let mut all = fields.to_vec();
        all.push(("csrf", &self.csrf));
        self.post_raw(app, path, &all).await
    }

    /// A form exactly as given (no token added).
    pub async fn post_raw(&self, app: &TestApp, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        app.client
            .post(format!("{}{path}", self.base))
            .header(COOKIE, &self.cookie)
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(form_body(fields))
            .send()
            .await
            .unwrap()
    }
}

pub fn location(r: &reqwest::Response) -> String {
    r.headers()[LOCATION].to_str().unwrap().to_string()
}

/// A daily schedule of a new sample report of `key`'s user; its id.
pub async fn schedule_of(app: &TestApp, key: &str, report_name: &str) -> String {
    let report = app.sample_report(key, 20, json!({"name": report_name})).await;
    let body = json!({"reportId": report, "recurrence": {"frequency": "weekly", "weekdays": ["MON", "WED"], "time": "09:00", "timezone": "Europe/Berlin"}});
    let r = app.post(key, "/schedules", &body).await;
    assert_eq!(r.status(), StatusCode::CREATED, "{}", r.text().await.unwrap());
    r.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn signing_in_sets_a_strict_http_only_cookie_that_holds_no_key() {
    let app = spawn_app().await;
    let r = try_sign_in(&app, &app.url, ADMIN_KEY).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/schedules");
    let cookie = set_cookie(&r, "ferry_session").unwrap();
    for flag in ["HttpOnly", "SameSite=Strict", "Path=/", "Max-Age=43200"] {
        assert!(cookie.contains(flag), "{flag} missing in {cookie}");
    }
    assert!(!cookie.contains("Secure"), "plain http public URL: {cookie}");
    assert!(!cookie.contains(ADMIN_KEY), "the cookie must not hold the key: {cookie}");

    let b = sign_in(&app, ADMIN_KEY).await;
    let page = b.get(&app, "/schedules").await;
    let html = page.text().await.unwrap();
    assert!(html.contains("Signed in as <strong>admin</strong>"), "{html}");
    assert!(html.contains("(admin)"));
    for nav in ["Exports", "Reports", "Schedules", "Connections", "Settings", "Keys"] {
        assert!(html.contains(&format!(">{nav}</a>")), "nav link {nav}");
    }
    assert!(html.contains(r#"<button type="submit">Sign out</button>"#));
}

#[tokio::test]
async fn an_https_public_url_makes_the_cookie_secure() {
    let mut app =
        spawn_app_with(AppOptions { public_url: Some("https://ferry.example.org/prod".into()), ..Default::default() })
            .await;
    let real = format!("http://{}", app.ferry().addr);
    let r = try_sign_in(&app, &real, ADMIN_KEY).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let cookie = set_cookie(&r, "ferry_session").unwrap();
    assert!(cookie.contains("; Secure"), "{cookie}");
    assert!(cookie.contains("Path=/prod"), "{cookie}");
    assert_eq!(location(&r), "/prod/schedules", "redirects follow the public URL's path");
}

#[tokio::test]
async fn a_wrong_key_gets_one_clear_message_and_no_session() {
    let app = spawn_app().await;
    let r = try_sign_in(&app, &app.url, "not-a-key-at-all-0123456789").await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert!(set_cookie(&r, "ferry_session").is_none());
    let html = r.text().await.unwrap();
    assert!(html.contains("That API key is not valid. Check it and try again."));
    assert!(!html.contains("Signed in as"));
}

#[tokio::test]
async fn a_session_ends_twelve_hours_after_sign_in_by_the_clock_port() {
    let clock = Arc::new(ManualClock::new("2026-12-05T10:00:00Z".parse::<Timestamp>().unwrap()));
    let app = spawn_app_with(AppOptions { clock: Some(clock.clone()), scheduler: false, ..Default::default() }).await;
    let b = sign_in(&app, ADMIN_KEY).await;
    clock.advance(SignedDuration::from_mins(11 * 60 + 59));
    assert_eq!(b.get(&app, "/exports").await.status(), StatusCode::OK);
    clock.advance(SignedDuration::from_mins(2));
    let r = b.get(&app, "/exports").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/sign-in");
    assert!(set_cookie(&r, "ferry_session").unwrap().contains("Max-Age=0"), "the stale cookie is dropped");
}

#[tokio::test]
async fn deleting_a_key_ends_its_sessions() {
    let app = spawn_app().await;
    let r = app.post(ADMIN_KEY, "/keys", &json!({"user": "mia", "role": "member"})).await;
    let created: Value = r.json().await.unwrap();
    let b = sign_in(&app, created["key"].as_str().unwrap()).await;
    assert_eq!(b.get(&app, "/schedules").await.status(), StatusCode::OK);

    let id = created["id"].as_str().unwrap();
    assert_eq!(app.delete(ADMIN_KEY, &format!("/keys/{id}")).await.status(), StatusCode::NO_CONTENT);
    let r = b.get(&app, "/schedules").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/sign-in");
    let api = app.client.get(app.v1("/exports")).header(COOKIE, &b.cookie).header("X-Ferry-Csrf", &b.csrf);
    assert_eq!(api.send().await.unwrap().status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_form_post_without_the_sessions_token_is_refused_and_changes_nothing() {
    let app = spawn_app().await;
    let schedule = schedule_of(&app, ADMIN_KEY, "Weekly numbers").await;
    let b = sign_in(&app, ADMIN_KEY).await;
    // What another site's form could send: the browser adds the cookie (were
    // it not SameSite=Strict), but the site cannot know the token.
    for fields in [vec![], vec![("csrf", "0123abcd")]] {
        let r = b.post_raw(&app, &format!("/schedules/{schedule}/pause"), &fields).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        assert!(r.text().await.unwrap().contains("Form not accepted"));
    }
    let s: Value = app.get(ADMIN_KEY, &format!("/schedules/{schedule}")).await.json().await.unwrap();
    assert_eq!(s["paused"], false);

    // Sign-in too is bound to the form the browser loaded.
    let r = app
        .client
        .post(format!("{}/sign-in", app.url))
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(form_body(&[("key", ADMIN_KEY), ("csrf", "forged")]))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(set_cookie(&r, "ferry_session").is_none());
}

#[tokio::test]
async fn v1_takes_the_cookie_only_with_the_pages_token_and_never_challenges_it() {
    let app = spawn_app().await;
    let b = sign_in(&app, ADMIN_KEY).await;
    let call = |token: Option<&str>| {
        let mut r = app.client.get(app.v1("/exports")).header(COOKIE, &b.cookie);
        if let Some(t) = token {
            r = r.header("X-Ferry-Csrf", t);
        }
        r.send()
    };
    let r = call(None).await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert!(r.headers().get(WWW_AUTHENTICATE).is_none(), "no Basic dialog over a page");
    let r = call(Some("wrong")).await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert!(r.headers().get(WWW_AUTHENTICATE).is_none());
    let r = call(Some(&b.csrf)).await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);

    // Without any credential the API answers as before, challenge included.
    let r = app.client.get(app.v1("/exports")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert!(r.headers().get(WWW_AUTHENTICATE).is_some());
}

#[tokio::test]
async fn pages_send_a_strict_csp_and_no_store_and_refuse_without_a_session() {
    let app = spawn_app().await;
    let b = sign_in(&app, ADMIN_KEY).await;
    let r = b.get(&app, "/exports").await;
    let csp = r.headers()[CONTENT_SECURITY_POLICY].to_str().unwrap().to_string();
    assert!(csp.contains("default-src 'none'") && csp.contains("script-src 'self'"), "{csp}");
    assert!(!csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"), "{csp}");
    assert_eq!(r.headers()[CACHE_CONTROL], "no-store");
    let html = r.text().await.unwrap();
    assert!(!html.contains("<script>"), "no inline script");

    let anonymous = app.client.get(format!("{}/exports", app.url)).send().await.unwrap();
    assert_eq!(anonymous.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&anonymous), "/sign-in");

    let icon = app.client.get(format!("{}/favicon.ico", app.url)).send().await.unwrap();
    assert_eq!(icon.status(), StatusCode::OK);
    let script = app.client.get(format!("{}/static/app.js", app.url)).send().await.unwrap();
    assert_eq!(script.status(), StatusCode::OK);
    assert!(script.text().await.unwrap().contains("X-Ferry-Csrf"));
}

#[tokio::test]
async fn signing_out_drops_the_cookie_and_needs_the_token() {
    let app = spawn_app().await;
    let b = sign_in(&app, ADMIN_KEY).await;
    assert_eq!(b.post_raw(&app, "/sign-out", &[]).await.status(), StatusCode::FORBIDDEN);
    let r = b.post(&app, "/sign-out", &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/sign-in");
    assert!(set_cookie(&r, "ferry_session").unwrap().contains("Max-Age=0"));
}
