use serde_json::{json, Value};

use super::*;

fn fields(v: Value) -> S3DestinationFields {
    serde_json::from_value(v).expect("the fields read")
}

fn base() -> Value {
    json!({"bucket": "data-lake", "region": "eu-central-1", "accessKeyId": "AKIA", "secretAccessKey": "s"})
}

fn with(changes: Value) -> S3DestinationFields {
    let mut v = base();
    for (k, x) in changes.as_object().unwrap() {
        if x.is_null() {
            v.as_object_mut().unwrap().remove(k);
        } else {
            v[k] = x.clone();
        }
    }
    fields(v)
}

fn refused(f: S3DestinationFields) -> Vec<String> {
    S3Destination::parse("destinations[2]", f).expect_err("refused").into_iter().map(|e| e.field).collect()
}

#[test]
fn each_invalid_credential_combination_is_refused_naming_its_field() {
    let role = "arn:aws:iam::123456789012:role/ferry-writer";
    for (changes, field) in [
        (json!({"secretAccessKey": null}), "destinations[2].secretAccessKey"),
        (json!({"accessKeyId": null}), "destinations[2].accessKeyId"),
        (json!({"roleArn": role}), "destinations[2].roleArn"),
        (json!({"secretAccessKey": null, "roleArn": role}), "destinations[2].roleArn"),
        (json!({"accessKeyId": null, "roleArn": role}), "destinations[2].roleArn"),
        (
            json!({"accessKeyId": null, "secretAccessKey": null, "roleArn": "arn:aws:iam::1:user/x"}),
            "destinations[2].roleArn",
        ),
    ] {
        assert_eq!(refused(with(changes.clone())), vec![field], "{changes}");
    }
}

#[test]
fn the_valid_combinations_become_one_way_to_sign() {
    let key = S3Destination::parse("d", with(json!({}))).unwrap();
    assert_eq!(key.access(), &S3Access::AccessKey { id: "AKIA".into(), secret: "s".into() });
    let role = "arn:aws:iam::123456789012:role/team/writer";
    let d = S3Destination::parse("d", with(json!({"accessKeyId": null, "secretAccessKey": null, "roleArn": role})))
        .unwrap();
    assert!(matches!(d.access(), S3Access::Role(arn) if arn.as_str() == role));
    let own = S3Destination::parse("d", with(json!({"accessKeyId": null, "secretAccessKey": null}))).unwrap();
    assert_eq!(own.access(), &S3Access::Own);
}

#[test]
fn bucket_region_key_prefix_class_and_kms_key_are_checked_with_all_problems_at_once() {
    let f = with(json!({"bucket": "Not_A_Bucket", "region": "", "key": "/abs/{{fileName}}", "prefix": "../up",
        "storageClass": "ia", "kmsKeyId": "k"}));
    assert_eq!(
        refused(f),
        [
            "destinations[2].bucket",
            "destinations[2].region",
            "destinations[2].prefix",
            "destinations[2].key",
            "destinations[2].storageClass",
            "destinations[2].kmsKeyId"
        ]
    );
    for key in ["a/../{{fileName}}", "{{nope}}.csv", "", "a//{{fileName}}", "{{fileName"] {
        assert_eq!(refused(with(json!({"key": key}))), ["destinations[2].key"], "{key:?}");
    }
    // A prefix and key that are fine alone but not joined.
    assert_eq!(refused(with(json!({"prefix": "a", "key": &"k".repeat(1024)}))), ["destinations[2].key"]);
}

#[test]
fn kms_keys_belong_to_aws_kms_encryption_only() {
    let d = S3Destination::parse("d", with(json!({"serverSideEncryption": "aws:kms", "kmsKeyId": "alias/x"}))).unwrap();
    assert_eq!(d.encryption(), Some(&S3Encryption::AwsKms { key_id: Some("alias/x".into()) }));
    assert_eq!(refused(with(json!({"serverSideEncryption": "AES256", "kmsKeyId": "k"}))), ["destinations[2].kmsKeyId"]);
}

#[test]
fn the_flat_fields_read_back_unchanged_and_a_stored_document_still_reads() {
    let stored = json!({"bucket": "data-lake", "prefix": "exports/", "key": "{{reportSlug}}/{{fileName}}",
        "region": "eu-central-1", "endpointUrl": null, "accessKeyId": "AKIA", "secretAccessKey": "s",
        "roleArn": null, "storageClass": "STANDARD_IA", "serverSideEncryption": "aws:kms", "kmsKeyId": "alias/x"});
    let d: S3Destination = serde_json::from_value(stored.clone()).expect("a stored destination reads");
    assert_eq!(serde_json::to_value(&d).unwrap(), stored);
    let bad = json!({"bucket": "data-lake", "region": "eu-central-1", "accessKeyId": "AKIA"});
    let err = serde_json::from_value::<S3Destination>(bad).unwrap_err().to_string();
    assert!(err.contains("secretAccessKey"), "{err}");
}

#[test]
fn own_credentials_need_an_allowed_bucket_on_awss_endpoint() {
    let own = |extra: Value| {
        let mut v = json!({"bucket": "data-lake", "region": "eu-central-1"});
        for (k, x) in extra.as_object().unwrap() {
            v[k] = x.clone();
        }
        S3Destination::parse("d", fields(v)).unwrap()
    };
    let allowed = vec!["data-lake".to_string()];
    assert_eq!(own(json!({})).own_credentials_refusal(&allowed), None);
    assert_eq!(own(json!({})).own_credentials_refusal(&[]), Some(OwnCredentialsRefusal::BucketNotAllowed));
    let endpoint = own(json!({"endpointUrl": "https://minio.example"}));
    assert_eq!(endpoint.own_credentials_refusal(&allowed), Some(OwnCredentialsRefusal::EndpointUrl));
    let keyed = S3Destination::parse("d", with(json!({}))).unwrap();
    assert_eq!(keyed.own_credentials_refusal(&[]), None);
}

#[test]
fn role_arns_are_iam_roles_of_a_12_digit_account() {
    for ok in ["arn:aws:iam::123456789012:role/ferry-writer", "arn:aws-cn:iam::123456789012:role/team/x+y=z,a.b@c_d-e"]
    {
        assert!(RoleArn::parse(ok).is_ok(), "{ok}");
    }
    for bad in [
        "",
        "arn:aws:iam::123456789012:user/ferry",
        "arn:aws:iam::12345678901:role/x",
        "arn:aws:s3:::bucket",
        "arn:aws:iam:eu-west-1:123456789012:role/x",
        "arn:aws:iam::123456789012:role/",
        "arn:aws:iam::123456789012:role/a b",
    ] {
        assert!(RoleArn::parse(bad).is_err(), "{bad}");
    }
}

#[test]
fn object_keys_go_under_the_prefix_and_a_rendered_key_s3_would_misread_is_refused() {
    let d = S3Destination::parse("d", with(json!({"prefix": "exports"}))).unwrap();
    assert_eq!(d.key_template(), DEFAULT_S3_KEY);
    assert_eq!(d.object_key("r/x.csv").unwrap(), "exports/r/x.csv");
    assert!(d.object_key("r//x.csv").is_err());
}

#[test]
fn a_document_stored_before_the_key_rules_grew_stricter_still_reads_and_its_key_is_refused_when_sent() {
    // Empty key segments were allowed before issue 25.
    let stored = json!({"bucket": "data-lake", "region": "eu-central-1", "key": "a//{{fileName}}",
        "accessKeyId": "AKIA", "secretAccessKey": "s"});
    let d: S3Destination = serde_json::from_value(stored.clone()).expect("an older schedule still reads");
    assert_eq!(d.key_template(), "a//{{fileName}}");
    assert!(d.object_key("a//x.csv").is_err(), "refused when sent, as before");
    assert_eq!(refused(fields(stored)), ["destinations[2].key"], "and refused when saved again");
}
