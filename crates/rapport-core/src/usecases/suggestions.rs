//! Promises found in mail, on offer to the member whose mail it is: the list (`rapport
//! suggestions`, `GET /api/v1/suggestions`, Today's "Confirm these promises"), accepting one
//! (it becomes a commitment, the message's conversation as its source, the promise load
//! applying as to any promise of mine) and dismissing one.

use jiff::Timestamp;

use crate::commitment::{Commitment, Due};
use crate::contact::Contact;
use crate::error::{Error, Invalid, Result};
use crate::ledger::{NewCommitment, WrittenWith, record_commitment_with};
use crate::model::suggestion::*;
use crate::ports::{ContactStore, LedgerStore, MailStore, SuggestionStore};
use crate::trust::Size;
use crate::workspace::Actor;

/// The member's suggestions on offer now, the newest message first; `after` is the id of
/// the last one of the previous page.
pub async fn on_offer<S: SuggestionStore>(
    store: &S,
    actor: &Actor,
    after: Option<&str>,
    limit: u32,
    now: Timestamp,
) -> Result<SuggestionPage> {
    if limit == 0 || limit > crate::service::MAX_PAGE {
        return Err(Invalid::new(
            "limit",
            format!("limit must be between 1 and {}", crate::service::MAX_PAGE),
        )
        .into());
    }
    let after = match after {
        Some(id) => {
            let s = suggestion(store, actor, id)
                .await
                .map_err(|_| Invalid::new("cursor", "not a cursor of this list"))?;
            Some((s.suggestion.message_at, s.suggestion.id))
        }
        None => None,
    };
    Ok(store
        .suggestions(
            &actor.workspace.id,
            &actor.user.id,
            now,
            after.as_ref(),
            limit,
        )
        .await?)
}

/// One of the member's suggestions, whatever its state. Another member's, like another
/// workspace's, is not found: a member confirms only the promises of their own mail.
pub async fn suggestion<S: SuggestionStore>(
    store: &S,
    actor: &Actor,
    id: &str,
) -> Result<SuggestionView> {
    let not_found = || Error::NotFound(format!("no suggestion of yours has the id {id:?}"));
    let sid = SuggestionId::parse(id).ok_or_else(not_found)?;
    store
        .suggestion(&actor.workspace.id, &sid)
        .await?
        .filter(|v| v.suggestion.owner_id == actor.user.id)
        .ok_or_else(not_found)
}

/// Whether a suggestion can still be acted on.
fn on_offer_now(v: &SuggestionView, now: Timestamp) -> Result<()> {
    match v.suggestion.status {
        SuggestionStatus::Accepted => Err(Error::Conflict(
            "that suggestion was already accepted".into(),
        )),
        SuggestionStatus::Dismissed => Err(Error::Conflict(
            "that suggestion was already dismissed".into(),
        )),
        SuggestionStatus::Open if v.suggestion.expires_at <= now => Err(Error::Conflict(format!(
            "that suggestion expired on {}: record the promise itself if it still holds",
            v.suggestion.expires_at.strftime("%Y-%m-%d")
        ))),
        SuggestionStatus::Open => Ok(()),
    }
}

/// What the member changes on accepting.
#[derive(Clone, Debug, Default)]
pub struct Acceptance {
    /// The due date, when the message said none or said it wrong.
    pub due: Option<Due>,
    /// The promise in other words.
    pub text: Option<String>,
    pub size: Option<Size>,
    /// Past the promise load (a promise of mine on a day already full).
    pub anyway: bool,
}

/// Accepts a suggestion: the commitment is recorded and the suggestion marked accepted in
/// one transaction (accepting twice, even at once, records one commitment).
pub async fn accept<S: ContactStore + LedgerStore + MailStore + SuggestionStore>(
    store: &S,
    actor: &Actor,
    id: &str,
    acceptance: Acceptance,
    now: Timestamp,
) -> Result<(Contact, Commitment)> {
    let v = suggestion(store, actor, id).await?;
    on_offer_now(&v, now)?;
    let s = v.suggestion;
    let due = match (acceptance.due, s.due) {
        (Some(d), _) => d,
        (None, Some(date)) => Due { date, time: None },
        (None, None) => {
            return Err(Invalid::new(
                "due",
                "the message says no date for this promise: give the day it is due",
            )
            .into());
        }
    };
    let source = store
        .mail_interaction(&actor.workspace.id, &s.message_key, &s.contact_id)
        .await?;
    let new = NewCommitment {
        direction: s.direction,
        text: acceptance.text.unwrap_or(s.text),
        due,
        size: acceptance.size.unwrap_or(Size::Normal),
        source_interaction: source,
    };
    record_commitment_with(
        store,
        actor,
        s.contact_id.as_str(),
        new,
        acceptance.anyway,
        now,
        WrittenWith {
            deal_won: None,
            accepted: Some(s.id),
        },
    )
    .await
}

/// Dismisses a suggestion: not a promise, or not one to keep track of.
pub async fn dismiss<S: SuggestionStore>(
    store: &S,
    actor: &Actor,
    id: &str,
    now: Timestamp,
) -> Result<SuggestionView> {
    let v = suggestion(store, actor, id).await?;
    on_offer_now(&v, now)?;
    if !store
        .dismiss_suggestion(&actor.workspace.id, &v.suggestion.id, now)
        .await?
    {
        // Accepted or dismissed meanwhile.
        let again = suggestion(store, actor, id).await?;
        on_offer_now(&again, now)?;
    }
    suggestion(store, actor, id).await
}
