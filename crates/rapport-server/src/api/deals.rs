//! Deals over HTTP: list (filters, paging that says what is left), open, one, stage,
//! give/get.

use super::prelude::*;

pub(super) fn deal_id(id: &str) -> ApiResult<DealId> {
    DealId::parse(id).ok_or_else(|| ApiError::not_found("deal"))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct DealsQuery {
    #[serde(default)]
    open: bool,
    contact_id: Option<String>,
    stage: Option<String>,
    limit: Option<u32>,
    cursor: Option<String>,
}

pub(super) async fn deals(
    State(state): State<AppState>,
    actor: ApiActor,
    Params(q): Params<DealsQuery>,
) -> ApiResult<Json<Page<DealView>>> {
    // The core checks the limit (1 to deal::MAX_DEALS), as for the CLI and the web.
    let limit = q.limit.unwrap_or(100);
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
        filter: rapport_core::ports::DealFilter {
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
pub(super) struct AddDeal {
    contact_id: String,
    title: String,
    /// An amount as typed: 12500 or "12,500.50".
    value: Option<serde_json::Value>,
    stage: Option<String>,
    /// YYYY-MM-DD.
    expected_close: Option<String>,
}

pub(super) async fn add_deal(
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

pub(super) async fn one_deal(
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
pub(super) struct StageBody {
    stage: String,
}

pub(super) async fn stage(
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
pub(super) struct TermBody {
    /// give or get.
    kind: String,
    text: String,
}

pub(super) async fn term(
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
