//! Likely duplicates, and merging one contact into another: `rapport contact duplicates`,
//! `rapport contact merge`, the web's Duplicates page and merge form, and the API's
//! `/duplicates` and `/contacts/{id}/merge` all call these.

use jiff::Timestamp;
use serde::Serialize;

use crate::contact::Contact;
use crate::duplicate::{MAX_SHARED, Pair, Reason, plan, rank};
use crate::error::{Error, Invalid, Result};
use crate::ids::ContactId;
use crate::ports::{CardStore, ContactStore, FactStore, Merge, MergeStore, Moved, ReferralStore};
use crate::usecases::contacts::{MAX_PAGE, find_contact};
use crate::workspace::Actor;

/// One side of a likely pair, as a list shows it.
#[derive(Clone, Debug, Serialize)]
pub struct PairSide {
    pub id: ContactId,
    pub name: String,
    pub organisation: Option<String>,
    pub relationship: crate::contact::RelationshipType,
    pub vip: bool,
    pub emails: Vec<String>,
    pub phones: Vec<String>,
    pub created_at: Timestamp,
}

impl PairSide {
    fn of(c: &Contact) -> PairSide {
        PairSide {
            id: c.id.clone(),
            name: c.name.clone(),
            organisation: c.organisation.clone(),
            relationship: c.relationship,
            vip: c.vip,
            emails: c.emails.clone(),
            phones: c.phones.clone(),
            created_at: c.created_at,
        }
    }
}

/// Two contacts that look like one person: `keep` is the one known longer.
#[derive(Clone, Debug, Serialize)]
pub struct ListedPair {
    pub keep: PairSide,
    pub other: PairSide,
    /// Every reason, strongest first.
    pub reasons: Vec<Reason>,
    /// The reasons as a person reads them: "same email ana@acme.com; same phone 555 0100".
    pub why: String,
    /// Higher is surer: email 8, phone 6, name at the same organisation 4, bare name 1.
    pub score: u32,
}

/// A page of likely pairs, surest first, and how many there are in all.
#[derive(Clone, Debug, Serialize)]
pub struct DuplicateList {
    pub items: Vec<ListedPair>,
    pub total: usize,
    pub offset: usize,
    /// Where the next page starts; `None` on the last.
    pub next_offset: Option<usize>,
}

/// Likely duplicates among the workspace's live contacts: pairs sharing an email, a phone
/// (by its digits) or a name (at the same organisation, or where at most one says), surest
/// first; `limit` from `offset`.
pub async fn duplicates<S: MergeStore + CardStore>(
    store: &S,
    actor: &Actor,
    offset: usize,
    limit: u32,
) -> Result<DuplicateList> {
    if limit == 0 || limit > MAX_PAGE {
        return Err(
            Invalid::new("limit", format!("limit must be between 1 and {MAX_PAGE}")).into(),
        );
    }
    let ws = &actor.workspace.id;
    let holders = store.shared_handles(ws, MAX_SHARED).await?;
    let namesakes = store.namesakes(ws, MAX_SHARED).await?;
    let ranked = rank(&holders, &namesakes);
    let total = ranked.len();
    let page: Vec<Pair> = ranked
        .into_iter()
        .skip(offset)
        .take(limit as usize)
        .collect();
    let mut ids: Vec<ContactId> = page
        .iter()
        .flat_map(|p| [p.keep.clone(), p.other.clone()])
        .collect();
    ids.sort();
    ids.dedup();
    let contacts = store.contacts_by_id(ws, &ids).await?;
    let side = |id: &ContactId| contacts.iter().find(|c| &c.id == id).map(PairSide::of);
    let items: Vec<ListedPair> = page
        .into_iter()
        .filter_map(|p| {
            Some(ListedPair {
                keep: side(&p.keep)?,
                other: side(&p.other)?,
                why: p
                    .reasons
                    .iter()
                    .map(Reason::describe)
                    .collect::<Vec<_>>()
                    .join("; "),
                reasons: p.reasons,
                score: p.score,
            })
        })
        .collect();
    let end = offset.saturating_add(limit as usize);
    Ok(DuplicateList {
        items,
        total,
        offset,
        next_offset: (end < total).then_some(end),
    })
}

/// What a merge did (or, in a dry run, would do).
#[derive(Clone, Debug, Serialize)]
pub struct Merged {
    /// The contact kept, as it is now.
    pub keep: Contact,
    /// The contact merged into it: archived, `merged_into` the kept one.
    pub other: Contact,
    pub moved: Moved,
    /// What the kept contact took from the other ("1 email", "the type customer").
    pub taken: Vec<String>,
    /// The note recorded on the kept contact of what would otherwise be lost (the other's
    /// name, organisation, introducer), if any.
    pub note: Option<String>,
    /// Nothing was written: this is what the merge would do.
    pub dry_run: bool,
}

impl Merged {
    /// The outcome in a sentence or two, for the CLI and the web alike.
    pub fn summary(&self) -> String {
        let m = &self.moved;
        let mut parts = Vec::new();
        for (n, one, many) in [
            (m.facts, "fact", "facts"),
            (m.interactions, "interaction", "interactions"),
            (m.commitments, "promise", "promises"),
            (m.requests, "request", "requests"),
            (m.deals, "deal", "deals"),
            (m.gestures, "gesture", "gestures"),
            (m.introductions, "introduction", "introductions"),
            (m.suggestions, "suggestion", "suggestions"),
        ] {
            match n {
                0 => {}
                1 => parts.push(format!("1 {one}")),
                n => parts.push(format!("{n} {many}")),
            }
        }
        let what = if parts.is_empty() {
            "nothing else to move".to_owned()
        } else {
            parts.join(", ")
        };
        let verb = if self.dry_run {
            "Would merge"
        } else {
            "Merged"
        };
        // Namesakes are told apart by the start of their ids.
        let (other, keep) =
            if crate::search::fold(&self.other.name) == crate::search::fold(&self.keep.name) {
                let short = |id: &ContactId| id.as_str().chars().take(13).collect::<String>();
                (
                    format!("{} [{}]", self.other.name, short(&self.other.id)),
                    format!("{} [{}]", self.keep.name, short(&self.keep.id)),
                )
            } else {
                (self.other.name.clone(), self.keep.name.clone())
            };
        let mut s = format!("{verb} {other} into {keep}: {what}");
        if !self.taken.is_empty() {
            s.push_str(&format!("; took {}", self.taken.join(", ")));
        }
        if m.same_facts > 0 {
            s.push_str(&format!(
                "; {} repeated fact{} dropped",
                m.same_facts,
                if m.same_facts == 1 { "" } else { "s" }
            ));
        }
        if let Some(n) = &self.note {
            s.push_str(&format!("; noted: {n:?}"));
        }
        s.push('.');
        s
    }
}

/// Merges the contact `other_ref` into `keep_ref` in one transaction: everything of the
/// other (emails, phones, tags, facts, interactions, promises with their history, requests,
/// deals, gestures, introductions both ways, mail links, suggestions) becomes the kept
/// contact's, trust is scored again from the whole ledger, and the other is archived
/// pointing to the kept one (devices see it removed). With `dry_run`, nothing is written.
pub async fn merge<S: ContactStore + FactStore + ReferralStore + MergeStore + CardStore>(
    store: &S,
    actor: &Actor,
    keep_ref: &str,
    other_ref: &str,
    dry_run: bool,
    now: Timestamp,
) -> Result<Merged> {
    // As named: a merged contact is refused as such, never silently replaced.
    let keep = find_contact(store, actor, keep_ref).await?;
    let other = find_contact(store, actor, other_ref).await?;
    if keep.id == other.id {
        return Err(Invalid::new(
            "other",
            format!("{} is the same contact: name two to merge", keep.name),
        )
        .into());
    }
    if let Some(into) = &keep.merged_into {
        return Err(Error::Conflict(format!(
            "{} was merged into another contact [{into}]: merge into that one",
            keep.name
        )));
    }
    if keep.is_archived() {
        return Err(Error::Conflict(format!(
            "{} is archived: restore it first, or keep {} instead",
            keep.name, other.name
        )));
    }
    if let Some(into) = &other.merged_into {
        let kept = store
            .contact(&actor.workspace.id, into)
            .await?
            .map_or_else(|| format!("[{into}]"), |k| format!("{} [{into}]", k.name));
        return Err(Error::Conflict(format!(
            "{} was already merged into {kept}",
            other.name
        )));
    }
    let ws = &actor.workspace.id;
    let keep_facts = store.facts(ws, &keep.id).await?;
    let other_facts = store.facts(ws, &other.id).await?;
    let introducer = |i: crate::referral::Introductions, not: &ContactId| {
        i.introduced_by
            .filter(|(id, _)| id != not)
            .map(|(_, name)| name)
    };
    let keep_by = introducer(store.introductions(ws, &keep.id).await?, &other.id);
    let other_by = introducer(store.introductions(ws, &other.id).await?, &keep.id);
    let mut p = plan(
        &keep,
        &keep_facts,
        keep_by.as_deref(),
        &other,
        &other_facts,
        other_by.as_deref(),
        now,
    );
    let cards = store
        .cards_of(ws, &[keep.id.clone(), other.id.clone()])
        .await?;
    let text_of = |id: &ContactId| {
        cards
            .iter()
            .find(|c| &c.contact_id == id)
            .and_then(|c| c.text.clone())
    };
    let keep_text = text_of(&keep.id);
    let card_text =
        crate::card::merged_card_text(keep_text.as_deref(), text_of(&other.id).as_deref());
    let keep_card_text = card_text.filter(|t| Some(t) != keep_text.as_ref());
    if keep_card_text.is_some() {
        p.taken.push(
            "what its phone's card held that Rapport does not show (photo, address…)".to_owned(),
        );
    }
    let m = Merge {
        keep: p.keep.clone(),
        keep_updated_at: keep.updated_at,
        other: other.id.clone(),
        other_name: other.name.clone(),
        other_updated_at: other.updated_at,
        same_facts: p.same_facts.clone(),
        keep_card_text,
        note: p.note.clone(),
        by: actor.user.id.clone(),
        at: now,
        params: actor.workspace.trust_params(),
    };
    let moved = store.merge_contacts(ws, &m, !dry_run).await?;
    let (keep_now, other_now) = if dry_run {
        let mut o = other.clone();
        o.archived_at = o.archived_at.or(Some(now));
        o.merged_into = Some(keep.id.clone());
        o.emails.clear();
        o.phones.clear();
        (p.keep, o)
    } else {
        let missing = || Error::NotFound("the merged contacts are gone".to_owned());
        (
            store.contact(ws, &keep.id).await?.ok_or_else(missing)?,
            store.contact(ws, &other.id).await?.ok_or_else(missing)?,
        )
    };
    Ok(Merged {
        keep: keep_now,
        other: other_now,
        moved,
        taken: p.taken,
        note: p.note.map(|f| f.text),
        dry_run,
    })
}
