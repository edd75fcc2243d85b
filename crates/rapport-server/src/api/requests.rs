//! Requests and their whys over HTTP.

use super::prelude::*;

pub(super) fn request_id(id: &str) -> ApiResult<RequestId> {
    RequestId::parse(id).ok_or_else(|| ApiError::not_found("request"))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RequestsQuery {
    contact_id: Option<String>,
    /// Only those whose why is still unknown.
    #[serde(default)]
    open: bool,
    limit: Option<u32>,
    cursor: Option<String>,
}

pub(super) async fn requests(
    State(state): State<AppState>,
    actor: ApiActor,
    Params(q): Params<RequestsQuery>,
) -> ApiResult<Json<Page<Request>>> {
    let contact = match &q.contact_id {
        Some(id) => Some(contact_by_id(&state, &actor, id).await?.id),
        None => None,
    };
    let limit = q.limit.unwrap_or(100);
    let after = q.cursor.as_deref().map(cursor::request).transpose()?;
    let items = ledger::requests(
        &state.db,
        &actor.0,
        contact.as_ref().map(ContactId::as_str),
        q.open,
        after.as_ref().map(|(_, id)| id.as_str()),
        limit,
    )
    .await?;
    Ok(Json(cursor::page(items, limit, cursor::of_request)))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct StatsQuery {
    /// From this day: YYYY-MM-DD (or -30d).
    since: Option<String>,
}

pub(super) async fn request_stats(
    State(state): State<AppState>,
    actor: ApiActor,
    Params(q): Params<StatsQuery>,
) -> ApiResult<Json<ledger::RequestStats>> {
    Ok(Json(
        ledger::request_stats(&state.db, &actor.0, q.since.as_deref(), now()).await?,
    ))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct InsightsQuery {
    /// Only contacts of this type.
    #[serde(rename = "type")]
    relationship: Option<String>,
    /// From this day: YYYY-MM-DD (or -30d); default the last 90 days.
    since: Option<String>,
    limit: Option<u32>,
}

/// What customers tell us: the themes of what contacts said and asked for.
pub(super) async fn insights(
    State(state): State<AppState>,
    actor: ApiActor,
    Params(q): Params<InsightsQuery>,
) -> ApiResult<Json<rapport_core::insight::Insights>> {
    use rapport_core::insight::{self, InsightQuery};
    let n = now();
    let query = InsightQuery {
        relationship: q
            .relationship
            .as_deref()
            .map(str::parse::<rapport_core::contact::RelationshipType>)
            .transpose()?,
        since: q
            .since
            .as_deref()
            .map(|d| insight::parse_since(d, &actor.0, n))
            .transpose()?,
        limit: q.limit,
    };
    Ok(Json(
        insight::insights(&state.db, &actor.0, query, n).await?,
    ))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct AddRequest {
    contact_id: String,
    text: String,
    why: Option<String>,
}

pub(super) async fn add_request(
    State(state): State<AppState>,
    actor: ApiActor,
    Body(b): Body<AddRequest>,
) -> ApiResult<(StatusCode, Json<Request>)> {
    let c = contact_by_id(&state, &actor, &b.contact_id).await?;
    let (_, r) = ledger::add_request(
        &state.db,
        &actor.0,
        c.id.as_str(),
        &b.text,
        b.why.as_deref(),
        None,
        now(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(r)))
}

pub(super) async fn one_request(
    State(state): State<AppState>,
    actor: ApiActor,
    Path(id): Path<String>,
) -> ApiResult<Json<Request>> {
    let id = request_id(&id)?;
    Ok(Json(
        ledger::request(&state.db, &actor.0, id.as_str()).await?,
    ))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Answer {
    commitment_id: String,
}

/// Links a request to the commitment (with the same contact) that answers it.
pub(super) async fn answer(
    State(state): State<AppState>,
    actor: ApiActor,
    Path(id): Path<String>,
    Body(b): Body<Answer>,
) -> ApiResult<Json<Request>> {
    let id = request_id(&id)?;
    Ok(Json(
        ledger::update_request(
            &state.db,
            &actor.0,
            id.as_str(),
            None,
            Some(&b.commitment_id),
            now(),
        )
        .await?,
    ))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Why {
    why: String,
}

pub(super) async fn why(
    State(state): State<AppState>,
    actor: ApiActor,
    Path(id): Path<String>,
    Body(b): Body<Why>,
) -> ApiResult<Json<Request>> {
    let id = request_id(&id)?;
    Ok(Json(
        ledger::update_request(&state.db, &actor.0, id.as_str(), Some(&b.why), None, now()).await?,
    ))
}
