//! Likely duplicates and merging them over HTTP: `GET /duplicates` and
//! `POST /contacts/{id}/merge`.

use super::prelude::*;
use rapport_core::duplicate::{self, DuplicateList, Merged};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct DuplicatesQuery {
    limit: Option<u32>,
    offset: Option<usize>,
}

pub(super) async fn duplicates(
    State(state): State<AppState>,
    actor: ApiActor,
    Params(q): Params<DuplicatesQuery>,
) -> ApiResult<Json<DuplicateList>> {
    Ok(Json(
        duplicate::duplicates(
            &state.db,
            &actor.0,
            q.offset.unwrap_or(0),
            q.limit.unwrap_or(50),
        )
        .await?,
    ))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct MergeBody {
    /// The contact merged into the one in the path (then archived).
    other: String,
    #[serde(default)]
    dry_run: bool,
}

pub(super) async fn merge(
    State(state): State<AppState>,
    actor: ApiActor,
    Path(id): Path<String>,
    Body(b): Body<MergeBody>,
) -> ApiResult<Json<Merged>> {
    let keep = contact_by_id(&state, &actor, &id).await?;
    let other = contact_by_id(&state, &actor, &b.other).await?;
    Ok(Json(
        duplicate::merge(
            &state.db,
            &actor.0,
            keep.id.as_str(),
            other.id.as_str(),
            b.dry_run,
            now(),
        )
        .await?,
    ))
}
