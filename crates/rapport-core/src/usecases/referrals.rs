//! Introductions and the advocates they make.

use jiff::Timestamp;

use crate::contact::Contact;
use crate::error::{Error, Invalid, Result};
use crate::ports::{ContactStore, ReferralStore};
use crate::service::resolve_contact;
use crate::workspace::Actor;

use crate::model::referral::*;

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

/// A contact's introductions both ways.
pub async fn introductions<S: ContactStore + ReferralStore>(
    store: &S,
    actor: &Actor,
    reference: &str,
) -> Result<Introductions> {
    let c = resolve_contact(store, actor, reference).await?;
    Ok(store.introductions(&actor.workspace.id, &c.id).await?)
}
