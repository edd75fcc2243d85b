//! Gathering Today's inputs in indexed SQL: each part is an index range on the user's rows,
//! so Today does not grow with the size of the book.

use rapport_core::commitment::{Commitment, Request};
use rapport_core::contact::RelationshipType;
use rapport_core::fact::Fact;
use rapport_core::gesture::LastGesture;
use rapport_core::ids::{ContactId, UserId, WorkspaceId};
use rapport_core::ports::{StoreResult, TodayStore, TodayWindow};
use rapport_core::today::{ColdCandidate, ContactRef, GestureCandidate, TodayData};
use rapport_core::trust::{Evidence, Params, Status};
use sqlx::{AssertSqlSafe, QueryBuilder};

use crate::gestures::{GESTURE_COLUMNS, GESTURE_COLUMNS_G, GestureRow};
use crate::ledger::{COMMITMENT_COLUMNS_K, CommitmentRow, REQUEST_COLUMNS_R, RequestRow};
use crate::rows::{FactRow, instant};
use crate::{Db, corrupt, db_err, with_pool};

#[derive(sqlx::FromRow)]
struct Named<T> {
    #[sqlx(flatten)]
    row: T,
    contact_name: String,
}

#[derive(sqlx::FromRow)]
struct ColdRow {
    id: String,
    name: String,
    vip: bool,
    relationship: String,
    keep_in_touch_days: i32,
    last_touch_at: Option<i64>,
    touch_due_at: i64,
    positive: Option<f64>,
    negative: Option<f64>,
    as_of: Option<i64>,
    open_deal_cents: i64,
}

#[derive(sqlx::FromRow)]
struct AppreciationRow {
    id: String,
    name: String,
    vip: bool,
    relationship: String,
    created_at: i64,
    appreciation_days: i32,
    appreciation_due_day: i32,
}

/// The rows of one Today, before they become domain values.
struct Gathered {
    appreciation: Vec<AppreciationRow>,
    /// The gestures of the contacts in `appreciation`, newest first per contact.
    their_gestures: Vec<GestureRow>,
    /// Their interests and preferences: (contact id, kind, text).
    interests: Vec<(String, String, String)>,
    planned: Vec<Named<GestureRow>>,
    mine: Vec<Named<CommitmentRow>>,
    theirs: Vec<Named<CommitmentRow>>,
    /// Totals of mine and theirs due, beyond the rows gathered.
    counts: (i64, i64),
    risk: Vec<Named<CommitmentRow>>,
    facts: Vec<Named<FactRow>>,
    /// All the dates in the window, when the list was cut ("about").
    dates_total: i64,
    cold: Vec<ColdRow>,
    /// Every relationship going cold, when the list was cut at its limit.
    cold_total: i64,
    /// Every relationship due a gesture, when the list was cut at its limit.
    gestures_due_total: i64,
    whys: Vec<Named<RequestRow>>,
}

fn named(id: String, name: String) -> ContactRef {
    ContactRef {
        id: ContactId::from_stored(id),
        name,
    }
}

impl TodayStore for Db {
    async fn today_data(
        &self,
        ws: &WorkspaceId,
        user: &UserId,
        w: &TodayWindow,
        params: &Params,
        cold_limit: u32,
    ) -> StoreResult<TodayData> {
        let today = w.date.to_string();
        // Open commitments due by today (both directions: an index range per direction),
        // then those at risk and untold whatever their date.
        // Per direction, the most overdue first, at most `shown`; the rest are counted.
        let due_sql = format!(
            "SELECT {COMMITMENT_COLUMNS_K}, c.name AS contact_name FROM commitments k \
             JOIN contacts c ON c.workspace_id = k.workspace_id AND c.id = k.contact_id \
             WHERE k.workspace_id = $1 AND k.owner_id = $2 AND k.direction = $4 \
             AND k.status = 'open' AND k.due_date <= $3 AND c.archived_at IS NULL \
             ORDER BY k.due_date, k.deadline, k.id LIMIT $5"
        );
        // Counted on the index alone (a join per row would cost more than the list): the
        // count includes promises to archived contacts, so it reads as "about".
        let count_sql = "SELECT COUNT(*) FROM commitments k \
             WHERE k.workspace_id = $1 AND k.owner_id = $2 AND k.direction = $4 \
             AND k.status = 'open' AND k.due_date <= $3";
        let shown = i64::from(rapport_core::today::COMMITMENTS_SHOWN);
        let risk_sql = format!(
            "SELECT {COMMITMENT_COLUMNS_K}, c.name AS contact_name FROM commitments k \
             JOIN contacts c ON c.workspace_id = k.workspace_id AND c.id = k.contact_id \
             WHERE k.workspace_id = $1 AND k.owner_id = $2 AND k.status = 'open' \
             AND k.at_risk_at IS NOT NULL AND k.told_at IS NULL AND k.due_date > $3 \
             AND c.archived_at IS NULL ORDER BY k.deadline, k.id LIMIT $4"
        );
        let cold_sql = "SELECT c.id, c.name, c.vip, c.relationship, c.keep_in_touch_days, \
             c.last_touch_at, c.touch_due_at, t.positive, t.negative, t.as_of, \
             (SELECT CAST(COALESCE(SUM(d.value_cents), 0) AS BIGINT) FROM deals d WHERE d.workspace_id = c.workspace_id \
              AND d.contact_id = c.id AND d.closed_at IS NULL) AS open_deal_cents FROM contacts c \
             LEFT JOIN trust_scores t ON t.workspace_id = c.workspace_id AND t.contact_id = c.id \
             AND t.direction = 'theirs' AND t.model_version = $5 AND t.half_life_days = $6 \
             WHERE c.workspace_id = $1 AND c.owner_id = $2 AND c.archived_at IS NULL \
             AND c.touch_due_at IS NOT NULL AND c.touch_due_at < $3 \
             ORDER BY c.value_tier DESC, c.touch_due_at LIMIT $4";
        // Counted on the ranking indexes alone, one range per value tier (0, 1 or 2, as
        // `Contact::value_tier` says): without the IN, the count read every contact of the
        // owner's (migration 0033).
        let cold_count_sql = "SELECT COUNT(*) FROM contacts c \
             WHERE c.workspace_id = $1 AND c.owner_id = $2 AND c.value_tier IN (2, 1, 0) \
             AND c.archived_at IS NULL AND c.touch_due_at IS NOT NULL AND c.touch_due_at < $3";
        let appreciation_count_sql = "SELECT COUNT(*) FROM contacts c \
             WHERE c.workspace_id = $1 AND c.owner_id = $2 AND c.value_tier IN (2, 1, 0) \
             AND c.archived_at IS NULL AND c.appreciation_due_day IS NOT NULL \
             AND c.appreciation_due_day <= $3";
        let why_sql = format!(
            "SELECT {REQUEST_COLUMNS_R}, c.name AS contact_name FROM requests r \
             JOIN contacts c ON c.workspace_id = r.workspace_id AND c.id = r.contact_id \
             WHERE r.workspace_id = $1 AND r.why IS NULL AND c.owner_id = $2 AND c.archived_at IS NULL \
             AND EXISTS (SELECT 1 FROM interactions i WHERE i.workspace_id = r.workspace_id \
             AND i.contact_id = r.contact_id AND i.kind IN ('meeting', 'visit', 'call') \
             AND i.occurred_at >= $3 AND i.occurred_at < $4) ORDER BY r.created_at, r.id"
        );
        let appreciation_sql = "SELECT c.id, c.name, c.vip, c.relationship, c.created_at, \
             c.appreciation_days, c.appreciation_due_day FROM contacts c \
             WHERE c.workspace_id = $1 AND c.owner_id = $2 AND c.archived_at IS NULL \
             AND c.appreciation_due_day IS NOT NULL AND c.appreciation_due_day <= $3 \
             ORDER BY c.value_tier DESC, c.appreciation_due_day, c.id LIMIT $4";
        let planned_sql = format!(
            "SELECT {GESTURE_COLUMNS_G}, c.name AS contact_name FROM gestures g \
             JOIN contacts c ON c.workspace_id = g.workspace_id AND c.id = g.contact_id \
             WHERE g.workspace_id = $1 AND g.given_on = $2 AND g.given_by = $3 \
             AND c.archived_at IS NULL ORDER BY g.created_at, g.id"
        );
        let today_number = rapport_core::gesture::day_number(w.date);
        let facts_sql = "SELECT f.id, f.contact_id, f.kind, f.text, f.relation, f.date_year, \
             f.date_month, f.date_day, f.created_at, c.name AS contact_name FROM facts f \
             JOIN contacts c ON c.workspace_id = f.workspace_id AND c.id = f.contact_id \
             WHERE f.workspace_id = $1 AND f.date_month = $2 AND f.date_day = $3 \
             AND c.owner_id = $4 AND c.archived_at IS NULL \
             ORDER BY c.value_tier DESC, c.name_folded, f.id LIMIT $5";
        let facts_count_sql = "SELECT COUNT(*) FROM facts f WHERE f.workspace_id = $1 \
             AND f.date_month = $2 AND f.date_day = $3";
        let Gathered {
            appreciation,
            their_gestures,
            interests,
            planned,
            mine,
            theirs,
            counts,
            risk,
            facts,
            dates_total,
            cold,
            cold_total,
            gestures_due_total,
            whys,
        } = with_pool!(self, |pool| {
            let mut due = Vec::with_capacity(2);
            let mut totals = Vec::with_capacity(2);
            for direction in ["mine", "theirs"] {
                let rows: Vec<Named<CommitmentRow>> =
                    sqlx::query_as(AssertSqlSafe(due_sql.as_str()))
                        .bind(ws.as_str())
                        .bind(user.as_str())
                        .bind(today.as_str())
                        .bind(direction)
                        .bind(shown)
                        .fetch_all(pool)
                        .await
                        .map_err(db_err)?;
                // Counting only when the list was cut keeps the usual day to one query.
                let total: i64 = if rows.len() as i64 == shown {
                    sqlx::query_scalar(count_sql)
                        .bind(ws.as_str())
                        .bind(user.as_str())
                        .bind(today.as_str())
                        .bind(direction)
                        .fetch_one(pool)
                        .await
                        .map_err(db_err)?
                } else {
                    rows.len() as i64
                };
                due.push(rows);
                totals.push(total);
            }
            let theirs = due.pop().unwrap_or_default();
            let mine = due.pop().unwrap_or_default();
            let counts = (totals[0], totals[1]);
            let risk = sqlx::query_as(AssertSqlSafe(risk_sql))
                .bind(ws.as_str())
                .bind(user.as_str())
                .bind(today.as_str())
                .bind(shown)
                .fetch_all(pool)
                .await
                .map_err(db_err)?;
            // Yearly dates, day by day from today, the most valuable contacts first within a
            // day, until DATES_SHOWN: each day is one index range of facts_by_day and the
            // usual day stops after the first one or two (a week of a 100,000-contact book
            // holds ~2,700 dates; nobody reads them all). The rest are counted on the index.
            let cap = i64::from(rapport_core::today::DATES_SHOWN);
            let mut facts: Vec<Named<FactRow>> = Vec::new();
            let mut cut_at = None;
            for (i, (m, d)) in w.yearly_days.iter().enumerate() {
                let left = cap - facts.len() as i64;
                let rows: Vec<Named<FactRow>> = sqlx::query_as(facts_sql)
                    .bind(ws.as_str())
                    .bind(i32::from(*m))
                    .bind(i32::from(*d))
                    .bind(user.as_str())
                    .bind(left)
                    .fetch_all(pool)
                    .await
                    .map_err(db_err)?;
                let full = rows.len() as i64 == left;
                facts.extend(rows);
                if full {
                    cut_at = Some(i);
                    break;
                }
            }
            // Counted only when the list was cut, from the day it was cut on, on the index
            // alone (other owners' and archived contacts' dates count too: "about").
            let mut dates_total = facts.len() as i64;
            if let Some(from) = cut_at {
                let earlier = &w.yearly_days[..from];
                dates_total = facts
                    .iter()
                    .filter(|f| earlier.contains(&f.row.month_day()))
                    .count() as i64;
                for (m, d) in &w.yearly_days[from..] {
                    let n: i64 = sqlx::query_scalar(facts_count_sql)
                        .bind(ws.as_str())
                        .bind(i32::from(*m))
                        .bind(i32::from(*d))
                        .fetch_one(pool)
                        .await
                        .map_err(db_err)?;
                    dates_total += n;
                }
            }
            // A score stored under another model or half-life (not yet rescored) is not
            // read as this model's.
            let cold = sqlx::query_as(cold_sql)
                .bind(ws.as_str())
                .bind(user.as_str())
                .bind(w.now.as_microsecond())
                .bind(i64::from(cold_limit))
                .bind(rapport_core::trust::MODEL_VERSION)
                .bind(crate::ledger::half_life(params))
                .fetch_all(pool)
                .await
                .map_err(db_err)?;
            // Cut at its limit: say how many there are in all (nothing silently cut).
            let mut cold_total = cold.len() as i64;
            if cold.len() >= cold_limit as usize {
                cold_total = sqlx::query_scalar(cold_count_sql)
                    .bind(ws.as_str())
                    .bind(user.as_str())
                    .bind(w.now.as_microsecond())
                    .fetch_one(pool)
                    .await
                    .map_err(db_err)?;
            }
            let whys = sqlx::query_as(AssertSqlSafe(why_sql))
                .bind(ws.as_str())
                .bind(user.as_str())
                .bind(w.day_start.as_microsecond())
                .bind(w.day_end.as_microsecond())
                .fetch_all(pool)
                .await
                .map_err(db_err)?;
            let appreciation: Vec<AppreciationRow> = sqlx::query_as(appreciation_sql)
                .bind(ws.as_str())
                .bind(user.as_str())
                .bind(today_number)
                .bind(i64::from(rapport_core::today::GESTURES_SHOWN))
                .fetch_all(pool)
                .await
                .map_err(db_err)?;
            let mut gestures_due_total = appreciation.len() as i64;
            if appreciation.len() >= rapport_core::today::GESTURES_SHOWN as usize {
                gestures_due_total = sqlx::query_scalar(appreciation_count_sql)
                    .bind(ws.as_str())
                    .bind(user.as_str())
                    .bind(today_number)
                    .fetch_one(pool)
                    .await
                    .map_err(db_err)?;
            }
            let (mut their_gestures, mut interests) = (Vec::new(), Vec::new());
            if !appreciation.is_empty() {
                let ids: Vec<&str> = appreciation.iter().map(|a| a.id.as_str()).collect();
                let mut qb = QueryBuilder::new(format!(
                    "SELECT {GESTURE_COLUMNS} FROM gestures WHERE workspace_id = "
                ));
                qb.push_bind(ws.as_str()).push(" AND contact_id IN (");
                let mut list = qb.separated(", ");
                for id in &ids {
                    list.push_bind(*id);
                }
                qb.push(") ORDER BY contact_id, given_on DESC, created_at DESC");
                their_gestures = qb
                    .build_query_as()
                    .persistent(false)
                    .fetch_all(pool)
                    .await
                    .map_err(db_err)?;
                let mut qb = QueryBuilder::new(
                    "SELECT contact_id, kind, text FROM facts WHERE workspace_id = ",
                );
                qb.push_bind(ws.as_str())
                    .push(" AND kind IN ('interest', 'preference') AND contact_id IN (");
                let mut list = qb.separated(", ");
                for id in &ids {
                    list.push_bind(*id);
                }
                qb.push(") ORDER BY contact_id, created_at, id");
                interests = qb
                    .build_query_as()
                    .persistent(false)
                    .fetch_all(pool)
                    .await
                    .map_err(db_err)?;
            }
            let planned = sqlx::query_as(AssertSqlSafe(planned_sql))
                .bind(ws.as_str())
                .bind(today.as_str())
                .bind(user.as_str())
                .fetch_all(pool)
                .await
                .map_err(db_err)?;
            Gathered {
                appreciation,
                their_gestures,
                interests,
                planned,
                mine,
                theirs,
                counts,
                risk,
                facts,
                dates_total,
                cold,
                cold_total,
                gestures_due_total,
                whys,
            }
        });
        let mut commitments: Vec<(ContactRef, Commitment)> =
            Vec::with_capacity(mine.len() + theirs.len() + risk.len());
        let more_mine_due = (counts.0 - mine.len() as i64).unsigned_abs();
        let more_theirs_due = (counts.1 - theirs.len() as i64).unsigned_abs();
        for n in mine.into_iter().chain(theirs).chain(risk) {
            let c = n.row.into_commitment()?;
            commitments.push((named(c.contact_id.to_string(), n.contact_name), c));
        }
        let more_dates = (dates_total - facts.len() as i64).unsigned_abs();
        let dated_facts = facts
            .into_iter()
            .map(|n| {
                let f: Fact = n.row.into_fact()?;
                Ok((named(f.contact_id.to_string(), n.contact_name), f))
            })
            .collect::<StoreResult<Vec<_>>>()?;
        let (cold_len, gestures_len) = (cold.len() as i64, appreciation.len() as i64);
        let going_cold = cold
            .into_iter()
            .map(|r| {
                let trust_theirs = match (r.positive, r.negative, r.as_of) {
                    (Some(p), Some(n), Some(at)) => {
                        let e = Evidence {
                            positive: p,
                            negative: n,
                            as_of: instant(at)?,
                        }
                        .decayed_to(w.now, params);
                        let s = e.score(params);
                        (s.status != Status::Unknown).then_some(s.probability)
                    }
                    _ => None,
                };
                Ok(ColdCandidate {
                    relationship: r
                        .relationship
                        .parse::<RelationshipType>()
                        .map_err(|_| corrupt("relationship type", &r.relationship))?,
                    contact: named(r.id, r.name),
                    vip: r.vip,
                    keep_in_touch_days: r.keep_in_touch_days.unsigned_abs(),
                    last_touch_at: r.last_touch_at.map(instant).transpose()?,
                    touch_due_at: instant(r.touch_due_at)?,
                    trust_theirs,
                    open_deal_value: r.open_deal_cents as f64 / 100.0,
                })
            })
            .collect::<StoreResult<Vec<_>>>()?;
        let open_whys = whys
            .into_iter()
            .map(|n| {
                let r: Request = n.row.into_request()?;
                Ok((named(r.contact_id.to_string(), n.contact_name), r))
            })
            .collect::<StoreResult<Vec<_>>>()?;
        let mut gestures_due = Vec::with_capacity(appreciation.len());
        let their_gestures = their_gestures
            .into_iter()
            .map(GestureRow::into_gesture)
            .collect::<StoreResult<Vec<_>>>()?;
        for a in appreciation {
            let last = their_gestures
                .iter()
                .find(|g| g.contact_id.as_str() == a.id)
                .map(|g| LastGesture {
                    kind: g.kind,
                    text: g.text.clone(),
                    given_on: g.given_on,
                });
            let due = rapport_core::gesture::from_day_number(i64::from(a.appreciation_due_day))
                .ok_or_else(|| corrupt("appreciation day", a.appreciation_due_day))?;
            gestures_due.push(GestureCandidate {
                relationship: a
                    .relationship
                    .parse::<RelationshipType>()
                    .map_err(|_| corrupt("relationship type", &a.relationship))?,
                interests: interests
                    .iter()
                    .filter(|(c, k, _)| *c == a.id && k == "interest")
                    .map(|(_, _, t)| t.clone())
                    .collect(),
                preferences: interests
                    .iter()
                    .filter(|(c, k, _)| *c == a.id && k == "preference")
                    .map(|(_, _, t)| t.clone())
                    .collect(),
                contact: named(a.id, a.name),
                vip: a.vip,
                created_at: instant(a.created_at)?,
                every_days: a.appreciation_days.unsigned_abs(),
                due,
                last,
            });
        }
        let planned_gestures = planned
            .into_iter()
            .map(|n| {
                let g = n.row.into_gesture()?;
                Ok((named(g.contact_id.to_string(), n.contact_name), g))
            })
            .collect::<StoreResult<Vec<_>>>()?;
        let offered = rapport_core::ports::SuggestionStore::suggestions(
            self,
            ws,
            user,
            w.now,
            None,
            rapport_core::today::SUGGESTIONS_SHOWN,
        )
        .await?;
        let suggestions = offered
            .items
            .into_iter()
            .map(|v| {
                (
                    named(v.suggestion.contact_id.to_string(), v.contact_name),
                    v.suggestion,
                )
            })
            .collect();
        Ok(TodayData {
            suggestions,
            more_suggestions: offered.more,
            gestures_due,
            // The use case reads the workspace's catalogue when a gesture is due.
            gift_catalogue: Vec::new(),
            planned_gestures,
            commitments,
            more_mine_due,
            more_theirs_due,
            dated_facts,
            more_dates,
            going_cold,
            more_going_cold: (cold_total - cold_len).unsigned_abs(),
            more_gestures_due: (gestures_due_total - gestures_len).unsigned_abs(),
            open_whys,
            // The use case reads the check-ins due (`CampaignStore::check_ins_due`).
            check_ins: Vec::new(),
            check_ins_left: 0,
        })
    }
}
