//! Ferry's behaviour tests: one binary, the real local server over HTTP.

mod access;
mod confluence_bench;
mod confluence_connections;
mod confluence_dataset;
mod confluence_entities;
mod confluence_sim;
mod dashboard;
mod dashboard_forms;
mod dashboard_pages;
mod data_pipeline_api;
mod dataset_schema;
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
mod schedules;
mod time_in_status;
mod validation;
