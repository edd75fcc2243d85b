//! Members, handoffs and API tokens over HTTP.

use super::prelude::*;

pub(super) async fn members(
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
pub(super) struct HandoffBody {
    /// The member who takes the work over: a user id or an email.
    to: String,
}

pub(super) async fn handoff(
    State(state): State<AppState>,
    actor: ApiActor,
    Path(id): Path<String>,
    Body(b): Body<HandoffBody>,
) -> ApiResult<Json<rapport_core::account::Handoff>> {
    Ok(Json(
        rapport_core::account::handoff(&state.db, &actor.0, &id, &b.to, now()).await?,
    ))
}

pub(super) async fn list_tokens(
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
pub(super) struct CreateToken {
    name: String,
}

pub(super) async fn create_token(
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

pub(super) async fn revoke_token(
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
