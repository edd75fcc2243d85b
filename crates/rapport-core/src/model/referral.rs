//! Referrals: who introduced whom, and the advocates whose introductions became customers.

use serde::Serialize;

use crate::ids::ContactId;

/// An advocate: someone who introduces people, ranked by introductions that became customers.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Advocate {
    pub contact_id: ContactId,
    pub name: String,
    /// People they introduced.
    pub referred: u64,
    /// Of those, the ones who became customers (current or past).
    pub became_customers: u64,
}

/// A contact's introductions both ways.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Introductions {
    /// Who introduced them: (id, name).
    pub introduced_by: Option<(ContactId, String)>,
    /// Whom they introduced, by name: (id, name, now a customer).
    pub introduced: Vec<(ContactId, String, bool)>,
}
