//! Issue 25's findings about getting in, each reproduced over HTTP: a
//! signed-out cookie sent again, key guessing on `/v1` and on the sign-in
//! form (time from the clock port), a short `FERRY_ADMIN_KEY`, and a page's
//! bad query parameter.

use std::sync::Arc;

use ferry_core::ports::clock::ManualClock;
use jiff::{SignedDuration, Timestamp};
use reqwest::header::{COOKIE, RETRY_AFTER};
use reqwest::StatusCode;
use serde_json::Value;

use crate::dashboard::{location, sign_in, try_sign_in};
use crate::helpers::{error_of, spawn_app, spawn_app_with, AppOptions, TestApp, ADMIN_KEY};

async fn key_count(app: &TestApp) -> usize {
    let keys: Value = app.get(ADMIN_KEY, "/keys").await.json().await.unwrap();
    keys["items"].as_array().unwrap().len()
}

#[tokio::test]
async fn a_cookie_sent_again_after_sign_out_gets_the_sign_in_page_and_401_on_v1_even_with_its_token() {
    let app = spawn_app().await;
    let b = sign_in(&app, ADMIN_KEY).await;
    let other = sign_in(&app, ADMIN_KEY).await;
    assert_eq!(b.post(&app, "/sign-out", &[]).await.status(), StatusCode::SEE_OTHER);

    // The browser forgot the cookie; someone who copied it sends it again.
    let r = b.get(&app, "/schedules").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/sign-in");
    let api = app.client.get(app.v1("/exports")).header(COOKIE, &b.cookie).header("X-Ferry-Csrf", &b.csrf);
    assert_eq!(api.send().await.unwrap().status(), StatusCode::UNAUTHORIZED);
    // A form with the old token changes nothing.
    let before = key_count(&app).await;
    let r = b.post(&app, "/keys", &[("user", "eve"), ("email", ""), ("role", "admin")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/sign-in");
    assert_eq!(key_count(&app).await, before);

    // Another sign-in of the same key is its own session and goes on.
    assert_eq!(other.get(&app, "/schedules").await.status(), StatusCode::OK);
}

async fn v1_with(app: &TestApp, key: &str) -> reqwest::Response {
    app.client.get(app.v1("/reports")).bearer_auth(key).send().await.unwrap()
}

#[tokio::test]
async fn the_eleventh_wrong_key_in_a_minute_gets_429_with_retry_after_right_keys_included_sessions_untouched() {
    let clock = Arc::new(ManualClock::new("2026-12-07T09:00:00Z".parse::<Timestamp>().unwrap()));
    let app = spawn_app_with(AppOptions { clock: Some(clock.clone()), scheduler: false, ..Default::default() }).await;
    let b = sign_in(&app, ADMIN_KEY).await;

    for i in 0..10 {
        let r = v1_with(&app, &format!("guess-{i:02}-0123456789abcdef0123456789")).await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "guess {i}");
    }
    let r = v1_with(&app, "guess-11-0123456789abcdef0123456789").await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(r.headers()[RETRY_AFTER], "60");
    let (_, body) = error_of(r).await;
    assert_eq!(body["error"]["code"], "too_many_requests");
    // The right key is refused alike, so a guess cannot be told by its answer.
    clock.advance(SignedDuration::from_secs(20));
    let r = v1_with(&app, ADMIN_KEY).await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(r.headers()[RETRY_AFTER], "40");
    // The sign-in form shares the count.
    let r = try_sign_in(&app, &app.url, ADMIN_KEY).await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(r.headers()[RETRY_AFTER], "40");
    assert!(r.text().await.unwrap().contains("too many wrong API keys"));

    // Sessions already signed in are not affected.
    assert_eq!(b.get(&app, "/schedules").await.status(), StatusCode::OK);
    let api = app.client.get(app.v1("/exports")).header(COOKIE, &b.cookie).header("X-Ferry-Csrf", &b.csrf);
    assert_eq!(api.send().await.unwrap().status(), StatusCode::OK);

    // When the minute is over, the right key works again.
    clock.advance(SignedDuration::from_secs(40));
    assert_eq!(v1_with(&app, ADMIN_KEY).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn wrong_keys_on_the_sign_in_form_count_and_a_malformed_header_is_a_wrong_key() {
    let clock = Arc::new(ManualClock::new("2026-12-07T09:00:00Z".parse::<Timestamp>().unwrap()));
    let app = spawn_app_with(AppOptions { clock: Some(clock.clone()), scheduler: false, ..Default::default() }).await;
    for i in 0..9 {
        let r = try_sign_in(&app, &app.url, &format!("wrong-{i}")).await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "attempt {i}");
    }
    let basic_for_someone_else = app.client.get(app.v1("/reports")).basic_auth("root", Some("toor"));
    assert_eq!(basic_for_someone_else.send().await.unwrap().status(), StatusCode::UNAUTHORIZED);
    let r = try_sign_in(&app, &app.url, ADMIN_KEY).await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(r.headers().get("set-cookie").is_none_or(|c| !c.to_str().unwrap().starts_with("ferry_session=")));
}

#[tokio::test]
async fn a_ferry_admin_key_under_32_characters_stops_the_start_with_an_error_saying_so() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = ferry_local::LocalConfig::new(dir.path().to_path_buf(), 0);
    config.admin_key = Some("only-31-characters-long-0123456".into());
    let err = ferry_local::start(config).await.err().expect("a short key is refused");
    let text = format!("{err:#}");
    assert!(text.contains("FERRY_ADMIN_KEY") && text.contains("at least 32 characters"), "{text}");
}

#[tokio::test]
async fn a_pages_bad_cursor_is_a_400_page_naming_it() {
    let app = spawn_app().await;
    let b = sign_in(&app, ADMIN_KEY).await;
    for page in ["/schedules", "/exports", "/reports", "/connections"] {
        let r = b.get(&app, &format!("{page}?cursor=abc")).await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{page}");
        let html = r.text().await.unwrap();
        assert!(html.contains("cursor") && !html.contains("Something went wrong"), "{page}: {html}");
    }
}
