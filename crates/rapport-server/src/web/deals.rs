//! The deals board (every stage counted in the database, its first deals shown) and the
//! listing of one stage or one contact's deals, page by page; moving a deal, give/get.

use super::page_prelude::*;

/// A deal on the board.
pub(super) struct Card {
    id: String,
    contact_id: String,
    /// "title — contact"
    title: String,
    /// value and flags
    note: String,
    open: bool,
}

/// A column of the board.
pub(super) struct Column {
    stage: &'static str,
    /// "3 deals · 12,500.00"
    summary: String,
    cards: Vec<Card>,
    /// Deals of the stage not shown, and the link that shows them.
    more: Option<(u64, String)>,
}

#[derive(Template)]
#[template(path = "deals.html")]
pub(super) struct DealsPage {
    title: &'static str,
    csrf: String,
    /// When one stage is listed page by page: its name.
    heading: String,
    columns: Vec<Column>,
    stages: Vec<&'static str>,
}

/// Deals shown per stage on the board before "show all".
pub(super) const BOARD_PER_STAGE: u32 = 20;

/// Deals per page when one stage (or contact) is listed.
pub(super) const STAGE_PAGE: u32 = 100;

/// Deals shown on a contact's page before "show all".
pub(super) const CONTACT_DEALS: u32 = 20;

pub(super) fn card_of(d: &rapport_core::deal::DealView) -> Card {
    let mut note = d.deal.value.to_string();
    if d.gives_outrun_gets {
        note.push_str(" · gives outrun gets");
    }
    if d.trust_gate {
        note.push_str(" · trust gate");
    }
    if let Some(l) = &d.ladder_gate {
        note.push_str(&format!(" · ladder: {l}"));
    }
    Card {
        id: d.deal.id.to_string(),
        contact_id: d.deal.contact_id.to_string(),
        title: format!("{} — {}", d.deal.title, d.contact_name),
        note,
        open: d.deal.stage.is_open(),
    }
}

pub(super) fn deal_count(n: u64) -> String {
    if n == 1 {
        "1 deal".to_owned()
    } else {
        format!("{n} deals")
    }
}

#[derive(Debug, Deserialize)]
pub(super) struct DealsQuery {
    /// One stage, listed page by page.
    stage: Option<String>,
    /// One contact's deals, listed page by page.
    contact: Option<String>,
    /// The page after this deal.
    after: Option<String>,
}

/// The deals board: each stage with its count and total (counted in the database, every
/// deal), its first deals, and a link to the rest; or one stage, page by page.
pub(super) async fn deals(
    State(state): State<AppState>,
    session: WebSession,
    Query(q): Query<DealsQuery>,
) -> Response {
    use rapport_core::deal::{self, Stage};
    let s = match signed_in(session) {
        Ok(s) => s,
        Err(r) => return *r,
    };
    let stages = Stage::ALL.iter().map(|st| st.as_str()).collect();
    let n = now();
    let stage = q.stage.as_deref().filter(|t| !t.is_empty());
    let contact = q.contact.as_deref().filter(|t| !t.is_empty());
    if stage.is_none() && contact.is_none() {
        let board = match deal::board(&state.db, &s.actor, BOARD_PER_STAGE, n).await {
            Ok(b) => b,
            Err(e) => return web_error(e.into()),
        };
        let columns = board
            .iter()
            .map(|col| {
                let shown = col.deals.len() as u64;
                Column {
                    stage: col.total.stage.as_str(),
                    summary: format!("{} · {}", deal_count(col.total.count), col.total.value),
                    cards: col.deals.iter().map(card_of).collect(),
                    more: (col.total.count > shown).then(|| {
                        (
                            col.total.count - shown,
                            format!("/deals?stage={}", col.total.stage),
                        )
                    }),
                }
            })
            .collect();
        return render(&DealsPage {
            title: "Deals",
            csrf: s.csrf.clone(),
            heading: "Deals".into(),
            columns,
            stages,
        });
    }
    let result = async {
        let stage: Option<Stage> = stage.map(str::parse).transpose()?;
        let contact = match contact {
            Some(c) => Some(service::resolve_contact(&state.db, &s.actor, c).await?),
            None => None,
        };
        let after = match q.after.as_deref().filter(|t| !t.is_empty()) {
            Some(id) => Some(deal::after(&state.db, &s.actor, id).await?),
            None => None,
        };
        let filter = rapport_core::ports::DealFilter {
            stage,
            contact: contact.as_ref().map(|c| c.id.clone()),
            ..Default::default()
        };
        let query = deal::DealQuery {
            filter,
            after,
            limit: STAGE_PAGE,
        };
        let page = deal::list(&state.db, &s.actor, &query, n).await?;
        let count = page.total;
        Ok::<_, rapport_core::Error>((stage, contact, page, count))
    }
    .await;
    let (stage, contact, page, count) = match result {
        Ok(r) => r,
        Err(e) => return web_error(e.into()),
    };
    let mut heading = "Deals".to_owned();
    let mut again = "/deals?".to_owned();
    if let Some(st) = stage {
        heading.push_str(&format!(" at {st}"));
        again.push_str(&format!("stage={st}&"));
    }
    if let Some(c) = &contact {
        heading.push_str(&format!(" with {}", c.name));
        again.push_str(&format!("contact={}&", c.id));
    }
    let next = page.next().map(|(_, _, id)| id);
    render(&DealsPage {
        title: "Deals",
        csrf: s.csrf.clone(),
        heading,
        columns: vec![Column {
            stage: stage.map_or("all stages", Stage::as_str),
            summary: deal_count(count),
            cards: page.items.iter().map(card_of).collect(),
            more: next.map(|id| (page.more, format!("{again}after={id}"))),
        }],
        stages,
    })
}

#[derive(Debug, Deserialize)]
pub(super) struct StageForm {
    stage: String,
}

pub(super) async fn move_deal(
    State(state): State<AppState>,
    Path(id): Path<String>,
    SignedInForm(s, f): SignedInForm<StageForm>,
) -> Response {
    let done = async {
        let stage = f.stage.parse()?;
        rapport_core::deal::set_stage(&state.db, &s.actor, &id, stage, now()).await
    }
    .await;
    match done {
        Ok(_) => redirect("/deals"),
        Err(e) => web_error(e.into()),
    }
}

#[derive(Debug, Deserialize)]
pub(super) struct TermForm {
    kind: String,
    text: String,
}

pub(super) async fn add_term(
    State(state): State<AppState>,
    Path(id): Path<String>,
    SignedInForm(s, f): SignedInForm<TermForm>,
) -> Response {
    let done = async {
        let kind = f.kind.parse()?;
        rapport_core::deal::add_term(&state.db, &s.actor, &id, kind, &f.text, now()).await
    }
    .await;
    match done {
        Ok(d) => redirect(&format!("/contacts/{}", d.deal.contact_id)),
        Err(e) => web_error(e.into()),
    }
}
