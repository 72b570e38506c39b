//! Authentication forms, roles and the visibility rules of reports and exports.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{error_of, spawn_app, ADMIN_KEY};

#[tokio::test]
async fn each_of_the_four_auth_forms_works_and_a_wrong_key_is_401() {
    let app = spawn_app().await;
    let url = app.v1("/reports");
    let c = &app.client;
    let bearer = c.get(&url).header("Authorization", format!("Bearer {ADMIN_KEY}")).send().await.unwrap();
    let apikey = c.get(&url).header("Authorization", format!("Apikey {ADMIN_KEY}")).send().await.unwrap();
    let basic = c.get(&url).basic_auth("apikey", Some(ADMIN_KEY)).send().await.unwrap();
    let query = c.get(format!("{url}?apikey={ADMIN_KEY}")).send().await.unwrap();
    for (form, r) in [("bearer", bearer), ("apikey", apikey), ("basic", basic), ("query", query)] {
        assert_eq!(r.status(), StatusCode::OK, "{form}");
    }
    for r in [
        c.get(&url).bearer_auth("wrong-key-wrong-key").send().await.unwrap(),
        c.get(&url).send().await.unwrap(),
        c.get(&url).basic_auth("someone", Some(ADMIN_KEY)).send().await.unwrap(),
    ] {
        assert!(r.headers().contains_key("www-authenticate"));
        let (status, body) = error_of(r).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(body["error"]["code"], "unauthorized");
    }
    let health = c.get(app.v1("/health")).send().await.unwrap();
    assert_eq!(health.status(), StatusCode::OK, "health needs no key");
}

#[tokio::test]
async fn a_member_cannot_see_another_members_private_report_or_export_nor_change_a_public_one() {
    let app = spawn_app().await;
    let alice = app.member("alice").await;
    let bob = app.member("bob").await;
    let private = app.sample_report(&alice, 10, json!({"name": "Alice private"})).await;
    let public = app.sample_report(&alice, 10, json!({"name": "Alice public", "visibility": "public"})).await;
    let export = app.start_export(&alice, &private).await;
    let export_id = export["id"].as_str().unwrap();

    assert_eq!(app.get(&bob, &format!("/reports/{private}")).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.get(&bob, &format!("/exports/{export_id}")).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.get(&bob, &format!("/exports/{export_id}/download")).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.delete(&bob, &format!("/exports/{export_id}")).await.status(), StatusCode::NOT_FOUND);
    let listed: serde_json::Value = app.get(&bob, "/reports").await.json().await.unwrap();
    let names: Vec<&str> = listed["items"].as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap()).collect();
    assert!(names.contains(&"Alice public") && !names.contains(&"Alice private"), "{names:?}");
    let bobs_exports: serde_json::Value = app.get(&bob, "/exports").await.json().await.unwrap();
    assert!(bobs_exports["items"].as_array().unwrap().is_empty());

    assert_eq!(app.get(&bob, &format!("/reports/{public}")).await.status(), StatusCode::OK);
    let body = json!({"name": "hijack", "connectionId": "con_x", "reportType": "issues"});
    let (status, _) = error_of(app.put(&bob, &format!("/reports/{public}"), &body).await).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(app.delete(&bob, &format!("/reports/{public}")).await.status(), StatusCode::FORBIDDEN);
    let (status, body) = error_of(app.post(&bob, "/exports", &json!({"reportId": public})).await).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(body["error"]["message"].as_str().unwrap().contains("copy"), "{body}");

    // "Save as": Bob copies it onto his own connection and owns the copy.
    let r = app.post(&bob, &format!("/reports/{public}/copy"), &json!({"name": "Mine"})).await;
    let (status, body) = error_of(r).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"]["details"][0]["field"], "connectionId");
    let bobs_connection = app.sample_connection(&bob, 5, 1).await;
    let r = app
        .post(&bob, &format!("/reports/{public}/copy"), &json!({"name": "Mine", "connectionId": bobs_connection}))
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let copy: serde_json::Value = r.json().await.unwrap();
    assert_eq!(copy["owner"], "bob");
    assert_eq!(copy["visibility"], "private");

    // Admins see everything.
    assert_eq!(app.get(ADMIN_KEY, &format!("/exports/{export_id}")).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn keys_are_admin_only_and_the_last_admin_key_cannot_be_deleted() {
    let app = spawn_app().await;
    let member = app.member("carol").await;
    assert_eq!(app.get(&member, "/keys").await.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.get(&member, "/settings").await.status(), StatusCode::FORBIDDEN);
    let keys: serde_json::Value = app.get(ADMIN_KEY, "/keys").await.json().await.unwrap();
    let items = keys["items"].as_array().unwrap();
    assert!(items.iter().all(|k| k.get("key").is_none() && k.get("hash").is_none()), "no key values listed");
    let admin_id = items.iter().find(|k| k["role"] == "admin").unwrap()["id"].as_str().unwrap().to_string();
    let (status, body) = error_of(app.delete(ADMIN_KEY, &format!("/keys/{admin_id}")).await).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["error"]["code"], "last_admin_key");
    let member_id = items.iter().find(|k| k["user"] == "carol").unwrap()["id"].as_str().unwrap().to_string();
    assert_eq!(app.delete(ADMIN_KEY, &format!("/keys/{member_id}")).await.status(), StatusCode::NO_CONTENT);
    assert_eq!(app.get(&member, "/reports").await.status(), StatusCode::UNAUTHORIZED);
}
