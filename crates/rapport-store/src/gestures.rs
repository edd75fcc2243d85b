//! Gestures of appreciation, the appreciation cadence and the yearly budgets.
//!
//! Each contact carries its next appreciation date (`appreciation_due_day`, a day number
//! from 1970-01-01) so Today finds the gestures due by an index range. [`refresh_sql`] is
//! the one statement that recomputes it from the workspace's rules, the defaults and the
//! latest gesture; every write that can move it runs that statement in its transaction.

use rapport_core::StoreError;
use rapport_core::deal::Cents;
use rapport_core::gesture::{Audience, Gesture, GestureId, KindSpend};
use rapport_core::ids::{ContactId, UserId, WorkspaceId};
use rapport_core::ports::{AfterGesture, GestureStore, StoreResult};
use sqlx::AssertSqlSafe;

use crate::rows::instant;
use crate::{Db, corrupt, db_err, in_write_tx, with_pool};

/// The audience of the contact row being updated, as `appreciation_rules.audience` spells it.
const AUDIENCE_SQL: &str = "CASE WHEN contacts.vip THEN 'vip' ELSE contacts.relationship END";

/// The cadence in force for the contact row being updated: the workspace's rule for its
/// audience, else the default; NULL for none. Built from `Audience::default_days`, so the
/// defaults live in one place.
fn days_sql() -> String {
    let mut defaults = String::from("CASE");
    for audience in Audience::all() {
        let days = audience.default_days().unwrap_or(0);
        match audience {
            Audience::Vip => defaults.push_str(&format!(" WHEN contacts.vip THEN {days}")),
            Audience::Type(t) => defaults.push_str(&format!(
                " WHEN contacts.relationship = '{}' THEN {days}",
                t.as_str()
            )),
        }
    }
    defaults.push_str(" ELSE 0 END");
    format!(
        "NULLIF(COALESCE((SELECT r.days FROM appreciation_rules r \
         WHERE r.workspace_id = contacts.workspace_id AND r.audience = {AUDIENCE_SQL}), \
         {defaults}), 0)"
    )
}

/// The statement that recomputes the cadence and next appreciation date of the contacts of
/// workspace `$1` matching `condition` (which may use `$2`, `$3`).
pub(crate) fn refresh_sql(condition: &str) -> String {
    let days = days_sql();
    format!(
        "UPDATE contacts SET appreciation_days = {days}, \
         appreciation_due_day = COALESCE(last_gesture_day, created_at / 86400000000) + {days} \
         WHERE workspace_id = $1 AND {condition}"
    )
}

/// Recomputes the appreciation date of contact `$id` in the transaction `$tx`.
macro_rules! refresh_contact_in {
    ($tx:ident, $ws:expr, $id:expr) => {{
        sqlx::query(sqlx::AssertSqlSafe($crate::gestures::refresh_sql(
            "id = $2",
        )))
        .bind($ws)
        .bind($id)
        .execute(&mut *$tx)
        .await
        .map_err($crate::db_err)?;
    }};
}
pub(crate) use refresh_contact_in;

/// Inserts gestures in the transaction `$tx` and moves their contacts' latest gesture day
/// on (never back: a gesture backdated before the latest one leaves it).
macro_rules! insert_gestures_in {
    ($tx:ident, $ws:expr, $gestures:expr, $update_contacts:expr) => {
        $crate::gestures::insert_gestures_in!(
            $tx,
            $ws,
            $gestures,
            $update_contacts,
            verb = "INSERT"
        )
    };
    ($tx:ident, $ws:expr, $gestures:expr, $update_contacts:expr, verb = $verb:expr) => {{
        let ws: &str = $ws.as_str();
        for chunk in $gestures.chunks(400) {
            let mut qb = sqlx::QueryBuilder::new(format!(
                "{} INTO gestures (workspace_id, id, contact_id, kind, text, given_on, \
                 cost_cents, note, given_by, created_at) ",
                $verb
            ));
            qb.push_values(chunk, |mut b, g: &rapport_core::gesture::Gesture| {
                b.push_bind(ws)
                    .push_bind(g.id.as_str())
                    .push_bind(g.contact_id.as_str())
                    .push_bind(g.kind.as_str())
                    .push_bind(g.text.as_str())
                    .push_bind(g.given_on.to_string())
                    .push_bind(g.cost.0)
                    .push_bind(g.note.as_deref())
                    .push_bind(g.given_by.as_str())
                    .push_bind($crate::rows::micros(g.created_at));
            });
            qb.build()
                .execute(&mut *$tx)
                .await
                .map_err($crate::db_err)?;
        }
        for g in $gestures.iter().filter(|_| $update_contacts) {
            let day = rapport_core::gesture::day_number(g.given_on);
            sqlx::query(
                "UPDATE contacts SET last_gesture_day = $3 WHERE workspace_id = $1 AND id = $2 \
                 AND (last_gesture_day IS NULL OR last_gesture_day < $3)",
            )
            .bind(ws)
            .bind(g.contact_id.as_str())
            .bind(day)
            .execute(&mut *$tx)
            .await
            .map_err($crate::db_err)?;
        }
    }};
}
pub(crate) use insert_gestures_in;

/// The columns of a gesture, in [`GestureRow`]'s order.
pub(crate) const GESTURE_COLUMNS: &str =
    "id, contact_id, kind, text, given_on, cost_cents, note, given_by, created_at";
/// The same, on a table aliased `g`.
pub(crate) const GESTURE_COLUMNS_G: &str = "g.id, g.contact_id, g.kind, g.text, g.given_on, \
     g.cost_cents, g.note, g.given_by, g.created_at";

#[derive(sqlx::FromRow)]
pub(crate) struct GestureRow {
    id: String,
    contact_id: String,
    kind: String,
    text: String,
    given_on: String,
    cost_cents: i64,
    note: Option<String>,
    given_by: String,
    created_at: i64,
}

impl GestureRow {
    pub(crate) fn into_gesture(self) -> StoreResult<Gesture> {
        Ok(Gesture {
            id: GestureId::from_stored(self.id),
            contact_id: ContactId::from_stored(self.contact_id),
            kind: self
                .kind
                .parse()
                .map_err(|_| corrupt("gesture kind", &self.kind))?,
            text: self.text,
            given_on: self
                .given_on
                .parse()
                .map_err(|_| corrupt("gesture date", &self.given_on))?,
            cost: Cents(self.cost_cents),
            note: self.note,
            given_by: UserId::from_stored(self.given_by),
            created_at: instant(self.created_at)?,
        })
    }
}

impl GestureStore for Db {
    async fn insert_gesture(&self, ws: &WorkspaceId, g: &Gesture) -> StoreResult<()> {
        let one = std::slice::from_ref(g);
        in_write_tx!(self, |tx| {
            let exists: Option<i32> =
                sqlx::query_scalar("SELECT 1 FROM contacts WHERE workspace_id = $1 AND id = $2")
                    .bind(ws.as_str())
                    .bind(g.contact_id.as_str())
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(db_err)?;
            if exists.is_none() {
                return Err(StoreError::NotFound);
            }
            insert_gestures_in!(tx, ws, one, true);
            refresh_contact_in!(tx, ws.as_str(), g.contact_id.as_str());
        });
        Ok(())
    }

    async fn appreciation_due(
        &self,
        ws: &WorkspaceId,
        owner: &UserId,
        until_day: i32,
    ) -> StoreResult<Vec<(ContactId, String, i32)>> {
        let rows: Vec<(String, String, i32)> = with_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT id, name, appreciation_due_day FROM contacts WHERE workspace_id = $1 \
                 AND owner_id = $2 AND archived_at IS NULL \
                 AND appreciation_due_day IS NOT NULL AND appreciation_due_day <= $3 \
                 ORDER BY appreciation_due_day, id LIMIT 5000",
            )
            .bind(ws.as_str())
            .bind(owner.as_str())
            .bind(until_day)
            .fetch_all(pool)
            .await
            .map_err(db_err)?
        });
        Ok(rows
            .into_iter()
            .map(|(id, name, day)| (ContactId::from_stored(id), name, day))
            .collect())
    }

    async fn gestures(
        &self,
        ws: &WorkspaceId,
        contact: Option<&ContactId>,
        after: Option<&AfterGesture>,
        limit: u32,
    ) -> StoreResult<Vec<Gesture>> {
        let rows: Vec<GestureRow> = with_pool!(self, |pool| {
            let mut qb = sqlx::QueryBuilder::new(format!(
                "SELECT {GESTURE_COLUMNS} FROM gestures WHERE workspace_id = "
            ));
            qb.push_bind(ws.as_str());
            if let Some(c) = contact {
                qb.push(" AND contact_id = ").push_bind(c.as_str());
            }
            if let Some((day, at, id)) = after {
                qb.push(" AND (given_on, created_at, id) < (")
                    .push_bind(day.to_string())
                    .push(", ")
                    .push_bind(crate::rows::micros(*at))
                    .push(", ")
                    .push_bind(id.as_str())
                    .push(")");
            }
            qb.push(" ORDER BY given_on DESC, created_at DESC, id DESC LIMIT ")
                .push_bind(i64::from(limit));
            qb.build_query_as().fetch_all(pool).await.map_err(db_err)?
        });
        rows.into_iter().map(GestureRow::into_gesture).collect()
    }

    async fn spent(&self, ws: &WorkspaceId, year: i16) -> StoreResult<Vec<KindSpend>> {
        let from = format!("{year:04}-01-01");
        let to = format!("{:04}-01-01", year + 1);
        let rows: Vec<(String, i64, i64)> = with_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT kind, CAST(COUNT(*) AS BIGINT), CAST(SUM(cost_cents) AS BIGINT) \
                 FROM gestures WHERE workspace_id = $1 AND given_on >= $2 AND given_on < $3 \
                 GROUP BY kind",
            )
            .bind(ws.as_str())
            .bind(from)
            .bind(to)
            .fetch_all(pool)
            .await
            .map_err(db_err)?
        });
        rows.into_iter()
            .map(|(kind, count, spent)| {
                Ok(KindSpend {
                    kind: kind.parse().map_err(|_| corrupt("gesture kind", &kind))?,
                    count: count.unsigned_abs(),
                    spent: Cents(spent),
                })
            })
            .collect()
    }

    async fn budget(&self, ws: &WorkspaceId, year: i16) -> StoreResult<Option<Cents>> {
        let amount: Option<i64> = with_pool!(self, |pool| {
            sqlx::query_scalar(
                "SELECT amount_cents FROM appreciation_budgets WHERE workspace_id = $1 \
                 AND year <= $2 ORDER BY year DESC LIMIT 1",
            )
            .bind(ws.as_str())
            .bind(i32::from(year))
            .fetch_optional(pool)
            .await
            .map_err(db_err)?
        });
        Ok(amount.map(Cents))
    }

    async fn set_budget(&self, ws: &WorkspaceId, year: i16, amount: Cents) -> StoreResult<()> {
        in_write_tx!(self, |tx| {
            sqlx::query(
                "INSERT INTO appreciation_budgets (workspace_id, year, amount_cents) \
                 VALUES ($1, $2, $3) ON CONFLICT (workspace_id, year) \
                 DO UPDATE SET amount_cents = excluded.amount_cents",
            )
            .bind(ws.as_str())
            .bind(i32::from(year))
            .bind(amount.0)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        });
        Ok(())
    }

    async fn appreciation_overrides(
        &self,
        ws: &WorkspaceId,
    ) -> StoreResult<Vec<(Audience, Option<u32>)>> {
        let rows: Vec<(String, i32)> = with_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT audience, days FROM appreciation_rules WHERE workspace_id = $1 \
                 ORDER BY audience",
            )
            .bind(ws.as_str())
            .fetch_all(pool)
            .await
            .map_err(db_err)?
        });
        rows.into_iter()
            .map(|(audience, days)| {
                let a = Audience::parse(&audience).map_err(|_| corrupt("audience", &audience))?;
                Ok((a, (days > 0).then_some(days.unsigned_abs())))
            })
            .collect()
    }

    async fn set_appreciation(
        &self,
        ws: &WorkspaceId,
        audience: Audience,
        days: Option<Option<u32>>,
    ) -> StoreResult<()> {
        let matching = match audience {
            Audience::Vip => "vip".to_owned(),
            Audience::Type(t) => format!("relationship = '{}' AND NOT vip", t.as_str()),
        };
        in_write_tx!(self, |tx| {
            match days {
                None => {
                    sqlx::query(
                        "DELETE FROM appreciation_rules WHERE workspace_id = $1 AND audience = $2",
                    )
                    .bind(ws.as_str())
                    .bind(audience.as_str())
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
                }
                Some(d) => {
                    let d = d.map_or(0, |d| i32::try_from(d).unwrap_or(i32::MAX));
                    sqlx::query(
                        "INSERT INTO appreciation_rules (workspace_id, audience, days) \
                         VALUES ($1, $2, $3) ON CONFLICT (workspace_id, audience) \
                         DO UPDATE SET days = excluded.days",
                    )
                    .bind(ws.as_str())
                    .bind(audience.as_str())
                    .bind(d)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
                }
            }
            sqlx::query(AssertSqlSafe(refresh_sql(&matching)))
                .bind(ws.as_str())
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
        });
        Ok(())
    }

    async fn gift_ideas(
        &self,
        ws: &WorkspaceId,
    ) -> StoreResult<Vec<rapport_core::gift::StoredGiftIdea>> {
        let rows: Vec<(String, String, bool)> = with_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT interest, idea, hidden FROM gift_ideas WHERE workspace_id = $1 \
                 ORDER BY interest, created_at, idea_folded",
            )
            .bind(ws.as_str())
            .fetch_all(pool)
            .await
            .map_err(db_err)?
        });
        Ok(rows
            .into_iter()
            .map(
                |(interest, idea, hidden)| rapport_core::gift::StoredGiftIdea {
                    interest,
                    idea,
                    hidden,
                },
            )
            .collect())
    }

    async fn change_gift_ideas(
        &self,
        ws: &WorkspaceId,
        write: &[rapport_core::gift::StoredGiftIdea],
        remove: &[(String, String)],
        now: jiff::Timestamp,
    ) -> StoreResult<()> {
        in_write_tx!(self, |tx| {
            for (interest, idea) in remove {
                sqlx::query(
                    "DELETE FROM gift_ideas WHERE workspace_id = $1 AND interest = $2 \
                     AND idea_folded = $3",
                )
                .bind(ws.as_str())
                .bind(interest.as_str())
                .bind(rapport_core::search::fold(idea))
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
            }
            for g in write {
                sqlx::query(
                    "INSERT INTO gift_ideas (workspace_id, interest, idea, idea_folded, hidden, \
                     created_at) VALUES ($1, $2, $3, $4, $5, $6) \
                     ON CONFLICT (workspace_id, interest, idea_folded) \
                     DO UPDATE SET idea = excluded.idea, hidden = excluded.hidden",
                )
                .bind(ws.as_str())
                .bind(g.interest.as_str())
                .bind(g.idea.as_str())
                .bind(rapport_core::search::fold(&g.idea))
                .bind(g.hidden)
                .bind(now.as_microsecond())
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
            }
        });
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rapport_core::contact::RelationshipType;

    #[test]
    fn the_refresh_statement_knows_every_default() {
        let sql = refresh_sql("id = $2");
        for t in RelationshipType::ALL {
            if let Some(d) = Audience::Type(t).default_days() {
                assert!(
                    sql.contains(&format!("relationship = '{}' THEN {d}", t.as_str())),
                    "{t}"
                );
            }
        }
        assert!(sql.contains("WHEN contacts.vip THEN 90"));
    }
}
