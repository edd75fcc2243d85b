//! The contacts list: search, filters, paging, and the form to add one.

use super::page_prelude::*;

#[derive(Template)]
#[template(path = "contacts.html")]
pub(super) struct ContactsPage {
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
pub(super) struct ContactsQuery {
    q: Option<String>,
    #[serde(rename = "type")]
    relationship: Option<String>,
    after: Option<String>,
}

pub(super) const PAGE: u32 = 50;

pub(super) async fn contacts_page(
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

pub(super) async fn contacts(
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
pub(super) struct AddContactForm {
    name: String,
    #[serde(rename = "type")]
    relationship: Option<String>,
    organisation: Option<String>,
    email: Option<String>,
}

pub(super) async fn add_contact(
    State(state): State<AppState>,
    SignedInForm(s, f): SignedInForm<AddContactForm>,
) -> Response {
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
