//! Members: invitations and handoffs (owners only).

use jiff::Timestamp;

use crate::error::Invalid;
use crate::ids::UserId;
use crate::workspace::{Actor, Role};

use crate::model::account::*;

/// Invites someone into the actor's workspace (owners only): checks the email and name,
/// then records the member (no password yet) and the link's hash. The caller makes the
/// secret link and shows it once.
pub async fn invite<S: crate::ports::AccountStore>(
    store: &S,
    actor: &Actor,
    email: &str,
    name: &str,
    role: Role,
    token_hash: String,
    now: Timestamp,
) -> crate::error::Result<NewInvite> {
    use crate::error::Error;
    actor.require_owner("invite members")?;
    let email = clean_email(email)?;
    let name = crate::commitment::clean_text("name", name)?;
    let expires_at = now
        .checked_add(jiff::SignedDuration::from_hours(24 * INVITE_DAYS))
        .map_err(|e| Invalid::new("now", e.to_string()))?;
    let invite = NewInvite {
        workspace_id: actor.workspace.id.clone(),
        user_id: UserId::generate(),
        invited_by: actor.user.id.clone(),
        email,
        name,
        role,
        token_hash,
        created_at: now,
        expires_at,
    };
    store.invite(&invite).await.map_err(|e| match e {
        crate::StoreError::Conflict(_) => {
            Error::Conflict(format!("{} already has an account", invite.email))
        }
        other => other.into(),
    })?;
    Ok(invite)
}

/// Hands a leaving member's contacts, open commitments and open deals to another member, in
/// one transaction, and ends the leaver's membership (their sessions and tokens in this
/// workspace stop working). Only an owner may; nobody hands themselves off.
pub async fn handoff<S: crate::ports::AccountStore>(
    store: &S,
    actor: &Actor,
    from: &str,
    to: &str,
    now: Timestamp,
) -> crate::error::Result<Handoff> {
    use crate::error::Error;
    actor.require_owner("hand a member's work over")?;
    let members = store.members(&actor.workspace.id).await?;
    let leaver = find_member(&members, from)
        .ok_or_else(|| Error::NotFound(format!("{from:?} is not a member of this workspace")))?;
    let heir = find_member(&members, to)
        .ok_or_else(|| Error::NotFound(format!("{to:?} is not a member of this workspace")))?;
    if leaver.user_id == heir.user_id {
        return Err(Invalid::new("to", "hand the work to someone else").into());
    }
    if leaver.user_id == actor.user.id {
        return Err(Invalid::new("from", "you cannot hand yourself off: another owner can").into());
    }
    let mut done = store
        .handoff(
            &actor.workspace.id,
            &actor.user.id,
            &leaver.user_id,
            &heir.user_id,
            now,
        )
        .await?;
    done.from = Some(leaver.user_id.clone());
    done.to = Some(heir.user_id.clone());
    Ok(done)
}
