//! The secret calendar feed, `/feed/TOKEN.ics`: no cookie or header, since calendar apps
//! only fetch a URL; the token is the secret (only its hash is stored; rotating it ends the
//! old URL). An unknown token is a plain 404.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use rapport_core::ports::AccountStore;

use crate::AppState;
use crate::auth::digest;
use crate::error::ApiError;

pub async fn feed(State(state): State<AppState>, Path(file): Path<String>) -> Response {
    let not_found = || (StatusCode::NOT_FOUND, "no such feed").into_response();
    let Some(token) = file.strip_suffix(".ics") else {
        return not_found();
    };
    let actor = match state.db.feed_actor(&digest(token)).await {
        Ok(Some(a)) => a,
        Ok(None) => return not_found(),
        Err(e) => return ApiError::from(e).into_response(),
    };
    let now = jiff::Timestamp::now();
    match rapport_core::feed::events(&state.db, &actor, now).await {
        Ok(events) => {
            let name = format!("Rapport: {}", actor.user.name);
            let body = rapport_formats::ics::calendar(&name, now, &events);
            (
                StatusCode::OK,
                [
                    (CONTENT_TYPE, "text/calendar; charset=utf-8"),
                    (CACHE_CONTROL, "private, max-age=300"),
                ],
                body,
            )
                .into_response()
        }
        Err(e) => ApiError::from(e).into_response(),
    }
}
