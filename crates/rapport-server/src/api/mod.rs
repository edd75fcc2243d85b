//! The REST API under `/api/v1`: thin handlers that parse, call a core service, and answer
//! JSON. Every id is looked up in the caller's workspace, so another workspace's ids answer
//! 404 exactly as unknown ones do.

use axum::extract::rejection::QueryRejection;
use axum::extract::{FromRequest, FromRequestParts, Path, Request, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::routing::{delete, get, post};
use axum::{Json, Router};

use jiff::Timestamp;
use rapport_core::account::TokenId;
use rapport_core::commitment::{CommitmentId, Direction, Due};
use rapport_core::contact::{CadenceSetting, Contact, RelationshipType};
use rapport_core::dates::micro_precision;
use rapport_core::ids::ContactId;
use rapport_core::ledger::{self, CommitmentQuery, NewCommitment, Outcome};
use rapport_core::service::{self, ContactQuery};
use rapport_core::store::{AccountStore, ContactStore};
use rapport_core::trust::Size;
use rapport_core::usecases::settings::{self, SettingsUpdate, SettingsView};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::auth::ApiActor;
use crate::error::{ApiError, ApiResult};

mod cursor;
mod memory;
mod planner;
mod transfer;
pub(crate) use transfer::{IMPORT_LIMIT, exported};

/// The routes under `/api/v1`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/contacts", get(list_contacts).post(create_contact))
        .route("/contacts/{id}", get(get_contact))
        .route("/contacts/{id}/trust", get(trust))
        .route("/contacts/{id}/brief", get(brief))
        .route(
            "/commitments",
            get(list_commitments).post(create_commitment),
        )
        .route("/commitments/{id}", get(get_commitment))
        .route("/commitments/{id}/history", get(commitment_history))
        .route("/commitments/{id}/outcome", post(outcome))
        .route("/commitments/{id}/at-risk", post(at_risk))
        .route("/commitments/{id}/told", post(told))
        .route("/commitments/{id}/renegotiate", post(renegotiate))
        .route("/today", get(today))
        .route("/tokens", get(list_tokens).post(create_token))
        .route("/tokens/{id}", delete(revoke_token))
        .route("/members", get(members))
        .route("/feed", post(rotate_feed))
        .route("/settings", get(get_settings).patch(update_settings))
        .route("/members/{id}/handoff", post(handoff))
        .merge(memory::routes())
        .merge(planner::routes())
        .merge(transfer::routes())
        .fallback(|| async { ApiError::not_found("route") })
}

pub(crate) fn now() -> Timestamp {
    micro_precision(Timestamp::now())
}

/// A JSON body whose every failure answers in the API's error shape: 400 for JSON that does
/// not parse, 422 for JSON of the wrong shape, 415 without a JSON content type.
#[derive(Debug)]
pub struct Body<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Body<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let json = req
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .map(|m| {
                let m = m.trim().to_ascii_lowercase();
                m == "application/json" || (m.starts_with("application/") && m.ends_with("+json"))
            })
            .unwrap_or(false);
        if !json {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "send JSON with Content-Type: application/json",
            ));
        }
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|e| ApiError::new(e.status(), "bad_request", e.body_text()))?;
        // No text anywhere may hold a NUL (PostgreSQL refuses it; nobody means it).
        if bytes.windows(6).any(|w| w.eq_ignore_ascii_case(b"\\u0000")) {
            return Err(ApiError::invalid(
                "body",
                "text may not contain NUL characters",
            ));
        }
        serde_json::from_slice::<T>(&bytes).map(Body).map_err(|e| {
            use serde_json::error::Category;
            match e.classify() {
                Category::Data => ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "invalid",
                    format!("the body does not fit: {e}"),
                ),
                _ => ApiError::bad_request(format!("the body is not JSON: {e}")),
            }
        })
    }
}

/// Query parameters, failing in the API's error shape.
#[derive(Debug)]
pub struct Params<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Params<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let query = parts.uri.query().unwrap_or("");
        if query.to_ascii_lowercase().contains("%00") {
            return Err(ApiError::bad_request(
                "query parameters may not contain NUL characters",
            ));
        }
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|q| Params(q.0))
            .map_err(|e: QueryRejection| ApiError::bad_request(e.body_text()))
    }
}

/// A page of a list, with the cursor of the next page.
#[derive(Debug, Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

/// A contact by id, in the caller's workspace: a name or a malformed id is "not found".
pub(crate) async fn contact_by_id(
    state: &AppState,
    actor: &ApiActor,
    id: &str,
) -> ApiResult<Contact> {
    let cid = ContactId::parse(id).ok_or_else(|| ApiError::not_found("contact"))?;
    state
        .db
        .contact(&actor.0.workspace.id, &cid)
        .await?
        .ok_or_else(|| ApiError::not_found("contact"))
}

fn commitment_id(id: &str) -> ApiResult<CommitmentId> {
    CommitmentId::parse(id).ok_or_else(|| ApiError::not_found("commitment"))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ContactListQuery {
    search: Option<String>,
    #[serde(rename = "type")]
    relationship: Option<String>,
    tag: Option<String>,
    #[serde(default)]
    archived: bool,
    limit: Option<u32>,
    cursor: Option<String>,
}

async fn list_contacts(
    State(state): State<AppState>,
    actor: ApiActor,
    Params(q): Params<ContactListQuery>,
) -> ApiResult<Json<Page<Contact>>> {
    let after = match &q.cursor {
        Some(c) => {
            let from = contact_by_id(&state, &actor, c)
                .await
                .map_err(|_| ApiError::bad_request("cursor: not a cursor of this list"))?;
            Some((from.name_folded(), from.id))
        }
        None => None,
    };
    let limit = q.limit.unwrap_or(50);
    let query = ContactQuery {
        relationship: q.relationship.as_deref().map(str::parse).transpose()?,
        tag: q.tag,
        search: q.search,
        archived: q.archived,
        after,
        limit: Some(limit),
    };
    let items = service::list_contacts(&state.db, &actor.0, query).await?;
    let next_cursor = (items.len() == limit as usize)
        .then(|| items.last().map(|c| c.id.to_string()))
        .flatten();
    Ok(Json(Page { items, next_cursor }))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CreateContact {
    name: String,
    #[serde(rename = "type")]
    relationship: Option<String>,
    organisation: Option<String>,
    #[serde(default)]
    vip: bool,
    #[serde(default)]
    emails: Vec<String>,
    #[serde(default)]
    phones: Vec<String>,
    #[serde(default)]
    tags: Vec<String>,
    /// Keep-in-touch cadence in days; 0 for never; absent for the type's default.
    cadence_days: Option<u32>,
}

async fn create_contact(
    State(state): State<AppState>,
    actor: ApiActor,
    Body(b): Body<CreateContact>,
) -> ApiResult<(StatusCode, Json<service::AddedContact>)> {
    let new = rapport_core::contact::NewContact {
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
        tags: b.tags,
        cadence: match b.cadence_days {
            None => CadenceSetting::Default,
            Some(0) => CadenceSetting::Never,
            Some(d) => CadenceSetting::Every(d),
        },
    };
    let added = service::add_contact(&state.db, &actor.0, new, now()).await?;
    Ok((StatusCode::CREATED, Json(added)))
}

async fn get_contact(
    State(state): State<AppState>,
    actor: ApiActor,
    Path(id): Path<String>,
) -> ApiResult<Json<service::ContactCard>> {
    let c = contact_by_id(&state, &actor, &id).await?;
    Ok(Json(service::card_of(&state.db, &actor.0, c).await?))
}

async fn trust(
    State(state): State<AppState>,
    actor: ApiActor,
    Path(id): Path<String>,
) -> ApiResult<Json<ledger::TrustView>> {
    let c = contact_by_id(&state, &actor, &id).await?;
    let n = now();
    Ok(Json(
        ledger::trust_of(&state.db, &actor.0, c.id.as_str(), None, n).await?,
    ))
}

async fn brief(
    State(state): State<AppState>,
    actor: ApiActor,
    Path(id): Path<String>,
) -> ApiResult<Json<rapport_core::brief::Brief>> {
    let c = contact_by_id(&state, &actor, &id).await?;
    Ok(Json(
        rapport_core::brief::brief(&state.db, &actor.0, c.id.as_str(), now()).await?,
    ))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CommitmentListQuery {
    contact_id: Option<String>,
    direction: Option<String>,
    #[serde(default)]
    open: bool,
    limit: Option<u32>,
    cursor: Option<String>,
}

async fn list_commitments(
    State(state): State<AppState>,
    actor: ApiActor,
    Params(q): Params<CommitmentListQuery>,
) -> ApiResult<Json<Page<rapport_core::commitment::Commitment>>> {
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
struct CreateCommitment {
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

async fn create_commitment(
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

async fn get_commitment(
    State(state): State<AppState>,
    actor: ApiActor,
    Path(id): Path<String>,
) -> ApiResult<Json<rapport_core::commitment::Commitment>> {
    let id = commitment_id(&id)?;
    Ok(Json(
        ledger::commitment(&state.db, &actor.0, id.as_str()).await?,
    ))
}

async fn commitment_history(
    State(state): State<AppState>,
    actor: ApiActor,
    Path(id): Path<String>,
) -> ApiResult<Json<Page<rapport_core::store::HistoryEntry>>> {
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
struct OutcomeBody {
    /// kept, broken, deceptive, released (at their request) or withdrawn.
    outcome: String,
    /// Relabel a resolved commitment.
    #[serde(default)]
    correct: bool,
}

async fn outcome(
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
struct AtRiskBody {
    reason: Option<String>,
}

async fn at_risk(
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

async fn told(
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
struct RenegotiateBody {
    /// The new due date: a date, date and time, or a word such as "fri" or "+3d".
    due: String,
}

/// Closes an open commitment as renegotiated; answers its successor, due on the new date.
async fn renegotiate(
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

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TodayQuery {
    /// Another day (seen at 09:00 that morning), YYYY-MM-DD.
    date: Option<String>,
}

async fn today(
    State(state): State<AppState>,
    actor: ApiActor,
    Params(q): Params<TodayQuery>,
) -> ApiResult<axum::response::Response> {
    let (ws, user) = (&actor.0.workspace.id, &actor.0.user.id);
    let cache = &state.today_cache;
    if let Some(t) = cache.get(ws, user, q.date.as_deref()) {
        return json_of(&*t);
    }
    let generation = cache.generation(ws);
    let tz = actor.0.workspace.tz();
    let n = now();
    let at = match q.date.as_deref() {
        None => n,
        Some(d) => {
            let day: jiff::civil::Date = d.parse().map_err(|_| {
                ApiError::invalid("date", format!("{d:?} is not a date: use YYYY-MM-DD"))
            })?;
            day.at(9, 0, 0, 0)
                .to_zoned_datetime(tz)
                .map(|z| z.timestamp())
                .map_err(|e| ApiError::invalid("date", e.to_string()))?
        }
    };
    let t = std::sync::Arc::new(rapport_core::today::today_for(&state.db, &actor.0, at).await?);
    cache.put(ws, user, q.date.as_deref(), generation, t.clone());
    json_of(&*t)
}

/// A JSON answer of a borrowed value.
fn json_of<T: Serialize>(v: &T) -> ApiResult<axum::response::Response> {
    use axum::response::IntoResponse;
    let body = serde_json::to_vec(v).map_err(ApiError::internal)?;
    Ok((
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        body,
    )
        .into_response())
}

async fn get_settings(
    State(state): State<AppState>,
    actor: ApiActor,
) -> ApiResult<Json<SettingsView>> {
    Ok(Json(settings::view(&state.db, &actor.0).await?))
}

/// A cadence in a settings change: a number of days, `never` (`none`), or `default`.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum CadenceValue {
    Days(u32),
    Word(String),
}

fn assignments(rules: Option<std::collections::BTreeMap<String, CadenceValue>>) -> Vec<String> {
    rules
        .unwrap_or_default()
        .into_iter()
        .map(|(audience, v)| match v {
            CadenceValue::Days(d) => format!("{audience}={d}"),
            CadenceValue::Word(w) => format!("{audience}={w}"),
        })
        .collect()
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SettingsBody {
    time_zone: Option<String>,
    promise_load_threshold: Option<u32>,
    /// Audience (`vip` or a relationship type) to days, `never` or `default`.
    keep_in_touch: Option<std::collections::BTreeMap<String, CadenceValue>>,
    /// Audience to days between gestures, `none` or `default`.
    appreciation: Option<std::collections::BTreeMap<String, CadenceValue>>,
    /// The caller's own digest hour, `HH:MM`, or `off` (any member may set their own).
    digest_at: Option<String>,
}

async fn update_settings(
    State(state): State<AppState>,
    actor: ApiActor,
    Body(b): Body<SettingsBody>,
) -> ApiResult<Json<SettingsView>> {
    let update = SettingsUpdate {
        time_zone: b.time_zone,
        promise_load_threshold: b.promise_load_threshold,
        keep_in_touch: assignments(b.keep_in_touch),
        appreciation: assignments(b.appreciation),
        digest_at: b.digest_at,
    };
    Ok(Json(settings::update(&state.db, &actor.0, &update).await?))
}

#[derive(Debug, Serialize)]
struct FeedPath {
    /// The secret feed's path on this server (shown once; a new one ends the old).
    path: String,
}

async fn rotate_feed(
    State(state): State<AppState>,
    actor: ApiActor,
) -> ApiResult<(StatusCode, Json<FeedPath>)> {
    let path = rapport_core::feed::rotate(&state.db, &actor.0, now()).await?;
    Ok((StatusCode::CREATED, Json(FeedPath { path })))
}

async fn members(
    State(state): State<AppState>,
    actor: ApiActor,
) -> ApiResult<Json<Page<rapport_core::account::Member>>> {
    let items = state.db.members(&actor.0.workspace.id).await?;
    Ok(Json(Page {
        items,
        next_cursor: None,
    }))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct HandoffBody {
    /// The member who takes the work over: a user id or an email.
    to: String,
}

async fn handoff(
    State(state): State<AppState>,
    actor: ApiActor,
    Path(id): Path<String>,
    Body(b): Body<HandoffBody>,
) -> ApiResult<Json<rapport_core::account::Handoff>> {
    Ok(Json(
        rapport_core::account::handoff(&state.db, &actor.0, &id, &b.to, now()).await?,
    ))
}

async fn list_tokens(
    State(state): State<AppState>,
    actor: ApiActor,
) -> ApiResult<Json<Page<rapport_core::account::TokenInfo>>> {
    let items = state.db.tokens(&actor.0).await?;
    Ok(Json(Page {
        items,
        next_cursor: None,
    }))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CreateToken {
    name: String,
}

async fn create_token(
    State(state): State<AppState>,
    actor: ApiActor,
    Body(b): Body<CreateToken>,
) -> ApiResult<(
    StatusCode,
    Json<rapport_core::usecases::tokens::CreatedToken>,
)> {
    let made = rapport_core::usecases::tokens::create(&state.db, &actor.0, &b.name, now()).await?;
    Ok((StatusCode::CREATED, Json(made)))
}

async fn revoke_token(
    State(state): State<AppState>,
    actor: ApiActor,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    let id = TokenId::parse(&id).ok_or_else(|| ApiError::not_found("token"))?;
    state
        .db
        .revoke_token(&actor.0, &id, now())
        .await
        .map_err(|e| match e {
            rapport_core::StoreError::NotFound => ApiError::not_found("token"),
            other => other.into(),
        })?;
    Ok(StatusCode::NO_CONTENT)
}
