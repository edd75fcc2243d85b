//! Mail over HTTP: an import (a message or an mbox as the body, the same use case as
//! `rapport mail import`), and the promises it found, on offer to the caller: listed,
//! accepted (a commitment) or dismissed.

use axum::body::Bytes;
use rapport_core::mail::{MailOptions, MailReport};
use rapport_core::suggestion::{self, Acceptance, SuggestionView};

use super::prelude::*;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/mail/import",
            post(import_mail).layer(axum::extract::DefaultBodyLimit::max(super::IMPORT_LIMIT)),
        )
        .route("/suggestions", get(suggestions))
        .route("/suggestions/{id}", get(one_suggestion))
        .route("/suggestions/{id}/accept", post(accept))
        .route("/suggestions/{id}/dismiss", post(dismiss))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MailQuery {
    #[serde(default)]
    dry_run: bool,
    #[serde(default)]
    create_contacts: bool,
    /// An address of the caller's besides their account's and settings' (one).
    me: Option<String>,
}

async fn import_mail(
    State(state): State<AppState>,
    actor: ApiActor,
    Params(q): Params<MailQuery>,
    body: Bytes,
) -> ApiResult<(StatusCode, Json<MailReport>)> {
    if body.is_empty() {
        return Err(ApiError::invalid(
            "body",
            "send the message (RFC 5322) or an mbox file as the request body",
        ));
    }
    let mut messages = Vec::new();
    let mut skipped = Vec::new();
    for read in rapport_io::mailbox::read_bytes(&body, "body") {
        match read {
            Ok(m) => messages.push(m),
            Err(s) => skipped.push(s),
        }
    }
    if messages.is_empty() {
        let why = skipped
            .first()
            .map_or_else(|| "no message in it".to_owned(), |s| s.reason.clone());
        return Err(ApiError::invalid(
            "body",
            format!("the body is not mail: {why}"),
        ));
    }
    let options = MailOptions {
        dry_run: q.dry_run,
        create_contacts: q.create_contacts,
    };
    let me: Vec<String> = q.me.into_iter().collect();
    let report =
        rapport_core::mail::import(&state.db, &actor.0, messages, &me, skipped, &options, now())
            .await?;
    let status = if q.dry_run || (report.interactions.is_empty() && report.suggestions_offered == 0)
    {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((status, Json(report)))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SuggestionsQuery {
    limit: Option<u32>,
    cursor: Option<String>,
}

/// A page of suggestions: the API's page with how many are on offer in all.
#[derive(Debug, Serialize)]
struct SuggestionsPage {
    items: Vec<SuggestionView>,
    next_cursor: Option<String>,
    total: u64,
}

async fn suggestions(
    State(state): State<AppState>,
    actor: ApiActor,
    Params(q): Params<SuggestionsQuery>,
) -> ApiResult<Json<SuggestionsPage>> {
    let limit = q.limit.unwrap_or(50);
    let after = q.cursor.as_deref().map(cursor::suggestion).transpose()?;
    let page = suggestion::on_offer(&state.db, &actor.0, after.as_deref(), limit, now()).await?;
    let next_cursor = (page.more > 0)
        .then(|| {
            page.items
                .last()
                .map(|v| cursor::of_suggestion(&v.suggestion.id))
        })
        .flatten();
    Ok(Json(SuggestionsPage {
        items: page.items,
        next_cursor,
        total: page.total,
    }))
}

async fn one_suggestion(
    State(state): State<AppState>,
    actor: ApiActor,
    Path(id): Path<String>,
) -> ApiResult<Json<SuggestionView>> {
    Ok(Json(
        suggestion::suggestion(&state.db, &actor.0, &id).await?,
    ))
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Accept {
    /// When it is due, if the message said no date or said it wrong.
    due: Option<String>,
    text: Option<String>,
    size: Option<String>,
    #[serde(default)]
    anyway: bool,
}

async fn accept(
    State(state): State<AppState>,
    actor: ApiActor,
    Path(id): Path<String>,
    request: axum::extract::Request,
) -> ApiResult<(StatusCode, Json<rapport_core::commitment::Commitment>)> {
    use axum::extract::FromRequest;
    // A JSON body to change the due date, the text or the size; none to take it as found.
    let b = if request
        .headers()
        .contains_key(axum::http::header::CONTENT_TYPE)
    {
        Body::<Accept>::from_request(request, &state).await?.0
    } else {
        let bytes = Bytes::from_request(request, &state)
            .await
            .map_err(|e| ApiError::new(e.status(), "bad_request", e.body_text()))?;
        if !bytes.is_empty() {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "send JSON with Content-Type: application/json",
            ));
        }
        Accept::default()
    };
    let at = now();
    let tz = actor.0.workspace.tz();
    let acceptance = Acceptance {
        due: b
            .due
            .as_deref()
            .map(|d| Due::parse(d, at, &tz))
            .transpose()
            .map_err(rapport_core::Error::Invalid)?,
        text: b.text,
        size: b
            .size
            .as_deref()
            .map(str::parse::<Size>)
            .transpose()
            .map_err(rapport_core::Error::Invalid)?,
        anyway: b.anyway,
    };
    let (_, c) = suggestion::accept(&state.db, &actor.0, &id, acceptance, at).await?;
    Ok((StatusCode::CREATED, Json(c)))
}

async fn dismiss(
    State(state): State<AppState>,
    actor: ApiActor,
    Path(id): Path<String>,
) -> ApiResult<Json<SuggestionView>> {
    Ok(Json(
        suggestion::dismiss(&state.db, &actor.0, &id, now()).await?,
    ))
}
