//! The end-to-end suite as one test binary: one module per area. One binary links the AWS
//! SDK once (27 binaries linked it 27 times) and shares one DynamoDB Local and one moto
//! across its tests (see `afterclick_e2e::Stack`). Run one area with a filter:
//! `cargo test -p afterclick-e2e --test e2e -- pipeline::`.

mod admin_cli;
mod api_contract;
mod bad_input;
mod binaries;
mod browser;
mod carrier_analytics;
mod claim_lease;
mod dashboard;
mod delayed_listing;
mod demo;
mod erasure;
mod ga4;
mod invoices;
mod kept_table;
mod long_history;
mod milestones;
mod notifications;
mod outbox;
mod outcome_consistency;
mod outgoing_webhooks;
mod pipeline;
mod predictions;
mod providers;
mod readme;
mod restart;
mod rotation;
mod ses_events;
mod settings_race;
mod shipments_api;
mod store_contract;
mod stores;
mod stream_faults;
mod tenants;
mod tracking_page;
