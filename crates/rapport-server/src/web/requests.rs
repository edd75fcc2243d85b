//! What contacts asked for, across the workspace: the list `rapport requests` prints, 50 a
//! page (oldest first, the backlog), only those whose why is unknown when asked, one
//! contact's when asked. A why is written down here or on the contact's page; a request is
//! answered by linking it to the promise that meets it (`rapport answer`), on the contact's
//! page where their promises are.

use super::page_prelude::*;

#[derive(Template)]
#[template(path = "requests.html")]
pub(super) struct RequestsPage {
    title: String,
    csrf: String,
    /// Only those whose why is unknown.
    open: bool,
    /// Only this contact's: (id, name).
    contact: Option<(String, String)>,
    rows: Vec<RequestRow>,
    /// One contact's page: my open promises to them, to answer a request with (id, text).
    answer_choices: Vec<(String, String)>,
    /// A page after the first.
    paged: bool,
    /// This page's address, where the forms come back to.
    here: String,
    next: Option<String>,
}

pub(super) struct RequestRow {
    id: String,
    contact_id: String,
    contact_name: String,
    text: String,
    why: Option<String>,
    /// The promise that answers it.
    answered_by: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(super) struct RequestsQuery {
    open: Option<String>,
    contact: Option<String>,
    after: Option<String>,
}

const PAGE: u32 = 50;

fn given(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|t| !t.is_empty())
}

pub(super) async fn requests_page(
    State(state): State<AppState>,
    session: WebSession,
    Query(q): Query<RequestsQuery>,
) -> Response {
    let s = match signed_in(session) {
        Ok(s) => s,
        Err(r) => return *r,
    };
    let open = given(&q.open).is_some();
    let contact = match given(&q.contact) {
        Some(r) => match service::resolve_contact(&state.db, &s.actor, r).await {
            Ok(c) => Some(c),
            Err(e) => return web_error(e.into()),
        },
        None => None,
    };
    // One more than shown says whether there is a next page.
    let mut items = match ledger::requests(
        &state.db,
        &s.actor,
        contact.as_ref().map(|c| c.id.as_str()),
        open,
        given(&q.after),
        PAGE + 1,
    )
    .await
    {
        Ok(items) => items,
        Err(e) => return web_error(e.into()),
    };
    let more = items.len() > PAGE as usize;
    items.truncate(PAGE as usize);
    let names = match names_of(&state, &s, items.iter().map(|r| &r.contact_id)).await {
        Ok(names) => names,
        Err(e) => return web_error(e),
    };
    let query = |after: Option<&str>| {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        if open {
            pairs.push(("open", "1".to_owned()));
        }
        if let Some(c) = &contact {
            pairs.push(("contact", c.id.to_string()));
        }
        if let Some(a) = after {
            pairs.push(("after", a.to_owned()));
        }
        match serde_urlencoded::to_string(&pairs) {
            Ok(q) if !q.is_empty() => format!("/requests?{q}"),
            _ => "/requests".to_owned(),
        }
    };
    let next = more
        .then(|| items.last())
        .flatten()
        .map(|last| query(Some(last.id.as_str())));
    let here = query(given(&q.after));
    // On one contact's page, their requests can be answered here: my open promises to them.
    let answer_choices = match &contact {
        Some(c) => {
            let open = ledger::list_commitments(
                &state.db,
                &s.actor,
                CommitmentQuery {
                    contact: Some(c.id.to_string()),
                    direction: Some(Direction::Mine),
                    open_only: true,
                    limit: Some(rapport_core::service::MAX_PAGE),
                    ..CommitmentQuery::default()
                },
            )
            .await;
            match open {
                Ok(open) => open
                    .iter()
                    .map(|k| (k.id.to_string(), format!("{} (due {})", k.text, k.due)))
                    .collect(),
                Err(e) => return web_error(e.into()),
            }
        }
        None => Vec::new(),
    };
    let rows = items
        .into_iter()
        .map(|r| RequestRow {
            id: r.id.to_string(),
            contact_id: r.contact_id.to_string(),
            contact_name: names.get(&r.contact_id).cloned().unwrap_or_default(),
            text: r.text,
            why: r.why,
            answered_by: r.answered_by.map(|c| c.to_string()),
        })
        .collect();
    render(&RequestsPage {
        title: match &contact {
            Some(c) => format!("What {} asked for", c.name),
            None => "What they asked for".to_owned(),
        },
        csrf: s.csrf.clone(),
        open,
        contact: contact.map(|c| (c.id.to_string(), c.name)),
        rows,
        answer_choices,
        paged: given(&q.after).is_some(),
        here,
        next,
    })
}

#[derive(Debug, Deserialize)]
pub(super) struct WhyForm {
    why: String,
    back: Option<String>,
}

/// Why a request matters to them, from the contact's page or the Requests page.
pub(super) async fn set_why(
    State(state): State<AppState>,
    Path(id): Path<String>,
    SignedInForm(s, f): SignedInForm<WhyForm>,
) -> Response {
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
    .await;
    match (done, f.back.as_deref()) {
        (Ok(_), Some(back)) => redirect(&back_to(Some(back), "/requests")),
        (done, _) => contact_form_result(&state, &s, &r.contact_id, done.map(|_| ())).await,
    }
}

#[derive(Debug, Deserialize)]
pub(super) struct AnswerForm {
    commitment: String,
    back: Option<String>,
}

/// Links a request to the promise that answers it (the core checks it is the same
/// contact's).
pub(super) async fn answer_request(
    State(state): State<AppState>,
    Path(id): Path<String>,
    SignedInForm(s, f): SignedInForm<AnswerForm>,
) -> Response {
    let r = match ledger::request(&state.db, &s.actor, &id).await {
        Ok(r) => r,
        Err(e) => return web_error(e.into()),
    };
    let done = ledger::update_request(
        &state.db,
        &s.actor,
        r.id.as_str(),
        None,
        Some(f.commitment.trim()),
        now(),
    )
    .await;
    match (done, f.back.as_deref()) {
        (Ok(_), Some(back)) => redirect(&back_to(Some(back), "/requests")),
        (done, _) => contact_form_result(&state, &s, &r.contact_id, done.map(|_| ())).await,
    }
}
