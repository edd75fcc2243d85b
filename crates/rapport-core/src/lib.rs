//! Rapport's core: the domain types, the pure logic, the services and the storage contract.
//!
//! Nothing here reads the clock, the database or the network: services take a store and a
//! `now`, so every rule is tested with a fixed clock and a real or in-memory store.

pub mod account;
pub mod brief;
pub mod cadence;
pub mod commitment;
pub mod contact;
pub mod dates;
pub mod deal;
pub mod demo;
pub mod error;
pub mod fact;
pub mod feed;
pub mod gesture;
pub mod ids;
pub mod import;
pub mod interaction;
pub mod ledger;
mod named;
pub mod referral;
pub mod search;
pub mod service;
pub mod ports;
pub mod today;
pub mod touch;
pub mod trust;
pub mod usecases;
pub mod workspace;

pub use error::{Error, Invalid, Result, StoreError};
