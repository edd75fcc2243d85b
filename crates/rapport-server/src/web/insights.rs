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
}

#[derive(Debug, Deserialize)]
pub(super) struct InsightsQuery {
    /// Every advocate, not only the first 20.
    all: Option<String>,
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
        let n = now();
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
        Ok::<_, rapport_core::Error>(InsightsPage {
            title: "Insights",
            csrf: s.csrf.clone(),
            latency,
            advocates,
            more_advocates,
            why,
            why_members,
        })
    }
    .await;
    match built {
        Ok(page) => render(&page),
        Err(e) => web_error(e.into()),
    }
}
