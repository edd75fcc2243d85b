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
        Ok::<_, rapport_core::Error>(InsightsPage {
            title: "Insights",
            csrf: s.csrf.clone(),
            latency,
            advocates,
            more_advocates,
        })
    }
    .await;
    match built {
        Ok(page) => render(&page),
        Err(e) => web_error(e.into()),
    }
}
