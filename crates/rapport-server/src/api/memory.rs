//! Contacts' edits and personal memory over HTTP: edit, archive, restore, facts,
//! interactions, the timeline and interaction search.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use rapport_core::contact::{CadenceSetting, Contact, ContactChanges, RelationshipType};
use rapport_core::fact::{Fact, FactKind, NewFact};
use rapport_core::interaction::{Interaction, InteractionKind, NewInteraction};
use rapport_core::ports::FactStore;
use rapport_core::service;
use serde::Deserialize;

use super::{Body, Page, Params, contact_by_id, cursor, now};
use crate::AppState;
use crate::auth::ApiActor;
use crate::error::{ApiError, ApiResult};

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/contacts/{id}/edit", post(edit))
        .route("/contacts/{id}/archive", post(archive))
        .route("/contacts/{id}/restore", post(restore))
        .route("/contacts/{id}/facts", get(facts).post(add_fact))
        .route("/contacts/{id}/interactions", get(timeline).post(log))
        .route("/interactions/search", get(search))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Edit {
    name: Option<String>,
    /// `null` clears it; absent leaves it.
    #[serde(default, with = "double_option")]
    organisation: Option<Option<String>>,
    #[serde(rename = "type")]
    relationship: Option<String>,
    vip: Option<bool>,
    emails: Option<Vec<String>>,
    phones: Option<Vec<String>>,
    #[serde(default)]
    add_tags: Vec<String>,
    #[serde(default)]
    remove_tags: Vec<String>,
    /// Days; 0 for never; `null` for the type's default.
    #[serde(default, with = "double_option")]
    cadence_days: Option<Option<u32>>,
    /// Where we met; `null` clears it.
    #[serde(default, with = "double_option")]
    met: Option<Option<String>>,
    /// When we met (YYYY-MM-DD); `null` clears it.
    #[serde(default, with = "double_option")]
    met_on: Option<Option<String>>,
    /// Who introduced us (a contact's id), for a contact without an introducer yet.
    introduced_by: Option<String>,
}

/// Tells an absent field (`None`) from an explicit `null` (`Some(None)`).
pub(super) mod double_option {
    use serde::{Deserialize, Deserializer};

    pub fn deserialize<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Option<T>>, D::Error> {
        Option::<T>::deserialize(d).map(Some)
    }
}

async fn edit(
    State(state): State<AppState>,
    actor: ApiActor,
    Path(id): Path<String>,
    Body(b): Body<Edit>,
) -> ApiResult<Json<Contact>> {
    let c = contact_by_id(&state, &actor, &id).await?;
    let changes = ContactChanges {
        name: b.name,
        organisation: b.organisation,
        relationship: b
            .relationship
            .as_deref()
            .map(str::parse::<RelationshipType>)
            .transpose()?,
        vip: b.vip,
        emails: b.emails,
        phones: b.phones,
        add_tags: b.add_tags,
        remove_tags: b.remove_tags,
        cadence: b.cadence_days.map(|d| match d {
            None => CadenceSetting::Default,
            Some(0) => CadenceSetting::Never,
            Some(n) => CadenceSetting::Every(n),
        }),
        owner_id: None,
        met: b.met,
        met_on: match b.met_on {
            None => None,
            Some(None) => Some(None),
            Some(Some(t)) => Some(super::contacts::met_on(Some(&t))?),
        },
        introduced_by: b.introduced_by,
    };
    Ok(Json(
        service::edit_contact(&state.db, &actor.0, c.id.as_str(), &changes, now()).await?,
    ))
}

async fn archive(
    State(state): State<AppState>,
    actor: ApiActor,
    Path(id): Path<String>,
) -> ApiResult<Json<Contact>> {
    let c = contact_by_id(&state, &actor, &id).await?;
    Ok(Json(
        service::archive_contact(&state.db, &actor.0, c.id.as_str(), now()).await?,
    ))
}

async fn restore(
    State(state): State<AppState>,
    actor: ApiActor,
    Path(id): Path<String>,
) -> ApiResult<Json<Contact>> {
    // Archived contacts are found by id too.
    let c = contact_by_id(&state, &actor, &id).await?;
    Ok(Json(
        service::restore_contact(&state.db, &actor.0, c.id.as_str(), now()).await?,
    ))
}

async fn facts(
    State(state): State<AppState>,
    actor: ApiActor,
    Path(id): Path<String>,
) -> ApiResult<Json<Page<Fact>>> {
    let c = contact_by_id(&state, &actor, &id).await?;
    let items = state.db.facts(&actor.0.workspace.id, &c.id).await?;
    Ok(Json(Page {
        items,
        next_cursor: None,
    }))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AddFact {
    kind: String,
    text: String,
    relation: Option<String>,
    /// YYYY-MM-DD, or --MM-DD when the year is unknown.
    date: Option<String>,
}

async fn add_fact(
    State(state): State<AppState>,
    actor: ApiActor,
    Path(id): Path<String>,
    Body(b): Body<AddFact>,
) -> ApiResult<(StatusCode, Json<Fact>)> {
    let c = contact_by_id(&state, &actor, &id).await?;
    let new = NewFact {
        kind: b.kind.parse::<FactKind>()?,
        text: b.text,
        relation: b.relation,
        date: b.date.as_deref().map(str::parse).transpose()?,
    };
    let (_, f) = service::add_fact(&state.db, &actor.0, c.id.as_str(), new, now()).await?;
    Ok((StatusCode::CREATED, Json(f)))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TimelineQuery {
    limit: Option<u32>,
    cursor: Option<String>,
}

async fn timeline(
    State(state): State<AppState>,
    actor: ApiActor,
    Path(id): Path<String>,
    Params(q): Params<TimelineQuery>,
) -> ApiResult<Json<Page<Interaction>>> {
    let c = contact_by_id(&state, &actor, &id).await?;
    let after = q.cursor.as_deref().map(cursor::interaction).transpose()?;
    let limit = q.limit.unwrap_or(50);
    let (_, items) =
        service::timeline(&state.db, &actor.0, c.id.as_str(), after.as_ref(), limit).await?;
    Ok(Json(cursor::page(items, limit, cursor::of_interaction)))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Log {
    kind: Option<String>,
    summary: String,
    /// When (default now): a date, a date and time, RFC 3339, or a word such as "yesterday".
    at: Option<String>,
    they_said: Option<String>,
    i_said: Option<String>,
    /// Topics it was about ("price"): Insights counts them exactly.
    topics: Option<Vec<String>>,
}

async fn log(
    State(state): State<AppState>,
    actor: ApiActor,
    Path(id): Path<String>,
    Body(b): Body<Log>,
) -> ApiResult<(StatusCode, Json<Interaction>)> {
    let c = contact_by_id(&state, &actor, &id).await?;
    let n = now();
    let tz = actor.0.workspace.tz();
    let new = NewInteraction {
        kind: b
            .kind
            .as_deref()
            .map(str::parse::<InteractionKind>)
            .transpose()?
            .unwrap_or(InteractionKind::Other),
        occurred_at: match b.at.as_deref() {
            Some(t) => rapport_core::dates::parse_moment(t, n, &tz)?,
            None => n,
        },
        summary: b.summary,
        they_said: b.they_said,
        i_said: b.i_said,
        topics: b.topics.unwrap_or_default(),
    };
    let (_, i) = service::log_interaction(&state.db, &actor.0, c.id.as_str(), new, n).await?;
    Ok((StatusCode::CREATED, Json(i)))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SearchQuery {
    q: String,
    limit: Option<u32>,
    cursor: Option<String>,
}

async fn search(
    State(state): State<AppState>,
    actor: ApiActor,
    Params(q): Params<SearchQuery>,
) -> ApiResult<Json<Page<Interaction>>> {
    let limit = q.limit.unwrap_or(50);
    if limit == 0 || limit > 1000 {
        return Err(ApiError::invalid("limit", "between 1 and 1000"));
    }
    let after = q.cursor.as_deref().map(cursor::interaction).transpose()?;
    let items =
        service::search_interactions(&state.db, &actor.0, &q.q, after.as_ref(), limit).await?;
    Ok(Json(cursor::page(items, limit, cursor::of_interaction)))
}
