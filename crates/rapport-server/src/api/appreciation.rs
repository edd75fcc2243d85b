//! Gestures and the yearly budget over HTTP.

use super::prelude::*;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct GesturesQuery {
    contact_id: Option<String>,
    limit: Option<u32>,
    cursor: Option<String>,
}

#[derive(Debug, Serialize)]
pub(super) struct GestureRow {
    #[serde(flatten)]
    gesture: Gesture,
    contact_name: String,
}

pub(super) async fn gestures(
    State(state): State<AppState>,
    actor: ApiActor,
    Params(q): Params<GesturesQuery>,
) -> ApiResult<Json<Page<GestureRow>>> {
    let contact = match &q.contact_id {
        Some(id) => Some(contact_by_id(&state, &actor, id).await?.id.to_string()),
        None => None,
    };
    // The core checks the limit (1 to gesture::MAX_GESTURES).
    let limit = q.limit.unwrap_or(100);
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
pub(super) struct AddGesture {
    contact_id: String,
    kind: String,
    text: String,
    /// YYYY-MM-DD (default today); a day ahead plans it.
    on: Option<String>,
    cost: Option<serde_json::Value>,
    note: Option<String>,
}

pub(super) async fn add_gesture(
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
pub(super) struct BudgetQuery {
    year: Option<i16>,
}

pub(super) async fn budget(
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
pub(super) struct SetBudget {
    year: Option<i16>,
    amount: serde_json::Value,
}

pub(super) async fn set_budget(
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
