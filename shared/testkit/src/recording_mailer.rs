//! A mailer that keeps every message it is given, for a test to read back.
//! It builds each message with the MIME builder every real mailer uses, so
//! a message they would refuse is refused here too (the mailer contract).

use std::sync::Mutex;

use async_trait::async_trait;
use ferry_channels::build_mime;
use ferry_core::ports::delivery::DeliveryError;
use ferry_core::ports::mailer::{MailMessage, Mailer};

#[derive(Debug, Default)]
pub struct RecordingMailer {
    sent: Mutex<Vec<(MailMessage, Vec<u8>)>>,
}

impl RecordingMailer {
    /// The messages sent so far, oldest first.
    pub fn sent(&self) -> Vec<MailMessage> {
        self.sent.lock().expect("mailer lock").iter().map(|(m, _)| m.clone()).collect()
    }

    /// The MIME bytes of the messages sent so far, oldest first.
    pub fn sent_mime(&self) -> Vec<Vec<u8>> {
        self.sent.lock().expect("mailer lock").iter().map(|(_, raw)| raw.clone()).collect()
    }
}

#[async_trait]
impl Mailer for RecordingMailer {
    async fn send(&self, message: &MailMessage) -> Result<String, DeliveryError> {
        let raw = build_mime(message)?;
        self.sent.lock().expect("mailer lock").push((message.clone(), raw));
        Ok("recorded".into())
    }
}
