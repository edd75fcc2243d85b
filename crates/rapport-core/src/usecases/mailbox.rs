//! A member's own mailbox: connected (its settings checked, the password already sealed by
//! the edge), shown (never its password), forgotten. Reading it is rapport-io's `mailsync`,
//! which hands each batch of messages to [`crate::mail::import`].

use jiff::Timestamp;

use crate::error::{Error, Result};
use crate::model::mailbox::{Mailbox, MailboxSettings};
use crate::ports::MailboxStore;
use crate::workspace::Actor;

/// Stores the acting member's mailbox. The login was tried by the caller first.
pub async fn connect<S: MailboxStore>(
    store: &S,
    actor: &Actor,
    settings: &MailboxSettings,
    sealed_password: String,
    now: Timestamp,
) -> Result<Mailbox> {
    let (host, port, security, username, folders) = settings.checked()?;
    let mailbox = Mailbox {
        host,
        port,
        security,
        username,
        sealed_password,
        folders,
        last_sync_at: None,
        last_error: None,
    };
    store
        .save_mailbox(&actor.workspace.id, &actor.user.id, &mailbox, now)
        .await?;
    Ok(mailbox)
}

/// The acting member's mailbox.
pub async fn mailbox<S: MailboxStore>(store: &S, actor: &Actor) -> Result<Mailbox> {
    store
        .mailbox(&actor.workspace.id, &actor.user.id)
        .await?
        .ok_or_else(|| Error::NotFound("no mailbox is connected for you".into()))
}

/// Forgets the acting member's mailbox (its password with it).
pub async fn forget<S: MailboxStore>(store: &S, actor: &Actor) -> Result<()> {
    if store
        .forget_mailbox(&actor.workspace.id, &actor.user.id)
        .await?
    {
        Ok(())
    } else {
        Err(Error::NotFound("no mailbox is connected for you".into()))
    }
}
