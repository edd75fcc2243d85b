//! Ledger services: record commitments both ways, resolve them, renegotiate, flag at risk,
//! tell; requests with a why; the trust reading with its explanation; the bad-news report.

use jiff::Timestamp;
use serde::Serialize;

use crate::commitment::{
    AtRisk, Commitment, CommitmentId, Direction, Due, Request, RequestId, Status, clean_text,
    events_of,
};
use crate::contact::Contact;
use crate::error::{DayFull, DueThatDay, Error, Invalid, Result};
use crate::ids::{ContactId, InteractionId, UserId};
use crate::ports::{
    CommitmentFilter, ContactStore, HistoryEntry, LedgerChange, LedgerStore, TrustDelta,
};
use crate::service::resolve_contact;
use crate::trust::{self, Band, Params, Size, Status as TrustStatus};
use crate::workspace::Actor;

/// What a user gives to record a commitment.
#[derive(Clone, Debug)]
pub struct NewCommitment {
    pub direction: Direction,
    pub text: String,
    pub due: Due,
    pub size: Size,
    pub source_interaction: Option<InteractionId>,
}

/// How a commitment ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Kept,
    Broken,
    Deceptive,
    /// Let go at the request of the one it was promised to (not scored).
    ReleasedOnRequest,
    /// Withdrawn by the promiser (told early if before the due date, else broken).
    Withdrawn,
}

fn check_not_future(field: &'static str, at: Timestamp, now: Timestamp) -> Result<()> {
    if at > now {
        return Err(Invalid::new(
            field,
            "that time is in the future: record it when it happens",
        )
        .into());
    }
    Ok(())
}

fn not_found(id: &CommitmentId) -> Error {
    Error::NotFound(format!("no commitment has the id {id}"))
}

/// Loads a commitment of the workspace.
pub async fn commitment<S: LedgerStore>(store: &S, actor: &Actor, id: &str) -> Result<Commitment> {
    let id = CommitmentId::parse(id)
        .ok_or_else(|| Error::NotFound(format!("{id:?} is not a commitment id")))?;
    store
        .commitment(&actor.workspace.id, &id)
        .await?
        .ok_or_else(|| not_found(&id))
}

/// A commitment's history, oldest first: who did what, when, and the commitment after it.
pub async fn history<S: LedgerStore>(
    store: &S,
    actor: &Actor,
    id: &str,
) -> Result<(Commitment, Vec<HistoryEntry>)> {
    let c = commitment(store, actor, id).await?;
    let entries = store.history(&actor.workspace.id, &c.id).await?;
    Ok((c, entries))
}

/// One edit of the ledger: the commitment before (none when new) and after, a renegotiation's
/// successor, and what happened, for the history.
struct Edit<'a> {
    before: Option<&'a Commitment>,
    after: Commitment,
    successor: Option<Commitment>,
    action: String,
    /// A deal won along with this new commitment, written in the same transaction.
    deal_won: Option<crate::ports::DealWon>,
    /// The suggestion this new commitment accepts, marked in the same transaction.
    accepted: Option<crate::suggestion::SuggestionId>,
}

/// Writes an edit with its history entries and the trust change it implies: the old event
/// taken back, the new one added.
async fn save<S: LedgerStore>(
    store: &S,
    actor: &Actor,
    edit: Edit<'_>,
    now: Timestamp,
    load_limit: Option<u32>,
) -> Result<Commitment> {
    let Edit {
        before,
        after,
        successor,
        action,
        deal_won,
        accepted,
    } = edit;
    let params = actor.workspace.trust_params();
    let (old, new) = (before.and_then(Commitment::event), after.event());
    let trust = (old != new).then(|| TrustDelta {
        contact_id: after.contact_id.clone(),
        direction: after.direction,
        remove: old,
        add: new,
        now,
        params,
    });
    let mut history = vec![HistoryEntry {
        commitment_id: after.id.clone(),
        at: now,
        user_id: actor.user.id.clone(),
        action,
        snapshot: after.clone(),
    }];
    if let Some(s) = &successor {
        history.push(HistoryEntry {
            commitment_id: s.id.clone(),
            at: now,
            user_id: actor.user.id.clone(),
            action: format!("created (renegotiated from {})", after.id),
            snapshot: s.clone(),
        });
    }
    let change = LedgerChange {
        commitment: after,
        created: before.is_none(),
        successor,
        history,
        trust,
        params,
        deal_won,
        accepted,
    };
    let due_that_day = store
        .apply_change(&actor.workspace.id, &change, load_limit)
        .await?;
    if !due_that_day.is_empty() {
        // Names are filled in by the caller, which can read contacts.
        return Err(Error::DayFull(DayFull {
            date: change.commitment.due.date.to_string(),
            due: due_that_day
                .into_iter()
                .map(|c| DueThatDay {
                    commitment_id: c.id.to_string(),
                    text: c.text,
                    contact_id: c.contact_id.to_string(),
                    contact_name: String::new(),
                })
                .collect(),
        }));
    }
    Ok(change.successor.unwrap_or(change.commitment))
}

/// What a new commitment is written with, in its transaction.
#[derive(Debug, Default)]
pub(crate) struct WrittenWith {
    /// A deal won, and its contact made a customer.
    pub(crate) deal_won: Option<crate::ports::DealWon>,
    /// The suggestion (a promise found in mail) it accepts.
    pub(crate) accepted: Option<crate::suggestion::SuggestionId>,
}

/// Records a commitment with a contact. A promise of mine on a day that already has the
/// workspace's threshold of open promises of mine due is refused unless `anyway`.
pub async fn record_commitment<S: ContactStore + LedgerStore>(
    store: &S,
    actor: &Actor,
    reference: &str,
    new: NewCommitment,
    anyway: bool,
    now: Timestamp,
) -> Result<(Contact, Commitment)> {
    record_commitment_with(
        store,
        actor,
        reference,
        new,
        anyway,
        now,
        WrittenWith::default(),
    )
    .await
}

/// [`record_commitment`], writing a won deal (and its contact made a customer) in the same
/// transaction.
pub(crate) async fn record_commitment_with<S: ContactStore + LedgerStore>(
    store: &S,
    actor: &Actor,
    reference: &str,
    new: NewCommitment,
    anyway: bool,
    now: Timestamp,
    with: WrittenWith,
) -> Result<(Contact, Commitment)> {
    let WrittenWith { deal_won, accepted } = with;
    let contact = resolve_contact(store, actor, reference).await?;
    if contact.is_archived() {
        return Err(Error::Conflict(format!(
            "{} is archived: restore them first",
            contact.name
        )));
    }
    let text = clean_text("text", &new.text)?;
    let deadline = new.due.deadline(&actor.workspace.tz())?;
    let c = Commitment {
        id: CommitmentId::generate(),
        contact_id: contact.id.clone(),
        direction: new.direction,
        text,
        due: new.due,
        deadline,
        size: new.size,
        source_interaction_id: new.source_interaction,
        owner_id: actor.user.id.clone(),
        status: Status::Open,
        resolved_at: None,
        released_on_request: None,
        at_risk: None,
        told_at: None,
        predecessor_id: None,
        successor_id: None,
        created_at: now,
        updated_at: now,
    };
    let limit = (new.direction == Direction::Mine && !anyway)
        .then_some(actor.workspace.promise_load_threshold);
    let saved = save(
        store,
        actor,
        Edit {
            before: None,
            after: c,
            successor: None,
            action: "created".into(),
            deal_won,
            accepted,
        },
        now,
        limit,
    )
    .await
    .map_err(|e| match e {
        // The source interaction must be one with this contact (a composite key).
        Error::NotFound(_) => {
            Error::NotFound(format!("{} has no interaction with that id", contact.name))
        }
        other => other,
    });
    let saved = match saved {
        Err(Error::DayFull(mut full)) => {
            for d in &mut full.due {
                d.contact_name = match ContactId::parse(&d.contact_id) {
                    Some(id) => store
                        .contact(&actor.workspace.id, &id)
                        .await?
                        .map_or_else(|| "a contact".to_owned(), |c| c.name),
                    None => "a contact".to_owned(),
                };
            }
            return Err(Error::DayFull(full));
        }
        other => other?,
    };
    Ok((contact, saved))
}

/// Records how a commitment ended. A resolved commitment can only be relabelled with
/// `correct`, and every label is kept in its history.
pub async fn resolve<S: LedgerStore>(
    store: &S,
    actor: &Actor,
    id: &str,
    outcome: Outcome,
    on: Option<Timestamp>,
    correct: bool,
    now: Timestamp,
) -> Result<Commitment> {
    let before = commitment(store, actor, id).await?;
    // A correction relabels what happened when it happened, unless told another time.
    let on_given = on.is_some();
    let on = match (on, correct) {
        (Some(t), _) => t,
        (None, true) => before.resolved_at.unwrap_or(now),
        (None, false) => now,
    };
    check_not_future("on", on, now)?;
    match (before.status, correct) {
        (Status::Open, true) => {
            return Err(Error::Conflict(
                "it is still open: there is no label to correct".into(),
            ));
        }
        (Status::Renegotiated, _) => {
            return Err(Error::Conflict(format!(
                "it was renegotiated: its successor {} carries on",
                before
                    .successor_id
                    .as_ref()
                    .map(ToString::to_string)
                    .unwrap_or_default()
            )));
        }
        (s, false) if s != Status::Open => {
            return Err(Error::Conflict(format!(
                "it is already {s}: if that label is wrong, correct it (the old label stays in its history)"
            )));
        }
        _ => {}
    }
    let new_status = match outcome {
        Outcome::Kept => Status::Kept,
        Outcome::Broken => Status::Broken,
        Outcome::Deceptive => Status::Deceptive,
        Outcome::ReleasedOnRequest | Outcome::Withdrawn => Status::Released,
    };
    let same_release = before.released_on_request == Some(outcome == Outcome::ReleasedOnRequest);
    let same_time = !on_given || Some(on) == before.resolved_at;
    if correct
        && new_status == before.status
        && same_time
        && (new_status != Status::Released || same_release)
    {
        return Err(Error::Conflict(format!(
            "it is already {new_status}: a correction must change the label or when it happened"
        )));
    }
    let mut after = before.clone();
    after.status = match outcome {
        Outcome::Kept => Status::Kept,
        Outcome::Broken => Status::Broken,
        Outcome::Deceptive => Status::Deceptive,
        Outcome::ReleasedOnRequest | Outcome::Withdrawn => Status::Released,
    };
    after.released_on_request = match outcome {
        Outcome::ReleasedOnRequest => Some(true),
        Outcome::Withdrawn => Some(false),
        _ => None,
    };
    after.resolved_at = Some(on);
    after.updated_at = now;
    let action = if correct {
        format!("corrected: {} → {}", before.status, after.status)
    } else {
        after.status.to_string()
    };
    save(
        store,
        actor,
        Edit {
            before: Some(&before),
            after,
            successor: None,
            action,
            deal_won: None,
            accepted: None,
        },
        now,
        None,
    )
    .await
}

/// Closes an open commitment as renegotiated and opens its successor with the new due date.
/// Told before the old due date, it costs only the price of candour.
pub async fn renegotiate<S: LedgerStore>(
    store: &S,
    actor: &Actor,
    id: &str,
    new_due: Due,
    on: Option<Timestamp>,
    now: Timestamp,
) -> Result<Commitment> {
    let before = commitment(store, actor, id).await?;
    if before.status != Status::Open {
        return Err(Error::Conflict(format!(
            "it is {}: only an open commitment can be renegotiated",
            before.status
        )));
    }
    let on = on.unwrap_or(now);
    check_not_future("on", on, now)?;
    let successor = Commitment {
        id: CommitmentId::generate(),
        deadline: new_due.deadline(&actor.workspace.tz())?,
        due: new_due,
        status: Status::Open,
        resolved_at: None,
        released_on_request: None,
        at_risk: None,
        told_at: None,
        predecessor_id: Some(before.id.clone()),
        successor_id: None,
        created_at: now,
        updated_at: now,
        ..before.clone()
    };
    let mut after = before.clone();
    after.status = Status::Renegotiated;
    after.resolved_at = Some(on);
    after.successor_id = Some(successor.id.clone());
    after.updated_at = now;
    let action = format!("renegotiated to {}", successor.due);
    save(
        store,
        actor,
        Edit {
            before: Some(&before),
            after,
            successor: Some(successor),
            action,
            deal_won: None,
            accepted: None,
        },
        now,
        None,
    )
    .await
}

/// Flags an open commitment at risk: it goes to the top of Today until the other side is
/// told.
pub async fn flag_at_risk<S: LedgerStore>(
    store: &S,
    actor: &Actor,
    id: &str,
    reason: Option<String>,
    now: Timestamp,
) -> Result<Commitment> {
    let before = commitment(store, actor, id).await?;
    if before.status != Status::Open {
        return Err(Error::Conflict(format!(
            "it is {}: only an open commitment can be at risk",
            before.status
        )));
    }
    if before.at_risk.is_some() {
        return Err(Error::Conflict("it is already flagged at risk".into()));
    }
    let reason = reason.map(|r| clean_text("reason", &r)).transpose()?;
    let mut after = before.clone();
    after.at_risk = Some(AtRisk { at: now, reason });
    after.updated_at = now;
    save(
        store,
        actor,
        Edit {
            before: Some(&before),
            after,
            successor: None,
            action: "at_risk".into(),
            deal_won: None,
            accepted: None,
        },
        now,
        None,
    )
    .await
}

/// Records that the other side was told: of the risk (bad news), or that it is done (good
/// news).
pub async fn told<S: LedgerStore>(
    store: &S,
    actor: &Actor,
    id: &str,
    on: Option<Timestamp>,
    now: Timestamp,
) -> Result<Commitment> {
    let before = commitment(store, actor, id).await?;
    let on = on.unwrap_or(now);
    check_not_future("on", on, now)?;
    if before.told_at.is_some() {
        return Err(Error::Conflict("they were already told".into()));
    }
    let (action, since) = match (&before.at_risk, before.status) {
        (Some(risk), _) => ("told: bad news", risk.at),
        (None, Status::Kept) => (
            "told: done",
            before.resolved_at.unwrap_or(before.created_at),
        ),
        _ => {
            return Err(Error::Conflict(
                "nothing to tell yet: flag it at risk, or record it kept".into(),
            ));
        }
    };
    if on < since {
        return Err(Invalid::new("on", "they cannot have been told before there was news").into());
    }
    let mut after = before.clone();
    after.told_at = Some(on);
    after.updated_at = now;
    save(
        store,
        actor,
        Edit {
            before: Some(&before),
            after,
            successor: None,
            action: action.into(),
            deal_won: None,
            accepted: None,
        },
        now,
        None,
    )
    .await
}

/// Which commitments to list, as a user asks.
#[derive(Clone, Debug, Default)]
pub struct CommitmentQuery {
    pub contact: Option<String>,
    pub direction: Option<Direction>,
    pub open_only: bool,
    pub limit: Option<u32>,
    /// The id of the last commitment of the previous page.
    pub after: Option<String>,
    /// Latest due first.
    pub newest_first: bool,
}

/// Commitments by due date.
pub async fn list_commitments<S: ContactStore + LedgerStore>(
    store: &S,
    actor: &Actor,
    q: CommitmentQuery,
) -> Result<Vec<Commitment>> {
    let contact = match &q.contact {
        Some(r) => Some(resolve_contact(store, actor, r).await?.id),
        None => None,
    };
    let limit = q.limit.unwrap_or(200);
    if limit == 0 || limit > 10_000 {
        return Err(Invalid::new("limit", "limit must be between 1 and 10000").into());
    }
    let after = match q.after.as_deref() {
        Some(id) => {
            let from = commitment(store, actor, id)
                .await
                .map_err(|_| Invalid::new("cursor", "not a cursor of this list"))?;
            Some((from.deadline, from.created_at, from.id))
        }
        None => None,
    };
    let filter = CommitmentFilter {
        contact,
        direction: q.direction,
        open_only: q.open_only,
        limit,
        after,
        newest_first: q.newest_first,
        ..CommitmentFilter::default()
    };
    Ok(store.commitments(&actor.workspace.id, &filter).await?)
}

/// Records a request from a contact.
pub async fn add_request<S: ContactStore + LedgerStore>(
    store: &S,
    actor: &Actor,
    reference: &str,
    text: &str,
    why: Option<&str>,
    answered_by: Option<&str>,
    now: Timestamp,
) -> Result<(Contact, Request)> {
    let contact = resolve_contact(store, actor, reference).await?;
    let text = clean_text("request", text)?;
    let why = why.map(|w| clean_text("why", w)).transpose()?;
    let answered_by = match answered_by {
        Some(id) => Some(answering(store, actor, &contact, id).await?),
        None => None,
    };
    let r = Request {
        id: RequestId::generate(),
        contact_id: contact.id.clone(),
        text,
        why,
        answered_by,
        owner_id: actor.user.id.clone(),
        created_at: now,
        updated_at: now,
    };
    store.insert_request(&actor.workspace.id, &r).await?;
    Ok((contact, r))
}

async fn answering<S: LedgerStore>(
    store: &S,
    actor: &Actor,
    contact: &Contact,
    id: &str,
) -> Result<CommitmentId> {
    if CommitmentId::parse(id.trim()).is_none() {
        return Err(Invalid::new("answered_by", format!("{id:?} is not a commitment id")).into());
    }
    let c = commitment(store, actor, id).await?;
    if c.contact_id != contact.id {
        return Err(Invalid::new("answered_by", "that commitment is with another contact").into());
    }
    // A request is answered by what I promise them, still in force (or kept).
    if c.direction != Direction::Mine {
        return Err(Invalid::new(
            "answered_by",
            "a request is answered by a promise of mine, not one of theirs",
        )
        .into());
    }
    if matches!(c.status, Status::Renegotiated | Status::Released) {
        return Err(Invalid::new(
            "answered_by",
            match c.status {
                Status::Renegotiated => {
                    "that promise was renegotiated: answer with the one that carries on"
                }
                _ => "that promise was released or withdrawn",
            },
        )
        .into());
    }
    Ok(c.id)
}

/// Loads a request of the workspace.
pub async fn request<S: LedgerStore>(store: &S, actor: &Actor, id: &str) -> Result<Request> {
    let rid = RequestId::parse(id)
        .ok_or_else(|| Error::NotFound(format!("{id:?} is not a request id")))?;
    store
        .request(&actor.workspace.id, &rid)
        .await?
        .ok_or_else(|| Error::NotFound(format!("no request has the id {rid}")))
}

/// Requests of one contact or of the whole workspace, oldest first; only those whose why is
/// still unknown when asked; `after` is the id of the last request of the previous page.
/// The list `rapport requests`, `GET /api/v1/requests` and the web's Requests page show.
pub async fn requests<S: ContactStore + LedgerStore>(
    store: &S,
    actor: &Actor,
    contact: Option<&str>,
    without_why: bool,
    after: Option<&str>,
    limit: u32,
) -> Result<Vec<Request>> {
    if limit == 0 || limit > crate::service::MAX_PAGE {
        return Err(Invalid::new(
            "limit",
            format!("limit must be between 1 and {}", crate::service::MAX_PAGE),
        )
        .into());
    }
    let contact = match contact {
        Some(r) => Some(resolve_contact(store, actor, r).await?.id),
        None => None,
    };
    let after = match after {
        Some(id) => {
            // Unknown, another workspace's, or another contact's request: no place to start
            // this list's page (bad input, as `list_commitments` says of its cursor).
            let not_a_cursor = || Invalid::new("cursor", "not a cursor of this list");
            let r = request(store, actor, id)
                .await
                .map_err(|_| not_a_cursor())?;
            if contact.as_ref().is_some_and(|c| *c != r.contact_id) {
                return Err(not_a_cursor().into());
            }
            Some((r.created_at, r.id))
        }
        None => None,
    };
    Ok(store
        .requests(
            &actor.workspace.id,
            contact.as_ref(),
            without_why,
            after.as_ref(),
            limit,
        )
        .await?)
}

/// Records why a request matters to them, and/or the commitment that answers it.
pub async fn update_request<S: ContactStore + LedgerStore>(
    store: &S,
    actor: &Actor,
    id: &str,
    why: Option<&str>,
    answered_by: Option<&str>,
    now: Timestamp,
) -> Result<Request> {
    let mut r = request(store, actor, id).await?;
    if let Some(w) = why {
        r.why = Some(clean_text("why", w)?);
    }
    if let Some(a) = answered_by {
        let contact = store
            .contact(&actor.workspace.id, &r.contact_id)
            .await?
            .ok_or_else(|| Error::NotFound("the request's contact is gone".into()))?;
        r.answered_by = Some(answering(store, actor, &contact, a).await?);
    }
    r.updated_at = now;
    store.update_request(&actor.workspace.id, &r).await?;
    Ok(r)
}

/// One event of an explanation.
#[derive(Clone, Debug, Serialize)]
pub struct ExplainedEvent {
    pub commitment_id: CommitmentId,
    pub text: String,
    pub outcome: &'static str,
    pub size: Size,
    pub resolved_at: Timestamp,
    /// Points this event moves the score from 50; all of them sum to score − 50.
    pub contribution: f64,
}

/// The promises kept on time in one month, and what they add together.
#[derive(Clone, Debug, Serialize)]
pub struct KeptInMonth {
    /// `YYYY-MM`, in the workspace's time zone.
    pub month: String,
    pub count: usize,
    pub contribution: f64,
}

/// What comes next, as shown.
#[derive(Clone, Debug, Serialize)]
pub struct NextView {
    pub kept: f64,
    pub broken: f64,
    /// The next band up and how many more kept promises reach it.
    pub next_band: Option<Band>,
    pub kept_to_next_band: Option<u32>,
}

/// One direction's reading, as `rapport trust` shows it.
#[derive(Clone, Debug, Serialize)]
pub struct DirectionView {
    pub status: TrustStatus,
    /// P, for decisions made on the reading (the trust gate); not shown, since an early read
    /// shows a band only.
    #[serde(skip)]
    pub probability: f64,
    /// 0–100, only when known.
    pub score: Option<f64>,
    /// Unless unknown.
    pub band: Option<Band>,
    pub uncertainty: f64,
    pub evidence: f64,
    pub reliability: Option<f64>,
    pub candour: Option<f64>,
    /// The events that moved it most, largest first.
    pub explanation: Vec<ExplainedEvent>,
    /// Promises kept on time, grouped by the month they were kept, newest first.
    pub kept_by_month: Vec<KeptInMonth>,
    pub next: NextView,
    pub model_version: &'static str,
}

/// Both directions of a relationship.
#[derive(Clone, Debug, Serialize)]
pub struct TrustView {
    pub contact: Contact,
    pub at: Timestamp,
    pub mine: DirectionView,
    pub theirs: DirectionView,
    /// Both known and more than 20 points apart.
    pub gap: bool,
}

/// How many events an explanation lists.
const EXPLAINED: usize = 10;

fn direction_view(
    ledger: &[Commitment],
    d: Direction,
    at: Timestamp,
    p: &Params,
    tz: &jiff::tz::TimeZone,
) -> DirectionView {
    let indexed = events_of(ledger, d);
    let events: Vec<trust::Event> = indexed.iter().map(|(_, e)| *e).collect();
    let x = trust::explain(&events, at, p);
    let mut explained: Vec<ExplainedEvent> = indexed
        .iter()
        .zip(&x.contributions)
        .map(|((i, e), c)| ExplainedEvent {
            commitment_id: ledger[*i].id.clone(),
            text: ledger[*i].text.clone(),
            outcome: e.kind.as_str(),
            size: e.size,
            resolved_at: e.at,
            contribution: *c,
        })
        .collect();
    let mut kept_by_month: Vec<KeptInMonth> = Vec::new();
    for e in explained.iter().filter(|e| e.outcome == "kept_on_time") {
        let month = e
            .resolved_at
            .to_zoned_datetime(tz.clone())
            .strftime("%Y-%m")
            .to_string();
        match kept_by_month.iter_mut().find(|m| m.month == month) {
            Some(m) => {
                m.count += 1;
                m.contribution += e.contribution;
            }
            None => kept_by_month.push(KeptInMonth {
                month,
                count: 1,
                contribution: e.contribution,
            }),
        }
    }
    kept_by_month.sort_by(|a, b| b.month.cmp(&a.month));
    explained.sort_by(|a, b| b.contribution.abs().total_cmp(&a.contribution.abs()));
    explained.truncate(EXPLAINED);
    DirectionView {
        status: x.score.status,
        probability: x.score.probability,
        score: x.score.points(),
        band: x.score.band(),
        uncertainty: x.score.uncertainty,
        evidence: x.score.evidence,
        reliability: x.reliability,
        candour: x.candour,
        explanation: explained,
        kept_by_month,
        next: NextView {
            kept: x.next.kept,
            broken: x.next.broken,
            next_band: x.next.kept_to_next_band.map(|(b, _)| b),
            kept_to_next_band: x.next.kept_to_next_band.map(|(_, k)| k),
        },
        model_version: trust::MODEL_VERSION,
    }
}

/// Both trust directions of a contact as of `at` (default now), explained.
pub async fn trust_of<S: ContactStore + LedgerStore>(
    store: &S,
    actor: &Actor,
    reference: &str,
    at: Option<Timestamp>,
    now: Timestamp,
) -> Result<TrustView> {
    let contact = resolve_contact(store, actor, reference).await?;
    let at = at.unwrap_or(now);
    let filter = CommitmentFilter {
        contact: Some(contact.id.clone()),
        limit: 1_000_000,
        ..CommitmentFilter::default()
    };
    let ledger: Vec<Commitment> = store
        .commitments(&actor.workspace.id, &filter)
        .await?
        .into_iter()
        .filter(|c| c.resolved_at.is_some_and(|r| r <= at))
        .collect();
    let p = actor.workspace.trust_params();
    let tz = actor.workspace.tz();
    let mine = direction_view(&ledger, Direction::Mine, at, &p, &tz);
    let theirs = direction_view(&ledger, Direction::Theirs, at, &p, &tz);
    let score = |v: &DirectionView| trust::Score {
        probability: v.probability,
        uncertainty: v.uncertainty,
        evidence: v.evidence,
        status: v.status,
    };
    let gap = trust::reciprocity_gap(&score(&mine), &score(&theirs));
    Ok(TrustView {
        contact,
        at,
        mine,
        theirs,
        gap,
    })
}

/// Where trust stands both ways with one contact now, as lists show it (a band, a gate).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct TrustNow {
    /// None when no promise was ever resolved that way.
    pub mine: Option<trust::Score>,
    pub theirs: Option<trust::Score>,
}

impl TrustNow {
    /// Their promises are more likely broken than kept, on a reading that is not unknown:
    /// the deals' trust gate.
    pub fn gate(&self) -> bool {
        self.theirs
            .is_some_and(|s| s.status != TrustStatus::Unknown && s.probability < 0.5)
    }
}

/// Trust both ways with several contacts now: the carried scores decayed to now, or, for a
/// contact scored under another model version or half-life (not yet rescored), read from
/// the ledger as `trust_of` would. The one reading the contact list and the deals board show.
pub async fn trust_now<S: ContactStore + LedgerStore>(
    store: &S,
    actor: &Actor,
    contacts: &[ContactId],
    now: Timestamp,
) -> Result<std::collections::HashMap<ContactId, TrustNow>> {
    let params = actor.workspace.trust_params();
    let mut out: std::collections::HashMap<ContactId, TrustNow> =
        std::collections::HashMap::with_capacity(contacts.len());
    let mut stale: Vec<ContactId> = Vec::new();
    for s in store.stored_trust_of(&actor.workspace.id, contacts).await? {
        if s.model_version != trust::MODEL_VERSION
            || s.half_life_days != actor.workspace.trust_half_life_days
        {
            stale.push(s.contact_id);
            continue;
        }
        let score = s.evidence.decayed_to(now, &params).score(&params);
        let entry = out.entry(s.contact_id).or_default();
        match s.direction {
            Direction::Mine => entry.mine = Some(score),
            Direction::Theirs => entry.theirs = Some(score),
        }
    }
    stale.sort();
    stale.dedup();
    let score = |v: &DirectionView| {
        (v.evidence > 0.0).then_some(trust::Score {
            probability: v.probability,
            uncertainty: v.uncertainty,
            evidence: v.evidence,
            status: v.status,
        })
    };
    for c in stale {
        let t = trust_of(store, actor, c.as_str(), None, now).await?;
        out.insert(
            c,
            TrustNow {
                mine: score(&t.mine),
                theirs: score(&t.theirs),
            },
        );
    }
    Ok(out)
}

/// Latencies of one kind of news, in hours.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Latency {
    pub count: usize,
    pub median_hours: Option<f64>,
    pub mean_hours: Option<f64>,
    pub max_hours: Option<f64>,
}

impl Latency {
    fn of(mut hours: Vec<f64>) -> Latency {
        if hours.is_empty() {
            return Latency::default();
        }
        hours.sort_by(f64::total_cmp);
        let n = hours.len();
        let median = if n % 2 == 1 {
            hours[n / 2]
        } else {
            (hours[n / 2 - 1] + hours[n / 2]) / 2.0
        };
        Latency {
            count: n,
            median_hours: Some(median),
            mean_hours: Some(hours.iter().sum::<f64>() / n as f64),
            max_hours: hours.last().copied(),
        }
    }
}

/// One user's bad-news and good-news latencies.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NewsLatency {
    pub user_id: UserId,
    /// From flagged at risk to the other side told.
    pub bad_news: Latency,
    /// At risk and not told yet.
    pub bad_news_untold: usize,
    /// From kept (on time) to the other side told it was done.
    pub good_news: Latency,
}

/// Per user, how fast bad news and good news reach the other side (pure).
pub fn news_latency(commitments: &[Commitment]) -> Vec<NewsLatency> {
    let mut users: Vec<UserId> = commitments.iter().map(|c| c.owner_id.clone()).collect();
    users.sort();
    users.dedup();
    let hours = |from: Timestamp, to: Timestamp| to.duration_since(from).as_secs_f64() / 3600.0;
    users
        .into_iter()
        .map(|u| {
            let own = || commitments.iter().filter(|c| c.owner_id == u);
            let bad: Vec<f64> = own()
                .filter_map(|c| Some(hours(c.at_risk.as_ref()?.at, c.told_at?)))
                .collect();
            let untold = own()
                .filter(|c| c.at_risk.is_some() && c.told_at.is_none())
                .count();
            let good: Vec<f64> = own()
                .filter(|c| {
                    c.at_risk.is_none()
                        && c.evidence_kind() == Some(trust::EvidenceKind::KeptOnTime)
                })
                .filter_map(|c| Some(hours(c.resolved_at?, c.told_at?)))
                .collect();
            NewsLatency {
                user_id: u,
                bad_news: Latency::of(bad),
                bad_news_untold: untold,
                good_news: Latency::of(good),
            }
        })
        .collect()
}

/// What `rescore` did.
#[derive(Clone, Debug, Serialize)]
pub struct Rescored {
    /// Trust scores stored (one per contact and direction with scored promises).
    pub scores: u64,
    /// The model they are now computed under.
    pub model_version: &'static str,
    pub half_life_days: u32,
}

/// Recomputes every stored trust score of the workspace from the ledger, under this build's
/// model and the workspace's half-life: after a model change, scores stored under the old
/// version are read from the ledger on each request until this runs.
pub async fn rescore<S: LedgerStore>(store: &S, actor: &Actor, now: Timestamp) -> Result<Rescored> {
    let params = actor.workspace.trust_params();
    let scores = store
        .recompute_trust(&actor.workspace.id, now, &params)
        .await?;
    Ok(Rescored {
        scores,
        model_version: trust::MODEL_VERSION,
        half_life_days: actor.workspace.trust_half_life_days,
    })
}

/// The bad-news/good-news latency report of the workspace.
pub async fn latency_report<S: LedgerStore>(store: &S, actor: &Actor) -> Result<Vec<NewsLatency>> {
    Ok(news_latency(&store.news(&actor.workspace.id).await?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latency_medians_and_means() {
        let l = Latency::of(vec![4.0, 1.0, 2.0, 10.0]);
        assert_eq!(l.count, 4);
        assert_eq!(l.median_hours, Some(3.0));
        assert_eq!(l.mean_hours, Some(4.25));
        assert_eq!(l.max_hours, Some(10.0));
        assert_eq!(Latency::of(vec![]), Latency::default());
    }
}

/// How often requests are answered without knowing why they matter (PRODUCT.md: answer the
/// why, not the what): what `rapport requests --stats`, `GET /api/v1/requests/stats`, the
/// Insights page and Today's reminder show.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RequestStats {
    /// From this day (in the workspace's time zone); `None`: since the beginning.
    pub since: Option<jiff::civil::Date>,
    /// Requests answered with a promise (by when the answer was linked).
    pub answered: u64,
    /// Of those, the ones whose why was not known.
    pub answered_without_why: u64,
    /// `answered_without_why / answered`, 0 when nothing was answered.
    pub share_without_why: f64,
    /// Requests still open whose why is unknown (now, whatever `since`).
    pub open_without_why: u64,
    /// Per member who answered, by name.
    pub by_member: Vec<MemberAnswerStats>,
}

/// One member's answers.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MemberAnswerStats {
    pub email: Option<String>,
    pub name: String,
    pub answered: u64,
    pub answered_without_why: u64,
}

/// Requests answered since `since` (a date as typed: `2026-11-01`, `-30d`), and how many
/// without their why.
pub async fn request_stats<S: LedgerStore>(
    store: &S,
    actor: &Actor,
    since: Option<&str>,
    now: Timestamp,
) -> Result<RequestStats> {
    let tz = actor.workspace.tz();
    let since = match since.map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(text) => {
            let today = crate::today::day_of(now, &tz);
            Some(
                crate::dates::parse_date(text, today)
                    .map_err(|e| Invalid::new("since", e.message))?,
            )
        }
    };
    let from = match since {
        None => None,
        Some(d) => Some(
            d.to_zoned_datetime(tz.clone())
                .map_err(|e| Invalid::new("since", e.to_string()))?
                .timestamp(),
        ),
    };
    stats_from(store, actor, since, from).await
}

async fn stats_from<S: LedgerStore>(
    store: &S,
    actor: &Actor,
    since: Option<jiff::civil::Date>,
    from: Option<Timestamp>,
) -> Result<RequestStats> {
    let ws = &actor.workspace.id;
    let members = store.answered_requests(ws, from).await?;
    let open_without_why = store.open_requests_without_why(ws).await?;
    let answered: u64 = members.iter().map(|m| m.answered).sum();
    let answered_without_why: u64 = members.iter().map(|m| m.answered_without_why).sum();
    Ok(RequestStats {
        since,
        answered,
        answered_without_why,
        share_without_why: if answered == 0 {
            0.0
        } else {
            answered_without_why as f64 / answered as f64
        },
        open_without_why,
        by_member: members
            .into_iter()
            .map(|m| MemberAnswerStats {
                email: m.email,
                name: m.name,
                answered: m.answered,
                answered_without_why: m.answered_without_why,
            })
            .collect(),
    })
}

/// Today reminds the workspace when more than a third of the requests answered in the last
/// 30 days were answered without knowing why.
pub async fn why_reminder<S: LedgerStore>(
    store: &S,
    actor: &Actor,
    now: Timestamp,
) -> Result<Option<String>> {
    let from = now - jiff::SignedDuration::from_hours(24 * 30);
    let s = stats_from(store, actor, None, Some(from)).await?;
    Ok((s.answered > 0 && s.answered_without_why * 3 > s.answered).then(|| {
        format!(
            "{} of the {} requests answered in the last 30 days were answered without knowing why: ask why before promising",
            s.answered_without_why, s.answered
        )
    }))
}

/// The reciprocity ladder with a contact, both ways: what `rapport ladder`,
/// `GET /api/v1/contacts/{id}/ladder` and the contact's page show.
#[derive(Clone, Debug, Serialize)]
pub struct LadderView {
    pub contact_id: ContactId,
    pub contact_name: String,
    #[serde(flatten)]
    pub ladder: crate::ladder::Ladder,
}

/// The ladder with a contact from their whole ledger.
pub async fn ladder<S: ContactStore + LedgerStore>(
    store: &S,
    actor: &Actor,
    reference: &str,
) -> Result<LadderView> {
    let contact = resolve_contact(store, actor, reference).await?;
    let filter = CommitmentFilter {
        contact: Some(contact.id.clone()),
        limit: 1_000_000,
        ..CommitmentFilter::default()
    };
    let ledger = store.commitments(&actor.workspace.id, &filter).await?;
    Ok(LadderView {
        ladder: crate::ladder::ladder(&ledger, &actor.workspace.tz()),
        contact_id: contact.id,
        contact_name: contact.name,
    })
}
