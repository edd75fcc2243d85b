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

/// The accounts of the actor's workspace with their role there (owners only): `rapport
/// user list`. Other workspaces are not shown: an owner sees their own workspace.
pub async fn accounts<S: crate::ports::AccountStore>(
    store: &S,
    actor: &Actor,
) -> crate::error::Result<Vec<Account>> {
    actor.require_owner("list the accounts")?;
    let here = &actor.workspace.name;
    Ok(store
        .accounts()
        .await?
        .into_iter()
        .filter_map(|mut a| {
            a.workspaces.retain(|w| &w.workspace == here);
            (!a.workspaces.is_empty()).then_some(a)
        })
        .collect())
}

/// Changes an account's email and/or name: `rapport user edit`. `who` is an email, a user
/// id, or `me` (the acting account, which the owner made on first use is, email or not).
/// An owner may change their own account and those of their workspace's members.
pub async fn edit_account<S: crate::ports::AccountStore>(
    store: &S,
    actor: &Actor,
    who: &str,
    email: Option<&str>,
    name: Option<&str>,
) -> crate::error::Result<Account> {
    use crate::error::Error;
    actor.require_owner("change an account")?;
    if email.is_none() && name.is_none() {
        return Err(Invalid::new("email", "say what to change: a new email or a new name").into());
    }
    let email = email.map(clean_email).transpose()?;
    let name = match name.map(str::trim) {
        Some("") => return Err(Invalid::new("name", "a name cannot be empty").into()),
        Some(n) if n.chars().count() > 200 => {
            return Err(Invalid::new("name", "a name is at most 200 characters").into());
        }
        Some(n) => {
            crate::commitment::refuse_nul("name", n)?;
            Some(n.to_owned())
        }
        None => None,
    };
    let key = who.trim().to_lowercase();
    let all = store.accounts().await?;
    let target = all
        .iter()
        .find(|a| {
            if key == "me" {
                a.user_id == actor.user.id
            } else {
                a.email.as_deref() == Some(key.as_str()) || a.user_id.as_str() == key
            }
        })
        .ok_or_else(|| Error::NotFound(format!("no account is {who:?}")))?;
    // Their own account, or one that belongs to the actor's workspace and to no other (an
    // account is global: changing the email of someone who also works elsewhere would lock
    // them out of a workspace this owner does not run).
    let here = &actor.workspace.name;
    let mine = target.user_id == actor.user.id
        || (!target.workspaces.is_empty()
            && target.workspaces.iter().all(|w| &w.workspace == here));
    if !mine {
        // Another workspace's account answers as an unknown one.
        return Err(Error::NotFound(format!("no account is {who:?}")));
    }
    store
        .edit_account(&target.user_id, email.as_deref(), name.as_deref())
        .await?;
    let mut changed = target.clone();
    changed.workspaces.retain(|w| &w.workspace == here);
    if let Some(e) = email {
        changed.email = Some(e);
    }
    if let Some(n) = name {
        changed.name = n;
    }
    Ok(changed)
}
