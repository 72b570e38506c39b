//! A mailer that keeps every message it is given, for a test to read back.

use std::sync::Mutex;

use async_trait::async_trait;
use ferry_core::ports::delivery::DeliveryError;
use ferry_core::ports::mailer::{MailMessage, Mailer};

#[derive(Debug, Default)]
pub struct RecordingMailer {
    sent: Mutex<Vec<MailMessage>>,
}

impl RecordingMailer {
    /// The messages sent so far, oldest first.
    pub fn sent(&self) -> Vec<MailMessage> {
        self.sent.lock().expect("mailer lock").clone()
    }
}

#[async_trait]
impl Mailer for RecordingMailer {
    async fn send(&self, message: &MailMessage) -> Result<String, DeliveryError> {
        self.sent.lock().expect("mailer lock").push(message.clone());
        Ok("recorded".into())
    }
}
