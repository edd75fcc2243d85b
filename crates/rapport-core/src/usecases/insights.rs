//! What customers tell us, across the workspace: the recurring themes of what contacts said
//! and of what they asked for, for `rapport insights`, `GET /insights` and the Insights page.

use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;

use crate::contact::RelationshipType;
use crate::error::{Invalid, Result};
use crate::model::insight::{Theme, themes};
use crate::ports::{InteractionStore, SaidSpan};
use crate::workspace::Actor;

/// How far back Insights reads unless told: the last 90 days.
pub const DEFAULT_DAYS: i64 = 90;
/// The most texts read of each kind (the newest): the rest are counted and said.
pub const MAX_READ: u32 = 20_000;
/// Themes listed unless told, and at most.
pub const DEFAULT_THEMES: u32 = 20;
pub const MAX_THEMES: u32 = 500;

/// What Insights is asked for.
#[derive(Clone, Debug, Default)]
pub struct InsightQuery {
    /// Only contacts of this type.
    pub relationship: Option<RelationshipType>,
    /// From this day (the workspace's); default the last 90 days.
    pub since: Option<Date>,
    /// Themes listed of each kind (default 20).
    pub limit: Option<u32>,
}

/// The workspace's insights: lists cut at the limit say how many more there are.
#[derive(Clone, Debug, Serialize)]
pub struct Insights {
    /// The first day read.
    pub since: Date,
    pub relationship: Option<RelationshipType>,
    /// Themes of what contacts said in interactions ("they said", and the topics named
    /// when logging), the most contacts first.
    pub themes: Vec<Theme>,
    /// Themes of what contacts asked for: requests and their whys.
    pub requests: Vec<Theme>,
    /// Themes found beyond the limit, of each kind.
    pub more_themes: usize,
    pub more_requests: usize,
    /// Texts read, and how many there are in the span: fewer are read when there were more
    /// than [`MAX_READ`] (the newest are).
    pub said_read: u64,
    pub said_total: u64,
    pub requests_read: u64,
    pub requests_total: u64,
}

/// A `since` as typed (`2026-09-01`, `-30d`), in the workspace's today.
pub fn parse_since(text: &str, actor: &Actor, now: Timestamp) -> Result<Date> {
    let today = crate::today::day_of(now, &actor.workspace.tz());
    Ok(crate::dates::parse_date(text, today).map_err(|e| Invalid::new("since", e.message))?)
}

/// The themes of what contacts said and asked for, in the span asked for.
pub async fn insights<S: InteractionStore>(
    store: &S,
    actor: &Actor,
    q: InsightQuery,
    now: Timestamp,
) -> Result<Insights> {
    let tz = actor.workspace.tz();
    let today = crate::today::day_of(now, &tz);
    let limit = q.limit.unwrap_or(DEFAULT_THEMES);
    if limit == 0 || limit > MAX_THEMES {
        return Err(
            Invalid::new("limit", format!("limit must be between 1 and {MAX_THEMES}")).into(),
        );
    }
    let since = match q.since {
        Some(d) if d > today => {
            return Err(
                Invalid::new("since", format!("since {d} is after today ({today})")).into(),
            );
        }
        Some(d) => d,
        None => today
            .checked_sub(jiff::Span::new().days(DEFAULT_DAYS))
            .map_err(|e| Invalid::new("since", e.to_string()))?,
    };
    let start = since
        .to_zoned_datetime(tz)
        .map(|z| z.timestamp())
        .map_err(|e| Invalid::new("since", e.to_string()))?;
    let span = SaidSpan {
        since: start,
        until: now,
        relationship: q.relationship,
    };
    let (said, said_of) = store.said(&actor.workspace.id, &span, MAX_READ).await?;
    let (asked, asked_of) = store
        .requests_said(&actor.workspace.id, &span, MAX_READ)
        .await?;
    let limit = limit as usize;
    let (mut said_themes, mut asked_themes) = (themes(&said), themes(&asked));
    let more_themes = said_themes.len().saturating_sub(limit);
    let more_requests = asked_themes.len().saturating_sub(limit);
    said_themes.truncate(limit);
    asked_themes.truncate(limit);
    Ok(Insights {
        since,
        relationship: q.relationship,
        themes: said_themes,
        requests: asked_themes,
        more_themes,
        more_requests,
        said_read: said.len() as u64,
        said_total: said_of,
        requests_read: asked.len() as u64,
        requests_total: asked_of,
    })
}
