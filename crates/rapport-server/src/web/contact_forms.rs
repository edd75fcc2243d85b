//! The forms on a contact's page: promises, facts, interactions, requests and their whys,
//! gestures, deals. A refusal comes back on the page with its reason.

use super::page_prelude::*;

#[derive(Debug, Deserialize)]
pub(super) struct PromiseForm {
    direction: String,
    text: String,
    due: String,
    /// token, normal (default) or major.
    size: Option<String>,
    /// Set by the promise-load confirm step: record it though the day is full.
    anyway: Option<String>,
}

/// The promise-load confirm step: the day is full; record it anyway, or pick another day.
#[derive(Template)]
#[template(path = "promise_confirm.html")]
pub(super) struct PromiseConfirm {
    title: &'static str,
    csrf: String,
    contact_id: String,
    day: String,
    due_given: String,
    direction: String,
    text: String,
    size: String,
    due: Vec<rapport_core::DueThatDay>,
}

pub(super) async fn add_commitment(
    State(state): State<AppState>,
    Path(id): Path<String>,
    SignedInForm(s, f): SignedInForm<PromiseForm>,
) -> Response {
    let Some(cid) = ContactId::parse(&id) else {
        return web_error(ApiError::not_found("contact"));
    };
    let n = now();
    let size_given = f.size.clone().unwrap_or_else(|| "normal".to_owned());
    let attempt = async {
        let direction = match f.direction.as_str() {
            "theirs" => Direction::Theirs,
            _ => Direction::Mine,
        };
        let due = Due::parse(&f.due, n, &s.actor.workspace.tz())?;
        let new = NewCommitment {
            direction,
            text: f.text.clone(),
            due,
            size: size_given.parse()?,
            source_interaction: None,
        };
        let anyway = f.anyway.as_deref().is_some_and(|a| !a.is_empty());
        ledger::record_commitment(&state.db, &s.actor, cid.as_str(), new, anyway, n).await
    }
    .await;
    match attempt {
        Ok(_) => redirect(&format!("/contacts/{cid}")),
        Err(rapport_core::Error::DayFull(full)) => {
            let day = jiff::civil::Date::strptime("%Y-%m-%d", &full.date)
                .map_or(full.date.clone(), |d| {
                    d.strftime("%A %-d %B %Y").to_string()
                });
            let mut r = render(&PromiseConfirm {
                title: "That day is full",
                csrf: s.csrf.clone(),
                contact_id: cid.to_string(),
                day,
                due_given: f.due,
                direction: f.direction,
                text: f.text,
                size: size_given,
                due: full.due,
            });
            *r.status_mut() = StatusCode::CONFLICT;
            r
        }
        Err(rapport_core::Error::Invalid(i)) => {
            contact_page(&state, &s, cid.as_str(), Some(i.message))
                .await
                .map(|mut r| {
                    *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
                    r
                })
                .unwrap_or_else(web_error)
        }
        Err(rapport_core::Error::Conflict(m)) => contact_page(&state, &s, cid.as_str(), Some(m))
            .await
            .map(|mut r| {
                *r.status_mut() = StatusCode::CONFLICT;
                r
            })
            .unwrap_or_else(web_error),
        Err(e) => web_error(e.into()),
    }
}

/// After a form on a contact's page: back to the page, or the page with the refusal.
pub(super) async fn contact_form_result(
    state: &AppState,
    s: &Session,
    cid: &ContactId,
    done: Result<(), rapport_core::Error>,
) -> Response {
    let status = match &done {
        Ok(()) => return redirect(&format!("/contacts/{cid}")),
        Err(rapport_core::Error::Invalid(_)) => StatusCode::UNPROCESSABLE_ENTITY,
        // A name typed in a form that matches several contacts, or none: said on the page
        // (the page's own contact missing still answers 404, from the page).
        Err(rapport_core::Error::Ambiguous { .. } | rapport_core::Error::NotFound(_)) => {
            StatusCode::UNPROCESSABLE_ENTITY
        }
        Err(rapport_core::Error::Conflict(_)) => StatusCode::CONFLICT,
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR,
    };
    let message = match done {
        Err(rapport_core::Error::Invalid(i)) => i.message,
        Err(rapport_core::Error::Conflict(m) | rapport_core::Error::NotFound(m)) => m,
        Err(e @ rapport_core::Error::Ambiguous { .. }) => e.to_string(),
        Err(e) => return web_error(e.into()),
        Ok(()) => String::new(),
    };
    contact_page(state, s, cid.as_str(), Some(message))
        .await
        .map(|mut r| {
            *r.status_mut() = status;
            r
        })
        .unwrap_or_else(web_error)
}

/// The contact a contact-page form is posted to (its id in the path).
pub(super) fn contact_id(id: &str) -> Result<ContactId, Box<Response>> {
    ContactId::parse(id).ok_or_else(|| Box::new(web_error(ApiError::not_found("contact"))))
}

#[derive(Debug, Deserialize)]
pub(super) struct RequestForm {
    text: String,
    why: Option<String>,
}

pub(super) async fn add_request(
    State(state): State<AppState>,
    Path(id): Path<String>,
    SignedInForm(s, f): SignedInForm<RequestForm>,
) -> Response {
    let cid = match contact_id(&id) {
        Ok(c) => c,
        Err(r) => return *r,
    };
    let why = f.why.as_deref().filter(|w| !w.trim().is_empty());
    let done = ledger::add_request(&state.db, &s.actor, cid.as_str(), &f.text, why, None, now())
        .await
        .map(|_| ());
    contact_form_result(&state, &s, &cid, done).await
}

#[derive(Debug, Deserialize)]
pub(super) struct FactForm {
    pub(super) kind: String,
    pub(super) text: String,
    pub(super) relation: Option<String>,
    pub(super) date: Option<String>,
}

impl FactForm {
    /// The fact as the core takes it (the rules are the core's).
    pub(super) fn read(self) -> Result<rapport_core::fact::NewFact, rapport_core::Error> {
        Ok(rapport_core::fact::NewFact {
            kind: self.kind.parse()?,
            text: self.text,
            relation: self.relation.filter(|r| !r.trim().is_empty()),
            date: self
                .date
                .as_deref()
                .filter(|d| !d.trim().is_empty())
                .map(str::parse)
                .transpose()?,
        })
    }
}

pub(super) async fn add_fact(
    State(state): State<AppState>,
    Path(id): Path<String>,
    SignedInForm(s, f): SignedInForm<FactForm>,
) -> Response {
    let cid = match contact_id(&id) {
        Ok(c) => c,
        Err(r) => return *r,
    };
    let done = async {
        let new = f.read()?;
        service::add_fact(&state.db, &s.actor, cid.as_str(), new, now()).await?;
        Ok::<_, rapport_core::Error>(())
    }
    .await;
    contact_form_result(&state, &s, &cid, done).await
}

#[derive(Debug, Deserialize)]
pub(super) struct LogForm {
    pub(super) kind: String,
    pub(super) summary: String,
    pub(super) they_said: Option<String>,
    pub(super) i_said: Option<String>,
    pub(super) at: Option<String>,
    /// Topics, separated by commas.
    pub(super) topics: Option<String>,
}

impl LogForm {
    /// The interaction as the core takes it; no time given means now.
    pub(super) fn read(
        self,
        n: Timestamp,
        tz: &jiff::tz::TimeZone,
    ) -> Result<rapport_core::interaction::NewInteraction, rapport_core::Error> {
        let occurred_at = match self.at.as_deref().filter(|t| !t.trim().is_empty()) {
            Some(t) => rapport_core::dates::parse_moment(t, n, tz)?,
            None => n,
        };
        Ok(rapport_core::interaction::NewInteraction {
            kind: self.kind.parse()?,
            occurred_at,
            summary: self.summary,
            they_said: self.they_said.filter(|t| !t.trim().is_empty()),
            i_said: self.i_said.filter(|t| !t.trim().is_empty()),
            topics: self
                .topics
                .as_deref()
                .unwrap_or_default()
                .split(',')
                .map(str::to_owned)
                .collect(),
        })
    }
}

pub(super) async fn log_interaction(
    State(state): State<AppState>,
    Path(id): Path<String>,
    SignedInForm(s, f): SignedInForm<LogForm>,
) -> Response {
    let cid = match contact_id(&id) {
        Ok(c) => c,
        Err(r) => return *r,
    };
    let n = now();
    let done = async {
        let new = f.read(n, &s.actor.workspace.tz())?;
        service::log_interaction(&state.db, &s.actor, cid.as_str(), new, n).await?;
        Ok::<_, rapport_core::Error>(())
    }
    .await;
    contact_form_result(&state, &s, &cid, done).await
}

#[derive(Debug, Deserialize)]
pub(super) struct GestureForm {
    kind: String,
    text: String,
    cost: Option<String>,
    on: Option<String>,
}

pub(super) async fn add_gesture(
    State(state): State<AppState>,
    Path(id): Path<String>,
    SignedInForm(s, f): SignedInForm<GestureForm>,
) -> Response {
    let cid = match contact_id(&id) {
        Ok(c) => c,
        Err(r) => return *r,
    };
    let n = now();
    let done = async {
        let today = rapport_core::today::day_of(n, &s.actor.workspace.tz());
        let new = rapport_core::gesture::NewGesture {
            kind: Some(rapport_core::gesture::GestureKind::parse(&f.kind)?),
            text: f.text,
            on: f
                .on
                .as_deref()
                .filter(|d| !d.trim().is_empty())
                .map(|d| rapport_core::dates::parse_date(d, today))
                .transpose()?,
            cost: f.cost.filter(|c| !c.trim().is_empty()),
            note: None,
        };
        rapport_core::gesture::add(&state.db, &s.actor, cid.as_str(), new, n).await?;
        Ok::<_, rapport_core::Error>(())
    }
    .await;
    contact_form_result(&state, &s, &cid, done).await
}

#[derive(Debug, Deserialize)]
pub(super) struct DealForm {
    title: String,
    value: Option<String>,
    stage: Option<String>,
    close: Option<String>,
}

pub(super) async fn add_deal(
    State(state): State<AppState>,
    Path(id): Path<String>,
    SignedInForm(s, f): SignedInForm<DealForm>,
) -> Response {
    let cid = match contact_id(&id) {
        Ok(c) => c,
        Err(r) => return *r,
    };
    let n = now();
    let done = async {
        let today = rapport_core::today::day_of(n, &s.actor.workspace.tz());
        let new = rapport_core::deal::NewDeal {
            title: f.title,
            value: f.value.filter(|v| !v.trim().is_empty()),
            stage: f
                .stage
                .as_deref()
                .filter(|v| !v.is_empty())
                .map(str::parse)
                .transpose()?,
            expected_close: f
                .close
                .as_deref()
                .filter(|d| !d.trim().is_empty())
                .map(|d| rapport_core::dates::parse_date(d, today))
                .transpose()?,
        };
        rapport_core::deal::add(&state.db, &s.actor, cid.as_str(), new, n).await?;
        Ok::<_, rapport_core::Error>(())
    }
    .await;
    contact_form_result(&state, &s, &cid, done).await
}

#[derive(Debug, Deserialize)]
pub(super) struct IntroForm {
    /// The other contact, as typed: a name or the start of one.
    other: String,
}

/// Records who introduced the contact of the page (`by`), or whom they introduced.
async fn record_introduction(
    state: &AppState,
    s: &Session,
    id: &str,
    other: &str,
    they_were_introduced: bool,
) -> Response {
    let cid = match contact_id(id) {
        Ok(c) => c,
        Err(r) => return *r,
    };
    let (from, to) = if they_were_introduced {
        (other, cid.as_str())
    } else {
        (cid.as_str(), other)
    };
    let done = rapport_core::referral::record(&state.db, &s.actor, from, to, now())
        .await
        .map(|_| ());
    contact_form_result(state, s, &cid, done).await
}

pub(super) async fn introduced_by(
    State(state): State<AppState>,
    Path(id): Path<String>,
    SignedInForm(s, f): SignedInForm<IntroForm>,
) -> Response {
    record_introduction(&state, &s, &id, &f.other, true).await
}

pub(super) async fn introduced(
    State(state): State<AppState>,
    Path(id): Path<String>,
    SignedInForm(s, f): SignedInForm<IntroForm>,
) -> Response {
    record_introduction(&state, &s, &id, &f.other, false).await
}
