//! A contact's page: details, trust both ways with its explanation, the ledger, memory,
//! requests, timeline, gestures and deals.

use super::page_prelude::*;

pub(super) struct TrustBlock {
    heading: &'static str,
    pub(super) reading: String,
    next: String,
    explanation: Vec<String>,
}

pub(super) fn trust_block(heading: &'static str, v: &DirectionView) -> TrustBlock {
    use rapport_core::trust::Status;
    let reading = match (v.status, v.score, v.band) {
        (Status::Known, Some(score), Some(band)) => format!("{score:.0} / 100 ({band:?})"),
        (Status::Early, _, Some(band)) => format!("An early read: {band:?}"),
        _ => "Not known yet: too few promises resolved".to_owned(),
    }
    .replace("Low", "low")
    .replace("High", "high")
    .replace("Moderate", "moderate");
    let next = format!(
        "Next kept promise: {:+.1} points; next broken: {:+.1}.{}",
        v.next.kept,
        v.next.broken,
        match (v.next.next_band, v.next.kept_to_next_band) {
            (Some(b), Some(k)) => format!(" {k} more kept reach {b:?}."),
            _ => String::new(),
        }
    );
    let explanation = v
        .explanation
        .iter()
        .map(|e| {
            format!(
                "{:+.1}: “{}”, {} on {}",
                e.contribution,
                e.text,
                e.outcome.replace('_', " "),
                e.resolved_at.strftime("%Y-%m-%d")
            )
        })
        .collect();
    TrustBlock {
        heading,
        reading,
        next,
        explanation,
    }
}

pub(super) struct CommitmentLine {
    id: String,
    line: String,
    actions: Vec<(&'static str, &'static str)>,
    /// Foresight, below 70%: "45% of your major promises slip: tell them early if it does".
    forecast: Option<String>,
}

#[derive(Template)]
#[template(path = "contact.html")]
pub(super) struct ContactPage {
    title: String,
    csrf: String,
    id: String,
    name: String,
    summary: String,
    /// Where and when we met, who introduced us.
    met: Option<String>,
    error: Option<String>,
    /// Another contact with the same email or phone as this one, just added: (id, name).
    same_as: Option<(String, String)>,
    /// The contact merged into this one whose old link led here: (id, name).
    merged_from: Option<(String, String)>,
    /// The reciprocity ladder both ways: (heading, level and reliability, next step).
    ladder: Vec<(String, String, String)>,
    /// How to reach them: emails (mailto:), phones (tel:, with the number as typed shown).
    emails: Vec<String>,
    /// (the tel: target, the number as typed)
    phones: Vec<(String, String)>,
    tags: Vec<String>,
    trust: Vec<TrustBlock>,
    commitments: Vec<CommitmentLine>,
    /// Memory grouped: (heading, facts).
    facts: Vec<(&'static str, Vec<(String, String)>)>,
    upcoming: Vec<String>,
    requests: Vec<RequestLine>,
    /// More requests than shown: the page that lists them all is linked.
    requests_more: bool,
    /// My open promises to them, one of which may answer a request: (id, text).
    answer_choices: Vec<(String, String)>,
    /// (interaction id, line)
    timeline: Vec<(String, String)>,
    /// Earlier conversations than shown: the timeline page lists them.
    timeline_more: bool,
    /// More gestures than shown: the gestures page lists them.
    gestures_more: bool,
    /// More open promises than shown: the ledger, filtered to them, lists them.
    commitments_more: bool,
    appreciation: String,
    gestures: Vec<String>,
    deals: Vec<DealLine>,
    /// Deals not shown, and the page that lists them all.
    deals_more: Option<(u64, String)>,
    archived: bool,
    /// Who introduced them: (id, name).
    introduced_by: Option<(String, String)>,
    /// Whom they introduced: (id, name, now a customer).
    introduced: Vec<(String, String, bool)>,
}

/// Open promises shown on the page; the ledger lists the rest.
const OPEN_SHOWN: u32 = 50;

pub(super) struct RequestLine {
    id: String,
    line: String,
    /// Whether we know why it matters to them (else: ask, and a form to write it down).
    why_known: bool,
    /// The promise that answers it.
    answered_by: Option<String>,
}

pub(super) struct DealLine {
    /// What we conceded, and what we got in return, as lines.
    gives: String,
    gets: String,
    id: String,
    line: String,
    open: bool,
}

pub(super) async fn contact_page(
    state: &AppState,
    s: &Session,
    id: &str,
    error: Option<String>,
) -> Result<Response, ApiError> {
    contact_page_with(state, s, id, error, None, None).await
}

pub(super) async fn contact_page_with(
    state: &AppState,
    s: &Session,
    id: &str,
    error: Option<String>,
    same_as: Option<(String, String)>,
    merged_from: Option<(String, String)>,
) -> Result<Response, ApiError> {
    let cid = ContactId::parse(id).ok_or_else(|| ApiError::not_found("contact"))?;
    let c = state
        .db
        .contact(&s.actor.workspace.id, &cid)
        .await?
        .ok_or_else(|| ApiError::not_found("contact"))?;
    // A merged contact's page is the one it was merged into (its old links lead there).
    if let Some(into) = &c.merged_into {
        return Ok(redirect(&format!("/contacts/{into}?merged_from={}", c.id)));
    }
    let n = now();
    let brief = rapport_core::brief::brief(&state.db, &s.actor, c.id.as_str(), n).await?;
    let card = service::card_of(&state.db, &s.actor, c.clone()).await?;
    let mut latest = service::timeline(&state.db, &s.actor, c.id.as_str(), None, 21)
        .await?
        .1;
    let timeline_more = latest.len() > 20;
    latest.truncate(20);
    let timeline = latest
        .iter()
        .map(|i| {
            let said = i
                .they_said
                .as_deref()
                .map_or(String::new(), |t| format!(" — they said: {t}"));
            (
                i.id.to_string(),
                format!(
                    "{} · {}: {}{said}",
                    i.occurred_at
                        .to_zoned_datetime(s.actor.workspace.tz())
                        .strftime("%Y-%m-%d"),
                    i.kind,
                    i.summary
                ),
            )
        })
        .collect();
    let open = ledger::list_commitments(
        &state.db,
        &s.actor,
        CommitmentQuery {
            contact: Some(c.id.to_string()),
            open_only: true,
            limit: Some(OPEN_SHOWN + 1),
            ..CommitmentQuery::default()
        },
    )
    .await?;
    let commitments_more = open.len() > OPEN_SHOWN as usize;
    let shown: Vec<&rapport_core::commitment::Commitment> =
        open.iter().take(OPEN_SHOWN as usize).collect();
    let forecasts = rapport_core::foresight::forecasts(&state.db, &s.actor, &shown, n).await?;
    let commitments = open
        .iter()
        .take(OPEN_SHOWN as usize)
        .map(|k| {
            let who = match k.direction {
                Direction::Mine => "I promised",
                Direction::Theirs => "They promised",
            };
            let flag = if k.needs_telling() {
                " — at risk, they have not been told"
            } else if k.is_overdue(n) {
                " — overdue"
            } else {
                ""
            };
            let actions = match k.direction {
                Direction::Mine if k.needs_telling() => {
                    vec![("told", "Told them"), ("kept", "Kept")]
                }
                Direction::Mine if k.at_risk.is_some() => {
                    vec![("kept", "Kept"), ("broken", "Broken")]
                }
                Direction::Mine => vec![
                    ("kept", "Kept"),
                    ("at-risk", "At risk"),
                    ("broken", "Broken"),
                ],
                Direction::Theirs => vec![("kept", "They did it"), ("broken", "They did not")],
            };
            CommitmentLine {
                id: k.id.to_string(),
                line: format!("{who}: {} (due {}){flag}", k.text, k.due),
                actions,
                forecast: forecasts
                    .get(&k.id)
                    .filter(|f| f.warns())
                    .map(|f| f.forecast_reason.clone()),
            }
        })
        .collect();
    let upcoming = brief
        .upcoming_dates
        .iter()
        .map(|u| {
            let when = match u.in_days {
                0 => "today".to_owned(),
                1 => "tomorrow".to_owned(),
                d => format!("in {d} days"),
            };
            format!("{} — {} ({when})", u.fact.describe(), u.next)
        })
        .collect();
    // The first few, oldest first (the backlog); the Requests page lists every one.
    let mut requests =
        ledger::requests(&state.db, &s.actor, Some(c.id.as_str()), false, None, 11).await?;
    let requests_more = requests.len() > 10;
    requests.truncate(10);
    let requests: Vec<RequestLine> = requests
        .into_iter()
        .map(|r| RequestLine {
            id: r.id.to_string(),
            line: match &r.why {
                Some(w) => format!("{} — why: {w}", r.text),
                None => format!("{} — why it matters to them is not known yet: ask", r.text),
            },
            why_known: r.why.is_some(),
            answered_by: r.answered_by.map(|a| a.to_string()),
        })
        .collect();
    let answer_choices = open
        .iter()
        .filter(|k| k.direction == Direction::Mine)
        .map(|k| (k.id.to_string(), format!("{} (due {})", k.text, k.due)))
        .collect();
    let a = &brief.appreciation;
    let appreciation = format!(
        "{} Next: {} ({}).{}",
        match (&a.last, a.next_due) {
            (Some(g), Some(d)) =>
                format!("Last gesture {} ({}); next due {d}.", g.given_on, g.text),
            (Some(g), None) => format!("Last gesture {} ({}).", g.given_on, g.text),
            (None, Some(d)) => format!("No gesture yet; one is due {d}."),
            (None, None) => "No gestures planned for this kind of relationship.".to_owned(),
        },
        a.suggestion.text,
        a.suggestion.why,
        a.suggestion
            .more()
            .map(|m| format!(" {m}"))
            .unwrap_or_default()
    );
    let mut given =
        rapport_core::gesture::list(&state.db, &s.actor, Some(c.id.as_str()), None, 21).await?;
    let gestures_more = given.len() > 20;
    given.truncate(20);
    let gestures = given
        .into_iter()
        .map(|(g, _)| {
            format!(
                "{} · {}: {} ({})",
                g.given_on,
                g.kind.label(),
                g.text,
                g.cost
            )
        })
        .collect();
    let contact_deals = rapport_core::deal::list(
        &state.db,
        &s.actor,
        &rapport_core::deal::DealQuery {
            filter: rapport_core::ports::DealFilter {
                contact: Some(c.id.clone()),
                ..Default::default()
            },
            after: None,
            limit: CONTACT_DEALS,
        },
        n,
    )
    .await?;
    let deals_more =
        (contact_deals.more > 0).then(|| (contact_deals.more, format!("/deals?contact={}", c.id)));
    let deals = contact_deals
        .items
        .into_iter()
        .map(|d| {
            let mut flags = Vec::new();
            if d.gives_outrun_gets {
                flags.push("gives outrun gets".to_owned());
            }
            if d.trust_gate {
                flags.push("trust gate: their promises read low".to_owned());
            }
            if let Some(l) = &d.ladder_gate {
                flags.push(format!("ladder: {l}"));
            }
            let flags = if flags.is_empty() {
                String::new()
            } else {
                format!(" — {}", flags.join("; "))
            };
            let terms = |list: &[rapport_core::deal::Term]| {
                list.iter()
                    .map(|t| t.text.as_str())
                    .collect::<Vec<_>>()
                    .join("; ")
            };
            DealLine {
                gives: terms(&d.gives),
                gets: terms(&d.gets),
                id: d.deal.id.to_string(),
                line: format!(
                    "{}: {} ({}){flags}",
                    d.deal.title, d.deal.value, d.deal.stage
                ),
                open: d.deal.stage.is_open(),
            }
        })
        .collect();
    let intro = rapport_core::referral::introductions(&state.db, &s.actor, c.id.as_str()).await?;
    let met = c.met_phrase(intro.introduced_by.as_ref().map(|(_, n)| n.as_str()));
    let steps = ledger::ladder(&state.db, &s.actor, c.id.as_str()).await?;
    let rung_line = |r: &rapport_core::ladder::Rung| {
        let mut sizes = Vec::new();
        for (size, kept, broken) in [
            ("token", r.kept.token, r.broken.token),
            ("normal", r.kept.normal, r.broken.normal),
            ("major", r.kept.major, r.broken.major),
        ] {
            if kept + broken > 0 {
                sizes.push(format!("{size} {kept} kept, {broken} broken"));
            }
        }
        if sizes.is_empty() {
            r.level.label().to_owned()
        } else {
            format!("{} ({})", r.level.label(), sizes.join("; "))
        }
    };
    let ladder = vec![
        (
            "My promises to them".to_owned(),
            rung_line(&steps.ladder.mine),
            steps.ladder.mine.next.clone(),
        ),
        (
            "Their promises to me".to_owned(),
            rung_line(&steps.ladder.theirs),
            steps.ladder.theirs.next.clone(),
        ),
    ];
    let org = c
        .organisation
        .as_deref()
        .map_or(String::new(), |o| format!(" at {o}"));
    let page = ContactPage {
        title: c.name.clone(),
        csrf: s.csrf.clone(),
        id: c.id.to_string(),
        name: c.name.clone(),
        summary: format!(
            "{}{org}{}{}",
            c.relationship.label(),
            if c.vip { ", VIP" } else { "" },
            if c.is_archived() { " (archived)" } else { "" }
        ),
        error,
        same_as,
        merged_from,
        ladder,
        met,
        emails: c.emails.clone(),
        phones: c
            .phones
            .iter()
            .map(|p| {
                // tel: takes digits and a leading +; an extension is dialled after a pause.
                let target: String = p
                    .chars()
                    .enumerate()
                    .filter(|(i, ch)| ch.is_ascii_digit() || (*i == 0 && *ch == '+'))
                    .map(|(_, ch)| ch)
                    .collect();
                (target, p.clone())
            })
            .collect(),
        tags: c.tags.clone(),
        trust: vec![
            trust_block("My promises to them", &brief.trust_mine),
            trust_block("Their promises to me", &brief.trust_theirs),
        ],
        commitments,
        facts: grouped_facts(&card.facts),
        upcoming,
        requests,
        requests_more,
        answer_choices,
        timeline,
        timeline_more,
        gestures_more,
        commitments_more,
        appreciation,
        gestures,
        deals,
        deals_more,
        archived: c.is_archived(),
        introduced_by: intro.introduced_by.map(|(id, name)| (id.to_string(), name)),
        introduced: intro
            .introduced
            .into_iter()
            .map(|(id, name, customer)| (id.to_string(), name, customer))
            .collect(),
    };
    Ok(render(&page))
}

/// Memory in groups, in a fixed order: family, interests, preferences, dates, notes.
fn grouped_facts(facts: &[rapport_core::fact::Fact]) -> Vec<(&'static str, Vec<(String, String)>)> {
    use rapport_core::fact::FactKind;
    [
        (FactKind::Family, "Family"),
        (FactKind::Interest, "Interests"),
        (FactKind::Preference, "Preferences"),
        (FactKind::Date, "Dates"),
        (FactKind::Note, "Notes"),
    ]
    .into_iter()
    .map(|(kind, heading)| {
        (
            heading,
            facts
                .iter()
                .filter(|f| f.kind == kind)
                .map(|f| (f.id.to_string(), f.describe()))
                .collect::<Vec<_>>(),
        )
    })
    .filter(|(_, list)| !list.is_empty())
    .collect()
}

#[derive(Debug, Deserialize)]
pub(super) struct ContactPageQuery {
    /// Set after adding a contact that shares an email or phone with this one.
    same_as: Option<String>,
    /// Set when an old link of a contact merged into this one led here.
    merged_from: Option<String>,
}

pub(super) async fn contact(
    State(state): State<AppState>,
    session: WebSession,
    Path(id): Path<String>,
    Query(q): Query<ContactPageQuery>,
) -> Response {
    let s = match signed_in(session) {
        Ok(s) => s,
        Err(r) => return *r,
    };
    // Only a contact of this workspace is named; anything else is ignored.
    let mut same_as = None;
    if let Some(other) = q.same_as.as_deref().and_then(ContactId::parse) {
        match state.db.contact(&s.actor.workspace.id, &other).await {
            Ok(Some(c)) => same_as = Some((c.id.to_string(), c.name)),
            Ok(None) => {}
            Err(e) => return web_error(e.into()),
        }
    }
    // Come from a merged contact's old link: say so.
    let mut merged_from = None;
    if let Some(old) = q.merged_from.as_deref().and_then(ContactId::parse) {
        match state.db.contact(&s.actor.workspace.id, &old).await {
            Ok(Some(c)) if c.merged_into.as_ref().is_some_and(|k| k.as_str() == id) => {
                merged_from = Some((c.id.to_string(), c.name));
            }
            Ok(_) => {}
            Err(e) => return web_error(e.into()),
        }
    }
    contact_page_with(&state, &s, &id, None, same_as, merged_from)
        .await
        .unwrap_or_else(web_error)
}
