//! Today, most urgent first, and the buttons on its items (kept, at risk, told...),
//! which also answer htmx in place.

use super::page_prelude::*;

/// How many items each section of Today shows before "show all".
pub(super) const SHOWN_PER_SECTION: usize = 5;

pub(super) struct Item {
    contact_id: String,
    contact_name: String,
    text: String,
    reason: String,
    reminder: Option<String>,
    commitment_id: Option<String>,
    /// (action path, button label), posted in place.
    actions: Vec<(&'static str, &'static str)>,
    /// Other outcomes (renegotiate, released...) on the promise's page.
    more_outcomes: bool,
    /// A promise found in mail: its Accept and Dismiss forms.
    suggestion: Option<SuggestionForm>,
}

pub(super) struct Section {
    kind: &'static str,
    heading: &'static str,
    /// Every item of the section, the ones listed and the rest.
    count: u64,
    items: Vec<Item>,
    /// Items beyond those shown here: (the words, where they are when a page lists them).
    rest: Option<(String, Option<String>)>,
}

#[derive(Template)]
#[template(path = "today.html")]
pub(super) struct TodayPage {
    title: &'static str,
    csrf: String,
    date: String,
    /// One section opened whole (`?section=`), or every section's first few.
    focused: bool,
    sections: Vec<Section>,
    /// Reminders not tied to one item: (text, where to see more, what that is).
    notes: Vec<(String, String, String)>,
    /// Where the forms come back to.
    back: &'static str,
}

#[derive(Debug, Deserialize)]
pub(super) struct TodayQuery {
    /// One section, whole: `mine_due`, `going_cold`...
    section: Option<String>,
}

pub(super) async fn today_page(state: &AppState, s: &Session, q: TodayQuery) -> Response {
    let focus = match q.section.as_deref().map(str::parse::<TodayKind>) {
        None => None,
        Some(Ok(kind)) => Some(kind),
        Some(Err(_)) => return web_error(ApiError::not_found("section of Today")),
    };
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
    let mut grouped: Vec<(TodayKind, Vec<&rapport_core::today::TodayItem>)> = Vec::new();
    for i in &t.items {
        match grouped.last_mut() {
            Some((k, items)) if *k == i.kind => items.push(i),
            _ => grouped.push((i.kind, vec![i])),
        }
    }
    for (kind, items) in grouped {
        if focus.is_some_and(|f| f != kind) {
            continue;
        }
        let beyond = t
            .more
            .iter()
            .filter(|m| m.kind == kind)
            .map(|m| m.count)
            .sum::<u64>();
        let listed = items.len() as u64;
        let shown = if focus.is_some() {
            items.len()
        } else {
            items.len().min(SHOWN_PER_SECTION)
        };
        let rest = if kind == TodayKind::ConfirmPromise && (shown < items.len() || beyond > 0) {
            // Every one, with its forms, is on its own page.
            Some((
                format!(
                    "Show all {} ({} more)",
                    listed + beyond,
                    listed - shown as u64 + beyond
                ),
                Some("/suggestions".to_owned()),
            ))
        } else if shown < items.len() {
            Some((
                format!(
                    "Show all {} ({} more)",
                    listed + beyond,
                    listed - shown as u64 + beyond
                ),
                Some(format!("/today?section={kind}#{kind}")),
            ))
        } else if beyond > 0 {
            // Today lists the most urgent; where the rest are depends on what they are.
            Some(match kind {
                TodayKind::MineDue | TodayKind::BadNews => (
                    format!("… and {beyond} more, not listed here: see every one in the ledger"),
                    Some("/commitments?direction=mine&open=1".to_owned()),
                ),
                TodayKind::TheirsOverdue => (
                    format!("… and {beyond} more, not listed here: see every one in the ledger"),
                    Some("/commitments?direction=theirs&open=1".to_owned()),
                ),
                TodayKind::GoingCold => (
                    format!("… and {beyond} more going cold: see them all"),
                    Some("/contacts?cold=1".to_owned()),
                ),
                TodayKind::CheckIn => (
                    format!("… and {beyond} more to check in with, a few a day: see the campaigns"),
                    Some("/campaigns".to_owned()),
                ),
                _ => (format!("… and about {beyond} more, not listed here"), None),
            })
        } else {
            None
        };
        sections.push(Section {
            kind: kind.as_str(),
            heading: kind.heading(),
            count: listed + beyond,
            items: items
                .into_iter()
                .take(shown)
                .map(|i| item(i, t.date))
                .collect(),
            rest,
        });
    }
    render(&TodayPage {
        title: "Today",
        csrf: s.csrf.clone(),
        date: t.date.strftime("%A %-d %B %Y").to_string(),
        notes: t
            .notes
            .iter()
            .map(|n| match &n.about {
                rapport_core::today::NoteAbout::Whys => (
                    n.text.clone(),
                    "/insights#why".to_owned(),
                    "Insights".to_owned(),
                ),
                rapport_core::today::NoteAbout::Campaign { id, .. } => (
                    n.text.clone(),
                    format!("/campaigns/{id}"),
                    "the campaign".to_owned(),
                ),
            })
            .collect(),
        focused: focus.is_some(),
        sections,
        back: "/today",
    })
}

/// A Today item with the buttons that fit it: an overdue promise offers kept, broken,
/// renegotiate and released; a reminder to send, "they did it".
fn item(i: &rapport_core::today::TodayItem, today: jiff::civil::Date) -> Item {
    let overdue = i.due.is_some_and(|d| d < today);
    let actions = match i.kind {
        TodayKind::BadNews => vec![("told", "Told them"), ("kept", "Kept")],
        TodayKind::MineDue if overdue => {
            vec![
                ("kept", "Kept"),
                ("broken", "Broken"),
                ("released", "Released"),
            ]
        }
        TodayKind::MineDue => vec![("kept", "Kept"), ("at-risk", "At risk")],
        TodayKind::TheirsOverdue => vec![("kept", "They did it"), ("broken", "They did not")],
        _ => Vec::new(),
    };
    Item {
        contact_id: i.contact_id.to_string(),
        contact_name: i.contact_name.clone(),
        text: i.text.clone(),
        reason: i.reason.clone(),
        reminder: i.reminder.clone(),
        commitment_id: i.commitment_id.as_ref().map(ToString::to_string),
        more_outcomes: i.commitment_id.is_some(),
        actions,
        suggestion: i.suggestion_id.as_ref().map(|id| SuggestionForm {
            id: id.to_string(),
            contact_id: i.contact_id.to_string(),
            contact_name: i.contact_name.clone(),
            whose: String::new(),
            text: i.text.clone(),
            due: i.due.map(|d| d.to_string()).unwrap_or_default(),
            sentence: String::new(),
            subject: String::new(),
            day: String::new(),
            anyway: false,
        }),
    }
}
