//! Search: contacts (name, organisation, email, tag) and conversations (what was said
//! either way), ignoring case and accents; the same use cases as `rapport search`. The first
//! few contacts with the count of all and a link to the list; conversations 20 a page,
//! newest first, each with its contact.

use super::page_prelude::*;

#[derive(Template)]
#[template(path = "search.html")]
pub(super) struct SearchPage {
    title: String,
    csrf: String,
    q: String,
    searched: bool,
    /// (id, name, organisation)
    contacts: Vec<(String, String, String)>,
    /// "12 contacts", "More than 10,000 contacts"
    contacts_count: String,
    /// More contacts than shown: the contact list, filtered by the same words.
    contacts_all: Option<String>,
    /// (interaction id, contact id, contact name, line, what was said)
    interactions: Vec<(String, String, String, String, String)>,
    next: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(super) struct SearchQuery {
    q: Option<String>,
    /// The last conversation of the previous page.
    after: Option<String>,
}

const CONTACTS: u32 = 10;
const CONVERSATIONS: u32 = 20;

pub(super) async fn search_page(
    State(state): State<AppState>,
    session: WebSession,
    Query(sq): Query<SearchQuery>,
) -> Response {
    let s = match signed_in(session) {
        Ok(s) => s,
        Err(r) => return *r,
    };
    let q =
        sq.q.as_deref()
            .map(str::trim)
            .unwrap_or_default()
            .to_owned();
    let mut page = SearchPage {
        title: if q.is_empty() {
            "Search".to_owned()
        } else {
            format!("Search: {q}")
        },
        csrf: s.csrf.clone(),
        q: q.clone(),
        searched: !q.is_empty(),
        contacts: Vec::new(),
        contacts_count: String::new(),
        contacts_all: None,
        interactions: Vec::new(),
        next: None,
    };
    if q.is_empty() {
        return render(&page);
    }
    let n = now();
    let after_id = sq.after.as_deref().map(str::trim).filter(|a| !a.is_empty());
    // Contacts only on the first page of conversations.
    if after_id.is_none() {
        let query = ContactQuery {
            search: Some(q.clone()),
            limit: Some(CONTACTS),
            ..ContactQuery::default()
        };
        let list = match service::contact_list(&state.db, &s.actor, query, n).await {
            Ok(list) => list,
            Err(e) => return web_error(e.into()),
        };
        page.contacts_count = count_words(list.total, list.total_capped, "contact");
        if list.total > u64::from(CONTACTS) || list.total_capped {
            page.contacts_all = serde_urlencoded::to_string([("q", q.as_str())])
                .ok()
                .map(|qs| format!("/contacts?{qs}"));
        }
        page.contacts = list
            .items
            .into_iter()
            .map(|l| {
                (
                    l.contact.id.to_string(),
                    l.contact.name,
                    l.contact.organisation.unwrap_or_default(),
                )
            })
            .collect();
    }
    let after = match after_id {
        Some(id) => match service::interaction(&state.db, &s.actor, id).await {
            Ok((_, i)) => Some((i.occurred_at, i.id)),
            Err(_) => return web_error(ApiError::invalid("after", "not a cursor of this list")),
        },
        None => None,
    };
    // One more than shown says whether there is a next page.
    let mut found = match service::search_interactions(
        &state.db,
        &s.actor,
        &q,
        after.as_ref(),
        CONVERSATIONS + 1,
    )
    .await
    {
        Ok(found) => found,
        Err(e) => return web_error(e.into()),
    };
    let more = found.len() > CONVERSATIONS as usize;
    found.truncate(CONVERSATIONS as usize);
    let names = match names_of(&state, &s, found.iter().map(|i| &i.contact_id)).await {
        Ok(names) => names,
        Err(e) => return web_error(e),
    };
    let tz = s.actor.workspace.tz();
    page.next = more
        .then(|| found.last())
        .flatten()
        .and_then(|last| {
            serde_urlencoded::to_string([("q", q.as_str()), ("after", last.id.as_str())]).ok()
        })
        .map(|qs| format!("/search?{qs}"));
    page.interactions = found
        .into_iter()
        .map(|i| {
            let said = said(&i);
            (
                i.id.to_string(),
                i.contact_id.to_string(),
                names.get(&i.contact_id).cloned().unwrap_or_default(),
                format!(
                    "{} · {}: {}",
                    i.occurred_at
                        .to_zoned_datetime(tz.clone())
                        .strftime("%a %-d %b %Y"),
                    i.kind,
                    i.summary
                ),
                said,
            )
        })
        .collect();
    render(&page)
}
