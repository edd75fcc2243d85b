//! The contacts list: search, filters, paging, and the form to add one.

use super::page_prelude::*;

#[derive(Template)]
#[template(path = "contacts.html")]
pub(super) struct ContactsPage {
    title: &'static str,
    csrf: String,
    q: String,
    tag: String,
    archived: bool,
    vip_only: bool,
    going_cold: bool,
    /// "1 contact", "4,212 contacts"...
    count: String,
    filter_types: Vec<(&'static str, &'static str, bool)>,
    rows: Vec<Row>,
    next: Option<String>,
    /// The add form, open (with its values) after a refusal.
    adding: bool,
    error: Option<String>,
    name: String,
    types: Vec<(&'static str, &'static str, bool)>,
    organisation: String,
    emails: String,
    phones: String,
    tags: String,
    vip: bool,
    cadence: String,
    /// The list's "met at" filter.
    met: String,
    /// The add form's where, when and who introduced.
    met_text: String,
    met_on: String,
    introduced_by: String,
    /// Never set when adding (the form's fields are shared with editing).
    introducer: Option<String>,
}

pub(super) struct Row {
    id: String,
    name: String,
    organisation: Option<String>,
    kind: &'static str,
    vip: bool,
    last_touch: String,
    /// "Trust: mine good, theirs mixed", when anything is known.
    trust: Option<String>,
    /// When the next touch is due, and whether that is past.
    next_touch: Option<(String, bool)>,
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct ContactsQuery {
    q: Option<String>,
    #[serde(rename = "type")]
    relationship: Option<String>,
    tag: Option<String>,
    /// Archived contacts instead of live ones.
    archived: Option<String>,
    vip: Option<String>,
    /// Past their keep-in-touch time.
    cold: Option<String>,
    /// Where we met contains this.
    met: Option<String>,
    after: Option<String>,
}

pub(super) const PAGE: u32 = 50;

pub(super) async fn contacts_page(
    state: &AppState,
    s: &Session,
    q: ContactsQuery,
    refused: Option<(&ContactFields, String)>,
) -> Response {
    let relationship = match q
        .relationship
        .as_deref()
        .filter(|t| !t.is_empty())
        .map(str::parse::<RelationshipType>)
        .transpose()
    {
        Ok(r) => r,
        Err(e) => return web_error(e.into()),
    };
    let after = match q.after.as_deref().and_then(ContactId::parse) {
        Some(id) => match state.db.contact(&s.actor.workspace.id, &id).await {
            Ok(Some(c)) => Some((c.name_folded(), c.id)),
            Ok(None) => None,
            Err(e) => return web_error(e.into()),
        },
        None => None,
    };
    let ticked = |v: &Option<String>| v.as_deref().is_some_and(|a| !a.is_empty());
    let (archived, vip_only, going_cold) = (ticked(&q.archived), ticked(&q.vip), ticked(&q.cold));
    let tag = q.tag.clone().filter(|t| !t.trim().is_empty());
    let met = q.met.clone().filter(|t| !t.trim().is_empty());
    let query = ContactQuery {
        relationship,
        tag: tag.clone(),
        search: q.q.clone().filter(|x| !x.trim().is_empty()),
        met: met.clone(),
        archived,
        vip_only,
        going_cold,
        after,
        limit: Some(PAGE),
    };
    let n = now();
    let list = match service::contact_list(&state.db, &s.actor, query, n).await {
        Ok(c) => c,
        Err(e) => return web_error(e.into()),
    };
    let contacts = list.items;
    let mut next = None;
    if contacts.len() == PAGE as usize
        && let Some(last) = contacts.last().map(|l| &l.contact)
    {
        let mut pairs = vec![
            ("q", q.q.clone().unwrap_or_default()),
            ("type", relationship.map_or("", |r| r.as_str()).to_owned()),
            ("tag", tag.clone().unwrap_or_default()),
            ("met", met.clone().unwrap_or_default()),
            ("after", last.id.to_string()),
        ];
        for (key, on) in [
            ("archived", archived),
            ("vip", vip_only),
            ("cold", going_cold),
        ] {
            if on {
                pairs.push((key, "1".to_owned()));
            }
        }
        next = serde_urlencoded::to_string(&pairs)
            .ok()
            .map(|query| format!("/contacts?{query}"));
    }
    let tz = s.actor.workspace.tz();
    let day = |t: Timestamp| {
        t.to_zoned_datetime(tz.clone())
            .strftime("%-d %b %Y")
            .to_string()
    };
    let rows = contacts
        .into_iter()
        .map(|l| {
            let trust = match (l.trust_mine, l.trust_theirs) {
                (None, None) => None,
                (m, t) => Some(format!(
                    "trust: mine {}, theirs {}",
                    m.map_or("not known yet", |b| b.as_str()),
                    t.map_or("not known yet", |b| b.as_str())
                )),
            };
            let next_touch = l.touch_due_at.map(|t| {
                if l.going_cold {
                    (format!("going cold: a touch was due {}", day(t)), true)
                } else {
                    (format!("next touch by {}", day(t)), false)
                }
            });
            (l.contact, trust, next_touch)
        })
        .map(|(c, trust, next_touch)| Row {
            trust,
            next_touch,
            id: c.id.to_string(),
            last_touch: c.last_touch_at.map_or_else(
                || "never in touch".to_owned(),
                |t| {
                    format!(
                        "last in touch {}",
                        t.to_zoned_datetime(tz.clone()).strftime("%-d %b %Y")
                    )
                },
            ),
            name: c.name,
            organisation: c.organisation,
            kind: c.relationship.label(),
            vip: c.vip,
        })
        .collect();
    let blank = ContactFields::default();
    let (f, error) = match refused {
        Some((f, e)) => (f, Some(e)),
        None => (&blank, None),
    };
    render(&ContactsPage {
        title: "Contacts",
        csrf: s.csrf.clone(),
        q: q.q.clone().unwrap_or_default(),
        tag: tag.unwrap_or_default(),
        met: met.unwrap_or_default(),
        archived,
        vip_only,
        going_cold,
        count: count_words(list.total, list.total_capped, "contact"),
        filter_types: type_options(relationship),
        rows,
        next,
        adding: error.is_some(),
        error,
        name: f.name.clone(),
        types: type_options(
            f.relationship
                .as_deref()
                .and_then(|t| t.parse().ok())
                .or(Some(RelationshipType::Prospect)),
        ),
        organisation: f.organisation.clone().unwrap_or_default(),
        emails: f.emails.clone().unwrap_or_default(),
        phones: f.phones.clone().unwrap_or_default(),
        tags: f.tags.clone().unwrap_or_default(),
        vip: f.vip.is_some(),
        cadence: f.cadence.clone().unwrap_or_default(),
        met_text: f.met.clone().unwrap_or_default(),
        met_on: f.met_on.clone().unwrap_or_default(),
        introduced_by: f.introduced_by.clone().unwrap_or_default(),
        introducer: None,
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

pub(super) async fn add_contact(
    State(state): State<AppState>,
    SignedInForm(s, f): SignedInForm<ContactFields>,
) -> Response {
    let added = match f.read(&s.actor.workspace.tz()) {
        Ok(read) => service::add_contact(&state.db, &s.actor, read.into_new(), now()).await,
        Err(i) => Err(i.into()),
    };
    match added {
        // The new contact's page names the contact it may duplicate, with a link.
        Ok(added) => match added.same_as.first() {
            Some(other) => redirect(&format!(
                "/contacts/{}?same_as={}",
                added.contact.id, other.id
            )),
            None => redirect(&format!("/contacts/{}", added.contact.id)),
        },
        // Refused, or an introducer typed that names several contacts: the form comes back
        // as typed, with why (and the candidates).
        Err(
            e @ (rapport_core::Error::Invalid(_)
            | rapport_core::Error::Conflict(_)
            | rapport_core::Error::Ambiguous { .. }),
        ) => {
            let mut page = contacts_page(
                &state,
                &s,
                ContactsQuery::default(),
                Some((&f, e.to_string())),
            )
            .await;
            *page.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            page
        }
        Err(e) => web_error(e.into()),
    }
}

/// "1 contact", "4,212 contacts", "More than 10,000 contacts".
pub(super) fn count_words(n: u64, capped: bool, noun: &str) -> String {
    match (n, capped) {
        (n, true) => format!("More than {} {noun}s", thousands(n)),
        (1, false) => format!("1 {noun}"),
        (n, false) => format!("{} {noun}s", thousands(n)),
    }
}

/// 4212 → "4,212".
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(d);
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn counts_read_with_thousands_separated() {
        assert_eq!(super::thousands(7), "7");
        assert_eq!(super::thousands(4212), "4,212");
        assert_eq!(super::thousands(100_000), "100,000");
        assert_eq!(super::thousands(1_000_000), "1,000,000");
    }
}
