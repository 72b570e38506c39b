//! Write-only secrets of destinations on a PUT: a secret left out, or sent
//! back as `***`, keeps the stored value of the destination with the same
//! id when it has the same type; an empty string removes it. A header
//! value sent as `***` keeps the stored value of the header of that name.

use crate::error::FieldError;
use crate::model::destination::{Destination, DestinationDraft, MASK};

pub(super) fn keep_stored_secrets(
    field: &str,
    sent: DestinationDraft,
    stored: Option<&Destination>,
) -> Result<DestinationDraft, Vec<FieldError>> {
    let mut errors = Vec::new();
    let d = match (sent, stored) {
        (DestinationDraft::Ready(Destination::Sftp(mut s)), stored) => {
            let old = match stored {
                Some(Destination::Sftp(o)) => Some(o),
                _ => None,
            };
            s.password =
                keep(format!("{field}.password"), s.password, old.and_then(|o| o.password.as_ref()), &mut errors);
            s.private_key = keep(
                format!("{field}.privateKey"),
                s.private_key,
                old.and_then(|o| o.private_key.as_ref()),
                &mut errors,
            );
            DestinationDraft::Ready(Destination::Sftp(s))
        }
        (DestinationDraft::Ready(Destination::Webhook(mut w)), stored) => {
            let old = match stored {
                Some(Destination::Webhook(o)) => Some(o),
                _ => None,
            };
            w.secret = keep(format!("{field}.secret"), w.secret, old.and_then(|o| o.secret.as_ref()), &mut errors);
            for (name, value) in w.headers.iter_mut() {
                if value == MASK {
                    let kept = old.and_then(|o| o.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)));
                    match kept {
                        Some((_, v)) => *value = v.clone(),
                        None => errors
                            .push(FieldError::new(format!("{field}.headers.{name}"), "has no stored value to keep")),
                    }
                }
            }
            DestinationDraft::Ready(Destination::Webhook(w))
        }
        (DestinationDraft::S3(mut s), stored) => {
            let old = match stored {
                Some(Destination::S3(o)) => o.secret_access_key(),
                _ => None,
            };
            s.secret_access_key = keep(format!("{field}.secretAccessKey"), s.secret_access_key, old, &mut errors);
            DestinationDraft::S3(s)
        }
        (other, _) => other,
    };
    if errors.is_empty() {
        Ok(d)
    } else {
        Err(errors)
    }
}

fn keep(field: String, sent: Option<String>, stored: Option<&String>, errors: &mut Vec<FieldError>) -> Option<String> {
    match sent.as_deref() {
        None => stored.cloned(),
        Some(MASK) => {
            if stored.is_none() {
                errors.push(FieldError::new(field, "has no stored value to keep"));
            }
            stored.cloned()
        }
        Some("") => None,
        Some(_) => sent,
    }
}
