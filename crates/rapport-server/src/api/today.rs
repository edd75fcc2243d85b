//! Today over HTTP (cached a few seconds per member; any write to the workspace retires it).

use super::prelude::*;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct TodayQuery {
    /// Another day (seen at 09:00 that morning), YYYY-MM-DD.
    date: Option<String>,
}

pub(super) async fn today(
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
pub(super) fn json_of<T: Serialize>(v: &T) -> ApiResult<axum::response::Response> {
    use axum::response::IntoResponse;
    let body = serde_json::to_vec(v).map_err(ApiError::internal)?;
    Ok((
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        body,
    )
        .into_response())
}
