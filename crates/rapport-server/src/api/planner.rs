//! Requests with their whys, deals with give/get, gestures, the budget, referrals and
//! advocates over HTTP.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use rapport_core::commitment::{Request, RequestId};
use rapport_core::deal::{self, DealId, DealView, NewDeal, Stage, TermKind};
use rapport_core::gesture::{self, BudgetView, Gesture, GestureKind, NewGesture};
use rapport_core::ledger;
use rapport_core::referral::{self, Advocate};
use rapport_core::store::LedgerStore;
use serde::{Deserialize, Serialize};

use super::{Body, Page, Params, contact_by_id, cursor, now};
use crate::AppState;
use crate::auth::ApiActor;
use crate::error::{ApiError, ApiResult};

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/requests", get(requests).post(add_request))
        .route("/requests/{id}", get(one_request))
        .route("/requests/{id}/why", post(why))
        .route("/deals", get(deals).post(add_deal))
        .route("/deals/{id}", get(one_deal))
        .route("/deals/{id}/stage", post(stage))
        .route("/deals/{id}/terms", post(term))
        .route("/gestures", get(gestures).post(add_gesture))
        .route("/budget", get(budget).put(set_budget))
        .route("/referrals", post(add_referral))
        .route("/advocates", get(advocates))
}

fn request_id(id: &str) -> ApiResult<RequestId> {
    RequestId::parse(id).ok_or_else(|| ApiError::not_found("request"))
}

fn deal_id(id: &str) -> ApiResult<DealId> {
    DealId::parse(id).ok_or_else(|| ApiError::not_found("deal"))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RequestsQuery {
    contact_id: Option<String>,
    /// Only those whose why is still unknown.
    #[serde(default)]
    open: bool,
    limit: Option<u32>,
    cursor: Option<String>,
}

async fn requests(
    State(state): State<AppState>,
    actor: ApiActor,
    Params(q): Params<RequestsQuery>,
) -> ApiResult<Json<Page<Request>>> {
    let contact = match &q.contact_id {
        Some(id) => Some(contact_by_id(&state, &actor, id).await?.id),
        None => None,
    };
    let limit = q.limit.unwrap_or(100);
    if limit == 0 || limit > 1000 {
        return Err(ApiError::invalid("limit", "between 1 and 1000"));
    }
    let after = q.cursor.as_deref().map(cursor::request).transpose()?;
    let items = state
        .db
        .requests(
            &actor.0.workspace.id,
            contact.as_ref(),
            q.open,
            after.as_ref(),
            limit,
        )
        .await?;
    Ok(Json(cursor::page(items, limit, cursor::of_request)))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AddRequest {
    contact_id: String,
    text: String,
    why: Option<String>,
}

async fn add_request(
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

async fn one_request(
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
struct Why {
    why: String,
}

async fn why(
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

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DealsQuery {
    #[serde(default)]
    open: bool,
    contact_id: Option<String>,
    stage: Option<String>,
    limit: Option<u32>,
    cursor: Option<String>,
}

async fn deals(
    State(state): State<AppState>,
    actor: ApiActor,
    Params(q): Params<DealsQuery>,
) -> ApiResult<Json<Page<DealView>>> {
    let limit = q.limit.unwrap_or(100);
    if limit == 0 || limit > deal::MAX_DEALS {
        return Err(ApiError::invalid("limit", "between 1 and 1000"));
    }
    let after = q.cursor.as_deref().map(cursor::deal).transpose()?;
    // Another workspace's contact id matches nothing, exactly as an unknown one.
    let contact = match q.contact_id.as_deref() {
        None => None,
        Some(c) => Some(
            rapport_core::ids::ContactId::parse(c)
                .ok_or_else(|| ApiError::invalid("contact_id", "not a contact id"))?,
        ),
    };
    let stage = q
        .stage
        .as_deref()
        .map(str::parse::<deal::Stage>)
        .transpose()?;
    let query = deal::DealQuery {
        filter: rapport_core::store::DealFilter {
            open_only: q.open,
            contact,
            stage,
        },
        after,
        limit,
    };
    let page = deal::list(&state.db, &actor.0, &query, now()).await?;
    let next_cursor = (page.more > 0)
        .then(|| page.items.last().map(cursor::of_deal))
        .flatten();
    Ok(Json(Page {
        items: page.items,
        next_cursor,
    }))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AddDeal {
    contact_id: String,
    title: String,
    /// An amount as typed: 12500 or "12,500.50".
    value: Option<serde_json::Value>,
    stage: Option<String>,
    /// YYYY-MM-DD.
    expected_close: Option<String>,
}

async fn add_deal(
    State(state): State<AppState>,
    actor: ApiActor,
    Body(b): Body<AddDeal>,
) -> ApiResult<(StatusCode, Json<DealView>)> {
    let c = contact_by_id(&state, &actor, &b.contact_id).await?;
    let value = match b.value {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::String(s)) => Some(s),
        Some(serde_json::Value::Number(n)) => Some(n.to_string()),
        Some(_) => {
            return Err(ApiError::invalid(
                "value",
                "an amount, e.g. 12500 or \"12,500.50\"",
            ));
        }
    };
    let new = NewDeal {
        title: b.title,
        value,
        stage: b.stage.as_deref().map(str::parse::<Stage>).transpose()?,
        expected_close: b
            .expected_close
            .as_deref()
            .map(|d| {
                d.parse::<jiff::civil::Date>().map_err(|_| {
                    ApiError::invalid(
                        "expected_close",
                        format!("{d:?} is not a date: use YYYY-MM-DD"),
                    )
                })
            })
            .transpose()?,
    };
    let d = deal::add(&state.db, &actor.0, c.id.as_str(), new, now()).await?;
    Ok((StatusCode::CREATED, Json(d)))
}

async fn one_deal(
    State(state): State<AppState>,
    actor: ApiActor,
    Path(id): Path<String>,
) -> ApiResult<Json<DealView>> {
    let id = deal_id(&id)?;
    Ok(Json(
        deal::view(&state.db, &actor.0, id.as_str(), now()).await?,
    ))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct StageBody {
    stage: String,
}

async fn stage(
    State(state): State<AppState>,
    actor: ApiActor,
    Path(id): Path<String>,
    Body(b): Body<StageBody>,
) -> ApiResult<Json<DealView>> {
    let id = deal_id(&id)?;
    let stage: Stage = b.stage.parse()?;
    Ok(Json(
        deal::set_stage(&state.db, &actor.0, id.as_str(), stage, now()).await?,
    ))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TermBody {
    /// give or get.
    kind: String,
    text: String,
}

async fn term(
    State(state): State<AppState>,
    actor: ApiActor,
    Path(id): Path<String>,
    Body(b): Body<TermBody>,
) -> ApiResult<Json<DealView>> {
    let id = deal_id(&id)?;
    let kind: TermKind = b.kind.parse()?;
    Ok(Json(
        deal::add_term(&state.db, &actor.0, id.as_str(), kind, &b.text, now()).await?,
    ))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct GesturesQuery {
    contact_id: Option<String>,
    limit: Option<u32>,
    cursor: Option<String>,
}

#[derive(Debug, Serialize)]
struct GestureRow {
    #[serde(flatten)]
    gesture: Gesture,
    contact_name: String,
}

async fn gestures(
    State(state): State<AppState>,
    actor: ApiActor,
    Params(q): Params<GesturesQuery>,
) -> ApiResult<Json<Page<GestureRow>>> {
    let contact = match &q.contact_id {
        Some(id) => Some(contact_by_id(&state, &actor, id).await?.id.to_string()),
        None => None,
    };
    let limit = q.limit.unwrap_or(100);
    if limit == 0 || limit > 10_000 {
        return Err(ApiError::invalid("limit", "between 1 and 10000"));
    }
    let after = q.cursor.as_deref().map(cursor::gesture).transpose()?;
    let items = gesture::list(
        &state.db,
        &actor.0,
        contact.as_deref(),
        after.as_ref(),
        limit,
    )
    .await?
    .into_iter()
    .map(|(gesture, contact_name)| GestureRow {
        gesture,
        contact_name,
    })
    .collect();
    Ok(Json(cursor::page(items, limit, |g: &GestureRow| {
        cursor::of_gesture(&g.gesture)
    })))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AddGesture {
    contact_id: String,
    kind: String,
    text: String,
    /// YYYY-MM-DD (default today); a day ahead plans it.
    on: Option<String>,
    cost: Option<serde_json::Value>,
    note: Option<String>,
}

async fn add_gesture(
    State(state): State<AppState>,
    actor: ApiActor,
    Body(b): Body<AddGesture>,
) -> ApiResult<(StatusCode, Json<gesture::Recorded>)> {
    let c = contact_by_id(&state, &actor, &b.contact_id).await?;
    let cost = match b.cost {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::String(s)) => Some(s),
        Some(serde_json::Value::Number(n)) => Some(n.to_string()),
        Some(_) => return Err(ApiError::invalid("cost", "an amount, e.g. 45 or \"45.50\"")),
    };
    let new = NewGesture {
        kind: Some(GestureKind::parse(&b.kind)?),
        text: b.text,
        on: b
            .on
            .as_deref()
            .map(|d| {
                d.parse::<jiff::civil::Date>().map_err(|_| {
                    ApiError::invalid("on", format!("{d:?} is not a date: use YYYY-MM-DD"))
                })
            })
            .transpose()?,
        cost,
        note: b.note,
    };
    let r = gesture::add(&state.db, &actor.0, c.id.as_str(), new, now()).await?;
    Ok((StatusCode::CREATED, Json(r)))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct BudgetQuery {
    year: Option<i16>,
}

async fn budget(
    State(state): State<AppState>,
    actor: ApiActor,
    Params(q): Params<BudgetQuery>,
) -> ApiResult<Json<BudgetView>> {
    Ok(Json(
        gesture::budget(&state.db, &actor.0, q.year, now()).await?,
    ))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SetBudget {
    year: Option<i16>,
    amount: serde_json::Value,
}

async fn set_budget(
    State(state): State<AppState>,
    actor: ApiActor,
    Body(b): Body<SetBudget>,
) -> ApiResult<Json<BudgetView>> {
    let amount = match b.amount {
        serde_json::Value::String(s) => s,
        serde_json::Value::Number(n) => n.to_string(),
        _ => {
            return Err(ApiError::invalid(
                "amount",
                "an amount, e.g. 2500 or \"2,500\"",
            ));
        }
    };
    let year = b
        .year
        .unwrap_or_else(|| rapport_core::today::day_of(now(), &actor.0.workspace.tz()).year());
    Ok(Json(
        gesture::set_budget(&state.db, &actor.0, year, &amount).await?,
    ))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AddReferral {
    /// Who made the introduction.
    referrer_id: String,
    /// Who was introduced.
    referred_id: String,
}

async fn add_referral(
    State(state): State<AppState>,
    actor: ApiActor,
    Body(b): Body<AddReferral>,
) -> ApiResult<StatusCode> {
    let from = contact_by_id(&state, &actor, &b.referrer_id).await?;
    let to = contact_by_id(&state, &actor, &b.referred_id).await?;
    referral::record(&state.db, &actor.0, from.id.as_str(), to.id.as_str(), now()).await?;
    Ok(StatusCode::CREATED)
}

async fn advocates(
    State(state): State<AppState>,
    actor: ApiActor,
) -> ApiResult<Json<Page<Advocate>>> {
    let items = referral::advocates(&state.db, &actor.0).await?;
    Ok(Json(Page {
        items,
        next_cursor: None,
    }))
}
