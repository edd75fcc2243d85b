//! The signed-in pages: Today, contacts, a contact's page, the deals board, settings. Each
//! is an askama template fed with text already worded here; every form posts with the
//! session's CSRF token and works without JavaScript (a POST, then a redirect back).

use askama::Template;
use axum::Form;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use jiff::Timestamp;
use rapport_core::account::{Session, TokenId};
use rapport_core::commitment::{Direction, Due};
use rapport_core::contact::{Contact, NewContact, RelationshipType};
use rapport_core::dates::micro_precision;
use rapport_core::ids::ContactId;
use rapport_core::ledger::{self, CommitmentQuery, DirectionView, NewCommitment, Outcome};
use rapport_core::service::{self, ContactQuery};
use rapport_core::store::{AccountStore, ContactStore, LedgerStore};
use rapport_core::today::TodayKind;
use rapport_core::trust::Size;
use serde::Deserialize;

use super::{redirect, web_error};
use crate::AppState;
use crate::auth::{WebSession, same_secret};
use crate::error::ApiError;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/static/app.css", get(css))
        .route("/static/htmx.min.js", get(htmx))
        // No icon yet: say so without an error in every browser's console.
        .route("/favicon.ico", get(|| async { StatusCode::NO_CONTENT }))
        .route("/contacts", get(contacts).post(add_contact))
        .route("/contacts/{id}", get(contact))
        .route("/contacts/{id}/commitments", post(add_commitment))
        .route("/contacts/{id}/facts", post(add_fact))
        .route("/contacts/{id}/requests", post(add_request))
        .route("/requests/{id}/why", post(set_why))
        .route("/contacts/{id}/interactions", post(log_interaction))
        .route("/contacts/{id}/gestures", post(add_gesture))
        .route("/contacts/{id}/deals", post(add_deal))
        .route("/deals/{id}/stage", post(move_deal))
        .route("/deals/{id}/terms", post(add_term))
        .route("/commitments/{id}/{action}", post(commitment_action))
        .route("/deals", get(deals))
        .route("/settings", get(settings).post(save_settings))
        .route("/settings/tokens", post(create_token))
        .route("/settings/budget", post(set_budget))
        .route("/settings/appreciation", post(set_appreciation))
        .route("/settings/keep-in-touch", post(set_keep_in_touch))
        .route("/settings/members", post(invite_member))
        .route("/settings/feed", post(rotate_feed))
        .route("/settings/digest", post(set_digest))
        .route("/settings/tokens/{id}/revoke", post(revoke_token))
}

fn now() -> Timestamp {
    micro_precision(Timestamp::now())
}

async fn css() -> Response {
    (
        [
            (CONTENT_TYPE, "text/css; charset=utf-8"),
            (axum::http::header::CACHE_CONTROL, "max-age=3600"),
        ],
        include_str!("../../static/app.css"),
    )
        .into_response()
}

/// htmx 2.0.11 (0BSD), vendored: nothing is fetched from elsewhere, and the pages work
/// without it (every form is a plain POST and redirect).
async fn htmx() -> Response {
    (
        [
            (CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (axum::http::header::CACHE_CONTROL, "max-age=86400"),
        ],
        include_str!("../../static/htmx.min.js"),
    )
        .into_response()
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

/// Where to go back to after a form: a path of this site only (never another site).
/// Browsers drop tabs and newlines from URLs and read `\` as `/`, so `/\t/evil.example`
/// would lead off-site: only visible ASCII is accepted, and never a second slash first.
fn back_to(back: Option<&str>, default: &str) -> String {
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

struct Item {
    contact_id: String,
    contact_name: String,
    text: String,
    reason: String,
    reminder: Option<String>,
    commitment_id: Option<String>,
    /// (action path, button label)
    actions: Vec<(&'static str, &'static str)>,
}

struct Section {
    heading: &'static str,
    items: Vec<Item>,
}

#[derive(Template)]
#[template(path = "today.html")]
struct TodayPage {
    title: &'static str,
    csrf: String,
    date: String,
    sections: Vec<Section>,
    more: Vec<String>,
}

pub(super) async fn today_page(state: &AppState, s: &Session) -> Response {
    let (ws, user) = (&s.actor.workspace.id, &s.actor.user.id);
    let t = match state.today_cache.get(ws, user, None) {
        Some(t) => t,
        None => {
            let generation = state.today_cache.generation(ws);
            match rapport_core::today::today_for(&state.db, &s.actor, now()).await {
                Ok(t) => {
                    let t = std::sync::Arc::new(t);
                    state.today_cache.put(ws, user, None, generation, t.clone());
                    t
                }
                Err(e) => return web_error(e.into()),
            }
        }
    };
    let mut sections: Vec<Section> = Vec::new();
    for i in &t.items {
        if sections
            .last()
            .is_none_or(|s| s.heading != i.kind.heading())
        {
            sections.push(Section {
                heading: i.kind.heading(),
                items: Vec::new(),
            });
        }
        let actions = match i.kind {
            TodayKind::BadNews => vec![("told", "Told them"), ("kept", "Kept")],
            TodayKind::MineDue => vec![("kept", "Kept"), ("at-risk", "At risk")],
            TodayKind::TheirsOverdue => vec![("kept", "They did it")],
            _ => Vec::new(),
        };
        if let Some(section) = sections.last_mut() {
            section.items.push(Item {
                contact_id: i.contact_id.to_string(),
                contact_name: i.contact_name.clone(),
                text: i.text.clone(),
                reason: i.reason.clone(),
                reminder: i.reminder.clone(),
                commitment_id: i.commitment_id.as_ref().map(ToString::to_string),
                actions,
            });
        }
    }
    let more = t
        .more
        .iter()
        .map(|m| format!("{} more of “{}”", m.count, m.kind.heading()))
        .collect();
    render(&TodayPage {
        title: "Today",
        csrf: s.csrf.clone(),
        date: t.date.strftime("%A %-d %B %Y").to_string(),
        sections,
        more,
    })
}

#[derive(Template)]
#[template(path = "contacts.html")]
struct ContactsPage {
    title: &'static str,
    csrf: String,
    q: String,
    selected_type: String,
    types: Vec<(&'static str, bool)>,
    contacts: Vec<Contact>,
    next: Option<String>,
    error: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct ContactsQuery {
    q: Option<String>,
    #[serde(rename = "type")]
    relationship: Option<String>,
    after: Option<String>,
}

const PAGE: u32 = 50;

async fn contacts_page(
    state: &AppState,
    s: &Session,
    q: ContactsQuery,
    error: Option<String>,
) -> Response {
    let relationship = q
        .relationship
        .as_deref()
        .filter(|t| !t.is_empty())
        .and_then(|t| t.parse::<RelationshipType>().ok());
    let after = match q.after.as_deref().and_then(ContactId::parse) {
        Some(id) => match state.db.contact(&s.actor.workspace.id, &id).await {
            Ok(Some(c)) => Some((c.name_folded(), c.id)),
            Ok(None) => None,
            Err(e) => return web_error(e.into()),
        },
        None => None,
    };
    let query = ContactQuery {
        relationship,
        search: q.q.clone().filter(|x| !x.trim().is_empty()),
        after,
        limit: Some(PAGE),
        ..ContactQuery::default()
    };
    let contacts = match service::list_contacts(&state.db, &s.actor, query).await {
        Ok(c) => c,
        Err(e) => return web_error(e.into()),
    };
    let next = (contacts.len() == PAGE as usize)
        .then(|| contacts.last().map(|c| c.id.to_string()))
        .flatten();
    render(&ContactsPage {
        title: "Contacts",
        csrf: s.csrf.clone(),
        q: q.q.unwrap_or_default(),
        selected_type: relationship
            .map(|r| r.as_str().to_owned())
            .unwrap_or_default(),
        types: RelationshipType::ALL
            .iter()
            .map(|t| (t.as_str(), Some(*t) == relationship))
            .collect(),
        contacts,
        next,
        error,
    })
}

async fn contacts(
    State(state): State<AppState>,
    session: WebSession,
    Query(q): Query<ContactsQuery>,
) -> Response {
    match signed_in(session) {
        Ok(s) => contacts_page(&state, &s, q, None).await,
        Err(r) => *r,
    }
}

#[derive(Debug, Deserialize)]
struct AddContactForm {
    csrf: String,
    name: String,
    #[serde(rename = "type")]
    relationship: Option<String>,
    organisation: Option<String>,
    email: Option<String>,
}

async fn add_contact(
    State(state): State<AppState>,
    session: WebSession,
    Form(f): Form<AddContactForm>,
) -> Response {
    let s = match signed_in(session) {
        Ok(s) => s,
        Err(r) => return *r,
    };
    if let Err(r) = csrf_ok(&s, &f.csrf) {
        return *r;
    }
    let relationship = match f.relationship.as_deref().filter(|t| !t.is_empty()) {
        Some(t) => match t.parse::<RelationshipType>() {
            Ok(r) => Some(r),
            Err(e) => {
                return contacts_page(&state, &s, ContactsQuery::default(), Some(e.message)).await;
            }
        },
        None => None,
    };
    let new = NewContact {
        name: f.name,
        organisation: f.organisation.filter(|o| !o.trim().is_empty()),
        relationship,
        emails: f
            .email
            .filter(|e| !e.trim().is_empty())
            .into_iter()
            .collect(),
        ..NewContact::default()
    };
    match service::add_contact(&state.db, &s.actor, new, now()).await {
        // The new contact's page names the contact it may duplicate, with a link.
        Ok(added) => match added.same_as.first() {
            Some(other) => redirect(&format!(
                "/contacts/{}?same_as={}",
                added.contact.id, other.id
            )),
            None => redirect(&format!("/contacts/{}", added.contact.id)),
        },
        Err(rapport_core::Error::Invalid(i)) => {
            let mut page =
                contacts_page(&state, &s, ContactsQuery::default(), Some(i.message)).await;
            *page.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            page
        }
        Err(e) => web_error(e.into()),
    }
}

struct TrustBlock {
    heading: &'static str,
    reading: String,
    next: String,
    explanation: Vec<String>,
}

fn trust_block(heading: &'static str, v: &DirectionView) -> TrustBlock {
    use rapport_core::trust::Status;
    let reading = match (v.status, v.score, v.band) {
        (Status::Known, Some(score), Some(band)) => format!("{score:.0} / 100 ({band:?})"),
        (Status::Early, _, Some(band)) => format!("An early read: {band:?}"),
        _ => "Not known yet: too few promises resolved".to_owned(),
    }
    .replace("Low", "low")
    .replace("High", "high")
    .replace("Moderate", "moderate");
    let next = format!(
        "Next kept promise: {:+.1} points; next broken: {:+.1}.{}",
        v.next.kept,
        v.next.broken,
        match (v.next.next_band, v.next.kept_to_next_band) {
            (Some(b), Some(k)) => format!(" {k} more kept reach {b:?}."),
            _ => String::new(),
        }
    );
    let explanation = v
        .explanation
        .iter()
        .map(|e| {
            format!(
                "{:+.1}: “{}”, {} on {}",
                e.contribution,
                e.text,
                e.outcome.replace('_', " "),
                e.resolved_at.strftime("%Y-%m-%d")
            )
        })
        .collect();
    TrustBlock {
        heading,
        reading,
        next,
        explanation,
    }
}

struct CommitmentLine {
    id: String,
    line: String,
    actions: Vec<(&'static str, &'static str)>,
}

#[derive(Template)]
#[template(path = "contact.html")]
struct ContactPage {
    title: String,
    csrf: String,
    id: String,
    name: String,
    summary: String,
    error: Option<String>,
    /// Another contact with the same email or phone as this one, just added: (id, name).
    same_as: Option<(String, String)>,
    trust: Vec<TrustBlock>,
    commitments: Vec<CommitmentLine>,
    facts: Vec<String>,
    upcoming: Vec<String>,
    requests: Vec<RequestLine>,
    timeline: Vec<String>,
    appreciation: String,
    gestures: Vec<String>,
    deals: Vec<DealLine>,
    /// Deals not shown, and the page that lists them all.
    deals_more: Option<(u64, String)>,
}

struct RequestLine {
    id: String,
    line: String,
    /// Whether we know why it matters to them (else: ask, and a form to write it down).
    why_known: bool,
}

struct DealLine {
    id: String,
    line: String,
    open: bool,
}

async fn contact_page(
    state: &AppState,
    s: &Session,
    id: &str,
    error: Option<String>,
) -> Result<Response, ApiError> {
    contact_page_with(state, s, id, error, None).await
}

async fn contact_page_with(
    state: &AppState,
    s: &Session,
    id: &str,
    error: Option<String>,
    same_as: Option<(String, String)>,
) -> Result<Response, ApiError> {
    let cid = ContactId::parse(id).ok_or_else(|| ApiError::not_found("contact"))?;
    let c = state
        .db
        .contact(&s.actor.workspace.id, &cid)
        .await?
        .ok_or_else(|| ApiError::not_found("contact"))?;
    let n = now();
    let brief = rapport_core::brief::brief(&state.db, &s.actor, c.id.as_str(), n).await?;
    let card = service::card_of(&state.db, &s.actor, c.clone()).await?;
    let timeline = service::timeline(&state.db, &s.actor, c.id.as_str(), None, 20)
        .await?
        .1
        .iter()
        .map(|i| {
            let said = i
                .they_said
                .as_deref()
                .map_or(String::new(), |t| format!(" — they said: {t}"));
            format!(
                "{} · {}: {}{said}",
                i.occurred_at.strftime("%Y-%m-%d"),
                i.kind,
                i.summary
            )
        })
        .collect();
    let open = ledger::list_commitments(
        &state.db,
        &s.actor,
        CommitmentQuery {
            contact: Some(c.id.to_string()),
            open_only: true,
            limit: Some(200),
            ..CommitmentQuery::default()
        },
    )
    .await?;
    let commitments = open
        .iter()
        .map(|k| {
            let who = match k.direction {
                Direction::Mine => "I promised",
                Direction::Theirs => "They promised",
            };
            let flag = if k.needs_telling() {
                " — at risk, they have not been told"
            } else if k.is_overdue(n) {
                " — overdue"
            } else {
                ""
            };
            let actions = match k.direction {
                Direction::Mine if k.needs_telling() => {
                    vec![("told", "Told them"), ("kept", "Kept")]
                }
                Direction::Mine => vec![
                    ("kept", "Kept"),
                    ("at-risk", "At risk"),
                    ("broken", "Broken"),
                ],
                Direction::Theirs => vec![("kept", "They did it"), ("broken", "They did not")],
            };
            CommitmentLine {
                id: k.id.to_string(),
                line: format!("{who}: {} (due {}){flag}", k.text, k.due),
                actions,
            }
        })
        .collect();
    let upcoming = brief
        .upcoming_dates
        .iter()
        .map(|u| {
            let when = match u.in_days {
                0 => "today".to_owned(),
                1 => "tomorrow".to_owned(),
                d => format!("in {d} days"),
            };
            format!("{} — {} ({when})", u.fact.describe(), u.next)
        })
        .collect();
    let requests = state
        .db
        .requests(&s.actor.workspace.id, Some(&c.id), false, None, 100)
        .await?
        .into_iter()
        .rev()
        .map(|r| RequestLine {
            id: r.id.to_string(),
            line: match &r.why {
                Some(w) => format!("{} — why: {w}", r.text),
                None => format!("{} — why it matters to them is not known yet: ask", r.text),
            },
            why_known: r.why.is_some(),
        })
        .collect();
    let a = &brief.appreciation;
    let appreciation = format!(
        "{} Next: {} ({}).",
        match (&a.last, a.next_due) {
            (Some(g), Some(d)) =>
                format!("Last gesture {} ({}); next due {d}.", g.given_on, g.text),
            (Some(g), None) => format!("Last gesture {} ({}).", g.given_on, g.text),
            (None, Some(d)) => format!("No gesture yet; one is due {d}."),
            (None, None) => "No gestures planned for this kind of relationship.".to_owned(),
        },
        a.suggestion.text,
        a.suggestion.why
    );
    let gestures = rapport_core::gesture::list(&state.db, &s.actor, Some(c.id.as_str()), None, 20)
        .await?
        .into_iter()
        .map(|(g, _)| format!("{} · {}: {} ({})", g.given_on, g.kind, g.text, g.cost))
        .collect();
    let contact_deals = rapport_core::deal::list(
        &state.db,
        &s.actor,
        &rapport_core::deal::DealQuery {
            filter: rapport_core::store::DealFilter {
                contact: Some(c.id.clone()),
                ..Default::default()
            },
            after: None,
            limit: CONTACT_DEALS,
        },
        n,
    )
    .await?;
    let deals_more =
        (contact_deals.more > 0).then(|| (contact_deals.more, format!("/deals?contact={}", c.id)));
    let deals = contact_deals
        .items
        .into_iter()
        .map(|d| {
            let mut flags = Vec::new();
            if d.gives_outrun_gets {
                flags.push("gives outrun gets");
            }
            if d.trust_gate {
                flags.push("trust gate: their promises read low");
            }
            let flags = if flags.is_empty() {
                String::new()
            } else {
                format!(" — {}", flags.join("; "))
            };
            DealLine {
                id: d.deal.id.to_string(),
                line: format!(
                    "{}: {} ({}){flags}",
                    d.deal.title, d.deal.value, d.deal.stage
                ),
                open: d.deal.stage.is_open(),
            }
        })
        .collect();
    let org = c
        .organisation
        .as_deref()
        .map_or(String::new(), |o| format!(" at {o}"));
    let page = ContactPage {
        title: c.name.clone(),
        csrf: s.csrf.clone(),
        id: c.id.to_string(),
        name: c.name.clone(),
        summary: format!(
            "{}{org}{}{}",
            c.relationship,
            if c.vip { ", VIP" } else { "" },
            if c.is_archived() { " (archived)" } else { "" }
        ),
        error,
        same_as,
        trust: vec![
            trust_block("My promises to them", &brief.trust_mine),
            trust_block("Their promises to me", &brief.trust_theirs),
        ],
        commitments,
        facts: card.facts.iter().map(|f| f.describe()).collect(),
        upcoming,
        requests,
        timeline,
        appreciation,
        gestures,
        deals,
        deals_more,
    };
    Ok(render(&page))
}

#[derive(Debug, Deserialize)]
struct ContactPageQuery {
    /// Set after adding a contact that shares an email or phone with this one.
    same_as: Option<String>,
}

async fn contact(
    State(state): State<AppState>,
    session: WebSession,
    Path(id): Path<String>,
    Query(q): Query<ContactPageQuery>,
) -> Response {
    let s = match signed_in(session) {
        Ok(s) => s,
        Err(r) => return *r,
    };
    // Only a contact of this workspace is named; anything else is ignored.
    let mut same_as = None;
    if let Some(other) = q.same_as.as_deref().and_then(ContactId::parse) {
        match state.db.contact(&s.actor.workspace.id, &other).await {
            Ok(Some(c)) => same_as = Some((c.id.to_string(), c.name)),
            Ok(None) => {}
            Err(e) => return web_error(e.into()),
        }
    }
    contact_page_with(&state, &s, &id, None, same_as)
        .await
        .unwrap_or_else(web_error)
}

#[derive(Debug, Deserialize)]
struct PromiseForm {
    csrf: String,
    direction: String,
    text: String,
    due: String,
}

async fn add_commitment(
    State(state): State<AppState>,
    session: WebSession,
    Path(id): Path<String>,
    Form(f): Form<PromiseForm>,
) -> Response {
    let s = match signed_in(session) {
        Ok(s) => s,
        Err(r) => return *r,
    };
    if let Err(r) = csrf_ok(&s, &f.csrf) {
        return *r;
    }
    let Some(cid) = ContactId::parse(&id) else {
        return web_error(ApiError::not_found("contact"));
    };
    let n = now();
    let attempt = async {
        let direction = match f.direction.as_str() {
            "theirs" => Direction::Theirs,
            _ => Direction::Mine,
        };
        let due = Due::parse(&f.due, n, &s.actor.workspace.tz())?;
        let new = NewCommitment {
            direction,
            text: f.text,
            due,
            size: Size::Normal,
            source_interaction: None,
        };
        ledger::record_commitment(&state.db, &s.actor, cid.as_str(), new, false, n).await
    }
    .await;
    match attempt {
        Ok(_) => redirect(&format!("/contacts/{cid}")),
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

#[derive(Debug, Deserialize)]
struct ActionForm {
    csrf: String,
    back: Option<String>,
}

async fn commitment_action(
    State(state): State<AppState>,
    session: WebSession,
    headers: axum::http::HeaderMap,
    Path((id, action)): Path<(String, String)>,
    Form(f): Form<ActionForm>,
) -> Response {
    // Sent by htmx: answer the item's new line, swapped in place, instead of a redirect.
    let in_place = headers
        .get("hx-request")
        .is_some_and(|v| v.as_bytes() == b"true");
    let s = match signed_in(session) {
        Ok(s) => s,
        Err(r) => return *r,
    };
    if let Err(r) = csrf_ok(&s, &f.csrf) {
        return *r;
    }
    let n = now();
    let done = match action.as_str() {
        "kept" => ledger::resolve(&state.db, &s.actor, &id, Outcome::Kept, None, false, n).await,
        "broken" => {
            ledger::resolve(&state.db, &s.actor, &id, Outcome::Broken, None, false, n).await
        }
        "at-risk" => ledger::flag_at_risk(&state.db, &s.actor, &id, None, n).await,
        "told" => ledger::told(&state.db, &s.actor, &id, None, n).await,
        _ => return web_error(ApiError::not_found("action")),
    };
    match done {
        Ok(_) if in_place => {
            let what = match action.as_str() {
                "kept" => "Marked kept",
                "broken" => "Marked broken",
                "at-risk" => "Flagged at risk: tell them now",
                _ => "Marked as told",
            };
            Html(format!("<li role=\"status\">✓ {what}</li>")).into_response()
        }
        Ok(_) => redirect(&back_to(f.back.as_deref(), "/today")),
        Err(e) => web_error(e.into()),
    }
}

/// A deal on the board.
struct Card {
    id: String,
    contact_id: String,
    /// "title — contact"
    title: String,
    /// value and flags
    note: String,
    open: bool,
}
/// A column of the board.
struct Column {
    stage: &'static str,
    /// "3 deals · 12,500.00"
    summary: String,
    cards: Vec<Card>,
    /// Deals of the stage not shown, and the link that shows them.
    more: Option<(u64, String)>,
}

#[derive(Template)]
#[template(path = "deals.html")]
struct DealsPage {
    title: &'static str,
    csrf: String,
    /// When one stage is listed page by page: its name.
    heading: String,
    columns: Vec<Column>,
    stages: Vec<&'static str>,
}

/// Deals shown per stage on the board before "show all".
const BOARD_PER_STAGE: u32 = 20;
/// Deals per page when one stage (or contact) is listed.
const STAGE_PAGE: u32 = 100;
/// Deals shown on a contact's page before "show all".
const CONTACT_DEALS: u32 = 20;

fn card_of(d: &rapport_core::deal::DealView) -> Card {
    let mut note = d.deal.value.to_string();
    if d.gives_outrun_gets {
        note.push_str(" · gives outrun gets");
    }
    if d.trust_gate {
        note.push_str(" · trust gate");
    }
    Card {
        id: d.deal.id.to_string(),
        contact_id: d.deal.contact_id.to_string(),
        title: format!("{} — {}", d.deal.title, d.contact_name),
        note,
        open: d.deal.stage.is_open(),
    }
}

fn deal_count(n: u64) -> String {
    if n == 1 {
        "1 deal".to_owned()
    } else {
        format!("{n} deals")
    }
}

#[derive(Debug, Deserialize)]
struct DealsQuery {
    /// One stage, listed page by page.
    stage: Option<String>,
    /// One contact's deals, listed page by page.
    contact: Option<String>,
    /// The page after this deal.
    after: Option<String>,
}

/// The deals board: each stage with its count and total (counted in the database, every
/// deal), its first deals, and a link to the rest; or one stage, page by page.
async fn deals(
    State(state): State<AppState>,
    session: WebSession,
    Query(q): Query<DealsQuery>,
) -> Response {
    use rapport_core::deal::{self, Stage};
    let s = match signed_in(session) {
        Ok(s) => s,
        Err(r) => return *r,
    };
    let stages = Stage::ALL.iter().map(|st| st.as_str()).collect();
    let n = now();
    let stage = q.stage.as_deref().filter(|t| !t.is_empty());
    let contact = q.contact.as_deref().filter(|t| !t.is_empty());
    if stage.is_none() && contact.is_none() {
        let board = match deal::board(&state.db, &s.actor, BOARD_PER_STAGE, n).await {
            Ok(b) => b,
            Err(e) => return web_error(e.into()),
        };
        let columns = board
            .iter()
            .map(|col| {
                let shown = col.deals.len() as u64;
                Column {
                    stage: col.total.stage.as_str(),
                    summary: format!("{} · {}", deal_count(col.total.count), col.total.value),
                    cards: col.deals.iter().map(card_of).collect(),
                    more: (col.total.count > shown).then(|| {
                        (
                            col.total.count - shown,
                            format!("/deals?stage={}", col.total.stage),
                        )
                    }),
                }
            })
            .collect();
        return render(&DealsPage {
            title: "Deals",
            csrf: s.csrf.clone(),
            heading: "Deals".into(),
            columns,
            stages,
        });
    }
    let result = async {
        let stage: Option<Stage> = stage.map(str::parse).transpose()?;
        let contact = match contact {
            Some(c) => Some(service::resolve_contact(&state.db, &s.actor, c).await?),
            None => None,
        };
        let after = match q.after.as_deref().filter(|t| !t.is_empty()) {
            Some(id) => Some(
                deal::view(&state.db, &s.actor, id, n)
                    .await?
                    .deal
                    .after_key(),
            ),
            None => None,
        };
        let filter = rapport_core::store::DealFilter {
            stage,
            contact: contact.as_ref().map(|c| c.id.clone()),
            ..Default::default()
        };
        let query = deal::DealQuery {
            filter,
            after,
            limit: STAGE_PAGE,
        };
        let page = deal::list(&state.db, &s.actor, &query, n).await?;
        let count = page.total;
        Ok::<_, rapport_core::Error>((stage, contact, page, count))
    }
    .await;
    let (stage, contact, page, count) = match result {
        Ok(r) => r,
        Err(e) => return web_error(e.into()),
    };
    let mut heading = "Deals".to_owned();
    let mut again = "/deals?".to_owned();
    if let Some(st) = stage {
        heading.push_str(&format!(" at {st}"));
        again.push_str(&format!("stage={st}&"));
    }
    if let Some(c) = &contact {
        heading.push_str(&format!(" with {}", c.name));
        again.push_str(&format!("contact={}&", c.id));
    }
    let next = page.next().map(|(_, _, id)| id);
    render(&DealsPage {
        title: "Deals",
        csrf: s.csrf.clone(),
        heading,
        columns: vec![Column {
            stage: stage.map_or("all stages", Stage::as_str),
            summary: deal_count(count),
            cards: page.items.iter().map(card_of).collect(),
            more: next.map(|id| (page.more, format!("{again}after={id}"))),
        }],
        stages,
    })
}

#[derive(Template)]
#[template(path = "settings.html")]
struct SettingsPage {
    title: &'static str,
    csrf: String,
    error: Option<String>,
    shown_once: Option<ShownOnce>,
    time_zone: String,
    promise_load: u32,
    budget: String,
    rules: Vec<String>,
    touch_rules: Vec<String>,
    /// The member's daily digest hour, or empty (off).
    digest_at: String,
    audiences: Vec<&'static str>,
    members: Vec<String>,
    /// (id, description, revocable)
    tokens: Vec<(String, String, bool)>,
}

/// A secret shown on the settings page once (a new API token, an invitation link).
struct ShownOnce {
    what: String,
    value: String,
}

async fn settings_page(
    state: &AppState,
    s: &Session,
    error: Option<String>,
    shown_once: Option<ShownOnce>,
) -> Result<Response, ApiError> {
    let n = now();
    let b = rapport_core::gesture::budget(&state.db, &s.actor, None, n).await?;
    let budget = match (b.budget, b.remaining) {
        (Some(total), Some(left)) => {
            format!(
                "{}: {} spent of a {} budget; {} remaining.",
                b.year, b.spent, total, left
            )
        }
        _ => format!("{}: {} spent; no budget set.", b.year, b.spent),
    };
    let rules = rapport_core::gesture::rules(&state.db, &s.actor)
        .await?
        .iter()
        .map(|r| {
            format!(
                "{}: {}{}",
                r.audience.as_str(),
                r.days
                    .map_or_else(|| "no gestures".to_owned(), |d| format!("every {d} days")),
                if r.custom { "" } else { " (default)" }
            )
        })
        .collect();
    let touch_rules = rapport_core::touch::rules(&s.actor.workspace.touch_rules)
        .iter()
        .map(|r| {
            format!(
                "{}: {}{}",
                r.audience.as_str(),
                r.days.map_or_else(
                    || "never goes cold".to_owned(),
                    |d| format!("every {d} days")
                ),
                if r.overridden { "" } else { " (default)" }
            )
        })
        .collect();
    let digest_at = state.db.digest_at(&s.actor).await?.unwrap_or_default();
    let members = state
        .db
        .members(&s.actor.workspace.id)
        .await?
        .iter()
        .map(|m| {
            format!(
                "{} ({}), {}",
                m.name,
                m.email.as_deref().unwrap_or("no email"),
                m.role
            )
        })
        .collect();
    let tokens = state
        .db
        .tokens(&s.actor)
        .await?
        .iter()
        .map(|t| {
            let state_text = match (t.revoked_at, t.last_used_at) {
                (Some(r), _) => format!("revoked {}", r.strftime("%Y-%m-%d")),
                (None, Some(u)) => format!("last used {}", u.strftime("%Y-%m-%d %H:%M")),
                (None, None) => "never used".to_owned(),
            };
            (
                t.id.to_string(),
                format!(
                    "{}, created {} ({state_text})",
                    t.name,
                    t.created_at.strftime("%Y-%m-%d")
                ),
                t.revoked_at.is_none(),
            )
        })
        .collect();
    Ok(render(&SettingsPage {
        title: "Settings",
        csrf: s.csrf.clone(),
        error,
        shown_once,
        time_zone: s.actor.workspace.time_zone.clone(),
        promise_load: s.actor.workspace.promise_load_threshold,
        budget,
        rules,
        touch_rules,
        digest_at,
        audiences: rapport_core::gesture::Audience::all()
            .into_iter()
            .map(|a| a.as_str())
            .collect(),
        members,
        tokens,
    }))
}

async fn settings(State(state): State<AppState>, session: WebSession) -> Response {
    let s = match signed_in(session) {
        Ok(s) => s,
        Err(r) => return *r,
    };
    settings_page(&state, &s, None, None)
        .await
        .unwrap_or_else(web_error)
}

#[derive(Debug, Deserialize)]
struct SettingsForm {
    csrf: String,
    time_zone: String,
    promise_load: String,
}

async fn save_settings(
    State(state): State<AppState>,
    session: WebSession,
    Form(f): Form<SettingsForm>,
) -> Response {
    let s = match signed_in(session) {
        Ok(s) => s,
        Err(r) => return *r,
    };
    if let Err(r) = csrf_ok(&s, &f.csrf) {
        return *r;
    }
    let promise_load = match f.promise_load.trim().parse::<u32>() {
        Ok(n) => n,
        Err(_) => {
            return settings_page(
                &state,
                &s,
                Some("The promise load is a number.".into()),
                None,
            )
            .await
            .unwrap_or_else(web_error);
        }
    };
    let update = rapport_core::usecases::settings::SettingsUpdate {
        time_zone: Some(f.time_zone),
        promise_load_threshold: Some(promise_load),
        ..Default::default()
    };
    match rapport_core::usecases::settings::update(&state.db, &s.actor, &update).await {
        Ok(_) => redirect("/settings"),
        Err(rapport_core::Error::Invalid(i)) => settings_page(&state, &s, Some(i.message), None)
            .await
            .unwrap_or_else(web_error),
        Err(e) => web_error(e.into()),
    }
}

#[derive(Debug, Deserialize)]
struct TokenForm {
    csrf: String,
    name: String,
}

async fn create_token(
    State(state): State<AppState>,
    session: WebSession,
    Form(f): Form<TokenForm>,
) -> Response {
    let s = match signed_in(session) {
        Ok(s) => s,
        Err(r) => return *r,
    };
    if let Err(r) = csrf_ok(&s, &f.csrf) {
        return *r;
    }
    let attempt = rapport_core::usecases::tokens::create(&state.db, &s.actor, &f.name, now()).await;
    // Shown once, on this page; never stored or shown again.
    match attempt {
        Ok(made) => {
            let shown = ShownOnce {
                what: "Your new API token".into(),
                value: made.token,
            };
            settings_page(&state, &s, None, Some(shown)).await
        }
        Err(rapport_core::Error::Invalid(i)) => {
            settings_page(&state, &s, Some(i.message), None).await
        }
        Err(e) => Err(e.into()),
    }
    .unwrap_or_else(web_error)
}

async fn revoke_token(
    State(state): State<AppState>,
    session: WebSession,
    Path(id): Path<String>,
    Form(f): Form<ActionForm>,
) -> Response {
    let s = match signed_in(session) {
        Ok(s) => s,
        Err(r) => return *r,
    };
    if let Err(r) = csrf_ok(&s, &f.csrf) {
        return *r;
    }
    let Some(id) = TokenId::parse(&id) else {
        return web_error(ApiError::not_found("token"));
    };
    match state.db.revoke_token(&s.actor, &id, now()).await {
        Ok(()) => redirect("/settings"),
        Err(e) => web_error(e.into()),
    }
}

#[derive(Debug, Deserialize)]
struct BudgetForm {
    csrf: String,
    amount: String,
}

async fn set_budget(
    State(state): State<AppState>,
    session: WebSession,
    Form(f): Form<BudgetForm>,
) -> Response {
    let s = match signed_in(session) {
        Ok(s) => s,
        Err(r) => return *r,
    };
    if let Err(r) = csrf_ok(&s, &f.csrf) {
        return *r;
    }
    let year = rapport_core::today::day_of(now(), &s.actor.workspace.tz()).year();
    match rapport_core::gesture::set_budget(&state.db, &s.actor, year, &f.amount).await {
        Ok(_) => redirect("/settings"),
        Err(rapport_core::Error::Invalid(i)) => settings_page(&state, &s, Some(i.message), None)
            .await
            .unwrap_or_else(web_error),
        Err(e) => web_error(e.into()),
    }
}

#[derive(Debug, Deserialize)]
struct AppreciationForm {
    csrf: String,
    audience: String,
    every: String,
}

#[derive(Debug, Deserialize)]
struct CsrfOnly {
    csrf: String,
}

/// The address this server is reached at, for links handed out (invitations, the feed):
/// the configured public URL, never the request's Host header (which a client chooses).
fn base_url(state: &AppState) -> String {
    state.config.public_url.trim_end_matches('/').to_owned()
}

async fn rotate_feed(
    State(state): State<AppState>,
    session: WebSession,
    Form(f): Form<CsrfOnly>,
) -> Response {
    let s = match signed_in(session) {
        Ok(s) => s,
        Err(r) => return *r,
    };
    if let Err(r) = csrf_ok(&s, &f.csrf) {
        return *r;
    }
    match rapport_core::feed::rotate(&state.db, &s.actor, now()).await {
        Ok(path) => {
            let shown = ShownOnce {
                what: "Your calendar feed URL (subscribe to it in your calendar app)".into(),
                value: format!("{}{path}", base_url(&state)),
            };
            settings_page(&state, &s, None, Some(shown)).await
        }
        Err(e) => Err(e.into()),
    }
    .unwrap_or_else(web_error)
}

#[derive(Debug, Deserialize)]
struct InviteForm {
    csrf: String,
    name: String,
    email: String,
    role: String,
}

async fn invite_member(
    State(state): State<AppState>,
    session: WebSession,
    Form(f): Form<InviteForm>,
) -> Response {
    let s = match signed_in(session) {
        Ok(s) => s,
        Err(r) => return *r,
    };
    if let Err(r) = csrf_ok(&s, &f.csrf) {
        return *r;
    }
    let attempt = async {
        let role: rapport_core::workspace::Role = f.role.parse()?;
        let token = crate::auth::secret(32)?;
        let invite = rapport_core::account::invite(
            &state.db,
            &s.actor,
            &f.email,
            &f.name,
            role,
            crate::auth::digest(&token),
            now(),
        )
        .await?;
        Ok::<_, ApiError>((invite, token))
    }
    .await;
    match attempt {
        Ok((invite, token)) => {
            // The link as the owner reaches this server (they pass it on by hand).
            let base = base_url(&state);
            let shown = ShownOnce {
                what: format!(
                    "Send {} this link to choose a password; it works once, for {} days",
                    invite.email,
                    rapport_core::account::INVITE_DAYS
                ),
                value: format!("{base}/invite/{token}"),
            };
            settings_page(&state, &s, None, Some(shown)).await
        }
        Err(e) => settings_page(&state, &s, Some(e.message.clone()), None)
            .await
            .map(|mut r| {
                *r.status_mut() = e.status;
                r
            }),
    }
    .unwrap_or_else(web_error)
}

#[derive(Debug, Deserialize)]
struct DigestForm {
    csrf: String,
    at: String,
}

async fn set_digest(
    State(state): State<AppState>,
    session: WebSession,
    Form(f): Form<DigestForm>,
) -> Response {
    let s = match signed_in(session) {
        Ok(s) => s,
        Err(r) => return *r,
    };
    if let Err(r) = csrf_ok(&s, &f.csrf) {
        return *r;
    }
    let update = rapport_core::usecases::settings::SettingsUpdate {
        digest_at: Some(f.at),
        ..Default::default()
    };
    match rapport_core::usecases::settings::update(&state.db, &s.actor, &update).await {
        Ok(_) => redirect("/settings"),
        Err(rapport_core::Error::Invalid(i)) => settings_page(&state, &s, Some(i.message), None)
            .await
            .map(|mut r| {
                *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
                r
            })
            .unwrap_or_else(web_error),
        Err(e) => web_error(e.into()),
    }
}

async fn set_keep_in_touch(
    State(state): State<AppState>,
    session: WebSession,
    Form(f): Form<AppreciationForm>,
) -> Response {
    let s = match signed_in(session) {
        Ok(s) => s,
        Err(r) => return *r,
    };
    if let Err(r) = csrf_ok(&s, &f.csrf) {
        return *r;
    }
    let rule = format!("{}={}", f.audience, f.every);
    match rapport_core::touch::set_rules(&state.db, &s.actor, &[rule]).await {
        Ok(_) => redirect("/settings"),
        Err(rapport_core::Error::Invalid(i)) => settings_page(&state, &s, Some(i.message), None)
            .await
            .map(|mut r| {
                *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
                r
            })
            .unwrap_or_else(web_error),
        Err(e) => web_error(e.into()),
    }
}

async fn set_appreciation(
    State(state): State<AppState>,
    session: WebSession,
    Form(f): Form<AppreciationForm>,
) -> Response {
    let s = match signed_in(session) {
        Ok(s) => s,
        Err(r) => return *r,
    };
    if let Err(r) = csrf_ok(&s, &f.csrf) {
        return *r;
    }
    let rule = format!("{}={}", f.audience, f.every);
    match rapport_core::gesture::set_rule(&state.db, &s.actor, &rule).await {
        Ok(_) => redirect("/settings"),
        Err(rapport_core::Error::Invalid(i)) => settings_page(&state, &s, Some(i.message), None)
            .await
            .unwrap_or_else(web_error),
        Err(e) => web_error(e.into()),
    }
}

/// After a form on a contact's page: back to the page, or the page with the refusal.
async fn contact_form_result(
    state: &AppState,
    s: &Session,
    cid: &ContactId,
    done: Result<(), rapport_core::Error>,
) -> Response {
    let status = match &done {
        Ok(()) => return redirect(&format!("/contacts/{cid}")),
        Err(rapport_core::Error::Invalid(_)) => StatusCode::UNPROCESSABLE_ENTITY,
        Err(rapport_core::Error::Conflict(_)) => StatusCode::CONFLICT,
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR,
    };
    let message = match done {
        Err(rapport_core::Error::Invalid(i)) => i.message,
        Err(rapport_core::Error::Conflict(m)) => m,
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

/// The signed-in session and the contact of a contact-page form, CSRF checked.
fn form_context(
    session: WebSession,
    csrf: &str,
    id: &str,
) -> Result<(Session, ContactId), Box<Response>> {
    let s = signed_in(session)?;
    csrf_ok(&s, csrf)?;
    let cid =
        ContactId::parse(id).ok_or_else(|| Box::new(web_error(ApiError::not_found("contact"))))?;
    Ok((s, cid))
}

#[derive(Debug, Deserialize)]
struct RequestForm {
    csrf: String,
    text: String,
    why: Option<String>,
}

async fn add_request(
    State(state): State<AppState>,
    session: WebSession,
    Path(id): Path<String>,
    Form(f): Form<RequestForm>,
) -> Response {
    let (s, cid) = match form_context(session, &f.csrf, &id) {
        Ok(v) => v,
        Err(r) => return *r,
    };
    let why = f.why.as_deref().filter(|w| !w.trim().is_empty());
    let done = ledger::add_request(&state.db, &s.actor, cid.as_str(), &f.text, why, None, now())
        .await
        .map(|_| ());
    contact_form_result(&state, &s, &cid, done).await
}

#[derive(Debug, Deserialize)]
struct WhyForm {
    csrf: String,
    why: String,
}

async fn set_why(
    State(state): State<AppState>,
    session: WebSession,
    Path(id): Path<String>,
    Form(f): Form<WhyForm>,
) -> Response {
    let s = match signed_in(session) {
        Ok(s) => s,
        Err(r) => return *r,
    };
    if let Err(r) = csrf_ok(&s, &f.csrf) {
        return *r;
    }
    let r = match ledger::request(&state.db, &s.actor, &id).await {
        Ok(r) => r,
        Err(e) => return web_error(e.into()),
    };
    let done = ledger::update_request(
        &state.db,
        &s.actor,
        r.id.as_str(),
        Some(&f.why),
        None,
        now(),
    )
    .await
    .map(|_| ());
    contact_form_result(&state, &s, &r.contact_id, done).await
}

#[derive(Debug, Deserialize)]
struct FactForm {
    csrf: String,
    kind: String,
    text: String,
    relation: Option<String>,
    date: Option<String>,
}

async fn add_fact(
    State(state): State<AppState>,
    session: WebSession,
    Path(id): Path<String>,
    Form(f): Form<FactForm>,
) -> Response {
    let (s, cid) = match form_context(session, &f.csrf, &id) {
        Ok(v) => v,
        Err(r) => return *r,
    };
    let done = async {
        let new = rapport_core::fact::NewFact {
            kind: f.kind.parse()?,
            text: f.text,
            relation: f.relation.filter(|r| !r.trim().is_empty()),
            date: f
                .date
                .as_deref()
                .filter(|d| !d.trim().is_empty())
                .map(str::parse)
                .transpose()?,
        };
        service::add_fact(&state.db, &s.actor, cid.as_str(), new, now()).await?;
        Ok::<_, rapport_core::Error>(())
    }
    .await;
    contact_form_result(&state, &s, &cid, done).await
}

#[derive(Debug, Deserialize)]
struct LogForm {
    csrf: String,
    kind: String,
    summary: String,
    they_said: Option<String>,
    at: Option<String>,
}

async fn log_interaction(
    State(state): State<AppState>,
    session: WebSession,
    Path(id): Path<String>,
    Form(f): Form<LogForm>,
) -> Response {
    let (s, cid) = match form_context(session, &f.csrf, &id) {
        Ok(v) => v,
        Err(r) => return *r,
    };
    let n = now();
    let done = async {
        let occurred_at = match f.at.as_deref().filter(|t| !t.trim().is_empty()) {
            Some(t) => rapport_core::dates::parse_moment(t, n, &s.actor.workspace.tz())?,
            None => n,
        };
        let new = rapport_core::interaction::NewInteraction {
            kind: f.kind.parse()?,
            occurred_at,
            summary: f.summary,
            they_said: f.they_said.filter(|t| !t.trim().is_empty()),
            i_said: None,
        };
        service::log_interaction(&state.db, &s.actor, cid.as_str(), new, n).await?;
        Ok::<_, rapport_core::Error>(())
    }
    .await;
    contact_form_result(&state, &s, &cid, done).await
}

#[derive(Debug, Deserialize)]
struct GestureForm {
    csrf: String,
    kind: String,
    text: String,
    cost: Option<String>,
    on: Option<String>,
}

async fn add_gesture(
    State(state): State<AppState>,
    session: WebSession,
    Path(id): Path<String>,
    Form(f): Form<GestureForm>,
) -> Response {
    let (s, cid) = match form_context(session, &f.csrf, &id) {
        Ok(v) => v,
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
struct DealForm {
    csrf: String,
    title: String,
    value: Option<String>,
    stage: Option<String>,
    close: Option<String>,
}

async fn add_deal(
    State(state): State<AppState>,
    session: WebSession,
    Path(id): Path<String>,
    Form(f): Form<DealForm>,
) -> Response {
    let (s, cid) = match form_context(session, &f.csrf, &id) {
        Ok(v) => v,
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
struct StageForm {
    csrf: String,
    stage: String,
}

async fn move_deal(
    State(state): State<AppState>,
    session: WebSession,
    Path(id): Path<String>,
    Form(f): Form<StageForm>,
) -> Response {
    let s = match signed_in(session) {
        Ok(s) => s,
        Err(r) => return *r,
    };
    if let Err(r) = csrf_ok(&s, &f.csrf) {
        return *r;
    }
    let done = async {
        let stage = f.stage.parse()?;
        rapport_core::deal::set_stage(&state.db, &s.actor, &id, stage, now()).await
    }
    .await;
    match done {
        Ok(_) => redirect("/deals"),
        Err(e) => web_error(e.into()),
    }
}

#[derive(Debug, Deserialize)]
struct TermForm {
    csrf: String,
    kind: String,
    text: String,
}

async fn add_term(
    State(state): State<AppState>,
    session: WebSession,
    Path(id): Path<String>,
    Form(f): Form<TermForm>,
) -> Response {
    let s = match signed_in(session) {
        Ok(s) => s,
        Err(r) => return *r,
    };
    if let Err(r) = csrf_ok(&s, &f.csrf) {
        return *r;
    }
    let done = async {
        let kind = f.kind.parse()?;
        rapport_core::deal::add_term(&state.db, &s.actor, &id, kind, &f.text, now()).await
    }
    .await;
    match done {
        Ok(d) => redirect(&format!("/contacts/{}", d.deal.contact_id)),
        Err(e) => web_error(e.into()),
    }
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
