//! The dashboard through the `api` Lambda behind an API Gateway REST stage:
//! signing in and the schedules page, with every link, form and redirect
//! under the stage's path (`/prod/...`), and the session cookie `Secure`
//! (the execute-api URL is https).

use serde_json::{json, Value};

use crate::events::{rest_request, STAGE};
use crate::stack::{Stack, ADMIN_KEY};

/// `event` with extra headers (in both header maps) and a form body.
fn with(mut event: Value, headers: &[(&str, &str)], form: Option<&str>) -> Value {
    for (k, v) in headers {
        event["headers"][*k] = json!(v);
        event["multiValueHeaders"][*k] = json!([v]);
    }
    if let Some(body) = form {
        event["headers"]["Content-Type"] = json!("application/x-www-form-urlencoded");
        event["multiValueHeaders"]["Content-Type"] = json!(["application/x-www-form-urlencoded"]);
        event["body"] = json!(body);
    }
    event
}

/// The `name=value` part of the response's `Set-Cookie` for `name`, with its attributes.
fn set_cookie(response: &Value, name: &str) -> String {
    let all = response["multiValueHeaders"]["set-cookie"]
        .as_array()
        .cloned()
        .or_else(|| response["headers"]["set-cookie"].as_str().map(|c| vec![json!(c)]))
        .unwrap_or_default();
    all.iter()
        .filter_map(Value::as_str)
        .find(|c| c.starts_with(&format!("{name}=")))
        .unwrap_or_else(|| panic!("no {name} cookie in {response}"))
        .to_string()
}

fn header(response: &Value, name: &str) -> String {
    let h = &response["headers"][name];
    h.as_str().map(String::from).unwrap_or_else(|| response["multiValueHeaders"][name][0].as_str().unwrap().to_string())
}

fn csrf_field(html: &str) -> String {
    let marker = r#"name="csrf" value=""#;
    let rest = &html[html.find(marker).expect("a csrf field") + marker.len()..];
    rest[..rest.find('"').unwrap()].to_string()
}

#[tokio::test]
async fn the_schedules_page_under_the_prod_stage_links_under_prod() {
    let stack = Stack::new().await;
    let form = stack.invoke_raw(rest_request("GET", "/sign-in", None, None)).await;
    assert_eq!(form["statusCode"], 200, "{form}");
    let nonce = set_cookie(&form, "ferry_sign_in");
    assert!(nonce.contains(&format!("Path=/{STAGE}")), "{nonce}");
    let html = form["body"].as_str().unwrap();
    assert!(html.contains(&format!(r#"action="/{STAGE}/sign-in""#)), "{html}");

    let body = format!("key={ADMIN_KEY}&csrf={}", csrf_field(html));
    let nonce_pair = nonce.split(';').next().unwrap().to_string();
    let event = with(rest_request("POST", "/sign-in", None, None), &[("Cookie", &nonce_pair)], Some(&body));
    let signed_in = stack.invoke_raw(event).await;
    assert_eq!(signed_in["statusCode"], 303, "{signed_in}");
    assert_eq!(header(&signed_in, "location"), format!("/{STAGE}/schedules"));
    let session = set_cookie(&signed_in, "ferry_session");
    for flag in ["HttpOnly", "SameSite=Strict", "Secure", &format!("Path=/{STAGE}")] {
        assert!(session.contains(flag), "{flag} missing in {session}");
    }

    let report = stack.sample_report(10).await;
    let recurrence = json!({"frequency": "daily", "time": "07:30", "timezone": "Europe/Berlin"});
    let created = stack.api("POST", "/v1/schedules", Some(json!({"reportId": report, "recurrence": recurrence}))).await;
    assert_eq!(created.status, 201, "{:?}", created.body);

    let cookie = session.split(';').next().unwrap().to_string();
    let page =
        stack.invoke_raw(with(rest_request("GET", "/schedules", None, None), &[("Cookie", &cookie)], None)).await;
    assert_eq!(page["statusCode"], 200, "{page}");
    let html = page["body"].as_str().unwrap();
    assert!(html.contains("Daily at 07:30 (Europe/Berlin)"), "{html}");
    for link in
        ["/exports", "/reports", "/schedules", "/connections", "/settings", "/keys", "/static/app.js", "/sign-out"]
    {
        assert!(html.contains(&format!(r#""/{STAGE}{link}""#)), "{link} not under /{STAGE}: {html}");
    }
    assert!(html.contains(&format!(r#"action="/{STAGE}/schedules/{}/pause""#, created.body["id"].as_str().unwrap())));
    assert!(header(&page, "content-security-policy").contains("script-src 'self'"));
}

/// `event` as API Gateway sends it for a client at `ip`.
fn from_ip(mut event: Value, ip: &str) -> Value {
    event["requestContext"]["identity"]["sourceIp"] = json!(ip);
    event
}

#[tokio::test]
async fn wrong_keys_are_counted_per_source_ip_and_a_signed_out_session_stays_out_on_dynamodb() {
    let stack = Stack::new().await;
    // Stored sessions: sign in, sign out, send the cookie again.
    let form = stack.invoke_raw(rest_request("GET", "/sign-in", None, None)).await;
    let nonce = set_cookie(&form, "ferry_sign_in").split(';').next().unwrap().to_string();
    let body = format!("key={ADMIN_KEY}&csrf={}", csrf_field(form["body"].as_str().unwrap()));
    let event = with(rest_request("POST", "/sign-in", None, None), &[("Cookie", &nonce)], Some(&body));
    let signed_in = stack.invoke_raw(event).await;
    let cookie = set_cookie(&signed_in, "ferry_session").split(';').next().unwrap().to_string();
    let page =
        stack.invoke_raw(with(rest_request("GET", "/schedules", None, None), &[("Cookie", &cookie)], None)).await;
    assert_eq!(page["statusCode"], 200, "{page}");
    let csrf = csrf_field(page["body"].as_str().unwrap());
    let out = format!("csrf={csrf}");
    let event = with(rest_request("POST", "/sign-out", None, None), &[("Cookie", &cookie)], Some(&out));
    assert_eq!(stack.invoke_raw(event).await["statusCode"], 303);
    let again =
        stack.invoke_raw(with(rest_request("GET", "/schedules", None, None), &[("Cookie", &cookie)], None)).await;
    assert_eq!(again["statusCode"], 303, "{again}");
    assert_eq!(header(&again, "location"), format!("/{STAGE}/sign-in"));
    let api =
        with(rest_request("GET", "/v1/exports", None, None), &[("Cookie", &cookie), ("X-Ferry-Csrf", &csrf)], None);
    assert_eq!(stack.invoke_raw(api).await["statusCode"], 401);

    // Guessing from one source IP: the 11th answer is 429, right key included.
    let guesser = "198.51.100.23";
    for i in 0..10 {
        let event = from_ip(rest_request("GET", "/v1/reports", Some(&format!("wrong-key-{i}")), None), guesser);
        assert_eq!(stack.invoke_raw(event).await["statusCode"], 401, "guess {i}");
    }
    let refused = stack.invoke_raw(from_ip(rest_request("GET", "/v1/reports", Some(ADMIN_KEY), None), guesser)).await;
    assert_eq!(refused["statusCode"], 429, "{refused}");
    let wait: u64 = header(&refused, "retry-after").parse().unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
    // Another client address is not affected.
    let other =
        stack.invoke_raw(from_ip(rest_request("GET", "/v1/reports", Some(ADMIN_KEY), None), "192.0.2.44")).await;
    assert_eq!(other["statusCode"], 200, "{other}");
}
