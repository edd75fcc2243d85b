//! Memory and the timeline, corrected: each fact and each interaction on a contact's page
//! can be edited (its own page, the form filled in) or deleted. The rules are the core's
//! (`service::edit_fact`, `delete_fact`, `edit_interaction`, `delete_interaction`).

use rapport_core::fact::{Fact, FactKind};
use rapport_core::interaction::{Interaction, InteractionKind};

use super::page_prelude::*;

#[derive(Template)]
#[template(path = "confirm_delete.html")]
pub(super) struct ConfirmDelete {
    title: String,
    csrf: String,
    contact_id: String,
    contact_name: String,
    /// What is about to go, as a person reads it.
    what: String,
    /// Where "Delete it" posts, and where "Keep it" leads.
    action: String,
    keep: String,
}

/// Asks before deleting a fact (works without JavaScript: a page, then a button).
pub(super) async fn delete_fact_form(
    State(state): State<AppState>,
    session: WebSession,
    Path(id): Path<String>,
) -> Response {
    let s = match signed_in(session) {
        Ok(s) => s,
        Err(r) => return *r,
    };
    match service::fact_of(&state.db, &s.actor, &id).await {
        Ok((c, f)) => render(&ConfirmDelete {
            title: format!("Delete what you remember of {}?", c.name),
            csrf: s.csrf.clone(),
            contact_id: c.id.to_string(),
            contact_name: c.name.clone(),
            what: f.describe(),
            action: format!("/facts/{}/delete", f.id),
            keep: format!("/facts/{}/edit", f.id),
        }),
        Err(e) => web_error(e.into()),
    }
}

/// Asks before deleting an interaction.
pub(super) async fn delete_interaction_form(
    State(state): State<AppState>,
    session: WebSession,
    Path(id): Path<String>,
) -> Response {
    let s = match signed_in(session) {
        Ok(s) => s,
        Err(r) => return *r,
    };
    match service::interaction(&state.db, &s.actor, &id).await {
        Ok((c, i)) => render(&ConfirmDelete {
            title: format!("Delete a conversation with {}?", c.name),
            csrf: s.csrf.clone(),
            contact_id: c.id.to_string(),
            contact_name: c.name.clone(),
            what: format!(
                "{} · {}: {}",
                i.occurred_at
                    .to_zoned_datetime(s.actor.workspace.tz())
                    .strftime("%a %-d %b %Y %H:%M"),
                i.kind,
                i.summary
            ),
            action: format!("/interactions/{}/delete", i.id),
            keep: format!("/interactions/{}/edit", i.id),
        }),
        Err(e) => web_error(e.into()),
    }
}

#[derive(Template)]
#[template(path = "memory_edit.html")]
pub(super) struct MemoryEdit {
    title: String,
    csrf: String,
    contact_id: String,
    contact_name: String,
    /// Where the form posts, and where delete posts.
    action: String,
    delete: String,
    /// A fact: (kinds, text, relation, date); an interaction: (kinds, summary, they said,
    /// I said, when).
    fact: bool,
    kinds: Vec<(&'static str, bool)>,
    text: String,
    relation: String,
    date: String,
    they_said: String,
    i_said: String,
    /// An interaction's topics, separated by commas.
    topics: String,
    at: String,
    error: Option<String>,
}

/// The edit page of a fact; after a refusal, with the date as it was typed.
fn fact_page(
    s: &Session,
    c: &Contact,
    f: &Fact,
    error: Option<String>,
    typed_date: Option<String>,
) -> Response {
    render(&MemoryEdit {
        title: format!("Edit what you remember of {}", c.name),
        csrf: s.csrf.clone(),
        contact_id: c.id.to_string(),
        contact_name: c.name.clone(),
        action: format!("/facts/{}/edit", f.id),
        delete: format!("/facts/{}/delete", f.id),
        fact: true,
        kinds: FactKind::ALL
            .iter()
            .map(|k| (k.as_str(), *k == f.kind))
            .collect(),
        text: f.text.clone(),
        relation: f.relation.clone().unwrap_or_default(),
        date: typed_date.unwrap_or_else(|| f.date.map(|d| d.to_string()).unwrap_or_default()),
        they_said: String::new(),
        i_said: String::new(),
        topics: String::new(),
        at: String::new(),
        error,
    })
}

/// The edit page of an interaction; after a refusal, with "when" as it was typed.
fn interaction_page(
    s: &Session,
    c: &Contact,
    i: &Interaction,
    error: Option<String>,
    typed_at: Option<String>,
) -> Response {
    render(&MemoryEdit {
        title: format!("Edit a conversation with {}", c.name),
        csrf: s.csrf.clone(),
        contact_id: c.id.to_string(),
        contact_name: c.name.clone(),
        action: format!("/interactions/{}/edit", i.id),
        delete: format!("/interactions/{}/delete", i.id),
        fact: false,
        kinds: InteractionKind::ALL
            .iter()
            .map(|k| (k.as_str(), *k == i.kind))
            .collect(),
        text: i.summary.clone(),
        relation: String::new(),
        date: String::new(),
        they_said: i.they_said.clone().unwrap_or_default(),
        i_said: i.i_said.clone().unwrap_or_default(),
        topics: i.topics.join(", "),
        at: typed_at.unwrap_or_else(|| {
            i.occurred_at
                .to_zoned_datetime(s.actor.workspace.tz())
                .strftime("%Y-%m-%d %H:%M")
                .to_string()
        }),
        error,
    })
}

/// A refusal: the page again with the reason, and its status.
fn refused(mut page: Response, e: &rapport_core::Error) -> Response {
    *page.status_mut() = match e {
        rapport_core::Error::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
        _ => StatusCode::CONFLICT,
    };
    page
}

pub(super) async fn edit_fact_form(
    State(state): State<AppState>,
    session: WebSession,
    Path(id): Path<String>,
) -> Response {
    let s = match signed_in(session) {
        Ok(s) => s,
        Err(r) => return *r,
    };
    match service::fact_of(&state.db, &s.actor, &id).await {
        Ok((c, f)) => fact_page(&s, &c, &f, None, None),
        Err(e) => web_error(e.into()),
    }
}

pub(super) async fn edit_fact(
    State(state): State<AppState>,
    Path(id): Path<String>,
    SignedInForm(s, f): SignedInForm<FactForm>,
) -> Response {
    let (c, old) = match service::fact_of(&state.db, &s.actor, &id).await {
        Ok(found) => found,
        Err(e) => return web_error(e.into()),
    };
    let typed = Fact {
        kind: f.kind.parse().unwrap_or(old.kind),
        text: f.text.clone(),
        relation: f.relation.clone(),
        ..old.clone()
    };
    let typed_date = Some(f.date.clone().unwrap_or_default());
    let done = match f.read() {
        Ok(new) => service::edit_fact(&state.db, &s.actor, &id, new).await,
        Err(e) => Err(e),
    };
    match done {
        Ok(_) => redirect(&format!("/contacts/{}", c.id)),
        Err(e @ (rapport_core::Error::Invalid(_) | rapport_core::Error::Conflict(_))) => refused(
            fact_page(&s, &c, &typed, Some(e.to_string()), typed_date),
            &e,
        ),
        Err(e) => web_error(e.into()),
    }
}

pub(super) async fn delete_fact(
    State(state): State<AppState>,
    Path(id): Path<String>,
    SignedInForm(s, _): SignedInForm<NoFields>,
) -> Response {
    match service::delete_fact(&state.db, &s.actor, &id).await {
        Ok((c, _)) => redirect(&format!("/contacts/{}", c.id)),
        Err(e) => web_error(e.into()),
    }
}

pub(super) async fn edit_interaction_form(
    State(state): State<AppState>,
    session: WebSession,
    Path(id): Path<String>,
) -> Response {
    let s = match signed_in(session) {
        Ok(s) => s,
        Err(r) => return *r,
    };
    match service::interaction(&state.db, &s.actor, &id).await {
        Ok((c, i)) => interaction_page(&s, &c, &i, None, None),
        Err(e) => web_error(e.into()),
    }
}

pub(super) async fn edit_interaction(
    State(state): State<AppState>,
    Path(id): Path<String>,
    SignedInForm(s, f): SignedInForm<LogForm>,
) -> Response {
    let (c, old) = match service::interaction(&state.db, &s.actor, &id).await {
        Ok(found) => found,
        Err(e) => return web_error(e.into()),
    };
    let typed = Interaction {
        kind: f.kind.parse().unwrap_or(old.kind),
        summary: f.summary.clone(),
        they_said: f.they_said.clone(),
        i_said: f.i_said.clone(),
        topics: f.topics.as_deref().map_or_else(
            || old.topics.clone(),
            |t| {
                t.split(',')
                    .map(|x| x.trim().to_owned())
                    .filter(|x| !x.is_empty())
                    .collect()
            },
        ),
        ..old.clone()
    };
    // "When" as shown on the form (to the minute), or emptied: the time it had, kept exact.
    let shown = old
        .occurred_at
        .to_zoned_datetime(s.actor.workspace.tz())
        .strftime("%Y-%m-%d %H:%M")
        .to_string();
    let unchanged =
        f.at.as_deref()
            .map(str::trim)
            .is_none_or(|t| t.is_empty() || t == shown);
    let typed_at = f.at.clone();
    let topics_given = f.topics.is_some();
    let done = match f.read(now(), &s.actor.workspace.tz()) {
        Ok(mut new) => {
            if unchanged {
                new.occurred_at = old.occurred_at;
            }
            // A form without the topics field (an older page) keeps them.
            if !topics_given {
                new.topics = old.topics.clone();
            }
            service::edit_interaction(&state.db, &s.actor, &id, new).await
        }
        Err(e) => Err(e),
    };
    match done {
        Ok(_) => redirect(&format!("/contacts/{}", c.id)),
        Err(e @ (rapport_core::Error::Invalid(_) | rapport_core::Error::Conflict(_))) => refused(
            interaction_page(&s, &c, &typed, Some(e.to_string()), typed_at),
            &e,
        ),
        Err(e) => web_error(e.into()),
    }
}

pub(super) async fn delete_interaction(
    State(state): State<AppState>,
    Path(id): Path<String>,
    SignedInForm(s, _): SignedInForm<NoFields>,
) -> Response {
    match service::delete_interaction(&state.db, &s.actor, &id).await {
        Ok((c, _)) => redirect(&format!("/contacts/{}", c.id)),
        Err(e @ rapport_core::Error::Conflict(_)) => {
            // Kept: say why on its page.
            match service::interaction(&state.db, &s.actor, &id).await {
                Ok((c, i)) => refused(interaction_page(&s, &c, &i, Some(e.to_string()), None), &e),
                Err(e) => web_error(e.into()),
            }
        }
        Err(e) => web_error(e.into()),
    }
}
