//! One promise, either way: where it stands, its history, and every outcome the ledger
//! knows (kept, broken, claimed done when it was not, released, withdrawn, renegotiated to
//! a new date), at risk with a reason, told. The buttons on Today and on a contact's page
//! post here too; htmx gets the item's new line in place.

use rapport_core::commitment::{Commitment, Status};
use rapport_core::dates::parse_outcome_moment;

use super::page_prelude::*;

#[derive(Template)]
#[template(path = "commitment.html")]
pub(super) struct CommitmentPage {
    title: String,
    csrf: String,
    id: String,
    contact_id: String,
    contact_name: String,
    mine: bool,
    text: String,
    due: String,
    state: &'static str,
    open: bool,
    at_risk: Option<String>,
    can_flag: bool,
    can_tell: bool,
    successor: Option<String>,
    predecessor: Option<String>,
    history: Vec<String>,
    error: Option<String>,
    /// The other endings: (action, button).
    outcomes: Vec<(&'static str, &'static str)>,
    /// Resolved (not renegotiated): the label can be corrected, to one of these
    /// (value, label, the current one).
    corrections: Vec<(&'static str, &'static str, bool)>,
}

fn when(t: Timestamp, s: &Session) -> String {
    t.to_zoned_datetime(s.actor.workspace.tz())
        .strftime("%a %-d %b %Y, %H:%M")
        .to_string()
}

/// The promise's page, with a refusal to show when a form on it was refused.
pub(super) async fn commitment_page(
    state: &AppState,
    s: &Session,
    id: &str,
    error: Option<String>,
) -> Result<Response, ApiError> {
    let (c, entries) = ledger::history(&state.db, &s.actor, id).await?;
    let contact = state
        .db
        .contact(&s.actor.workspace.id, &c.contact_id)
        .await?
        .ok_or_else(|| ApiError::not_found("contact"))?;
    let n = now();
    let page = CommitmentPage {
        title: c.text.clone(),
        csrf: s.csrf.clone(),
        id: c.id.to_string(),
        contact_id: contact.id.to_string(),
        contact_name: contact.name,
        mine: c.direction == Direction::Mine,
        text: c.text.clone(),
        due: c.due.to_string(),
        state: c.state_label(n),
        open: c.status == Status::Open,
        at_risk: c.at_risk.as_ref().map(|r| match &r.reason {
            Some(reason) => format!("At risk since {}: {reason}", when(r.at, s)),
            None => format!("At risk since {}", when(r.at, s)),
        }),
        can_flag: c.status == Status::Open && c.at_risk.is_none(),
        // Telling is the promiser's news: mine only.
        can_tell: c.direction == Direction::Mine
            && c.told_at.is_none()
            && (c.at_risk.is_some() || c.status == Status::Kept),
        successor: c.successor_id.as_ref().map(ToString::to_string),
        predecessor: c.predecessor_id.as_ref().map(ToString::to_string),
        history: entries
            .iter()
            .map(|e| match e.happened_at() {
                Some(t) => format!(
                    "{}: {} (it happened {})",
                    when(e.at, s),
                    e.label(),
                    when(t, s)
                ),
                None => format!("{}: {}", when(e.at, s), e.label()),
            })
            .collect(),
        error,
        outcomes: vec![
            ("broken", "Broken"),
            ("released", "Released"),
            ("withdrawn", "Withdrawn"),
            ("deceptive", "Claimed done, was not"),
        ],
        corrections: if c.correctable() {
            let current = match (c.status, c.released_on_request) {
                (Status::Released, Some(false)) => "withdrawn",
                (Status::Released, _) => "released",
                (Status::Kept, _) => "kept",
                (Status::Broken, _) => "broken",
                (Status::Deceptive, _) => "deceptive",
                _ => "",
            };
            [
                ("kept", "Kept"),
                ("broken", "Broken"),
                ("deceptive", "Claimed done, was not"),
                ("released", "Released"),
                ("withdrawn", "Withdrawn"),
            ]
            .into_iter()
            .map(|(v, l)| (v, l, v == current))
            .collect()
        } else {
            Vec::new()
        },
    };
    Ok(render(&page))
}

pub(super) async fn commitment(
    State(state): State<AppState>,
    session: WebSession,
    Path(id): Path<String>,
) -> Response {
    let s = match signed_in(session) {
        Ok(s) => s,
        Err(r) => return *r,
    };
    commitment_page(&state, &s, &id, None)
        .await
        .unwrap_or_else(web_error)
}

#[derive(Debug, Deserialize)]
pub(super) struct ActionForm {
    back: Option<String>,
    /// Why it is at risk.
    reason: Option<String>,
    /// The new due date of a renegotiation.
    due: Option<String>,
    /// When it happened (default now; for a correction, when it was recorded to happen).
    on: Option<String>,
    /// A correction's new label.
    label: Option<String>,
}

fn given(field: &Option<String>) -> Option<&str> {
    field.as_deref().map(str::trim).filter(|t| !t.is_empty())
}

pub(super) async fn commitment_action(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    Path((id, action)): Path<(String, String)>,
    SignedInForm(s, f): SignedInForm<ActionForm>,
) -> Response {
    // Sent by htmx: answer the item's new line, swapped in place, instead of a redirect.
    let in_place = headers
        .get("hx-request")
        .is_some_and(|v| v.as_bytes() == b"true");
    let n = now();
    let tz = s.actor.workspace.tz();
    let done: Result<Commitment, rapport_core::Error> = async {
        let on = given(&f.on)
            .map(|t| parse_outcome_moment(t, n, &tz))
            .transpose()?;
        let db = &state.db;
        let a = &s.actor;
        let outcome = |o| ledger::resolve(db, a, &id, o, on, false, n);
        match action.as_str() {
            "kept" => outcome(Outcome::Kept).await,
            "broken" => outcome(Outcome::Broken).await,
            "deceptive" => outcome(Outcome::Deceptive).await,
            "released" => outcome(Outcome::ReleasedOnRequest).await,
            "withdrawn" => outcome(Outcome::Withdrawn).await,
            "renegotiate" => {
                let text = given(&f.due)
                    .ok_or_else(|| rapport_core::Invalid::new("due", "give the new due date"))?;
                let due = Due::parse(text, n, &tz)?;
                ledger::renegotiate(db, a, &id, due, on, n).await
            }
            "at-risk" => {
                ledger::flag_at_risk(db, a, &id, given(&f.reason).map(str::to_owned), n).await
            }
            "told" => ledger::told(db, a, &id, on, n).await,
            "correct" => {
                let o = match given(&f.label) {
                    Some("kept") => Outcome::Kept,
                    Some("broken") => Outcome::Broken,
                    Some("deceptive") => Outcome::Deceptive,
                    Some("released") => Outcome::ReleasedOnRequest,
                    Some("withdrawn") => Outcome::Withdrawn,
                    _ => {
                        return Err(rapport_core::Invalid::new(
                            "label",
                            "pick the label it should have",
                        )
                        .into());
                    }
                };
                ledger::resolve(db, a, &id, o, on, true, n).await
            }
            _ => Err(rapport_core::Error::NotFound("no such action".into())),
        }
    }
    .await;
    match done {
        Ok(c) if in_place => {
            let what = match action.as_str() {
                "at-risk" => "Flagged at risk: tell them now".to_owned(),
                "told" => "Marked as told".to_owned(),
                "renegotiate" => format!("Renegotiated: now due {}", c.due),
                "correct" => format!("Corrected: now {}", c.state_label(n)),
                _ => format!("Marked {}", c.state_label(n)),
            };
            Html(format!("<li role=\"status\">✓ {}</li>", super::esc(&what))).into_response()
        }
        Ok(c) if action == "renegotiate" => {
            // The promise carries on as its successor: show that one.
            redirect(&back_to(
                f.back.as_deref(),
                &format!("/commitments/{}", c.id),
            ))
        }
        Ok(_) => redirect(&back_to(f.back.as_deref(), "/today")),
        Err(e @ (rapport_core::Error::Invalid(_) | rapport_core::Error::Conflict(_))) => {
            // The promise's page, with the refusal and the forms to try again.
            let status = if matches!(e, rapport_core::Error::Invalid(_)) {
                StatusCode::UNPROCESSABLE_ENTITY
            } else {
                StatusCode::CONFLICT
            };
            if in_place {
                return (
                    status,
                    Html(format!(
                        "<li role=\"alert\">{}</li>",
                        super::esc(&e.to_string())
                    )),
                )
                    .into_response();
            }
            commitment_page(&state, &s, &id, Some(e.to_string()))
                .await
                .map(|mut r| {
                    *r.status_mut() = status;
                    r
                })
                .unwrap_or_else(web_error)
        }
        Err(e) => web_error(e.into()),
    }
}
