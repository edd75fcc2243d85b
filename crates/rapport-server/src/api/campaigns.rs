//! Check-in campaigns over HTTP: make, list, read, change, stop, delete, and page through
//! their contacts.

use rapport_core::campaign::{
    self, CampaignChanges, CampaignId, CampaignView, Member, NewCampaign,
};

use super::prelude::*;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/campaigns", get(list).post(create))
        .route("/campaigns/{id}", get(one).patch(edit).delete(remove))
        .route("/campaigns/{id}/stop", post(stop))
        .route("/campaigns/{id}/contacts", get(contacts))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Create {
    name: String,
    /// `type=customer tag=restaurants vip`, or `all`.
    segment: String,
    note: String,
    per_day: Option<u32>,
    /// YYYY-MM-DD: the last day it runs.
    until: Option<String>,
}

/// A last day as the API takes it: YYYY-MM-DD.
fn until(d: &str) -> ApiResult<jiff::civil::Date> {
    d.parse::<jiff::civil::Date>()
        .map_err(|_| ApiError::invalid("until", format!("{d:?} is not a date: use YYYY-MM-DD")))
}

async fn create(
    State(state): State<AppState>,
    actor: ApiActor,
    Body(b): Body<Create>,
) -> ApiResult<(StatusCode, Json<CampaignView>)> {
    let until = b.until.as_deref().map(until).transpose()?;
    let new = NewCampaign {
        name: b.name,
        segment: b.segment,
        note: b.note,
        per_day: b.per_day,
        until,
    };
    let v = campaign::create(&state.db, &actor.0, new, now()).await?;
    Ok((StatusCode::CREATED, Json(v)))
}

async fn list(
    State(state): State<AppState>,
    actor: ApiActor,
) -> ApiResult<Json<Page<CampaignView>>> {
    let items = campaign::list(&state.db, &actor.0, now()).await?;
    Ok(Json(Page {
        items,
        next_cursor: None,
    }))
}

/// The id in the path, as the core looks it up: a malformed one is "not found".
fn campaign_id(id: &str) -> ApiResult<String> {
    CampaignId::parse(id)
        .map(|i| i.to_string())
        .ok_or_else(|| ApiError::not_found("campaign"))
}

async fn one(
    State(state): State<AppState>,
    actor: ApiActor,
    Path(id): Path<String>,
) -> ApiResult<Json<CampaignView>> {
    let id = campaign_id(&id)?;
    Ok(Json(campaign::find(&state.db, &actor.0, &id, now()).await?))
}

async fn stop(
    State(state): State<AppState>,
    actor: ApiActor,
    Path(id): Path<String>,
) -> ApiResult<Json<CampaignView>> {
    let id = campaign_id(&id)?;
    Ok(Json(campaign::stop(&state.db, &actor.0, &id, now()).await?))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Edit {
    name: Option<String>,
    note: Option<String>,
    per_day: Option<u32>,
    /// YYYY-MM-DD: the last day it runs; `null`: until it is stopped; absent: as it is.
    #[serde(default, with = "super::memory::double_option")]
    until: Option<Option<String>>,
}

async fn edit(
    State(state): State<AppState>,
    actor: ApiActor,
    Path(id): Path<String>,
    Body(b): Body<Edit>,
) -> ApiResult<Json<CampaignView>> {
    let id = campaign_id(&id)?;
    let changes = CampaignChanges {
        name: b.name,
        note: b.note,
        per_day: b.per_day,
        until: match b.until {
            None => None,
            Some(None) => Some(None),
            Some(Some(d)) => Some(Some(until(&d)?)),
        },
        keep_pace: false,
    };
    Ok(Json(
        campaign::edit(&state.db, &actor.0, &id, changes, now()).await?,
    ))
}

async fn remove(
    State(state): State<AppState>,
    actor: ApiActor,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    let id = campaign_id(&id)?;
    campaign::delete(&state.db, &actor.0, &id, now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ContactsQuery {
    /// all (default), pending or done.
    show: Option<String>,
    limit: Option<u32>,
    cursor: Option<String>,
}

async fn contacts(
    State(state): State<AppState>,
    actor: ApiActor,
    Path(id): Path<String>,
    Params(q): Params<ContactsQuery>,
) -> ApiResult<Json<Page<Member>>> {
    let id = campaign_id(&id)?;
    let filter = campaign::member_filter(q.show.as_deref().unwrap_or("all"))?;
    let after = q.cursor.as_deref().map(cursor::member).transpose()?;
    let limit = q.limit.unwrap_or(100);
    let (_, items, more) =
        campaign::members(&state.db, &actor.0, &id, filter, after, limit, now()).await?;
    let next_cursor = items
        .last()
        .filter(|_| more)
        .map(|m| cursor::of_member(m.position));
    Ok(Json(Page { items, next_cursor }))
}
