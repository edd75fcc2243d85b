//! Foresight for open commitments: the chance each is kept on time, and why, read from its
//! promiser's latest outcomes at its size with the workspace's as the prior. What
//! `commitments --json`, the API, Today and the contact page show.

use std::collections::HashMap;

use jiff::Timestamp;
use serde::Serialize;

use crate::commitment::{Commitment, CommitmentId, Direction, Status};
use crate::error::Result;
use crate::ids::ContactId;
use crate::model::foresight::{HISTORY, Outcome, Promiser, WARN_BELOW, forecast, reason_parts};
use crate::ports::{AccountStore, ContactStore, LedgerStore, OutcomesOf};
use crate::trust::Size;
use crate::workspace::Actor;

/// An open commitment's forecast.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CommitmentForecast {
    /// The chance it is kept on time, 0–1; `None` when nothing is known yet (no promise of
    /// that size resolved in the workspace).
    pub forecast: Option<f64>,
    /// Why, in words; what to do when the chance is below 70%.
    pub forecast_reason: String,
    /// The reason's first part alone ("45% of your major promises slip: tell them early if
    /// it does"), for a line that has little room.
    #[serde(skip)]
    pub headline: String,
}

impl CommitmentForecast {
    /// Whether it is worth saying on Today and the contact page: below 70%.
    pub fn warns(&self) -> bool {
        self.forecast.is_some_and(|f| f < WARN_BELOW)
    }
}

/// A commitment with its forecast (open ones; resolved ones have none), as lists show them.
#[derive(Clone, Debug, Serialize)]
pub struct ForecastCommitment {
    #[serde(flatten)]
    pub commitment: Commitment,
    /// The chance it is kept on time (open commitments; `null` when nothing is known yet,
    /// and for resolved ones).
    pub forecast: Option<f64>,
    /// Why, in words (open commitments).
    pub forecast_reason: Option<String>,
}

/// The forecasts of the open commitments among `commitments`, by id. `contact_names` names
/// the contacts of promises made to us (read when missing).
pub async fn forecasts<S: LedgerStore + AccountStore + ContactStore>(
    store: &S,
    actor: &Actor,
    commitments: &[&Commitment],
    now: Timestamp,
) -> Result<HashMap<CommitmentId, CommitmentForecast>> {
    let ws = &actor.workspace.id;
    let open: Vec<&Commitment> = commitments
        .iter()
        .copied()
        .filter(|c| c.status == Status::Open)
        .collect();
    let mut out = HashMap::with_capacity(open.len());
    if open.is_empty() {
        return Ok(out);
    }
    let mut keys: Vec<(OutcomesOf, Size)> = Vec::new();
    // An overdue one needs no history: it can no longer be kept on time.
    for c in open.iter().filter(|c| c.deadline >= now) {
        let key = match c.direction {
            Direction::Mine => OutcomesOf::Member(c.owner_id.clone()),
            Direction::Theirs => OutcomesOf::Contact(c.contact_id.clone()),
        };
        for k in [(key, c.size), (OutcomesOf::Workspace(c.direction), c.size)] {
            if !keys.contains(&k) {
                keys.push(k);
            }
        }
    }
    let histories = store.outcomes(ws, &keys, HISTORY).await?;
    // Names: the contacts promising us, and the other members promising them.
    let theirs: Vec<ContactId> = open
        .iter()
        .filter(|c| c.direction == Direction::Theirs)
        .map(|c| c.contact_id.clone())
        .collect();
    let contact_names: HashMap<ContactId, String> = if theirs.is_empty() {
        HashMap::new()
    } else {
        store
            .contact_names(ws, &theirs)
            .await?
            .into_iter()
            .collect()
    };
    let members = if open
        .iter()
        .any(|c| c.direction == Direction::Mine && c.owner_id != actor.user.id)
    {
        store.members(ws).await?
    } else {
        Vec::new()
    };
    for c in open {
        let key = match c.direction {
            Direction::Mine => OutcomesOf::Member(c.owner_id.clone()),
            Direction::Theirs => OutcomesOf::Contact(c.contact_id.clone()),
        };
        let empty: Vec<Outcome> = Vec::new();
        let own = histories.get(&(key, c.size)).unwrap_or(&empty);
        let all = histories
            .get(&(OutcomesOf::Workspace(c.direction), c.size))
            .unwrap_or(&empty);
        let who = match c.direction {
            Direction::Mine if c.owner_id == actor.user.id => Promiser::You,
            Direction::Mine => Promiser::Member(
                members
                    .iter()
                    .find(|m| m.user_id == c.owner_id)
                    .map_or("another member", |m| m.name.as_str()),
            ),
            Direction::Theirs => Promiser::Contact(
                contact_names
                    .get(&c.contact_id)
                    .map_or("they", String::as_str),
            ),
        };
        // Past its deadline it can no longer be kept on time.
        if c.deadline < now {
            let headline = match c.direction {
                Direction::Mine => "already late: tell them where it stands".to_owned(),
                Direction::Theirs => "already late: ask them where it stands".to_owned(),
            };
            let basis = format!("the due date, {}, has passed", c.due);
            out.insert(
                c.id.clone(),
                CommitmentForecast {
                    forecast: Some(0.0),
                    forecast_reason: format!("{headline} ({basis})"),
                    headline,
                },
            );
            continue;
        }
        // Flagged at risk: read what became of the promises that were flagged.
        let flagged = c.at_risk.is_some();
        let only_flagged = |v: &Vec<Outcome>| -> Vec<Outcome> {
            v.iter().filter(|o| o.flagged).copied().collect()
        };
        let (own, all) = if flagged {
            (only_flagged(own), only_flagged(all))
        } else {
            (own.clone(), all.clone())
        };
        let f = forecast(&own, &all, now);
        let (headline, basis) = match &f {
            Some(f) if flagged => {
                let (h, b) = reason_parts(f, &who, c.size);
                (
                    format!("flagged at risk; {h}"),
                    format!("promises flagged at risk: {b}"),
                )
            }
            Some(f) => reason_parts(f, &who, c.size),
            None if flagged => (
                "flagged at risk".to_owned(),
                "no promise flagged at risk has been resolved yet".to_owned(),
            ),
            None => (
                "no forecast yet".to_owned(),
                format!(
                    "no {} promise {} has been resolved yet",
                    c.size.as_str(),
                    match c.direction {
                        Direction::Mine => "of ours",
                        Direction::Theirs => "to us",
                    }
                ),
            ),
        };
        out.insert(
            c.id.clone(),
            CommitmentForecast {
                forecast: f.as_ref().map(|f| f.chance),
                forecast_reason: format!("{headline} ({basis})"),
                headline,
            },
        );
    }
    Ok(out)
}

/// Commitments with their forecasts, in the order given.
pub async fn with_forecasts<S: LedgerStore + AccountStore + ContactStore>(
    store: &S,
    actor: &Actor,
    commitments: Vec<Commitment>,
    now: Timestamp,
) -> Result<Vec<ForecastCommitment>> {
    let refs: Vec<&Commitment> = commitments.iter().collect();
    let mut f = forecasts(store, actor, &refs, now).await?;
    Ok(commitments
        .into_iter()
        .map(|c| {
            let this = f.remove(&c.id);
            ForecastCommitment {
                forecast: this.as_ref().and_then(|x| x.forecast),
                forecast_reason: this.map(|x| x.forecast_reason),
                commitment: c,
            }
        })
        .collect())
}
