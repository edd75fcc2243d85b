//! The ledger: every promise, either way, 50 a page (open ones by what is due next, all of them latest due first); the same list as
//! `rapport commitments`. Today links here when it lists only the most urgent.

use super::page_prelude::*;

#[derive(Template)]
#[template(path = "ledger.html")]
pub(super) struct LedgerPage {
    title: &'static str,
    csrf: String,
    direction: String,
    open: bool,
    /// Only this contact's: (id, name).
    contact: Option<(String, String)>,
    /// (commitment id, contact id, contact name, line, state)
    rows: Vec<(String, String, String, String, &'static str)>,
    next: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(super) struct LedgerQuery {
    direction: Option<String>,
    open: Option<String>,
    after: Option<String>,
    /// Only this contact's.
    contact: Option<String>,
}

const PAGE: u32 = 50;

pub(super) async fn ledger_page(
    State(state): State<AppState>,
    session: WebSession,
    Query(q): Query<LedgerQuery>,
) -> Response {
    let s = match signed_in(session) {
        Ok(s) => s,
        Err(r) => return *r,
    };
    let direction = match q.direction.as_deref().filter(|d| !d.is_empty()) {
        None => None,
        Some(d) => match d.parse::<Direction>() {
            Ok(d) => Some(d),
            Err(e) => return web_error(e.into()),
        },
    };
    let open = q.open.as_deref().is_some_and(|o| !o.is_empty());
    let contact = match q
        .contact
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        Some(r) => match service::resolve_contact(&state.db, &s.actor, r).await {
            Ok(c) => Some(c),
            Err(e) => return web_error(e.into()),
        },
        None => None,
    };
    let query = CommitmentQuery {
        contact: contact.as_ref().map(|c| c.id.to_string()),
        direction,
        open_only: open,
        limit: Some(PAGE),
        after: q.after.clone().filter(|a| !a.is_empty()),
        // Open ones by what is due next; all of them, the latest first (so recent ones show).
        newest_first: !open,
    };
    let items = match ledger::list_commitments(&state.db, &s.actor, query).await {
        Ok(items) => items,
        Err(e) => return web_error(e.into()),
    };
    let names = match names_of(&state, &s, items.iter().map(|k| &k.contact_id)).await {
        Ok(names) => names,
        Err(e) => return web_error(e),
    };
    let n = now();
    let next = (items.len() == PAGE as usize)
        .then(|| items.last())
        .flatten()
        .and_then(|last| {
            let mut pairs = vec![
                ("direction", direction.map_or("", |d| d.as_str()).to_owned()),
                ("after", last.id.to_string()),
            ];
            if open {
                pairs.push(("open", "1".to_owned()));
            }
            if let Some(c) = &contact {
                pairs.push(("contact", c.id.to_string()));
            }
            serde_urlencoded::to_string(&pairs).ok()
        })
        .map(|q| format!("/commitments?{q}"));
    let rows = items
        .iter()
        .map(|k| {
            let who = match k.direction {
                Direction::Mine => "I promised",
                Direction::Theirs => "They promised",
            };
            (
                k.id.to_string(),
                k.contact_id.to_string(),
                names.get(&k.contact_id).cloned().unwrap_or_default(),
                format!("{who}: {} (due {})", k.text, k.due),
                k.state_label(n),
            )
        })
        .collect();
    render(&LedgerPage {
        title: "The ledger",
        contact: contact.map(|c| (c.id.to_string(), c.name)),
        csrf: s.csrf.clone(),
        direction: direction.map_or(String::new(), |d| d.as_str().to_owned()),
        open,
        rows,
        next,
    })
}
