//! Insights: how fast news travels (bad news from at risk to told, good news from kept to
//! told, per member) and the advocates (who introduces people, and how many became
//! customers). The same use cases as `rapport latency` and `rapport advocates`.

use super::page_prelude::*;

#[derive(Template)]
#[template(path = "insights.html")]
pub(super) struct InsightsPage {
    title: &'static str,
    csrf: String,
    /// Per member: (name, bad news line, good news line).
    latency: Vec<(String, String, String)>,
    /// (contact id, name, line)
    advocates: Vec<(String, String, String)>,
    /// Advocates not shown, and the link that shows them all.
    more_advocates: Option<(usize, String)>,
    /// Requests answered without knowing why: the whole workspace's line, the last 30 days'
    /// line, then one line per member.
    why: Vec<String>,
    why_members: Vec<String>,
    /// What customers tell us: the filter as given, then each kind of themes.
    filter_types: Vec<(&'static str, &'static str, bool)>,
    since: String,
    /// A refused filter, said on the page.
    error: Option<String>,
    /// (title, themes): what they said, what they ask for.
    sections: Vec<(&'static str, ThemeSection)>,
}

/// One kind of themes on the page.
pub(super) struct ThemeSection {
    /// "Since 2026-09-08, 1,204 things said read"
    read: String,
    /// (theme, "3 contacts, 5 mentions", who, quotes)
    themes: Vec<(String, String, String, Vec<String>)>,
    /// Themes beyond those listed, and the link that lists more.
    more: Option<(usize, String)>,
}

#[derive(Debug, Deserialize)]
pub(super) struct InsightsQuery {
    /// Every advocate, not only the first 20.
    all: Option<String>,
    /// Themes: only contacts of this type, from this day, this many.
    #[serde(rename = "type")]
    relationship: Option<String>,
    since: Option<String>,
    limit: Option<u32>,
}

fn theme_section(
    themes: &[rapport_core::insight::Theme],
    more: usize,
    read: u64,
    total: u64,
    since: jiff::civil::Date,
    next: String,
) -> ThemeSection {
    let plural = |n: usize, w: &str| {
        if n == 1 {
            format!("1 {w}")
        } else {
            format!("{n} {w}s")
        }
    };
    ThemeSection {
        read: if read < total {
            format!("Since {since}: the newest {read} of {total} read")
        } else {
            format!("Since {since}: {read} read")
        },
        themes: themes
            .iter()
            .map(|t| {
                (
                    t.theme.clone(),
                    format!(
                        "{}, {}{}",
                        plural(t.contacts, "contact"),
                        plural(t.mentions, "mention"),
                        if t.named {
                            ", a topic named when logging"
                        } else {
                            ""
                        }
                    ),
                    t.who
                        .iter()
                        .take(rapport_core::insight::WHO_SHOWN)
                        .map(|(_, n)| n.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                        + &if t.who_more > 0 {
                            format!(" and {} more", t.who_more)
                        } else {
                            String::new()
                        },
                    t.quotes
                        .iter()
                        .map(|q| format!("“{}” — {}", q.text, q.contact_name))
                        .collect(),
                )
            })
            .collect(),
        // At the largest page there is no bigger one to offer: the count says the rest.
        more: (more > 0 && !next.is_empty()).then_some((more, next)),
    }
}

const ADVOCATES_SHOWN: usize = 20;

fn hours(h: Option<f64>) -> String {
    match h {
        None => "-".to_owned(),
        Some(h) if h < 48.0 => format!("{h:.1} hours"),
        Some(h) => format!("{:.1} days", h / 24.0),
    }
}

pub(super) async fn insights(
    State(state): State<AppState>,
    session: WebSession,
    Query(q): Query<InsightsQuery>,
) -> Response {
    let s = match signed_in(session) {
        Ok(s) => s,
        Err(r) => return *r,
    };
    let built = async {
        let n = now();
        let report = ledger::latency_report(&state.db, &s.actor).await?;
        let members = state.db.members(&s.actor.workspace.id).await?;
        let latency = report
            .iter()
            .map(|u| {
                let who = members
                    .iter()
                    .find(|m| m.user_id == u.user_id)
                    .map_or_else(|| "A former member".to_owned(), |m| m.name.clone());
                (
                    who,
                    format!(
                        "Bad news (at risk → told): {} told, typically after {}; {} not told yet",
                        u.bad_news.count,
                        hours(u.bad_news.median_hours),
                        u.bad_news_untold
                    ),
                    format!(
                        "Good news (kept → told): {} told, typically after {}",
                        u.good_news.count,
                        hours(u.good_news.median_hours)
                    ),
                )
            })
            .collect();
        let all = rapport_core::referral::advocates(&state.db, &s.actor).await?;
        let show_all = q.all.as_deref().is_some_and(|a| !a.is_empty());
        let shown = if show_all {
            all.len()
        } else {
            all.len().min(ADVOCATES_SHOWN)
        };
        let more_advocates = (shown < all.len())
            .then(|| (all.len() - shown, "/insights?all=1#advocates".to_owned()));
        let advocates = all
            .into_iter()
            .take(shown)
            .map(|a| {
                (
                    a.contact_id.to_string(),
                    a.name,
                    format!(
                        "introduced {}, of whom {} became customers",
                        a.referred, a.became_customers
                    ),
                )
            })
            .collect();
        let all_time = ledger::request_stats(&state.db, &s.actor, None, n).await?;
        let month = ledger::request_stats(&state.db, &s.actor, Some("-30d"), n).await?;
        let line = |what: &str, st: &ledger::RequestStats| {
            format!(
                "{what}: {} answered, {} of them without knowing why ({:.0}%)",
                st.answered,
                st.answered_without_why,
                st.share_without_why * 100.0
            )
        };
        let why = vec![
            line("Since the beginning", &all_time),
            line("The last 30 days", &month),
            format!(
                "Open requests whose why is still unknown: {}",
                all_time.open_without_why
            ),
        ];
        let why_members = all_time
            .by_member
            .iter()
            .map(|m| {
                format!(
                    "{}: {} answered, {} without the why",
                    m.name, m.answered, m.answered_without_why
                )
            })
            .collect();
        // What customers tell us, with the filter as given; a refused filter is said.
        let relationship = q
            .relationship
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::parse::<rapport_core::contact::RelationshipType>)
            .transpose()
            .map_err(rapport_core::Error::from);
        let since = q
            .since
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(|d| rapport_core::insight::parse_since(d, &s.actor, n))
            .transpose();
        let (mut error, mut sections) = (None, Vec::new());
        let chosen = relationship.as_ref().ok().copied().flatten();
        match (relationship, since) {
            (Ok(relationship), Ok(since)) => {
                let limit = q.limit.unwrap_or(rapport_core::insight::DEFAULT_THEMES);
                let query = rapport_core::insight::InsightQuery {
                    relationship,
                    since,
                    limit: Some(limit),
                };
                match rapport_core::insight::insights(&state.db, &s.actor, query, n).await {
                    Ok(v) => {
                        let more_link = serde_urlencoded::to_string([
                            ("type", relationship.map_or("", |r| r.as_str()).to_owned()),
                            ("since", v.since.to_string()),
                            (
                                "limit",
                                limit
                                    .saturating_mul(5)
                                    .min(rapport_core::insight::MAX_THEMES)
                                    .to_string(),
                            ),
                        ])
                        .map(|qs| format!("/insights?{qs}#themes"))
                        .unwrap_or_default();
                        let more_link = if limit >= rapport_core::insight::MAX_THEMES {
                            String::new()
                        } else {
                            more_link
                        };
                        sections.push((
                            "What they said",
                            theme_section(
                                &v.themes,
                                v.more_themes,
                                v.said_read,
                                v.said_total,
                                v.since,
                                more_link.clone(),
                            ),
                        ));
                        sections.push((
                            "What they ask for",
                            theme_section(
                                &v.requests,
                                v.more_requests,
                                v.requests_read,
                                v.requests_total,
                                v.since,
                                more_link,
                            ),
                        ));
                    }
                    Err(rapport_core::Error::Invalid(i)) => error = Some(i.message),
                    Err(e) => return Err(e),
                }
            }
            (Err(e), _) | (_, Err(e)) => error = Some(e.to_string()),
        }
        Ok::<_, rapport_core::Error>(InsightsPage {
            title: "Insights",
            csrf: s.csrf.clone(),
            latency,
            advocates,
            more_advocates,
            why,
            why_members,
            filter_types: super::contact_edit::type_options(chosen),
            since: q.since.clone().unwrap_or_default(),
            error,
            sections,
        })
    }
    .await;
    match built {
        Ok(page) => render(&page),
        Err(e) => web_error(e.into()),
    }
}
