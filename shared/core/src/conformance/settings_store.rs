//! Conformance suite of the `SettingsStore` port: nothing before the first
//! write, then exactly the last settings written (a single record).

use std::sync::Arc;

use crate::model::settings::Settings;
use crate::ports::settings_store::SettingsStore;

/// Checks every `SettingsStore` promise. Needs an empty store.
pub async fn settings_store_conformance(store: Arc<dyn SettingsStore>) {
    assert_eq!(store.get_settings().await.expect("get_settings"), None, "no settings before the first write");

    let first = Settings::defaults("ferry@localhost");
    store.put_settings(&first).await.expect("put_settings");
    assert_eq!(store.get_settings().await.expect("get_settings"), Some(first.clone()));

    let second = Settings {
        allow_app_permissions: true,
        allow_private_networks: true,
        max_concurrent_exports_per_user: 2,
        max_attachment_mb: 10,
        default_retention_days: 30,
        email_from: "reports@example.org".into(),
        s3_allowed_buckets: vec!["data-lake".into(), "team.reports".into()],
        s3_external_id: "ferry-0123456789abcdef".into(),
        alert_email: Some("ops@example.org".into()),
        stall_minutes: 45,
        data_pipeline_report_id: Some("rep_0123456789abcdef".into()),
    };
    store.put_settings(&second).await.expect("put_settings");
    assert_eq!(store.get_settings().await.expect("get_settings"), Some(second.clone()), "a put replaces");

    // Writing the same settings twice is harmless.
    store.put_settings(&second).await.expect("put_settings");
    assert_eq!(store.get_settings().await.expect("get_settings"), Some(second));
}
