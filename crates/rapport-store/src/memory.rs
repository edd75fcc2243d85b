//! Personal memory (facts) and interactions.

use rapport_core::fact::Fact;
use rapport_core::ids::{ContactId, WorkspaceId};
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
                 they_said, i_said, search_text, created_at) ",
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
                        .push_bind(i.created_at.as_microsecond());
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
        let one = std::slice::from_ref(i);
        in_write_tx!(self, |tx| {
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
        });
        Ok(())
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
