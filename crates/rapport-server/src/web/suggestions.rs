//! Promises found in the member's mail, on offer: the whole list (50 a page, newest message
//! first), and Accept (the due date and the text editable) and Dismiss, here and on Today.
//! The same use cases as `rapport suggestion accept|dismiss` and the API.

use rapport_core::suggestion::{self, Acceptance, SuggestionView};

use super::page_prelude::*;

/// One suggestion's forms (the Today page shows them too).
pub(super) struct SuggestionForm {
    pub(super) id: String,
    pub(super) contact_id: String,
    pub(super) contact_name: String,
    /// "Your promise" or "Their promise", and what.
    pub(super) whose: String,
    pub(super) text: String,
    /// YYYY-MM-DD, or empty when the message says no date.
    pub(super) due: String,
    pub(super) sentence: String,
    pub(super) subject: String,
    pub(super) day: String,
    /// Past the promise load: the form says so.
    pub(super) anyway: bool,
}

impl SuggestionForm {
    pub(super) fn of(v: &SuggestionView, tz: &jiff::tz::TimeZone) -> SuggestionForm {
        let s = &v.suggestion;
        SuggestionForm {
            id: s.id.to_string(),
            contact_id: s.contact_id.to_string(),
            contact_name: v.contact_name.clone(),
            whose: match s.direction {
                Direction::Mine => format!("your promise: {}", s.text),
                Direction::Theirs => format!("their promise: {}", s.text),
            },
            text: s.text.clone(),
            due: s.due.map(|d| d.to_string()).unwrap_or_default(),
            sentence: s.sentence.clone(),
            subject: s.subject.clone(),
            day: s
                .message_at
                .to_zoned_datetime(tz.clone())
                .date()
                .strftime("%-d %B %Y")
                .to_string(),
            anyway: false,
        }
    }
}

#[derive(Template)]
#[template(path = "suggestions.html")]
pub(super) struct SuggestionsPage {
    title: &'static str,
    csrf: String,
    rows: Vec<SuggestionForm>,
    message: Option<String>,
    back: String,
    paged: bool,
    next: Option<String>,
    more: u64,
    page_size: u32,
}

/// Why an accept or a dismiss was refused, shown above the list.
pub(super) struct Refusal {
    id: String,
    message: String,
    /// A promise of mine on a day already full: the form offers "Accept anyway".
    day_full: bool,
}

#[derive(Debug, Deserialize)]
pub(super) struct SuggestionsQuery {
    after: Option<String>,
}

const PAGE: u32 = 50;

async fn suggestions_view(
    state: &AppState,
    s: &Session,
    after: Option<&str>,
    message: Option<Refusal>,
) -> Result<Response, ApiError> {
    let page = suggestion::on_offer(&state.db, &s.actor, after, PAGE, now()).await?;
    let tz = s.actor.workspace.tz();
    let mut rows: Vec<SuggestionForm> = page
        .items
        .iter()
        .map(|v| SuggestionForm::of(v, &tz))
        .collect();
    // A refusal names the suggestion it is about: its form offers to go past a full day.
    let (message, refused, day_full) = match message {
        Some(r) => (Some(r.message), Some(r.id), r.day_full),
        None => (None, None, false),
    };
    // The refused one first, wherever its page is.
    if let Some(id) = &refused
        && !rows.iter().any(|r| r.id == *id)
        && let Ok(v) = suggestion::suggestion(&state.db, &s.actor, id).await
        && v.suggestion.status == rapport_core::suggestion::SuggestionStatus::Open
    {
        rows.insert(0, SuggestionForm::of(&v, &tz));
    }
    for r in &mut rows {
        r.anyway = day_full && refused.as_deref() == Some(r.id.as_str());
    }
    let here = match after {
        Some(a) => format!("/suggestions?after={a}"),
        None => "/suggestions".to_owned(),
    };
    Ok(render(&SuggestionsPage {
        title: "Confirm these promises",
        csrf: s.csrf.clone(),
        rows,
        message,
        back: here,
        paged: after.is_some(),
        next: (page.more > 0)
            .then(|| page.items.last())
            .flatten()
            .map(|l| format!("/suggestions?after={}", l.suggestion.id)),
        more: page.more,
        page_size: PAGE,
    }))
}

pub(super) async fn suggestions_page(
    State(state): State<AppState>,
    session: WebSession,
    Query(q): Query<SuggestionsQuery>,
) -> Response {
    let s = match signed_in(session) {
        Ok(s) => s,
        Err(r) => return *r,
    };
    let after = q.after.as_deref().map(str::trim).filter(|a| !a.is_empty());
    suggestions_view(&state, &s, after, None)
        .await
        .unwrap_or_else(web_error)
}

#[derive(Debug, Deserialize)]
pub(super) struct AcceptForm {
    back: Option<String>,
    due: Option<String>,
    text: Option<String>,
    anyway: Option<String>,
}

pub(super) async fn accept_suggestion(
    State(state): State<AppState>,
    Path(id): Path<String>,
    SignedInForm(s, f): SignedInForm<AcceptForm>,
) -> Response {
    let n = now();
    let tz = s.actor.workspace.tz();
    let given = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
    };
    let done = async {
        let acceptance = Acceptance {
            due: given(&f.due).map(|d| Due::parse(&d, n, &tz)).transpose()?,
            text: given(&f.text),
            size: None,
            anyway: given(&f.anyway).is_some(),
        };
        suggestion::accept(&state.db, &s.actor, &id, acceptance, n).await
    }
    .await;
    match done {
        Ok(_) => redirect(&back_to(f.back.as_deref(), "/today")),
        Err(
            e @ (rapport_core::Error::Invalid(_)
            | rapport_core::Error::Conflict(_)
            | rapport_core::Error::DayFull(_)),
        ) => {
            let status = match e {
                rapport_core::Error::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
                _ => StatusCode::CONFLICT,
            };
            let refusal = Refusal {
                id,
                message: e.to_string(),
                day_full: matches!(e, rapport_core::Error::DayFull(_)),
            };
            suggestions_view(&state, &s, None, Some(refusal))
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

pub(super) async fn dismiss_suggestion(
    State(state): State<AppState>,
    Path(id): Path<String>,
    SignedInForm(s, f): SignedInForm<AcceptForm>,
) -> Response {
    match suggestion::dismiss(&state.db, &s.actor, &id, now()).await {
        Ok(_) => redirect(&back_to(f.back.as_deref(), "/today")),
        Err(e @ rapport_core::Error::Conflict(_)) => {
            let refusal = Refusal {
                id,
                message: e.to_string(),
                day_full: false,
            };
            suggestions_view(&state, &s, None, Some(refusal))
                .await
                .map(|mut r| {
                    *r.status_mut() = StatusCode::CONFLICT;
                    r
                })
                .unwrap_or_else(web_error)
        }
        Err(e) => web_error(e.into()),
    }
}
