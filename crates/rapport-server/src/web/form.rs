//! What every page handler shares: a signed-in form with its CSRF token checked (one
//! extractor, instead of the same opening in every handler), rendering, where to go back to.

use askama::Template;
use axum::extract::{FromRequest, FromRequestParts, RawForm, Request};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use jiff::Timestamp;
use rapport_core::account::Session;
use rapport_core::dates::micro_precision;
use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::{redirect, web_error};
use crate::AppState;
use crate::auth::{WebSession, same_secret};
use crate::error::ApiError;

/// The clock, at the precision the store keeps.
pub(super) fn now() -> Timestamp {
    micro_precision(Timestamp::now())
}

pub(super) fn render<T: Template>(t: &T) -> Response {
    match t.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => web_error(ApiError::internal(e)),
    }
}

/// The signed-in session, or a redirect to sign in.
pub(super) fn signed_in(session: WebSession) -> Result<Session, Box<Response>> {
    session
        .0
        .map(|(_, s)| s)
        .ok_or_else(|| Box::new(redirect("/login")))
}

pub(super) fn csrf_ok(s: &Session, token: &str) -> Result<(), Box<Response>> {
    if same_secret(&s.csrf, token) {
        Ok(())
    } else {
        Err(Box::new(web_error(ApiError::new(
            StatusCode::FORBIDDEN,
            "csrf",
            "the form expired: reload the page and try again",
        ))))
    }
}

/// A form with nothing but its CSRF token (a button).
#[derive(Debug, Deserialize)]
pub(super) struct NoFields {}

#[derive(Debug, Deserialize)]
struct CsrfField {
    #[serde(default)]
    csrf: String,
}

/// A form posted by a signed-in person, its `csrf` field checked against the session's:
/// `SignedInForm(session, fields)`. Signed out: a redirect to sign in; a missing or wrong
/// token: 403; fields that do not read: 422. The form's own struct need not name `csrf`.
#[derive(Debug)]
pub(super) struct SignedInForm<T>(pub Session, pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for SignedInForm<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Response> {
        let (mut parts, body) = req.into_parts();
        let session = WebSession::from_request_parts(&mut parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let s = signed_in(session).map_err(|r| *r)?;
        let RawForm(bytes) = RawForm::from_request(Request::from_parts(parts, body), state)
            .await
            .map_err(IntoResponse::into_response)?;
        let token: CsrfField = serde_urlencoded::from_bytes(&bytes)
            .map_err(|_| web_error(ApiError::bad_request("the form could not be read")))?;
        csrf_ok(&s, &token.csrf).map_err(|r| *r)?;
        let fields: T = serde_urlencoded::from_bytes(&bytes).map_err(|e| {
            web_error(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid",
                format!("the form is missing something: {e}"),
            ))
        })?;
        Ok(SignedInForm(s, fields))
    }
}

/// Where to go back to after a form: a path of this site only (never another site).
/// Browsers drop tabs and newlines from URLs and read `\` as `/`, so `/\t/evil.example`
/// would lead off-site: only visible ASCII is accepted, and never a second slash first.
pub(super) fn back_to(back: Option<&str>, default: &str) -> String {
    match back {
        Some(b)
            if b.starts_with('/')
                && !matches!(b.as_bytes().get(1), Some(b'/' | b'\\'))
                && b.bytes().all(|c| c.is_ascii_graphic())
                && !b.contains('\\') =>
        {
            b.to_owned()
        }
        _ => default.to_owned(),
    }
}

/// The names of the contacts of a page's rows, in one query.
pub(super) async fn names_of<'a>(
    state: &crate::AppState,
    s: &rapport_core::account::Session,
    ids: impl Iterator<Item = &'a rapport_core::ids::ContactId>,
) -> Result<std::collections::HashMap<rapport_core::ids::ContactId, String>, crate::error::ApiError>
{
    use rapport_core::ports::ContactStore;
    let mut ids: Vec<rapport_core::ids::ContactId> = ids.cloned().collect();
    ids.sort();
    ids.dedup();
    Ok(state
        .db
        .contact_names(&s.actor.workspace.id, &ids)
        .await?
        .into_iter()
        .collect())
}

/// What was said either way in a conversation, as one line ("They said: … · I said: …").
pub(super) fn said(i: &rapport_core::interaction::Interaction) -> String {
    [
        i.they_said.as_deref().map(|t| format!("They said: {t}")),
        i.i_said.as_deref().map(|t| format!("I said: {t}")),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" · ")
}

#[cfg(test)]
mod tests {
    use super::back_to;

    #[test]
    fn back_leads_only_to_a_path_of_this_site() {
        assert_eq!(
            back_to(Some("/contacts/1?x=2"), "/today"),
            "/contacts/1?x=2"
        );
        for off_site in [
            "//evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\\evil.example",
            "/\\/evil.example",
            "https://evil.example",
            "evil.example",
            "/ /evil.example",
            "",
        ] {
            assert_eq!(back_to(Some(off_site), "/today"), "/today", "{off_site:?}");
        }
        assert_eq!(back_to(None, "/today"), "/today");
    }
}
