//! Deals and their give/get ledgers.

use rapport_core::deal::{Cents, Deal, DealId, Stage, StageTotal, Term};
use rapport_core::ids::{ContactId, UserId, WorkspaceId};
use rapport_core::ports::{AfterDeal, DealFilter, DealStore, StoreResult};
use sqlx::AssertSqlSafe;

use crate::rows::{instant, micros};
use crate::{Db, corrupt, db_err, in_write_tx, with_pool};

/// The sort key of a deal's expected close: deals without one sort last on both backends
/// (SQLite would put NULLs first, PostgreSQL last).
const CLOSE_KEY: &str = "COALESCE(expected_close, '9999-12-31')";

/// Pushes ` WHERE ...` for a deal listing or count onto `$qb`: the workspace, the filter,
/// the keyset (a macro, so that one text serves both backends' query builders).
macro_rules! push_deal_filter {
    ($qb:expr, $ws:expr, $filter:expr, $after:expr) => {{
        let qb = $qb;
        let filter: &DealFilter = $filter;
        qb.push(" WHERE workspace_id = ").push_bind($ws.as_str());
        if filter.open_only {
            qb.push(" AND closed_at IS NULL");
        }
        if let Some(c) = &filter.contact {
            qb.push(" AND contact_id = ").push_bind(c.as_str());
        }
        if let Some(stage) = filter.stage {
            qb.push(" AND stage = ").push_bind(stage.as_str());
        }
        if let Some((day, at, id)) = $after {
            qb.push(format!(" AND ({CLOSE_KEY}, created_at, id) > ("))
                .push_bind(day.to_string())
                .push(", ")
                .push_bind(micros(*at))
                .push(", ")
                .push_bind(id.as_str())
                .push(")");
        }
    }};
}

const DEAL_COLUMNS: &str = "id, contact_id, title, value_cents, stage, expected_close, owner_id, \
     created_at, updated_at, closed_at";

#[derive(sqlx::FromRow)]
struct DealRow {
    id: String,
    contact_id: String,
    title: String,
    value_cents: i64,
    stage: String,
    expected_close: Option<String>,
    owner_id: String,
    created_at: i64,
    updated_at: i64,
    closed_at: Option<i64>,
}

impl DealRow {
    fn into_deal(self) -> StoreResult<Deal> {
        Ok(Deal {
            id: DealId::from_stored(self.id),
            contact_id: ContactId::from_stored(self.contact_id),
            title: self.title,
            value: Cents(self.value_cents),
            stage: self
                .stage
                .parse()
                .map_err(|_| corrupt("deal stage", &self.stage))?,
            expected_close: self
                .expected_close
                .map(|d| d.parse().map_err(|_| corrupt("expected close", &d)))
                .transpose()?,
            owner_id: UserId::from_stored(self.owner_id),
            created_at: instant(self.created_at)?,
            updated_at: instant(self.updated_at)?,
            closed_at: self.closed_at.map(instant).transpose()?,
        })
    }
}

/// Saves a deal's title, value, stage, expected close and closing time in the transaction
/// `$tx`; `NotFound` if it is not there.
macro_rules! update_deal_in {
    ($tx:ident, $ws:expr, $d:expr) => {{
        let d: &rapport_core::deal::Deal = $d;
        let n = sqlx::query(
            "UPDATE deals SET title = $3, value_cents = $4, stage = $5, expected_close = $6, \
             updated_at = $7, closed_at = $8 WHERE workspace_id = $1 AND id = $2",
        )
        .bind($ws.as_str())
        .bind(d.id.as_str())
        .bind(d.title.as_str())
        .bind(d.value.0)
        .bind(d.stage.as_str())
        .bind(d.expected_close.map(|c| c.to_string()))
        .bind($crate::rows::micros(d.updated_at))
        .bind(d.closed_at.map($crate::rows::micros))
        .execute(&mut *$tx)
        .await
        .map_err($crate::db_err)?
        .rows_affected();
        $crate::one_row(n)?;
    }};
}
pub(crate) use update_deal_in;

/// Inserts deals and their give/get lines in the transaction `$tx` (a bulk load).
macro_rules! insert_deals_in {
    ($tx:ident, $ws:expr, $deals:expr) => {
        $crate::deals::insert_deals_in!($tx, $ws, $deals, verb = "INSERT")
    };
    ($tx:ident, $ws:expr, $deals:expr, verb = $verb:expr) => {{
        let ws: &str = $ws.as_str();
        for chunk in $deals.chunks(400) {
            let mut qb = sqlx::QueryBuilder::new(format!(
                "{} INTO deals (workspace_id, id, contact_id, title, value_cents, stage, \
                 expected_close, owner_id, created_at, updated_at, closed_at) ",
                $verb
            ));
            qb.push_values(
                chunk,
                |mut b, (d, _): &(rapport_core::deal::Deal, Vec<rapport_core::deal::Term>)| {
                    b.push_bind(ws)
                        .push_bind(d.id.as_str())
                        .push_bind(d.contact_id.as_str())
                        .push_bind(d.title.as_str())
                        .push_bind(d.value.0)
                        .push_bind(d.stage.as_str())
                        .push_bind(d.expected_close.map(|c| c.to_string()))
                        .push_bind(d.owner_id.as_str())
                        .push_bind($crate::rows::micros(d.created_at))
                        .push_bind($crate::rows::micros(d.updated_at))
                        .push_bind(d.closed_at.map($crate::rows::micros));
                },
            );
            qb.build()
                .execute(&mut *$tx)
                .await
                .map_err($crate::db_err)?;
        }
        let terms: Vec<(&str, i32, &rapport_core::deal::Term)> = $deals
            .iter()
            .flat_map(
                |(d, ts): &(rapport_core::deal::Deal, Vec<rapport_core::deal::Term>)| {
                    ts.iter()
                        .enumerate()
                        .map(move |(i, t)| (d.id.as_str(), i as i32 + 1, t))
                },
            )
            .collect();
        for chunk in terms.chunks(400) {
            let mut qb = sqlx::QueryBuilder::new(format!(
                "{} INTO deal_terms (workspace_id, deal_id, seq, kind, text, created_at) ",
                $verb
            ));
            qb.push_values(chunk, |mut b, (deal, seq, t)| {
                b.push_bind(ws)
                    .push_bind(*deal)
                    .push_bind(*seq)
                    .push_bind(t.kind.as_str())
                    .push_bind(t.text.as_str())
                    .push_bind($crate::rows::micros(t.created_at));
            });
            qb.build()
                .execute(&mut *$tx)
                .await
                .map_err($crate::db_err)?;
        }
    }};
}
pub(crate) use insert_deals_in;

impl DealStore for Db {
    async fn insert_deal(&self, ws: &WorkspaceId, d: &Deal) -> StoreResult<()> {
        in_write_tx!(self, |tx| {
            sqlx::query(
                "INSERT INTO deals (workspace_id, id, contact_id, title, value_cents, stage, \
                 expected_close, owner_id, created_at, updated_at, closed_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            )
            .bind(ws.as_str())
            .bind(d.id.as_str())
            .bind(d.contact_id.as_str())
            .bind(d.title.as_str())
            .bind(d.value.0)
            .bind(d.stage.as_str())
            .bind(d.expected_close.map(|c| c.to_string()))
            .bind(d.owner_id.as_str())
            .bind(micros(d.created_at))
            .bind(micros(d.updated_at))
            .bind(d.closed_at.map(micros))
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        });
        Ok(())
    }

    async fn update_deal(&self, ws: &WorkspaceId, d: &Deal) -> StoreResult<()> {
        in_write_tx!(self, |tx| update_deal_in!(tx, ws, d));
        Ok(())
    }

    async fn deal(&self, ws: &WorkspaceId, id: &DealId) -> StoreResult<Option<(Deal, Vec<Term>)>> {
        let sql = format!("SELECT {DEAL_COLUMNS} FROM deals WHERE workspace_id = $1 AND id = $2");
        let (row, terms): (Option<DealRow>, Vec<(String, String, i64)>) = with_pool!(
            self,
            |pool| {
                let row = sqlx::query_as(AssertSqlSafe(sql))
                    .bind(ws.as_str())
                    .bind(id.as_str())
                    .fetch_optional(pool)
                    .await
                    .map_err(db_err)?;
                let terms = sqlx::query_as(
                "SELECT kind, text, created_at FROM deal_terms WHERE workspace_id = $1 AND deal_id = $2 ORDER BY seq",
            )
            .bind(ws.as_str())
            .bind(id.as_str())
            .fetch_all(pool)
            .await
            .map_err(db_err)?;
                (row, terms)
            }
        );
        let Some(row) = row else { return Ok(None) };
        let terms = terms
            .into_iter()
            .map(|(kind, text, at)| {
                Ok(Term {
                    kind: kind.parse().map_err(|_| corrupt("give/get kind", &kind))?,
                    text,
                    created_at: instant(at)?,
                })
            })
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(Some((row.into_deal()?, terms)))
    }

    async fn deals(
        &self,
        ws: &WorkspaceId,
        filter: &DealFilter,
        after: Option<&AfterDeal>,
        limit: u32,
    ) -> StoreResult<Vec<Deal>> {
        let rows: Vec<DealRow> = with_pool!(self, |pool| {
            let mut qb = sqlx::QueryBuilder::new(format!("SELECT {DEAL_COLUMNS} FROM deals"));
            push_deal_filter!(&mut qb, ws, filter, after);
            qb.push(format!(" ORDER BY {CLOSE_KEY}, created_at, id LIMIT "))
                .push_bind(i64::from(limit));
            qb.build_query_as()
                .persistent(false)
                .fetch_all(pool)
                .await
                .map_err(db_err)?
        });
        rows.into_iter().map(DealRow::into_deal).collect()
    }

    async fn count_deals(
        &self,
        ws: &WorkspaceId,
        filter: &DealFilter,
        after: Option<&AfterDeal>,
    ) -> StoreResult<u64> {
        let n: i64 = with_pool!(self, |pool| {
            let mut qb = sqlx::QueryBuilder::new("SELECT COUNT(*) FROM deals");
            push_deal_filter!(&mut qb, ws, filter, after);
            qb.build_query_scalar()
                .persistent(false)
                .fetch_one(pool)
                .await
                .map_err(db_err)?
        });
        Ok(n.unsigned_abs())
    }

    async fn major_deal_value(
        &self,
        ws: &WorkspaceId,
    ) -> StoreResult<Option<rapport_core::deal::Cents>> {
        let total: u64 = self.deal_stages(ws).await?.iter().map(|s| s.count).sum();
        if total < 4 {
            return Ok(None);
        }
        let at = i64::try_from((total - 1) / 4).unwrap_or(i64::MAX);
        let v: Option<i64> = with_pool!(self, |pool| {
            sqlx::query_scalar(
                "SELECT value_cents FROM deals WHERE workspace_id = $1 \
                 ORDER BY value_cents DESC LIMIT 1 OFFSET $2",
            )
            .bind(ws.as_str())
            .bind(at)
            .fetch_optional(pool)
            .await
            .map_err(db_err)?
        });
        Ok(v.map(rapport_core::deal::Cents))
    }

    async fn deal_stages(&self, ws: &WorkspaceId) -> StoreResult<Vec<StageTotal>> {
        let rows: Vec<(String, i64, Option<i64>)> = with_pool!(self, |pool| {
            sqlx::query_as(
                // Kept by triggers as deals are written (migration 0017).
                "SELECT stage, deals, value_cents FROM deal_stage_totals WHERE workspace_id = $1",
            )
            .bind(ws.as_str())
            .fetch_all(pool)
            .await
            .map_err(db_err)?
        });
        let mut totals: Vec<StageTotal> = Stage::ALL
            .iter()
            .map(|&stage| StageTotal {
                stage,
                count: 0,
                value: Cents(0),
            })
            .collect();
        for (stage, count, value) in rows {
            let stage: Stage = stage.parse().map_err(|_| corrupt("deal stage", &stage))?;
            if let Some(t) = totals.iter_mut().find(|t| t.stage == stage) {
                t.count = count.unsigned_abs();
                t.value = Cents(value.unwrap_or(0));
            }
        }
        Ok(totals)
    }

    async fn deal_terms(
        &self,
        ws: &WorkspaceId,
        deals: &[DealId],
    ) -> StoreResult<Vec<(DealId, Term)>> {
        let mut out = Vec::new();
        for chunk in deals.chunks(400) {
            let rows: Vec<(String, String, String, i64)> = with_pool!(self, |pool| {
                let mut qb = sqlx::QueryBuilder::new(
                    "SELECT deal_id, kind, text, created_at FROM deal_terms WHERE workspace_id = ",
                );
                qb.push_bind(ws.as_str()).push(" AND deal_id IN (");
                let mut list = qb.separated(", ");
                for d in chunk {
                    list.push_bind(d.as_str());
                }
                qb.push(") ORDER BY deal_id, seq");
                qb.build_query_as()
                    .persistent(false)
                    .fetch_all(pool)
                    .await
                    .map_err(db_err)?
            });
            for (deal, kind, text, at) in rows {
                out.push((
                    DealId::from_stored(deal),
                    Term {
                        kind: kind.parse().map_err(|_| corrupt("give/get kind", &kind))?,
                        text,
                        created_at: instant(at)?,
                    },
                ));
            }
        }
        Ok(out)
    }

    async fn add_term(&self, ws: &WorkspaceId, deal: &DealId, t: &Term) -> StoreResult<()> {
        in_write_tx!(self, |tx| {
            sqlx::query(
                "INSERT INTO deal_terms (workspace_id, deal_id, seq, kind, text, created_at) \
                 SELECT $1, $2, COALESCE(MAX(seq), 0) + 1, $3, $4, $5 FROM deal_terms \
                 WHERE workspace_id = $1 AND deal_id = $2",
            )
            .bind(ws.as_str())
            .bind(deal.as_str())
            .bind(t.kind.as_str())
            .bind(t.text.as_str())
            .bind(micros(t.created_at))
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        });
        Ok(())
    }
}
