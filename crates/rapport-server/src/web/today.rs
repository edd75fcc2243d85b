//! Today, most urgent first, and the buttons on its items (kept, at risk, told...),
//! which also answer htmx in place.

use super::page_prelude::*;

pub(super) struct Item {
    contact_id: String,
    contact_name: String,
    text: String,
    reason: String,
    reminder: Option<String>,
    commitment_id: Option<String>,
    /// (action path, button label)
    actions: Vec<(&'static str, &'static str)>,
}

pub(super) struct Section {
    heading: &'static str,
    items: Vec<Item>,
}

#[derive(Template)]
#[template(path = "today.html")]
pub(super) struct TodayPage {
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

#[derive(Debug, Deserialize)]
pub(super) struct ActionForm {
    back: Option<String>,
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
