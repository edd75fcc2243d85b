//! What the contact page shows only the latest of, in full: a contact's conversations
//! (`rapport timeline`), 50 a page, newest first; and gestures of appreciation, of one
//! contact or of the whole workspace (`rapport gesture list`), 50 a page, newest first.

use rapport_core::gesture::GestureId;

use super::page_prelude::*;

#[derive(Template)]
#[template(path = "timeline.html")]
pub(super) struct TimelinePage {
    title: String,
    csrf: String,
    contact_id: String,
    contact_name: String,
    /// (interaction id, line, what was said)
    items: Vec<(String, String, String)>,
    next: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(super) struct AfterQuery {
    after: Option<String>,
    contact: Option<String>,
}

const PAGE: u32 = 50;

fn given(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|t| !t.is_empty())
}

pub(super) async fn timeline_page(
    State(state): State<AppState>,
    session: WebSession,
    Path(id): Path<String>,
    Query(q): Query<AfterQuery>,
) -> Response {
    let s = match signed_in(session) {
        Ok(s) => s,
        Err(r) => return *r,
    };
    let cid = match ContactId::parse(&id) {
        Some(c) => c,
        None => return web_error(ApiError::not_found("contact")),
    };
    let after = match given(&q.after) {
        Some(a) => match service::interaction(&state.db, &s.actor, a).await {
            // A conversation of another contact is no place to start this one's page.
            Ok((c, i)) if c.id == cid => Some((i.occurred_at, i.id)),
            // Unknown, or another contact's: not a cursor of this list (bad input, 422).
            _ => return web_error(ApiError::invalid("after", "not a cursor of this list")),
        },
        None => None,
    };
    // One more than shown says whether there is a next page.
    let (c, mut items) = match service::timeline(
        &state.db,
        &s.actor,
        cid.as_str(),
        after.as_ref(),
        PAGE + 1,
    )
    .await
    {
        Ok(found) => found,
        Err(e) => return web_error(e.into()),
    };
    let more = items.len() > PAGE as usize;
    items.truncate(PAGE as usize);
    let tz = s.actor.workspace.tz();
    let next = more
        .then(|| items.last())
        .flatten()
        .map(|last| format!("/contacts/{}/timeline?after={}", c.id, last.id));
    render(&TimelinePage {
        title: format!("Conversations with {}", c.name),
        csrf: s.csrf.clone(),
        contact_id: c.id.to_string(),
        contact_name: c.name.clone(),
        items: items
            .into_iter()
            .map(|i| {
                let said = said(&i);
                (
                    i.id.to_string(),
                    format!(
                        "{} · {}: {}",
                        i.occurred_at
                            .to_zoned_datetime(tz.clone())
                            .strftime("%a %-d %b %Y %H:%M"),
                        i.kind,
                        i.summary
                    ),
                    said,
                )
            })
            .collect(),
        next,
    })
}

#[derive(Template)]
#[template(path = "gestures.html")]
pub(super) struct GesturesPage {
    title: String,
    csrf: String,
    /// Only this contact's: (id, name).
    contact: Option<(String, String)>,
    /// (contact id, contact name, line)
    items: Vec<(String, String, String)>,
    next: Option<String>,
}

/// A gestures page's cursor: the last one shown, as "day~micros~id".
fn gesture_cursor(g: &rapport_core::gesture::Gesture) -> String {
    format!("{}~{}~{}", g.given_on, g.created_at.as_microsecond(), g.id)
}

fn parse_gesture_cursor(text: &str) -> Option<rapport_core::ports::AfterGesture> {
    let mut parts = text.split('~');
    let day: jiff::civil::Date = parts.next()?.parse().ok()?;
    let at = Timestamp::from_microsecond(parts.next()?.parse().ok()?).ok()?;
    let id = GestureId::parse(parts.next()?)?;
    parts.next().is_none().then_some((day, at, id))
}

pub(super) async fn gestures_page(
    State(state): State<AppState>,
    session: WebSession,
    Query(q): Query<AfterQuery>,
) -> Response {
    let s = match signed_in(session) {
        Ok(s) => s,
        Err(r) => return *r,
    };
    let after = match given(&q.after) {
        Some(a) => match parse_gesture_cursor(a) {
            Some(after) => Some(after),
            None => return web_error(ApiError::invalid("after", "not a cursor of this list")),
        },
        None => None,
    };
    let contact = match given(&q.contact) {
        Some(r) => match service::resolve_contact(&state.db, &s.actor, r).await {
            Ok(c) => Some(c),
            Err(e) => return web_error(e.into()),
        },
        None => None,
    };
    let mut items = match rapport_core::gesture::list(
        &state.db,
        &s.actor,
        contact.as_ref().map(|c| c.id.as_str()),
        after.as_ref(),
        PAGE + 1,
    )
    .await
    {
        Ok(items) => items,
        Err(e) => return web_error(e.into()),
    };
    let more = items.len() > PAGE as usize;
    items.truncate(PAGE as usize);
    let next = more.then(|| items.last()).flatten().map(|(g, _)| {
        let mut pairs = vec![("after", gesture_cursor(g))];
        if let Some(c) = &contact {
            pairs.push(("contact", c.id.to_string()));
        }
        format!(
            "/gestures?{}",
            serde_urlencoded::to_string(&pairs).unwrap_or_default()
        )
    });
    let today = now().to_zoned_datetime(s.actor.workspace.tz()).date();
    render(&GesturesPage {
        title: match &contact {
            Some(c) => format!("Gestures for {}", c.name),
            None => "Gestures of appreciation".to_owned(),
        },
        csrf: s.csrf.clone(),
        contact: contact.map(|c| (c.id.to_string(), c.name)),
        items: items
            .into_iter()
            .map(|(g, name)| {
                let planned = if g.given_on > today { " (planned)" } else { "" };
                (
                    g.contact_id.to_string(),
                    name,
                    format!(
                        "{}{planned} · {}: {} ({})",
                        g.given_on,
                        g.kind.label(),
                        g.text,
                        g.cost
                    ),
                )
            })
            .collect(),
        next,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_gesture_cursor_reads_back_and_nonsense_does_not() {
        let g = rapport_core::gesture::Gesture {
            id: rapport_core::gesture::GestureId::generate(),
            contact_id: rapport_core::ids::ContactId::generate(),
            kind: rapport_core::gesture::GestureKind::Gift,
            text: "Wine".into(),
            given_on: jiff::civil::date(2026, 11, 30),
            cost: Default::default(),
            note: None,
            given_by: rapport_core::ids::UserId::generate(),
            created_at: jiff::Timestamp::from_second(1_790_000_000).expect("ts"),
        };
        let c = super::gesture_cursor(&g);
        assert_eq!(
            super::parse_gesture_cursor(&c),
            Some((g.given_on, g.created_at, g.id.clone()))
        );
        for bad in ["", "2026-11-30", "2026-13-01~1~x", &format!("{c}~more")] {
            assert_eq!(super::parse_gesture_cursor(bad), None, "{bad}");
        }
    }
}
