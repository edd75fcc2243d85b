//! The brief before a meeting, on its own page: what to ask about, what is coming up,
//! what is owed both ways, the last conversations, trust, and the last gesture given (not
//! one merely planned). The same use case as `rapport brief`.

use super::page_prelude::*;

#[derive(Template)]
#[template(path = "brief.html")]
pub(super) struct BriefPage {
    title: String,
    csrf: String,
    id: String,
    name: String,
    summary: String,
    /// Where and when we met, who introduced us.
    met: Option<String>,
    /// (what kind, the fact)
    ask_about: Vec<(&'static str, String)>,
    coming_up: Vec<String>,
    /// (commitment id, line)
    i_owe: Vec<(String, String)>,
    they_owe: Vec<(String, String)>,
    ask_why: Vec<String>,
    conversations: Vec<String>,
    trust: String,
    appreciation: Vec<String>,
}

fn owed(k: &rapport_core::commitment::Commitment, n: Timestamp) -> (String, String) {
    let flag = if k.needs_telling() {
        " — at risk: tell them"
    } else if k.is_overdue(n) {
        " — overdue"
    } else {
        ""
    };
    (
        k.id.to_string(),
        format!("{} (due {}){flag}", k.text, k.due),
    )
}

fn reading(v: &DirectionView) -> String {
    trust_block("", v).reading
}

pub(super) async fn brief(
    State(state): State<AppState>,
    session: WebSession,
    Path(id): Path<String>,
) -> Response {
    let s = match signed_in(session) {
        Ok(s) => s,
        Err(r) => return *r,
    };
    let cid = match contact_id(&id) {
        Ok(c) => c,
        Err(r) => return *r,
    };
    let n = now();
    let b = match rapport_core::brief::brief(&state.db, &s.actor, cid.as_str(), n).await {
        Ok(b) => b,
        Err(e) => return web_error(e.into()),
    };
    let tz = s.actor.workspace.tz();
    let c = &b.contact;
    let kind = |k: rapport_core::fact::FactKind| match k {
        rapport_core::fact::FactKind::Family => "Family",
        rapport_core::fact::FactKind::Interest => "Interest",
        rapport_core::fact::FactKind::Preference => "Preference",
        rapport_core::fact::FactKind::Date => "Date",
        rapport_core::fact::FactKind::Note => "Note",
    };
    let a = &b.appreciation;
    let mut appreciation = vec![match &a.last {
        Some(g) => format!("Last given {}: {} ({})", g.given_on, g.text, g.cost),
        None => "No gesture given yet".to_owned(),
    }];
    if let (Some(d), Some(next)) = (a.every_days, a.next_due) {
        appreciation.push(format!("Every {d} days; the next is due {next}"));
    }
    appreciation.push(format!(
        "Next: {} ({})",
        a.suggestion.text, a.suggestion.why
    ));
    appreciation.extend(a.suggestion.more());
    let page = BriefPage {
        title: format!("Brief: {}", c.name),
        csrf: s.csrf.clone(),
        id: c.id.to_string(),
        name: c.name.clone(),
        met: b.met.clone(),
        summary: format!(
            "{}{}{}",
            c.relationship.label(),
            c.organisation
                .as_deref()
                .map_or(String::new(), |o| format!(" at {o}")),
            if c.vip { ", VIP" } else { "" }
        ),
        ask_about: b
            .family
            .iter()
            .chain(&b.interests)
            .chain(&b.preferences)
            .chain(&b.notes)
            .map(|f| (kind(f.kind), f.describe()))
            .collect(),
        coming_up: b
            .upcoming_dates
            .iter()
            .map(|u| {
                let when = match u.in_days {
                    0 => "today".to_owned(),
                    1 => "tomorrow".to_owned(),
                    d => format!("in {d} days ({})", u.next.strftime("%a %-d %b")),
                };
                format!("{}: {when}", u.fact.describe())
            })
            .collect(),
        i_owe: b.open_mine.iter().map(|k| owed(k, n)).collect(),
        they_owe: b.open_theirs.iter().map(|k| owed(k, n)).collect(),
        ask_why: b.open_whys.iter().map(|r| r.text.clone()).collect(),
        conversations: b
            .last_interactions
            .iter()
            .map(|i| {
                let said = i
                    .they_said
                    .as_deref()
                    .map_or(String::new(), |t| format!(" — they said: {t}"));
                format!(
                    "{} · {}: {}{said}",
                    i.occurred_at
                        .to_zoned_datetime(tz.clone())
                        .strftime("%-d %b %Y"),
                    i.kind,
                    i.summary
                )
            })
            .collect(),
        trust: format!(
            "My promises to them: {}. Theirs to me: {}.{}",
            reading(&b.trust_mine),
            reading(&b.trust_theirs),
            if b.trust_gap {
                " The two differ by more than 20 points."
            } else {
                ""
            }
        ),
        appreciation,
    };
    render(&page)
}
