//! The REST API under `/api/v1`: thin handlers that parse, call a core service, and answer
//! JSON. Every id is looked up in the caller's workspace, so another workspace's ids answer
//! 404 exactly as unknown ones do.

mod accounts;
mod appreciation;
mod campaigns;
mod commitments;
mod contacts;
mod cursor;
mod deals;
mod duplicates;
mod mail;
mod memory;
mod prelude;
mod referrals;
mod requests;
mod settings;
mod today;
mod transfer;

use axum::extract::rejection::QueryRejection;
use axum::extract::{FromRequest, FromRequestParts};
use axum::http::request::Parts;
use rapport_core::dates::micro_precision;
use serde::de::DeserializeOwned;

use prelude::*;
pub(crate) use transfer::{IMPORT_LIMIT, exported};

/// The routes under `/api/v1`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/contacts", get(list_contacts).post(create_contact))
        .route("/contacts/{id}", get(get_contact))
        .route("/contacts/{id}/trust", get(trust))
        .route("/contacts/{id}/brief", get(brief))
        .route("/contacts/{id}/ladder", get(ladder))
        .route("/contacts/{id}/merge", post(duplicates::merge))
        .route("/duplicates", get(duplicates::duplicates))
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
        .route("/requests", get(requests).post(add_request))
        .route("/requests/stats", get(request_stats))
        .route("/insights", get(requests::insights))
        .route("/requests/{id}", get(one_request))
        .route("/requests/{id}/why", post(why))
        .route("/requests/{id}/answer", post(answer))
        .route("/deals", get(deals).post(add_deal))
        .route("/deals/{id}", get(one_deal))
        .route("/deals/{id}/stage", post(stage))
        .route("/deals/{id}/terms", post(term))
        .route("/gestures", get(gestures).post(add_gesture))
        .route("/budget", get(budget).put(set_budget))
        .route("/referrals", post(add_referral))
        .route("/advocates", get(advocates))
        .merge(memory::routes())
        .merge(campaigns::routes())
        .merge(mail::routes())
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

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, ApiError> {
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
        // Every body is an object: serde would also take an array, its items by position.
        if bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[') {
            return Err(ApiError::invalid(
                "body",
                "send a JSON object ({\"field\": value, …}), not an array",
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
