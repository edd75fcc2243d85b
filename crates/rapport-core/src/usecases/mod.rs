//! Use cases: what a person does, one function each, taking the store, the actor, the input
//! and `now`. Each checks permission, validates, then calls the ports. The web, the API and
//! the CLI call these and nothing else for the same action.

pub mod accounts;
pub mod appreciation;
pub mod brief;
pub mod campaigns;
pub mod cards;
pub mod contacts;
pub mod deals;
pub mod duplicates;
pub mod feed;
pub mod foresight;
pub mod insights;
pub mod keep_in_touch;
pub mod ledger;
pub mod mail;
pub mod mailbox;
pub mod referrals;
pub mod settings;
pub mod suggestions;
pub mod today;
pub mod tokens;
