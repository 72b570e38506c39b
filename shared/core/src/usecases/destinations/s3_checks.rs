//! The checks of an S3 destination that depend on settings, when its
//! schedule is saved: an `endpointUrl` under the private-network rule, and
//! Ferry's own credentials only for a bucket the admin allows, on AWS's
//! endpoint. The destination itself is parsed (`model::s3_destination`).

use crate::model::destination::S3Destination;
use crate::model::outbound_url::OutboundUrl;
use crate::model::settings::Settings;

pub(super) fn check_s3(field: &str, s: &S3Destination, settings: &Settings, err: &mut dyn FnMut(String, &str)) {
    if let Some(url) = s.endpoint_url() {
        if let Err(why) = OutboundUrl::parse(url, settings.allow_private_networks) {
            err(format!("{field}.endpointUrl"), &why.to_string());
        }
    }
    if let Some(refusal) = s.own_credentials_refusal(&settings.s3_allowed_buckets) {
        err(format!("{field}.{}", refusal.field()), refusal.message());
    }
}
