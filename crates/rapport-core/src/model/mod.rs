//! The model: Rapport's types and pure rules. No storage, no I/O, no clock (`now` is passed
//! in). Model files never import ports or use cases.

pub mod account;
pub mod cadence;
pub mod campaign;
pub mod card;
pub mod commitment;
pub mod contact;
pub mod dates;
pub mod deal;
pub mod demo;
pub mod duplicate;
pub mod fact;
pub mod foresight;
pub mod gesture;
pub mod gift;
pub mod ids;
pub mod import;
pub mod insight;
pub mod interaction;
pub mod ladder;
pub mod mail;
pub mod mailbox;
pub(crate) mod named;
pub mod promises;
pub mod referral;
pub mod rng;
pub mod search;
pub mod suggestion;
pub mod today;
pub mod touch;
pub mod trust;
pub mod workspace;
