//! Likely duplicates and merging them: the Duplicates page (pairs surest first, 50 a page),
//! and a contact's merge page (pick the duplicate by name or id, see what would move, then
//! merge). The same use cases as `rapport contact duplicates|merge` and the API.

use rapport_core::duplicate::{self, ListedPair, PairSide};

use super::page_prelude::*;

const PAGE: u32 = 50;

/// One side of a pair as the page shows it: name, then what tells it apart.
pub(super) struct SideLine {
    id: String,
    name: String,
    details: String,
}

impl SideLine {
    fn of(s: &PairSide) -> SideLine {
        let mut details: Vec<String> = Vec::new();
        if let Some(o) = &s.organisation {
            details.push(o.clone());
        }
        details.push(s.relationship.label().to_owned());
        if s.vip {
            details.push("VIP".to_owned());
        }
        details.extend(s.emails.iter().cloned());
        details.extend(s.phones.iter().cloned());
        SideLine {
            id: s.id.to_string(),
            name: s.name.clone(),
            details: details.join(" · "),
        }
    }
}

pub(super) struct PairLine {
    keep: SideLine,
    other: SideLine,
    why: String,
}

impl PairLine {
    fn of(p: &ListedPair) -> PairLine {
        PairLine {
            keep: SideLine::of(&p.keep),
            other: SideLine::of(&p.other),
            why: p.why.clone(),
        }
    }
}

#[derive(Template)]
#[template(path = "duplicates.html")]
pub(super) struct DuplicatesPage {
    title: &'static str,
    csrf: String,
    rows: Vec<PairLine>,
    total: usize,
    first: usize,
    next: Option<String>,
    left: usize,
}

#[derive(Debug, Deserialize)]
pub(super) struct DuplicatesQuery {
    offset: Option<String>,
}

pub(super) async fn duplicates_page(
    State(state): State<AppState>,
    session: WebSession,
    Query(q): Query<DuplicatesQuery>,
) -> Response {
    let s = match signed_in(session) {
        Ok(s) => s,
        Err(r) => return *r,
    };
    let offset = match q.offset.as_deref().map(str::trim).filter(|o| !o.is_empty()) {
        None => 0,
        Some(o) => match o.parse::<usize>() {
            Ok(n) => n,
            Err(_) => return web_error(ApiError::bad_request("offset: not a number of pairs")),
        },
    };
    match duplicate::duplicates(&state.db, &s.actor, offset, PAGE).await {
        Ok(list) => render(&DuplicatesPage {
            title: "Duplicates",
            csrf: s.csrf.clone(),
            rows: list.items.iter().map(PairLine::of).collect(),
            total: list.total,
            first: offset + 1,
            left: list.next_offset.map_or(0, |n| list.total - n),
            next: list.next_offset.map(|n| format!("/duplicates?offset={n}")),
        }),
        Err(e) => web_error(e.into()),
    }
}

#[derive(Template)]
#[template(path = "merge.html")]
pub(super) struct MergePage {
    title: String,
    csrf: String,
    keep_id: String,
    keep_name: String,
    /// What was typed to name the duplicate.
    other: String,
    /// The duplicate found, and what merging it would do: (id, name, summary, lines).
    preview: Option<(String, String, String, Vec<String>)>,
    /// Several contacts match what was typed: (id, line) to pick from.
    candidates: Vec<(String, String)>,
    error: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(super) struct MergeQuery {
    other: Option<String>,
}

/// The merge page for `keep`, previewing `other` (a dry run) when named.
async fn merge_view(
    state: &AppState,
    s: &Session,
    keep: &Contact,
    other: &str,
    error: Option<String>,
) -> Response {
    let mut page = MergePage {
        title: format!("Merge a duplicate into {}", keep.name),
        csrf: s.csrf.clone(),
        keep_id: keep.id.to_string(),
        keep_name: keep.name.clone(),
        other: other.to_owned(),
        preview: None,
        candidates: Vec::new(),
        error,
    };
    let mut status = StatusCode::OK;
    if !other.is_empty() && page.error.is_none() {
        match duplicate::merge(&state.db, &s.actor, keep.id.as_str(), other, true, now()).await {
            Ok(m) => {
                let mut lines = Vec::new();
                let o = &m.other;
                lines.push(format!(
                    "{} will be archived, pointing here; {} stays as it is, with what it lacked added.",
                    o.name, m.keep.name
                ));
                if let Some(n) = &m.note {
                    lines.push(format!("A note will keep: “{n}”."));
                }
                if m.moved.introducer_dropped {
                    lines.push(format!(
                        "{} keeps its own introducer; the other's is named in the note.",
                        m.keep.name
                    ));
                }
                page.preview = Some((o.id.to_string(), o.name.clone(), m.summary(), lines));
            }
            Err(rapport_core::Error::Ambiguous { candidates, .. }) => {
                page.candidates = candidates
                    .into_iter()
                    .filter(|c| c.id != keep.id.as_str())
                    .map(|c| {
                        let mut line = c.name;
                        if let Some(o) = c.organisation {
                            line.push_str(&format!(" · {o}"));
                        }
                        if let Some(e) = c.email {
                            line.push_str(&format!(" · {e}"));
                        }
                        line.push_str(&format!(" · {}", c.relationship));
                        (c.id, line)
                    })
                    .collect();
            }
            Err(e @ rapport_core::Error::NotFound(_)) => {
                status = StatusCode::NOT_FOUND;
                page.error = Some(e.to_string());
            }
            Err(e @ rapport_core::Error::Invalid(_)) => {
                status = StatusCode::UNPROCESSABLE_ENTITY;
                page.error = Some(e.to_string());
            }
            Err(e @ rapport_core::Error::Conflict(_)) => {
                status = StatusCode::CONFLICT;
                page.error = Some(e.to_string());
            }
            Err(e) => return web_error(e.into()),
        }
    }
    let mut r = render(&page);
    *r.status_mut() = status;
    r
}

async fn keep_of(state: &AppState, s: &Session, id: &str) -> Result<Contact, Response> {
    let cid = contact_id(id).map_err(|r| *r)?;
    match state.db.contact(&s.actor.workspace.id, &cid).await {
        Ok(Some(c)) => Ok(c),
        Ok(None) => Err(web_error(ApiError::not_found("contact"))),
        Err(e) => Err(web_error(e.into())),
    }
}

pub(super) async fn merge_form(
    State(state): State<AppState>,
    session: WebSession,
    Path(id): Path<String>,
    Query(q): Query<MergeQuery>,
) -> Response {
    let s = match signed_in(session) {
        Ok(s) => s,
        Err(r) => return *r,
    };
    let keep = match keep_of(&state, &s, &id).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let other = q.other.as_deref().map(str::trim).unwrap_or("");
    merge_view(&state, &s, &keep, other, None).await
}

#[derive(Debug, Deserialize)]
pub(super) struct MergeFields {
    other: String,
}

pub(super) async fn merge_contact(
    State(state): State<AppState>,
    Path(id): Path<String>,
    SignedInForm(s, f): SignedInForm<MergeFields>,
) -> Response {
    let keep = match keep_of(&state, &s, &id).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    // The form carries the id the preview showed: exactly that contact is merged.
    let other = f.other.trim();
    match duplicate::merge(&state.db, &s.actor, keep.id.as_str(), other, false, now()).await {
        Ok(_) => redirect(&format!("/contacts/{}", keep.id)),
        Err(
            e @ (rapport_core::Error::Invalid(_)
            | rapport_core::Error::Conflict(_)
            | rapport_core::Error::NotFound(_)
            | rapport_core::Error::Ambiguous { .. }),
        ) => {
            let status = match e {
                rapport_core::Error::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
                rapport_core::Error::NotFound(_) => StatusCode::NOT_FOUND,
                _ => StatusCode::CONFLICT,
            };
            let mut r = merge_view(&state, &s, &keep, other, Some(e.to_string())).await;
            *r.status_mut() = status;
            r
        }
        Err(e) => web_error(e.into()),
    }
}
