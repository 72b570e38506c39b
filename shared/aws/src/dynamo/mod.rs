//! `DynamoStore`: every state-store port of Ferry (keys, connections,
//! reports, exports with their report slots, settings, schedules, schedule
//! runs, deliveries) on one DynamoDB table, plus the link key. The access
//! patterns, the item layouts and the table definition are written down in
//! docs/aws-dynamodb.md.

mod codec;
mod connections;
mod deliveries;
mod exports;
mod index;
mod keys;
mod query;
mod reports;
mod runs;
mod schedules;
mod secrets;
mod sessions;
mod settings;
mod slots;
mod store;
mod table;

pub use store::DynamoStore;
pub use table::create_table;
