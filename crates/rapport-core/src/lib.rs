//! Rapport's core, in three parts a newcomer can find things in:
//!
//! - [`model`]: the types and pure rules (trust engine, Today, cadences, the demo book...);
//! - [`ports`]: the storage traits, one file per capability, matching rapport-store's files;
//! - [`usecases`]: what a person does, each checking permission and validating, then calling
//!   the ports. The web, the API and the CLI call these.
//!
//! Nothing here reads the clock, the database or the network: use cases take a store and a
//! `now`, so every rule is tested with a fixed clock and a real store.
//!
//! Short paths: the model's modules are also at the crate root (`rapport_core::contact`), and
//! an area whose types and use cases share a name is one module there (`rapport_core::deal`
//! holds `deal::Stage` and `deal::list`).

pub mod error;
pub mod model;
pub mod ports;
pub mod usecases;

pub use error::{DayFull, DueThatDay, Error, Invalid, Result, StoreError};
pub(crate) use model::named;
pub use model::{
    cadence, commitment, contact, dates, demo, fact, gift, ids, import, interaction, ladder,
    promises, search, trust, workspace,
};

/// Check-in campaigns: a check-in with every contact of a segment, a few a day on Today.
pub mod campaign {
    pub use crate::model::campaign::*;
    pub use crate::usecases::campaigns::*;
}

/// Cards for devices (CardDAV).
pub mod card {
    pub use crate::model::card::*;
    pub use crate::usecases::cards::*;
}

/// Likely duplicates and merging them: the pure ranking and plan, and the use cases.
pub mod duplicate {
    pub use crate::model::duplicate::*;
    pub use crate::usecases::duplicates::*;
}

/// Mail: messages read, and the import that logs them as conversations.
pub mod mail {
    pub use crate::model::mail::*;
    pub use crate::usecases::mail::*;
}

/// A member's mailbox read over IMAP: its settings and the connect and forget use cases.
pub mod mailbox {
    pub use crate::model::mailbox::*;
    pub use crate::usecases::mailbox::*;
}
pub use usecases::{brief, feed, ledger};

/// Promises found in mail, on offer: the types and the accept and dismiss use cases.
pub mod suggestion {
    pub use crate::model::suggestion::*;
    pub use crate::usecases::suggestions::*;
}

/// Contacts' use cases under their older name.
pub use usecases::contacts as service;

/// Members: the account types and the invitation and handoff use cases.
pub mod account {
    pub use crate::model::account::*;
    pub use crate::usecases::accounts::*;
}

/// Deals: the types and rules, and their use cases.
pub mod deal {
    pub use crate::model::deal::*;
    pub use crate::usecases::deals::*;
}

/// Appreciation: gestures, audiences, suggestions, and their use cases.
/// What customers tell us: recurring themes of what contacts said and asked for.
pub mod insight {
    pub use crate::model::insight::*;
    pub use crate::usecases::insights::*;
}

/// Foresight: the chance an open commitment is kept on time.
pub mod foresight {
    pub use crate::model::foresight::*;
    pub use crate::usecases::foresight::*;
}

pub mod gesture {
    pub use crate::model::gesture::*;
    pub use crate::usecases::appreciation::*;
}

/// Introductions and advocates.
pub mod referral {
    pub use crate::model::referral::*;
    pub use crate::usecases::referrals::*;
}

/// Today: the pure ranking and the use case that gathers it.
pub mod today {
    pub use crate::model::today::*;
    pub use crate::usecases::today::*;
}

/// Keep-in-touch cadences: the rules and the use case that changes them.
pub mod touch {
    pub use crate::model::touch::*;
    pub use crate::usecases::keep_in_touch::*;
}
