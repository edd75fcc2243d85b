//! Introductions and advocates over HTTP.

use super::prelude::*;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct AddReferral {
    /// Who made the introduction.
    referrer_id: String,
    /// Who was introduced.
    referred_id: String,
}

pub(super) async fn add_referral(
    State(state): State<AppState>,
    actor: ApiActor,
    Body(b): Body<AddReferral>,
) -> ApiResult<StatusCode> {
    let from = contact_by_id(&state, &actor, &b.referrer_id).await?;
    let to = contact_by_id(&state, &actor, &b.referred_id).await?;
    referral::record(&state.db, &actor.0, from.id.as_str(), to.id.as_str(), now()).await?;
    Ok(StatusCode::CREATED)
}

pub(super) async fn advocates(
    State(state): State<AppState>,
    actor: ApiActor,
) -> ApiResult<Json<Page<Advocate>>> {
    let items = referral::advocates(&state.db, &actor.0).await?;
    Ok(Json(Page {
        items,
        next_cursor: None,
    }))
}
