//! Use cases: what a person does, one function each, taking the store, the actor, the input
//! and `now`. Each checks permission, validates, then calls the ports. The web, the API and
//! the CLI call these and nothing else for the same action.
//!
//! (The older use cases still live beside their types: `service`, `ledger`, `deal`,
//! `gesture`, `account`, `referral`, `today`, `brief`, `feed`. New ones go here.)

pub mod settings;
pub mod tokens;
