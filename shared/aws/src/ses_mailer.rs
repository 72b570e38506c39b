//! `Mailer` on SES v2: `SendEmail` with `Content.Raw`, carrying the bytes of
//! the MIME writer it is given (the Lambdas give it ferry-channels'
//! `build_mime`, so SES sends the bytes the local outbox files, and this
//! crate needs no mail library). Raw rather than Simple because Simple
//! content has no attachments.
//!
//! Envelope recipients are the message's To and Cc (SES would read them from
//! the headers too; stating them keeps the envelope what the core decided).
//! The sender must be a verified SES identity (address or domain).

use async_trait::async_trait;
use aws_sdk_sesv2::error::SdkError;
use aws_sdk_sesv2::operation::send_email::SendEmailError;
use aws_sdk_sesv2::primitives::Blob;
use aws_sdk_sesv2::types::{Destination, EmailContent, RawMessage};
use ferry_core::ports::delivery::DeliveryError;
use ferry_core::ports::mailer::{MailMessage, Mailer};

/// Writes a message as the bytes of a MIME document; refusals (no
/// recipient, a bad address) are `DeliveryError::Rejected`.
pub type MimeWriter = fn(&MailMessage) -> Result<Vec<u8>, DeliveryError>;

#[derive(Debug, Clone)]
pub struct SesMailer {
    client: aws_sdk_sesv2::Client,
    mime: MimeWriter,
}

impl SesMailer {
    pub fn new(client: aws_sdk_sesv2::Client, mime: MimeWriter) -> Self {
        SesMailer { client, mime }
    }
}

#[async_trait]
impl Mailer for SesMailer {
    async fn send(&self, message: &MailMessage) -> Result<String, DeliveryError> {
        let bytes = (self.mime)(message)?;
        let size = bytes.len();
        let raw = RawMessage::builder()
            .data(Blob::new(bytes))
            .build()
            .map_err(|e| DeliveryError::Rejected(format!("could not build the SES request: {e}")))?;
        let destination = Destination::builder()
            .set_to_addresses(Some(message.to.clone()))
            .set_cc_addresses(Some(message.cc.clone()))
            .build();
        let sent = self
            .client
            .send_email()
            .from_email_address(&message.from)
            .destination(destination)
            .content(EmailContent::builder().raw(raw).build())
            .send()
            .await
            .map_err(delivery_error)?;
        tracing::debug!(ses_message_id = sent.message_id().unwrap_or_default(), bytes = size, "mail sent through SES");
        Ok(format!("SES accepted it as {}", sent.message_id().unwrap_or("a message without id")))
    }
}

/// SES's refusals that another attempt would meet again are `Rejected`;
/// throttling, a paused account's sending, 5xx and network trouble are worth retrying.
fn delivery_error(e: SdkError<SendEmailError>) -> DeliveryError {
    let Some(service) = e.as_service_error() else {
        // Timeouts, connection failures, unreadable answers.
        return DeliveryError::Failed(format!("SES could not be reached: {}", kind_of(&e)));
    };
    let detail = service.meta().message().unwrap_or("no message").to_string();
    match service {
        SendEmailError::MessageRejected(_) => DeliveryError::Rejected(format!("SES rejected the message: {detail}")),
        SendEmailError::MailFromDomainNotVerifiedException(_) => {
            DeliveryError::Rejected(format!("the sender is not verified in SES: {detail}"))
        }
        SendEmailError::AccountSuspendedException(_) => {
            DeliveryError::Rejected(format!("the SES account is suspended: {detail}"))
        }
        SendEmailError::BadRequestException(_) | SendEmailError::NotFoundException(_) => {
            DeliveryError::Rejected(format!("SES refused the request: {detail}"))
        }
        SendEmailError::TooManyRequestsException(_)
        | SendEmailError::LimitExceededException(_)
        | SendEmailError::SendingPausedException(_) => {
            DeliveryError::Failed(format!("SES is not sending right now: {detail}"))
        }
        _ => DeliveryError::Failed(format!("SES failed: {detail}")),
    }
}

fn kind_of<E, R>(e: &SdkError<E, R>) -> &'static str {
    match e {
        SdkError::TimeoutError(_) => "timeout",
        SdkError::DispatchFailure(_) => "connection failed",
        SdkError::ResponseError(_) => "unreadable response",
        SdkError::ConstructionFailure(_) => "request not built",
        _ => "error",
    }
}
