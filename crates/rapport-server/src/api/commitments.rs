//! The commitment ledger over HTTP: list, record, one, history, outcomes, the bad-news
//! protocol (at risk, told), renegotiation.

use super::prelude::*;

pub(super) fn commitment_id(id: &str) -> ApiResult<CommitmentId> {
    CommitmentId::parse(id).ok_or_else(|| ApiError::not_found("commitment"))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct CommitmentListQuery {
    contact_id: Option<String>,
    direction: Option<String>,
    #[serde(default)]
    open: bool,
    limit: Option<u32>,
    cursor: Option<String>,
}

pub(super) async fn list_commitments(
    State(state): State<AppState>,
    actor: ApiActor,
    Params(q): Params<CommitmentListQuery>,
) -> ApiResult<Json<Page<rapport_core::foresight::ForecastCommitment>>> {
    let contact = match &q.contact_id {
        Some(id) => Some(contact_by_id(&state, &actor, id).await?.id.to_string()),
        None => None,
    };
    let direction = q.direction.as_deref().map(parse_direction).transpose()?;
    if let Some(c) = &q.cursor {
        commitment_id(c).map_err(|_| ApiError::bad_request("cursor: not a cursor of this list"))?;
    }
    let limit = q.limit.unwrap_or(100);
    let items = ledger::list_commitments(
        &state.db,
        &actor.0,
        CommitmentQuery {
            contact,
            direction,
            open_only: q.open,
            limit: Some(limit),
            after: q.cursor,
            newest_first: false,
        },
    )
    .await
    .map_err(|e| match e {
        rapport_core::Error::Invalid(i) if i.field == "cursor" => {
            ApiError::bad_request("cursor: not a cursor of this list")
        }
        other => other.into(),
    })?;
    let next_cursor = (items.len() == limit as usize)
        .then(|| items.last().map(|k| k.id.to_string()))
        .flatten();
    let items = rapport_core::foresight::with_forecasts(&state.db, &actor.0, items, now()).await?;
    Ok(Json(Page { items, next_cursor }))
}

pub(crate) fn parse_direction(s: &str) -> ApiResult<Direction> {
    match s {
        "mine" => Ok(Direction::Mine),
        "theirs" => Ok(Direction::Theirs),
        other => Err(ApiError::invalid(
            "direction",
            format!("{other:?}: expected mine or theirs"),
        )),
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct CreateCommitment {
    contact_id: String,
    direction: String,
    text: String,
    /// A date, date and time, or a word such as "fri" or "+3d", read in the workspace's zone.
    due: String,
    size: Option<String>,
    /// Record a promise of mine even on a day already at the promise-load threshold.
    #[serde(default)]
    anyway: bool,
}

pub(super) async fn create_commitment(
    State(state): State<AppState>,
    actor: ApiActor,
    Body(b): Body<CreateCommitment>,
) -> ApiResult<(StatusCode, Json<rapport_core::commitment::Commitment>)> {
    let c = contact_by_id(&state, &actor, &b.contact_id).await?;
    let n = now();
    let new = NewCommitment {
        direction: parse_direction(&b.direction)?,
        text: b.text,
        due: Due::parse(&b.due, n, &actor.0.workspace.tz())?,
        size: b
            .size
            .as_deref()
            .map(str::parse::<Size>)
            .transpose()?
            .unwrap_or(Size::Normal),
        source_interaction: None,
    };
    let (_, saved) =
        ledger::record_commitment(&state.db, &actor.0, c.id.as_str(), new, b.anyway, n).await?;
    Ok((StatusCode::CREATED, Json(saved)))
}

pub(super) async fn get_commitment(
    State(state): State<AppState>,
    actor: ApiActor,
    Path(id): Path<String>,
) -> ApiResult<Json<rapport_core::foresight::ForecastCommitment>> {
    let id = commitment_id(&id)?;
    let c = ledger::commitment(&state.db, &actor.0, id.as_str()).await?;
    let mut one =
        rapport_core::foresight::with_forecasts(&state.db, &actor.0, vec![c], now()).await?;
    one.pop()
        .map(Json)
        .ok_or_else(|| ApiError::not_found("commitment"))
}

pub(super) async fn commitment_history(
    State(state): State<AppState>,
    actor: ApiActor,
    Path(id): Path<String>,
) -> ApiResult<Json<Page<rapport_core::ports::HistoryEntry>>> {
    let id = commitment_id(&id)?;
    let (_, items) = ledger::history(&state.db, &actor.0, id.as_str()).await?;
    // The whole history, oldest first: there is no next page.
    Ok(Json(Page {
        items,
        next_cursor: None,
    }))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct OutcomeBody {
    /// kept, broken, deceptive, released (at their request) or withdrawn.
    outcome: String,
    /// Relabel a resolved commitment.
    #[serde(default)]
    correct: bool,
}

pub(super) async fn outcome(
    State(state): State<AppState>,
    actor: ApiActor,
    Path(id): Path<String>,
    Body(b): Body<OutcomeBody>,
) -> ApiResult<Json<rapport_core::commitment::Commitment>> {
    let id = commitment_id(&id)?;
    let outcome = match b.outcome.as_str() {
        "kept" => Outcome::Kept,
        "broken" => Outcome::Broken,
        "deceptive" => Outcome::Deceptive,
        "released" => Outcome::ReleasedOnRequest,
        "withdrawn" => Outcome::Withdrawn,
        other => {
            return Err(ApiError::invalid(
                "outcome",
                format!("{other:?}: expected kept, broken, deceptive, released or withdrawn"),
            ));
        }
    };
    Ok(Json(
        ledger::resolve(
            &state.db,
            &actor.0,
            id.as_str(),
            outcome,
            None,
            b.correct,
            now(),
        )
        .await?,
    ))
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct AtRiskBody {
    reason: Option<String>,
}

pub(super) async fn at_risk(
    State(state): State<AppState>,
    actor: ApiActor,
    Path(id): Path<String>,
    Body(b): Body<AtRiskBody>,
) -> ApiResult<Json<rapport_core::commitment::Commitment>> {
    let id = commitment_id(&id)?;
    Ok(Json(
        ledger::flag_at_risk(&state.db, &actor.0, id.as_str(), b.reason, now()).await?,
    ))
}

pub(super) async fn told(
    State(state): State<AppState>,
    actor: ApiActor,
    Path(id): Path<String>,
) -> ApiResult<Json<rapport_core::commitment::Commitment>> {
    let id = commitment_id(&id)?;
    Ok(Json(
        ledger::told(&state.db, &actor.0, id.as_str(), None, now()).await?,
    ))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RenegotiateBody {
    /// The new due date: a date, date and time, or a word such as "fri" or "+3d".
    due: String,
}

/// Closes an open commitment as renegotiated; answers its successor, due on the new date.
pub(super) async fn renegotiate(
    State(state): State<AppState>,
    actor: ApiActor,
    Path(id): Path<String>,
    Body(b): Body<RenegotiateBody>,
) -> ApiResult<(StatusCode, Json<rapport_core::commitment::Commitment>)> {
    let id = commitment_id(&id)?;
    let n = now();
    let due = Due::parse(&b.due, n, &actor.0.workspace.tz())?;
    let successor = ledger::renegotiate(&state.db, &actor.0, id.as_str(), due, None, n).await?;
    Ok((StatusCode::CREATED, Json(successor)))
}
