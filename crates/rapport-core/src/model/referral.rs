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
