//! Personal memory (facts) and interactions.

use rapport_core::StoreError;
use rapport_core::fact::Fact;
use rapport_core::ids::{ContactId, FactId, InteractionId, WorkspaceId};
use rapport_core::interaction::Interaction;
use rapport_core::ports::{AfterInteraction, FactStore, InteractionStore, StoreResult};
use rapport_core::search::like_escape;
use sqlx::{AssertSqlSafe, QueryBuilder};

use crate::rows::{FACT_COLUMNS, FactRow, INTERACTION_COLUMNS, InteractionRow, micros};
use crate::{Db, db_err, in_write_tx, with_pool};

/// Inserts facts in the transaction `$tx`, in chunks.
macro_rules! insert_facts_in {
    ($tx:ident, $ws:expr, $facts:expr) => {
        $crate::memory::insert_facts_in!($tx, $ws, $facts, verb = "INSERT")
    };
    ($tx:ident, $ws:expr, $facts:expr, verb = $verb:expr) => {{
        for chunk in $facts.chunks(400) {
            let mut qb = sqlx::QueryBuilder::new(format!(
                "{} INTO facts (workspace_id, id, contact_id, kind, text, relation, date_year, \
                 date_month, date_day, created_at) ",
                $verb
            ));
            qb.push_values(chunk, |mut b, f: &rapport_core::fact::Fact| {
                b.push_bind($ws.as_str())
                    .push_bind(f.id.as_str())
                    .push_bind(f.contact_id.as_str())
                    .push_bind(f.kind.as_str())
                    .push_bind(f.text.as_str())
                    .push_bind(f.relation.as_deref())
                    .push_bind(f.date.and_then(|d| d.year).map(i32::from))
                    .push_bind(f.date.map(|d| i32::from(d.month)))
                    .push_bind(f.date.map(|d| i32::from(d.day)))
                    .push_bind(f.created_at.as_microsecond());
            });
            qb.build()
                .execute(&mut *$tx)
                .await
                .map_err($crate::db_err)?;
        }
    }};
}
pub(crate) use insert_facts_in;

/// Inserts interactions in the transaction `$tx`, in chunks.
macro_rules! insert_interactions_in {
    ($tx:ident, $ws:expr, $interactions:expr) => {
        $crate::memory::insert_interactions_in!($tx, $ws, $interactions, verb = "INSERT")
    };
    ($tx:ident, $ws:expr, $interactions:expr, verb = $verb:expr) => {{
        for chunk in $interactions.chunks(400) {
            let mut qb = sqlx::QueryBuilder::new(format!(
                "{} INTO interactions (workspace_id, id, contact_id, kind, occurred_at, summary, \
                 they_said, i_said, search_text, created_at, topics) ",
                $verb
            ));
            qb.push_values(
                chunk,
                |mut b, i: &rapport_core::interaction::Interaction| {
                    b.push_bind($ws.as_str())
                        .push_bind(i.id.as_str())
                        .push_bind(i.contact_id.as_str())
                        .push_bind(i.kind.as_str())
                        .push_bind(i.occurred_at.as_microsecond())
                        .push_bind(i.summary.as_str())
                        .push_bind(i.they_said.as_deref())
                        .push_bind(i.i_said.as_deref())
                        .push_bind(i.search_text())
                        .push_bind(i.created_at.as_microsecond())
                        .push_bind($crate::rows::topics_text(&i.topics));
                },
            );
            qb.build()
                .execute(&mut *$tx)
                .await
                .map_err($crate::db_err)?;
        }
    }};
}
pub(crate) use insert_interactions_in;

impl FactStore for Db {
    async fn insert_fact(&self, ws: &WorkspaceId, fact: &Fact) -> StoreResult<()> {
        let one = std::slice::from_ref(fact);
        in_write_tx!(self, |tx| insert_facts_in!(tx, ws, one));
        Ok(())
    }

    async fn dated_facts(
        &self,
        ws: &WorkspaceId,
        owner: &rapport_core::ids::UserId,
    ) -> StoreResult<Vec<(Fact, String)>> {
        #[derive(sqlx::FromRow)]
        struct Row {
            #[sqlx(flatten)]
            fact: FactRow,
            contact_name: String,
        }
        let cols = FACT_COLUMNS
            .split(", ")
            .map(|c| format!("f.{c}"))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "SELECT {cols}, c.name AS contact_name FROM facts f JOIN contacts c \
             ON c.workspace_id = f.workspace_id AND c.id = f.contact_id \
             WHERE f.workspace_id = $1 AND c.owner_id = $2 AND c.archived_at IS NULL \
             AND f.date_month IS NOT NULL ORDER BY f.date_month, f.date_day, f.id"
        );
        let rows: Vec<Row> = with_pool!(self, |pool| {
            sqlx::query_as(AssertSqlSafe(sql))
                .bind(ws.as_str())
                .bind(owner.as_str())
                .fetch_all(pool)
                .await
                .map_err(db_err)?
        });
        rows.into_iter()
            .map(|r| Ok((r.fact.into_fact()?, r.contact_name)))
            .collect()
    }

    async fn fact(&self, ws: &WorkspaceId, id: &FactId) -> StoreResult<Option<Fact>> {
        let sql = format!("SELECT {FACT_COLUMNS} FROM facts WHERE workspace_id = $1 AND id = $2");
        let row: Option<FactRow> = with_pool!(self, |pool| {
            sqlx::query_as(AssertSqlSafe(sql))
                .bind(ws.as_str())
                .bind(id.as_str())
                .fetch_optional(pool)
                .await
                .map_err(db_err)?
        });
        row.map(FactRow::into_fact).transpose()
    }

    async fn update_fact(&self, ws: &WorkspaceId, f: &Fact) -> StoreResult<()> {
        let done = in_write_tx!(self, |tx| {
            sqlx::query(
                "UPDATE facts SET kind = $3, text = $4, relation = $5, date_year = $6, \
                 date_month = $7, date_day = $8 WHERE workspace_id = $1 AND id = $2",
            )
            .bind(ws.as_str())
            .bind(f.id.as_str())
            .bind(f.kind.as_str())
            .bind(f.text.as_str())
            .bind(f.relation.as_deref())
            .bind(f.date.and_then(|d| d.year).map(i32::from))
            .bind(f.date.map(|d| i32::from(d.month)))
            .bind(f.date.map(|d| i32::from(d.day)))
            .execute(&mut *tx)
            .await
            .map_err(db_err)?
            .rows_affected()
        });
        if done == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    async fn delete_fact(&self, ws: &WorkspaceId, id: &FactId) -> StoreResult<()> {
        let done = in_write_tx!(self, |tx| {
            sqlx::query("DELETE FROM facts WHERE workspace_id = $1 AND id = $2")
                .bind(ws.as_str())
                .bind(id.as_str())
                .execute(&mut *tx)
                .await
                .map_err(db_err)?
                .rows_affected()
        });
        if done == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    async fn facts(&self, ws: &WorkspaceId, contact: &ContactId) -> StoreResult<Vec<Fact>> {
        let sql = format!(
            "SELECT {FACT_COLUMNS} FROM facts WHERE workspace_id = $1 AND contact_id = $2 ORDER BY created_at, id"
        );
        let rows: Vec<FactRow> = with_pool!(self, |pool| {
            sqlx::query_as(AssertSqlSafe(sql))
                .bind(ws.as_str())
                .bind(contact.as_str())
                .fetch_all(pool)
                .await
                .map_err(db_err)?
        });
        rows.into_iter().map(FactRow::into_fact).collect()
    }
}

impl InteractionStore for Db {
    async fn insert_interaction(&self, ws: &WorkspaceId, i: &Interaction) -> StoreResult<()> {
        let postgres = matches!(self, Db::Postgres(_));
        let one = std::slice::from_ref(i);
        in_write_tx!(self, |tx| {
            crate::campaigns::lock_check_ins_in!(tx, postgres, ws.as_str(), shared);
            insert_interactions_in!(tx, ws, one);
            // Any interaction resets the keep-in-touch clock (SET reads the old row); a
            // planned one counts from when it was arranged, not from its future date.
            let update = format!(
                "UPDATE contacts SET \
                 last_touch_at = CASE WHEN last_touch_at IS NULL OR last_touch_at < $3 \
                     THEN $3 ELSE last_touch_at END, \
                 touch_due_at = CASE WHEN last_touch_at IS NULL OR last_touch_at < $3 \
                     THEN {} ELSE touch_due_at END \
                 WHERE workspace_id = $1 AND id = $2",
                crate::contacts::next_touch_due_sql("$3", "keep_in_touch_days")
            );
            sqlx::query(sqlx::AssertSqlSafe(update))
                .bind(ws.as_str())
                .bind(i.contact_id.as_str())
                .bind(i.touched_at().as_microsecond())
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
            crate::campaigns::refresh_check_ins_in!(tx, ws.as_str(), i.contact_id.as_str());
        });
        Ok(())
    }

    async fn interaction(
        &self,
        ws: &WorkspaceId,
        id: &InteractionId,
    ) -> StoreResult<Option<Interaction>> {
        let sql = format!(
            "SELECT {INTERACTION_COLUMNS} FROM interactions WHERE workspace_id = $1 AND id = $2"
        );
        let row: Option<InteractionRow> = with_pool!(self, |pool| {
            sqlx::query_as(AssertSqlSafe(sql))
                .bind(ws.as_str())
                .bind(id.as_str())
                .fetch_optional(pool)
                .await
                .map_err(db_err)?
        });
        row.map(InteractionRow::into_interaction).transpose()
    }

    async fn update_interaction(&self, ws: &WorkspaceId, i: &Interaction) -> StoreResult<()> {
        let postgres = matches!(self, Db::Postgres(_));
        in_write_tx!(self, |tx| {
            crate::campaigns::lock_check_ins_in!(tx, postgres, ws.as_str(), shared);
            let done = sqlx::query(
                "UPDATE interactions SET kind = $3, occurred_at = $4, summary = $5, \
                 they_said = $6, i_said = $7, search_text = $8, topics = $9 \
                 WHERE workspace_id = $1 AND id = $2",
            )
            .bind(ws.as_str())
            .bind(i.id.as_str())
            .bind(i.kind.as_str())
            .bind(i.occurred_at.as_microsecond())
            .bind(i.summary.as_str())
            .bind(i.they_said.as_deref())
            .bind(i.i_said.as_deref())
            .bind(i.search_text())
            .bind(crate::rows::topics_text(&i.topics))
            .execute(&mut *tx)
            .await
            .map_err(db_err)?
            .rows_affected();
            if done == 0 {
                return Err(StoreError::NotFound);
            }
            sqlx::query(AssertSqlSafe(retouch_sql()))
                .bind(ws.as_str())
                .bind(i.contact_id.as_str())
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
            crate::campaigns::refresh_check_ins_in!(tx, ws.as_str(), i.contact_id.as_str());
        });
        Ok(())
    }

    async fn delete_interaction(&self, ws: &WorkspaceId, id: &InteractionId) -> StoreResult<()> {
        let postgres = matches!(self, Db::Postgres(_));
        in_write_tx!(self, |tx| {
            crate::campaigns::lock_check_ins_in!(tx, postgres, ws.as_str(), shared);
            let contact: Option<String> = sqlx::query_scalar(
                "SELECT contact_id FROM interactions WHERE workspace_id = $1 AND id = $2",
            )
            .bind(ws.as_str())
            .bind(id.as_str())
            .fetch_optional(&mut *tx)
            .await
            .map_err(db_err)?;
            let Some(contact) = contact else {
                return Err(StoreError::NotFound);
            };
            let sourced: Option<i32> = sqlx::query_scalar(
                "SELECT 1 FROM commitments WHERE workspace_id = $1 AND contact_id = $3 \
                 AND source_interaction_id = $2 LIMIT 1",
            )
            .bind(ws.as_str())
            .bind(id.as_str())
            .bind(contact.as_str())
            .fetch_optional(&mut *tx)
            .await
            .map_err(db_err)?;
            if sourced.is_some() {
                return Err(StoreError::Conflict(
                    "a promise was recorded from this conversation: it stays as its source"
                        .to_owned(),
                ));
            }
            sqlx::query("DELETE FROM interactions WHERE workspace_id = $1 AND id = $2")
                .bind(ws.as_str())
                .bind(id.as_str())
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
            sqlx::query(AssertSqlSafe(retouch_sql()))
                .bind(ws.as_str())
                .bind(contact.as_str())
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
            crate::campaigns::refresh_check_ins_in!(tx, ws.as_str(), contact.as_str());
        });
        Ok(())
    }

    async fn said(
        &self,
        ws: &WorkspaceId,
        span: &rapport_core::ports::SaidSpan,
        limit: u32,
    ) -> StoreResult<(Vec<rapport_core::model::insight::Said>, u64)> {
        // On the partial index of migration 0031: the same condition, written the same way.
        let from = "FROM interactions i JOIN contacts c ON c.workspace_id = i.workspace_id \
             AND c.id = i.contact_id WHERE i.workspace_id = $1 \
             AND (they_said IS NOT NULL OR topics IS NOT NULL) \
             AND i.occurred_at >= $2 AND i.occurred_at <= $3 AND c.merged_into IS NULL \
             AND ($4 = '' OR c.relationship = $4)";
        let kind = span.relationship.map_or("", |r| r.as_str());
        type Row = (String, String, Option<String>, i64, Option<String>);
        let (rows, total): (Vec<Row>, i64) = with_pool!(self, |pool| {
            let rows: Vec<Row> = sqlx::query_as(AssertSqlSafe(format!(
                "SELECT i.contact_id, c.name, i.they_said, i.occurred_at, i.topics {from} \
                 ORDER BY i.occurred_at DESC, i.id LIMIT $5"
            )))
            .bind(ws.as_str())
            .bind(span.since.as_microsecond())
            .bind(span.until.as_microsecond())
            .bind(kind)
            .bind(i64::from(limit))
            .fetch_all(pool)
            .await
            .map_err(db_err)?;
            let total: i64 = if rows.len() < limit as usize {
                rows.len() as i64
            } else {
                sqlx::query_scalar(AssertSqlSafe(format!("SELECT COUNT(*) {from}")))
                    .bind(ws.as_str())
                    .bind(span.since.as_microsecond())
                    .bind(span.until.as_microsecond())
                    .bind(kind)
                    .fetch_one(pool)
                    .await
                    .map_err(db_err)?
            };
            (rows, total)
        });
        let said = rows
            .into_iter()
            .map(|(id, name, text, at, topics)| {
                Ok(rapport_core::model::insight::Said {
                    contact_id: ContactId::from_stored(id),
                    contact_name: name,
                    text: text.unwrap_or_default(),
                    at: crate::rows::instant(at)?,
                    topics: topics
                        .map(|t| t.lines().map(str::to_owned).collect())
                        .unwrap_or_default(),
                })
            })
            .collect::<StoreResult<Vec<_>>>()?;
        Ok((said, total.unsigned_abs()))
    }

    async fn requests_said(
        &self,
        ws: &WorkspaceId,
        span: &rapport_core::ports::SaidSpan,
        limit: u32,
    ) -> StoreResult<(Vec<rapport_core::model::insight::Said>, u64)> {
        let from = "FROM requests r JOIN contacts c ON c.workspace_id = r.workspace_id \
             AND c.id = r.contact_id WHERE r.workspace_id = $1 \
             AND r.created_at >= $2 AND r.created_at <= $3 AND c.merged_into IS NULL \
             AND ($4 = '' OR c.relationship = $4)";
        let kind = span.relationship.map_or("", |r| r.as_str());
        type Row = (String, String, String, Option<String>, i64);
        let (rows, total): (Vec<Row>, i64) = with_pool!(self, |pool| {
            let rows: Vec<Row> = sqlx::query_as(AssertSqlSafe(format!(
                "SELECT r.contact_id, c.name, r.text, r.why, r.created_at {from} \
                 ORDER BY r.created_at DESC, r.id LIMIT $5"
            )))
            .bind(ws.as_str())
            .bind(span.since.as_microsecond())
            .bind(span.until.as_microsecond())
            .bind(kind)
            .bind(i64::from(limit))
            .fetch_all(pool)
            .await
            .map_err(db_err)?;
            let total: i64 = if rows.len() < limit as usize {
                rows.len() as i64
            } else {
                sqlx::query_scalar(AssertSqlSafe(format!("SELECT COUNT(*) {from}")))
                    .bind(ws.as_str())
                    .bind(span.since.as_microsecond())
                    .bind(span.until.as_microsecond())
                    .bind(kind)
                    .fetch_one(pool)
                    .await
                    .map_err(db_err)?
            };
            (rows, total)
        });
        let said = rows
            .into_iter()
            .map(|(id, name, text, why, at)| {
                Ok(rapport_core::model::insight::Said {
                    contact_id: ContactId::from_stored(id),
                    contact_name: name,
                    // The request and its why: both are what they said.
                    text: match why {
                        Some(w) => format!("{text}. {w}"),
                        None => text,
                    },
                    at: crate::rows::instant(at)?,
                    topics: Vec::new(),
                })
            })
            .collect::<StoreResult<Vec<_>>>()?;
        Ok((said, total.unsigned_abs()))
    }

    async fn timeline(
        &self,
        ws: &WorkspaceId,
        contact: &ContactId,
        after: Option<&AfterInteraction>,
        limit: u32,
    ) -> StoreResult<Vec<Interaction>> {
        let rows: Vec<InteractionRow> = with_pool!(self, |pool| {
            let mut qb = QueryBuilder::new(format!(
                "SELECT {INTERACTION_COLUMNS} FROM interactions WHERE workspace_id = "
            ));
            qb.push_bind(ws.as_str())
                .push(" AND contact_id = ")
                .push_bind(contact.as_str());
            push_after_interaction(&mut qb, after);
            qb.push(" ORDER BY occurred_at DESC, id DESC LIMIT ")
                .push_bind(i64::from(limit));
            qb.build_query_as().fetch_all(pool).await.map_err(db_err)?
        });
        rows.into_iter()
            .map(InteractionRow::into_interaction)
            .collect()
    }

    async fn search_interactions(
        &self,
        ws: &WorkspaceId,
        folded: &str,
        after: Option<&AfterInteraction>,
        limit: u32,
    ) -> StoreResult<Vec<Interaction>> {
        let rows: Vec<InteractionRow> = with_pool!(self, |pool| {
            let mut qb = QueryBuilder::new(format!(
                "SELECT {INTERACTION_COLUMNS} FROM interactions WHERE workspace_id = "
            ));
            qb.push_bind(ws.as_str())
                .push(" AND search_text LIKE ")
                .push_bind(format!("%{}%", like_escape(folded)))
                .push(" ESCAPE '\\'");
            push_after_interaction(&mut qb, after);
            qb.push(" ORDER BY occurred_at DESC, id DESC LIMIT ")
                .push_bind(i64::from(limit));
            qb.build_query_as().fetch_all(pool).await.map_err(db_err)?
        });
        rows.into_iter()
            .map(InteractionRow::into_interaction)
            .collect()
    }
}

/// Keeps only interactions after the keyset, in newest-first order.
/// Sets a contact's keep-in-touch clock from its interactions as they now are (after one
/// was edited or deleted): the latest touch (a planned one counts from when it was
/// arranged), and the next touch due from it, or from the contact's creation when none is
/// left. Binds: $1 workspace, $2 contact.
pub(crate) fn retouch_sql() -> String {
    let last = "(SELECT MAX(CASE WHEN i.occurred_at < i.created_at THEN i.occurred_at \
                ELSE i.created_at END) FROM interactions i \
                WHERE i.workspace_id = contacts.workspace_id AND i.contact_id = contacts.id)";
    format!(
        "UPDATE contacts SET last_touch_at = {last}, touch_due_at = {} \
         WHERE workspace_id = $1 AND id = $2",
        crate::contacts::next_touch_due_sql(
            &format!("COALESCE({last}, contacts.created_at)"),
            "keep_in_touch_days"
        )
    )
}

fn push_after_interaction<DB>(qb: &mut QueryBuilder<DB>, after: Option<&AfterInteraction>)
where
    DB: sqlx::Database,
    i64: for<'t> sqlx::Encode<'t, DB> + sqlx::Type<DB>,
    String: for<'t> sqlx::Encode<'t, DB> + sqlx::Type<DB>,
{
    if let Some((at, id)) = after {
        qb.push(" AND (occurred_at, id) < (")
            .push_bind(micros(*at))
            .push(", ")
            .push_bind(id.to_string())
            .push(")");
    }
}
