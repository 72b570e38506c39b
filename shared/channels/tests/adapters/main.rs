//! The channels against real peers on 127.0.0.1: an asyncssh SFTP server and
//! an aiosmtpd SMTP server (Python, from the test virtualenv `make test`
//! creates), and an axum HTTP receiver. Each test checks what the peer got.

mod outbox;
mod peers;
mod sftp;
mod smtp;
mod webhook;
