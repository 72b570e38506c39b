//! Ferry's behaviour tests: one binary, the real local server over HTTP.

mod access;
mod dashboard;
mod dashboard_forms;
mod dashboard_pages;
mod deliveries;
mod disk_full;
mod export_files;
mod export_lifecycle;
mod export_recovery;
mod hardening;
mod helpers;
mod input_properties;
mod jira_bench;
mod jira_connections;
mod jira_export;
mod jira_sim;
mod pdf_export;
mod nobody_in;
mod notices;
mod schedules;
mod stalled_exports;
mod time_in_status;
mod validation;
