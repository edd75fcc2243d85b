//! Referrals: who introduced whom, and the advocates whose introductions became customers.

use jiff::Timestamp;
use serde::Serialize;

use crate::contact::Contact;
use crate::error::{Error, Invalid, Result};
use crate::ids::ContactId;
use crate::service::resolve_contact;
use crate::ports::{ContactStore, ReferralStore};
use crate::workspace::Actor;

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

/// Records that `from` introduced `to`. Each contact has one introducer at most.
pub async fn record<S: ContactStore + ReferralStore>(
    store: &S,
    actor: &Actor,
    from: &str,
    to: &str,
    now: Timestamp,
) -> Result<(Contact, Contact)> {
    let referrer = resolve_contact(store, actor, from).await?;
    let referred = resolve_contact(store, actor, to).await?;
    if referrer.id == referred.id {
        return Err(Invalid::new("referral", "a contact cannot introduce themselves").into());
    }
    store
        .insert_referral(&actor.workspace.id, &referrer.id, &referred.id, now)
        .await
        .map_err(|e| match Error::from(e) {
            Error::Conflict(_) => {
                Error::Conflict(format!("{} already has an introducer", referred.name))
            }
            other => other,
        })?;
    Ok((referrer, referred))
}

/// Advocates, the most introductions that became customers first.
pub async fn advocates<S: ReferralStore>(store: &S, actor: &Actor) -> Result<Vec<Advocate>> {
    Ok(store.advocates(&actor.workspace.id).await?)
}
