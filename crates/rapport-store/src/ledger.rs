//! The commitment ledger: commitments and their history, requests, carried trust scores.

use jiff::Timestamp;
use jiff::civil::{Date, Time};
use rapport_core::StoreError;
use rapport_core::commitment::{
    AtRisk, Commitment, CommitmentId, Direction, Due, Request, RequestId, epoch_factor,
    epoch_weighted,
};
use rapport_core::ids::{ContactId, InteractionId, UserId, WorkspaceId};
use rapport_core::ports::{
    AfterRequest, CommitmentFilter, HistoryEntry, LedgerChange, LedgerStore, MemberAnswers,
    StoreResult, StoredTrust,
};
use rapport_core::trust::{Evidence, MODEL_VERSION, Params};
use sqlx::{AssertSqlSafe, QueryBuilder};

use crate::rows::{instant, micros};
use crate::{Db, corrupt, db_err, in_write_tx, with_pool};

pub(crate) const COMMITMENT_COLUMNS: &str = "id, contact_id, direction, text, due_date, due_time, deadline, \
     size, source_interaction_id, owner_id, status, resolved_at, released_on_request, at_risk_at, \
     at_risk_reason, told_at, predecessor_id, successor_id, created_at, updated_at";

/// The commitment columns qualified with the alias `k`, for joins.
pub(crate) const COMMITMENT_COLUMNS_K: &str = "k.id, k.contact_id, k.direction, k.text, \
     k.due_date, k.due_time, k.deadline, k.size, k.source_interaction_id, k.owner_id, k.status, \
     k.resolved_at, k.released_on_request, k.at_risk_at, k.at_risk_reason, k.told_at, \
     k.predecessor_id, k.successor_id, k.created_at, k.updated_at";

/// The request columns qualified with the alias `r`, for joins.
pub(crate) const REQUEST_COLUMNS_R: &str =
    "r.id, r.contact_id, r.text, r.why, r.answered_by, r.owner_id, r.created_at, r.updated_at";

#[derive(sqlx::FromRow)]
pub(crate) struct CommitmentRow {
    id: String,
    contact_id: String,
    direction: String,
    text: String,
    due_date: String,
    due_time: Option<String>,
    deadline: i64,
    size: String,
    source_interaction_id: Option<String>,
    owner_id: String,
    status: String,
    resolved_at: Option<i64>,
    released_on_request: Option<bool>,
    at_risk_at: Option<i64>,
    at_risk_reason: Option<String>,
    told_at: Option<i64>,
    predecessor_id: Option<String>,
    successor_id: Option<String>,
    created_at: i64,
    updated_at: i64,
}

impl CommitmentRow {
    pub(crate) fn into_commitment(self) -> StoreResult<Commitment> {
        let date: Date = self
            .due_date
            .parse()
            .map_err(|_| corrupt("due date", &self.due_date))?;
        let time = self
            .due_time
            .as_deref()
            .map(|t| t.parse::<Time>().map_err(|_| corrupt("due time", t)))
            .transpose()?;
        Ok(Commitment {
            id: CommitmentId::from_stored(self.id),
            contact_id: ContactId::from_stored(self.contact_id),
            direction: self
                .direction
                .parse()
                .map_err(|_| corrupt("direction", &self.direction))?,
            text: self.text,
            due: Due { date, time },
            deadline: instant(self.deadline)?,
            size: self.size.parse().map_err(|_| corrupt("size", &self.size))?,
            source_interaction_id: self.source_interaction_id.map(InteractionId::from_stored),
            owner_id: UserId::from_stored(self.owner_id),
            status: self
                .status
                .parse()
                .map_err(|_| corrupt("status", &self.status))?,
            resolved_at: self.resolved_at.map(instant).transpose()?,
            released_on_request: self.released_on_request,
            at_risk: self
                .at_risk_at
                .map(|at| -> StoreResult<AtRisk> {
                    Ok(AtRisk {
                        at: instant(at)?,
                        reason: self.at_risk_reason.clone(),
                    })
                })
                .transpose()?,
            told_at: self.told_at.map(instant).transpose()?,
            predecessor_id: self.predecessor_id.map(CommitmentId::from_stored),
            successor_id: self.successor_id.map(CommitmentId::from_stored),
            created_at: instant(self.created_at)?,
            updated_at: instant(self.updated_at)?,
        })
    }
}

pub(crate) fn into_commitments(rows: Vec<CommitmentRow>) -> StoreResult<Vec<Commitment>> {
    rows.into_iter()
        .map(CommitmentRow::into_commitment)
        .collect()
}

/// The values of a commitment's columns, in `COMMITMENT_COLUMNS` order plus the evidence.
pub(crate) struct Values<'a> {
    pub(crate) c: &'a Commitment,
    pub(crate) due_date: String,
    pub(crate) due_time: Option<String>,
    pub(crate) evidence_kind: Option<&'static str>,
    pub(crate) positive: Option<f64>,
    pub(crate) negative: Option<f64>,
}

impl<'a> Values<'a> {
    pub(crate) fn of(c: &'a Commitment, p: &Params) -> Self {
        let event = c.event();
        let weighted = event.map(|e| epoch_weighted(&e, p));
        Values {
            c,
            due_date: c.due.date.to_string(),
            due_time: c.due.time.map(|t| t.strftime("%H:%M").to_string()),
            evidence_kind: event.map(|e| e.kind.as_str()),
            positive: weighted.map(|w| w.0),
            negative: weighted.map(|w| w.1),
        }
    }
}

/// Binds every column of a commitment after `$1` (the workspace), in the INSERT's order.
macro_rules! bind_commitment {
    ($query:expr, $v:expr) => {{
        let v = &$v;
        let c = v.c;
        $query
            .bind(c.id.as_str())
            .bind(c.contact_id.as_str())
            .bind(c.direction.as_str())
            .bind(c.text.as_str())
            .bind(v.due_date.as_str())
            .bind(v.due_time.as_deref())
            .bind(micros(c.deadline))
            .bind(c.size.as_str())
            .bind(c.source_interaction_id.as_ref().map(|i| i.as_str()))
            .bind(c.owner_id.as_str())
            .bind(c.status.as_str())
            .bind(c.resolved_at.map(micros))
            .bind(c.released_on_request)
            .bind(c.at_risk.as_ref().map(|r| micros(r.at)))
            .bind(c.at_risk.as_ref().and_then(|r| r.reason.as_deref()))
            .bind(c.told_at.map(micros))
            .bind(c.predecessor_id.as_ref().map(|i| i.as_str()))
            .bind(c.successor_id.as_ref().map(|i| i.as_str()))
            .bind(micros(c.created_at))
            .bind(micros(c.updated_at))
            .bind(v.evidence_kind)
            .bind(v.positive)
            .bind(v.negative)
    }};
}

/// Inserts commitments in the transaction `$tx`, in chunks (bulk loads).
macro_rules! insert_commitments_in {
    ($tx:ident, $ws:expr, $commitments:expr, $params:expr) => {
        $crate::ledger::insert_commitments_in!($tx, $ws, $commitments, $params, verb = "INSERT")
    };
    ($tx:ident, $ws:expr, $commitments:expr, $params:expr, verb = $verb:expr) => {{
        for chunk in $commitments.chunks(400) {
            let values: Vec<_> = chunk.iter().map(|c| $crate::ledger::Values::of(c, $params)).collect();
            let mut qb = sqlx::QueryBuilder::new(format!(
                "{} INTO commitments (workspace_id, id, contact_id, direction, text, due_date, \
                 due_time, deadline, size, source_interaction_id, owner_id, status, resolved_at, \
                 released_on_request, at_risk_at, at_risk_reason, told_at, predecessor_id, \
                 successor_id, created_at, updated_at, evidence_kind, positive_epoch, negative_epoch) ", $verb),
            );
            qb.push_values(&values, |mut b, v| {
                let c = v.c;
                b.push_bind($ws.as_str())
                    .push_bind(c.id.as_str())
                    .push_bind(c.contact_id.as_str())
                    .push_bind(c.direction.as_str())
                    .push_bind(c.text.as_str())
                    .push_bind(v.due_date.as_str())
                    .push_bind(v.due_time.as_deref())
                    .push_bind(c.deadline.as_microsecond())
                    .push_bind(c.size.as_str())
                    .push_bind(c.source_interaction_id.as_ref().map(|i| i.as_str()))
                    .push_bind(c.owner_id.as_str())
                    .push_bind(c.status.as_str())
                    .push_bind(c.resolved_at.map(|t| t.as_microsecond()))
                    .push_bind(c.released_on_request)
                    .push_bind(c.at_risk.as_ref().map(|r| r.at.as_microsecond()))
                    .push_bind(c.at_risk.as_ref().and_then(|r| r.reason.as_deref()))
                    .push_bind(c.told_at.map(|t| t.as_microsecond()))
                    .push_bind(c.predecessor_id.as_ref().map(|i| i.as_str()))
                    .push_bind(c.successor_id.as_ref().map(|i| i.as_str()))
                    .push_bind(c.created_at.as_microsecond())
                    .push_bind(c.updated_at.as_microsecond())
                    .push_bind(v.evidence_kind)
                    .push_bind(v.positive)
                    .push_bind(v.negative);
            });
            qb.build().execute(&mut *$tx).await.map_err($crate::db_err)?;
        }
    }};
}
pub(crate) use insert_commitments_in;

const INSERT_COMMITMENT: &str = "INSERT INTO commitments (workspace_id, id, contact_id, direction, \
     text, due_date, due_time, deadline, size, source_interaction_id, owner_id, status, resolved_at, \
     released_on_request, at_risk_at, at_risk_reason, told_at, predecessor_id, successor_id, \
     created_at, updated_at, evidence_kind, positive_epoch, negative_epoch) VALUES ($1, $2, $3, $4, \
     $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24)";

// The key columns ($2 id, $3 contact, $4 direction) and created_at ($20) never change; they
// are bound so both statements share one binding order.
const UPDATE_COMMITMENT: &str = "UPDATE commitments SET text = $5, due_date = $6, due_time = $7, \
     deadline = $8, size = $9, source_interaction_id = $10, owner_id = $11, status = $12, \
     resolved_at = $13, released_on_request = $14, at_risk_at = $15, at_risk_reason = $16, \
     told_at = $17, predecessor_id = $18, successor_id = $19, updated_at = $21, \
     evidence_kind = $22, positive_epoch = $23, negative_epoch = $24 \
     WHERE workspace_id = $1 AND id = $2 AND contact_id = $3 AND direction = $4 AND created_at = $20";

const OPEN_MINE_DUE: &str = "SELECT id, contact_id, direction, text, due_date, due_time, deadline, \
     size, source_interaction_id, owner_id, status, resolved_at, released_on_request, at_risk_at, \
     at_risk_reason, told_at, predecessor_id, successor_id, created_at, updated_at \
     FROM commitments WHERE workspace_id = $1 AND owner_id = $2 AND direction = 'mine' \
     AND due_date = $3 AND status = 'open' ORDER BY deadline, id";

const READ_TRUST: &str = "SELECT positive, negative, as_of, model_version, half_life_days \
     FROM trust_scores WHERE workspace_id = $1 AND contact_id = $2 AND direction = $3";

const SUM_EVIDENCE: &str = "SELECT COALESCE(SUM(positive_epoch), 0), COALESCE(SUM(negative_epoch), 0) \
     FROM commitments WHERE workspace_id = $1 AND contact_id = $2 AND direction = $3 \
     AND evidence_kind IS NOT NULL";

const UPSERT_TRUST: &str = "INSERT INTO trust_scores (workspace_id, contact_id, direction, positive, \
     negative, as_of, model_version, half_life_days, computed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
     ON CONFLICT (workspace_id, contact_id, direction) DO UPDATE SET positive = excluded.positive, \
     negative = excluded.negative, as_of = excluded.as_of, model_version = excluded.model_version, \
     half_life_days = excluded.half_life_days, computed_at = excluded.computed_at";

pub(crate) const APPEND_HISTORY: &str = "INSERT INTO commitment_history (workspace_id, commitment_id, seq, at, \
     user_id, action, snapshot) SELECT $1, $2, COALESCE(MAX(seq), 0) + 1, $3, $4, $5, $6 \
     FROM commitment_history WHERE workspace_id = $1 AND commitment_id = $2";

pub(crate) fn half_life(p: &Params) -> i32 {
    if p.half_life_days.is_finite() {
        p.half_life_days as i32
    } else {
        0
    }
}

impl LedgerStore for Db {
    async fn apply_change(
        &self,
        ws: &WorkspaceId,
        change: &LedgerChange,
        load_limit: Option<u32>,
    ) -> StoreResult<Vec<Commitment>> {
        let c = &change.commitment;
        let p = &change.params;
        in_write_tx!(self, |tx| {
            if change.created
                && c.direction == Direction::Mine
                && let Some(limit) = load_limit
            {
                let due: Vec<CommitmentRow> = sqlx::query_as(OPEN_MINE_DUE)
                    .bind(ws.as_str())
                    .bind(c.owner_id.as_str())
                    .bind(c.due.date.to_string())
                    .fetch_all(&mut *tx)
                    .await
                    .map_err(db_err)?;
                if due.len() >= limit as usize {
                    return into_commitments(due);
                }
            }
            let v = Values::of(c, p);
            if change.created {
                bind_commitment!(sqlx::query(INSERT_COMMITMENT).bind(ws.as_str()), v)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
            } else {
                let n = bind_commitment!(sqlx::query(UPDATE_COMMITMENT).bind(ws.as_str()), v)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?
                    .rows_affected();
                if n == 0 {
                    return Err(StoreError::NotFound);
                }
            }
            if let Some(s) = &change.successor {
                let v = Values::of(s, p);
                bind_commitment!(sqlx::query(INSERT_COMMITMENT).bind(ws.as_str()), v)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
            }
            for h in &change.history {
                let snapshot = serde_json::to_string(&h.snapshot)
                    .map_err(|e| StoreError::Other(Box::new(e)))?;
                sqlx::query(APPEND_HISTORY)
                    .bind(ws.as_str())
                    .bind(h.commitment_id.as_str())
                    .bind(micros(h.at))
                    .bind(h.user_id.as_str())
                    .bind(h.action.as_str())
                    .bind(snapshot)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
            }
            if let Some(t) = &change.trust {
                let stored: Option<(f64, f64, i64, String, i32)> = sqlx::query_as(READ_TRUST)
                    .bind(ws.as_str())
                    .bind(t.contact_id.as_str())
                    .bind(t.direction.as_str())
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(db_err)?;
                let current = stored.filter(|(_, _, _, version, h)| {
                    version == MODEL_VERSION && *h == half_life(&t.params)
                });
                let evidence = match current {
                    // Carry the evidence: decay it to now, take back the corrected event, add
                    // the new one. The history is not read.
                    Some((r, s, as_of, _, _)) => {
                        let mut e = Evidence {
                            positive: r,
                            negative: s,
                            as_of: instant(as_of)?,
                        }
                        .decayed_to(t.now, &t.params);
                        if let Some(old) = &t.remove {
                            e = e.minus(old, &t.params);
                        }
                        if let Some(new) = &t.add {
                            e = e.plus(new, &t.params);
                        }
                        e
                    }
                    // No carried score under this model yet: sum the ledger (already updated).
                    None => {
                        let (r, s): (f64, f64) = sqlx::query_as(SUM_EVIDENCE)
                            .bind(ws.as_str())
                            .bind(t.contact_id.as_str())
                            .bind(t.direction.as_str())
                            .fetch_one(&mut *tx)
                            .await
                            .map_err(db_err)?;
                        let f = epoch_factor(t.now, &t.params);
                        Evidence {
                            positive: r * f,
                            negative: s * f,
                            as_of: t.now,
                        }
                    }
                };
                sqlx::query(UPSERT_TRUST)
                    .bind(ws.as_str())
                    .bind(t.contact_id.as_str())
                    .bind(t.direction.as_str())
                    .bind(evidence.positive)
                    .bind(evidence.negative)
                    .bind(micros(evidence.as_of))
                    .bind(MODEL_VERSION)
                    .bind(half_life(&t.params))
                    .bind(micros(t.now))
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
            }
            if let Some(won) = &change.deal_won {
                crate::deals::update_deal_in!(tx, ws, &won.deal);
                if let Some(customer) = &won.promoted {
                    crate::contacts::update_contact_in!(tx, ws, customer);
                }
            }
            if let Some(id) = &change.accepted {
                crate::suggestions::accept_suggestion_in!(
                    tx,
                    ws,
                    id,
                    change.commitment.id,
                    change.commitment.created_at
                );
            }
        });
        Ok(Vec::new())
    }

    async fn commitment(
        &self,
        ws: &WorkspaceId,
        id: &CommitmentId,
    ) -> StoreResult<Option<Commitment>> {
        let sql = format!(
            "SELECT {COMMITMENT_COLUMNS} FROM commitments WHERE workspace_id = $1 AND id = $2"
        );
        let row: Option<CommitmentRow> = with_pool!(self, |pool| {
            sqlx::query_as(AssertSqlSafe(sql))
                .bind(ws.as_str())
                .bind(id.as_str())
                .fetch_optional(pool)
                .await
                .map_err(db_err)?
        });
        row.map(CommitmentRow::into_commitment).transpose()
    }

    async fn commitments(
        &self,
        ws: &WorkspaceId,
        f: &CommitmentFilter,
    ) -> StoreResult<Vec<Commitment>> {
        let rows: Vec<CommitmentRow> = with_pool!(self, |pool| {
            let mut qb = QueryBuilder::new(format!(
                "SELECT {COMMITMENT_COLUMNS} FROM commitments WHERE workspace_id = "
            ));
            qb.push_bind(ws.as_str());
            if let Some(c) = &f.contact {
                qb.push(" AND contact_id = ").push_bind(c.as_str());
            }
            if let Some(d) = f.direction {
                qb.push(" AND direction = ").push_bind(d.as_str());
            }
            if f.open_only {
                qb.push(" AND status = 'open'");
            }
            if let Some(o) = &f.owner {
                qb.push(" AND owner_id = ").push_bind(o.as_str());
            }
            if let Some(d) = f.due_on {
                qb.push(" AND due_date = ").push_bind(d.to_string());
            }
            if let Some((deadline, created, id)) = &f.after {
                qb.push(if f.newest_first {
                    " AND (deadline, created_at, id) < ("
                } else {
                    " AND (deadline, created_at, id) > ("
                })
                .push_bind(micros(*deadline))
                .push(", ")
                .push_bind(micros(*created))
                .push(", ")
                .push_bind(id.as_str())
                .push(")");
            }
            qb.push(if f.newest_first {
                " ORDER BY deadline DESC, created_at DESC, id DESC LIMIT "
            } else {
                " ORDER BY deadline, created_at, id LIMIT "
            })
            .push_bind(i64::from(f.limit));
            // Planned with the actual values (see list_contacts).
            qb.build_query_as()
                .persistent(false)
                .fetch_all(pool)
                .await
                .map_err(db_err)?
        });
        into_commitments(rows)
    }

    async fn history(&self, ws: &WorkspaceId, id: &CommitmentId) -> StoreResult<Vec<HistoryEntry>> {
        let rows: Vec<(i64, String, String, String)> = with_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT at, user_id, action, snapshot FROM commitment_history \
                 WHERE workspace_id = $1 AND commitment_id = $2 ORDER BY seq",
            )
            .bind(ws.as_str())
            .bind(id.as_str())
            .fetch_all(pool)
            .await
            .map_err(db_err)?
        });
        rows.into_iter()
            .map(|(at, user, action, snapshot)| {
                Ok(HistoryEntry {
                    commitment_id: id.clone(),
                    at: instant(at)?,
                    user_id: UserId::from_stored(user),
                    action,
                    snapshot: serde_json::from_str(&snapshot).map_err(|e| corrupt("history", e))?,
                })
            })
            .collect()
    }

    async fn stored_trust(
        &self,
        ws: &WorkspaceId,
        contact: &ContactId,
    ) -> StoreResult<Vec<StoredTrust>> {
        let rows: Vec<(String, f64, f64, i64, String, i32)> = with_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT direction, positive, negative, as_of, model_version, half_life_days \
                 FROM trust_scores WHERE workspace_id = $1 AND contact_id = $2 ORDER BY direction",
            )
            .bind(ws.as_str())
            .bind(contact.as_str())
            .fetch_all(pool)
            .await
            .map_err(db_err)?
        });
        rows.into_iter()
            .map(|(direction, r, s, as_of, model_version, h)| {
                Ok(StoredTrust {
                    contact_id: contact.clone(),
                    direction: direction
                        .parse()
                        .map_err(|_| corrupt("direction", &direction))?,
                    evidence: Evidence {
                        positive: r,
                        negative: s,
                        as_of: instant(as_of)?,
                    },
                    model_version,
                    half_life_days: h.unsigned_abs(),
                })
            })
            .collect()
    }

    async fn stored_trust_of(
        &self,
        ws: &WorkspaceId,
        contacts: &[ContactId],
    ) -> StoreResult<Vec<StoredTrust>> {
        let mut out = Vec::with_capacity(contacts.len() * 2);
        for chunk in contacts.chunks(400) {
            let rows: Vec<(String, String, f64, f64, i64, String, i32)> =
                with_pool!(self, |pool| {
                    let mut qb = sqlx::QueryBuilder::new(
                        "SELECT contact_id, direction, positive, negative, as_of, model_version, \
                     half_life_days FROM trust_scores WHERE workspace_id = ",
                    );
                    qb.push_bind(ws.as_str()).push(" AND contact_id IN (");
                    let mut list = qb.separated(", ");
                    for id in chunk {
                        list.push_bind(id.as_str());
                    }
                    qb.push(")");
                    qb.build_query_as()
                        .persistent(false)
                        .fetch_all(pool)
                        .await
                        .map_err(db_err)?
                });
            for (contact, direction, r, s, as_of, model_version, h) in rows {
                out.push(StoredTrust {
                    contact_id: ContactId::parse(&contact)
                        .ok_or_else(|| corrupt("contact id", &contact))?,
                    direction: direction
                        .parse()
                        .map_err(|_| corrupt("direction", &direction))?,
                    evidence: Evidence {
                        positive: r,
                        negative: s,
                        as_of: instant(as_of)?,
                    },
                    model_version,
                    half_life_days: h.unsigned_abs(),
                });
            }
        }
        Ok(out)
    }

    async fn recompute_trust(
        &self,
        ws: &WorkspaceId,
        now: Timestamp,
        params: &Params,
    ) -> StoreResult<u64> {
        let factor = epoch_factor(now, params);
        let n = in_write_tx!(self, |tx| {
            sqlx::query("DELETE FROM trust_scores WHERE workspace_id = $1")
                .bind(ws.as_str())
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
            sqlx::query(
                "INSERT INTO trust_scores (workspace_id, contact_id, direction, positive, negative, \
                 as_of, model_version, half_life_days, computed_at) \
                 SELECT workspace_id, contact_id, direction, SUM(positive_epoch) * $2, \
                 SUM(negative_epoch) * $2, $3, $4, $5, $3 FROM commitments \
                 WHERE workspace_id = $1 AND evidence_kind IS NOT NULL \
                 GROUP BY workspace_id, contact_id, direction",
            )
            .bind(ws.as_str())
            .bind(factor)
            .bind(micros(now))
            .bind(MODEL_VERSION)
            .bind(half_life(params))
            .execute(&mut *tx)
            .await
            .map_err(db_err)?
            .rows_affected()
        });
        Ok(n)
    }

    async fn insert_request(&self, ws: &WorkspaceId, r: &Request) -> StoreResult<()> {
        in_write_tx!(self, |tx| {
            sqlx::query(
                "INSERT INTO requests (workspace_id, id, contact_id, text, why, answered_by, owner_id, \
                 created_at, updated_at, answered_at, answered_without_why) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            )
            .bind(ws.as_str())
            .bind(r.id.as_str())
            .bind(r.contact_id.as_str())
            .bind(r.text.as_str())
            .bind(r.why.as_deref())
            .bind(r.answered_by.as_ref().map(|c| c.as_str()))
            .bind(r.owner_id.as_str())
            .bind(micros(r.created_at))
            .bind(micros(r.updated_at))
            .bind(r.answered_by.as_ref().map(|_| micros(r.created_at)))
            .bind(r.answered_by.as_ref().map(|_| r.why.is_none()))
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        });
        Ok(())
    }

    async fn update_request(&self, ws: &WorkspaceId, r: &Request) -> StoreResult<()> {
        let n = in_write_tx!(self, |tx| {
            sqlx::query(
                // Answered now (it was not): when, and whether the why was known then (given
                // in this same change counts as known).
                "UPDATE requests SET text = $3, why = $4, answered_by = $5, updated_at = $6, \
                 answered_at = CASE WHEN answered_by IS NULL AND $5 IS NOT NULL THEN $6 \
                     ELSE answered_at END, \
                 answered_without_why = CASE WHEN answered_by IS NULL AND $5 IS NOT NULL \
                     THEN $4 IS NULL ELSE answered_without_why END \
                 WHERE workspace_id = $1 AND id = $2",
            )
            .bind(ws.as_str())
            .bind(r.id.as_str())
            .bind(r.text.as_str())
            .bind(r.why.as_deref())
            .bind(r.answered_by.as_ref().map(|c| c.as_str()))
            .bind(micros(r.updated_at))
            .execute(&mut *tx)
            .await
            .map_err(db_err)?
            .rows_affected()
        });
        crate::one_row(n)
    }

    async fn request(&self, ws: &WorkspaceId, id: &RequestId) -> StoreResult<Option<Request>> {
        let row: Option<RequestRow> = with_pool!(self, |pool| {
            sqlx::query_as(AssertSqlSafe(format!(
                "SELECT {REQUEST_COLUMNS} FROM requests WHERE workspace_id = $1 AND id = $2"
            )))
            .bind(ws.as_str())
            .bind(id.as_str())
            .fetch_optional(pool)
            .await
            .map_err(db_err)?
        });
        row.map(RequestRow::into_request).transpose()
    }

    async fn requests(
        &self,
        ws: &WorkspaceId,
        contact: Option<&ContactId>,
        without_why: bool,
        after: Option<&AfterRequest>,
        limit: u32,
    ) -> StoreResult<Vec<Request>> {
        let rows: Vec<RequestRow> = with_pool!(self, |pool| {
            let mut qb = QueryBuilder::new(format!(
                "SELECT {REQUEST_COLUMNS} FROM requests WHERE workspace_id = "
            ));
            qb.push_bind(ws.as_str());
            if let Some(c) = contact {
                qb.push(" AND contact_id = ").push_bind(c.as_str());
            }
            if without_why {
                qb.push(" AND why IS NULL");
            }
            if let Some((at, id)) = after {
                qb.push(" AND (created_at, id) > (")
                    .push_bind(micros(*at))
                    .push(", ")
                    .push_bind(id.as_str())
                    .push(")");
            }
            qb.push(" ORDER BY created_at, id LIMIT ")
                .push_bind(i64::from(limit));
            qb.build_query_as().fetch_all(pool).await.map_err(db_err)?
        });
        rows.into_iter().map(RequestRow::into_request).collect()
    }

    async fn answered_requests(
        &self,
        ws: &WorkspaceId,
        since: Option<Timestamp>,
    ) -> StoreResult<Vec<MemberAnswers>> {
        // (member, email, name, answered, answered without a why)
        type Row = (String, Option<String>, Option<String>, i64, i64);
        let rows: Vec<Row> = with_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT k.owner_id, u.email, u.name, COUNT(*), \
                     SUM(CASE WHEN r.answered_without_why THEN 1 ELSE 0 END) \
                     FROM requests r JOIN commitments k ON k.workspace_id = r.workspace_id \
                     AND k.id = r.answered_by LEFT JOIN users u ON u.id = k.owner_id \
                     WHERE r.workspace_id = $1 AND r.answered_at >= $2 \
                     GROUP BY k.owner_id, u.email, u.name",
            )
            .bind(ws.as_str())
            .bind(since.map_or(i64::MIN, micros))
            .fetch_all(pool)
            .await
            .map_err(db_err)?
        });
        Ok(rows
            .into_iter()
            .map(|(id, email, name, answered, without)| MemberAnswers {
                name: name.unwrap_or_else(|| "A former member".to_owned()),
                user_id: UserId::from_stored(id),
                email,
                answered: answered.unsigned_abs(),
                answered_without_why: without.unsigned_abs(),
            })
            .collect::<Vec<_>>())
        .map(|mut members| {
            // Ordered here, the same on both backends (their collations differ).
            members.sort_by(|a, b| {
                rapport_core::search::fold(&a.name)
                    .cmp(&rapport_core::search::fold(&b.name))
                    .then_with(|| a.user_id.as_str().cmp(b.user_id.as_str()))
            });
            members
        })
    }

    async fn resolved_of(
        &self,
        ws: &WorkspaceId,
        contacts: &[ContactId],
        direction: Direction,
    ) -> StoreResult<Vec<Commitment>> {
        let mut out = Vec::new();
        for chunk in contacts.chunks(400) {
            let rows: Vec<CommitmentRow> = with_pool!(self, |pool| {
                let mut qb = sqlx::QueryBuilder::new(format!(
                    "SELECT {COMMITMENT_COLUMNS} FROM commitments WHERE workspace_id = "
                ));
                qb.push_bind(ws.as_str())
                    .push(" AND direction = ")
                    .push_bind(direction.as_str())
                    .push(
                        " AND status IN ('kept', 'broken', 'deceptive', 'released') \
                         AND contact_id IN (",
                    );
                let mut list = qb.separated(", ");
                for id in chunk {
                    list.push_bind(id.as_str());
                }
                qb.push(")");
                qb.build_query_as()
                    .persistent(false)
                    .fetch_all(pool)
                    .await
                    .map_err(db_err)?
            });
            out.extend(into_commitments(rows)?);
        }
        Ok(out)
    }

    async fn outcomes(
        &self,
        ws: &WorkspaceId,
        keys: &[(rapport_core::ports::OutcomesOf, rapport_core::trust::Size)],
        limit: u32,
    ) -> StoreResult<rapport_core::ports::Outcomes> {
        use rapport_core::ports::OutcomesOf;
        use rapport_core::trust::Size;
        let mut out = rapport_core::ports::Outcomes::new();
        let kept = rapport_core::trust::EvidenceKind::KeptOnTime.as_str();
        let outcome = |(at, kind, flagged): (i64, String, bool)| {
            Ok::<_, StoreError>(rapport_core::foresight::Outcome {
                at: instant(at)?,
                kept_on_time: kind == kept,
                flagged,
            })
        };
        // The workspace's one way and a member's own: one query each, newest first on
        // their partial indexes (migration 0030), at most `limit`.
        for (of, size) in keys {
            if out.contains_key(&(of.clone(), *size)) {
                continue;
            }
            let rows: Vec<(i64, String, bool)> = match of {
                OutcomesOf::Workspace(direction) => with_pool!(self, |pool| {
                    sqlx::query_as(
                        "SELECT resolved_at, evidence_kind, at_risk_at IS NOT NULL FROM commitments \
                         WHERE workspace_id = $1 AND direction = $2 AND size = $3 \
                         AND evidence_kind IS NOT NULL AND resolved_at IS NOT NULL \
                         ORDER BY resolved_at DESC LIMIT $4",
                    )
                    .bind(ws.as_str())
                    .bind(direction.as_str())
                    .bind(size.as_str())
                    .bind(i64::from(limit))
                    .fetch_all(pool)
                    .await
                    .map_err(db_err)?
                }),
                OutcomesOf::Member(user) => with_pool!(self, |pool| {
                    sqlx::query_as(
                        "SELECT resolved_at, evidence_kind, at_risk_at IS NOT NULL FROM commitments \
                         WHERE workspace_id = $1 AND owner_id = $2 AND direction = 'mine' \
                         AND size = $3 AND evidence_kind IS NOT NULL AND resolved_at IS NOT NULL \
                         ORDER BY resolved_at DESC LIMIT $4",
                    )
                    .bind(ws.as_str())
                    .bind(user.as_str())
                    .bind(size.as_str())
                    .bind(i64::from(limit))
                    .fetch_all(pool)
                    .await
                    .map_err(db_err)?
                }),
                // All the contacts at once, below.
                OutcomesOf::Contact(_) => continue,
            };
            let list = rows
                .into_iter()
                .map(outcome)
                .collect::<StoreResult<Vec<_>>>()?;
            out.insert((of.clone(), *size), list);
        }
        // Contacts' promises to us: the latest `limit` per contact and size, all of them in
        // one windowed query per few hundred contacts (a contact's history is short).
        let mut ids: Vec<&str> = keys
            .iter()
            .filter_map(|(of, _)| match of {
                OutcomesOf::Contact(c) => Some(c.as_str()),
                _ => None,
            })
            .collect();
        ids.sort_unstable();
        ids.dedup();
        for (of, size) in keys {
            if matches!(of, OutcomesOf::Contact(_)) {
                out.entry((of.clone(), *size)).or_default();
            }
        }
        for chunk in ids.chunks(400) {
            let rows: Vec<(String, String, i64, String, bool)> = with_pool!(self, |pool| {
                let mut qb = sqlx::QueryBuilder::new(
                    "SELECT who, size, resolved_at, evidence_kind, flagged FROM (SELECT contact_id \
                     AS who, size, resolved_at, evidence_kind, at_risk_at IS NOT NULL AS flagged, \
                     ROW_NUMBER() OVER (PARTITION BY contact_id, size ORDER BY resolved_at DESC) \
                     AS n FROM commitments WHERE workspace_id = ",
                );
                qb.push_bind(ws.as_str()).push(
                    " AND direction = 'theirs' AND evidence_kind IS NOT NULL \
                     AND resolved_at IS NOT NULL AND contact_id IN (",
                );
                let mut list = qb.separated(", ");
                for id in chunk {
                    list.push_bind(*id);
                }
                qb.push(")) latest WHERE n <= ")
                    .push_bind(i64::from(limit))
                    .push(" ORDER BY who, size, resolved_at DESC");
                qb.build_query_as()
                    .persistent(false)
                    .fetch_all(pool)
                    .await
                    .map_err(db_err)?
            });
            for (who, size, at, kind, flagged) in rows {
                let size: Size = size.parse().map_err(|_| corrupt("size", &size))?;
                // Only the sizes asked are kept.
                if let Some(list) =
                    out.get_mut(&(OutcomesOf::Contact(ContactId::from_stored(who)), size))
                {
                    list.push(outcome((at, kind, flagged))?);
                }
            }
        }
        Ok(out)
    }

    async fn open_requests_without_why(&self, ws: &WorkspaceId) -> StoreResult<u64> {
        let n: i64 = with_pool!(self, |pool| {
            sqlx::query_scalar(
                "SELECT COUNT(*) FROM requests WHERE workspace_id = $1 AND why IS NULL \
                 AND answered_by IS NULL",
            )
            .bind(ws.as_str())
            .fetch_one(pool)
            .await
            .map_err(db_err)?
        });
        Ok(n.unsigned_abs())
    }

    async fn news(&self, ws: &WorkspaceId) -> StoreResult<Vec<Commitment>> {
        let sql = format!(
            "SELECT {COMMITMENT_COLUMNS} FROM commitments WHERE workspace_id = $1 \
             AND (at_risk_at IS NOT NULL OR (status = 'kept' AND told_at IS NOT NULL)) ORDER BY created_at, id"
        );
        let rows: Vec<CommitmentRow> = with_pool!(self, |pool| {
            sqlx::query_as(AssertSqlSafe(sql))
                .bind(ws.as_str())
                .fetch_all(pool)
                .await
                .map_err(db_err)?
        });
        into_commitments(rows)
    }
}

const REQUEST_COLUMNS: &str =
    "id, contact_id, text, why, answered_by, owner_id, created_at, updated_at";

#[derive(sqlx::FromRow)]
pub(crate) struct RequestRow {
    id: String,
    contact_id: String,
    text: String,
    why: Option<String>,
    answered_by: Option<String>,
    owner_id: String,
    created_at: i64,
    updated_at: i64,
}

impl RequestRow {
    pub(crate) fn into_request(self) -> StoreResult<Request> {
        Ok(Request {
            id: RequestId::from_stored(self.id),
            contact_id: ContactId::from_stored(self.contact_id),
            text: self.text,
            why: self.why,
            answered_by: self.answered_by.map(CommitmentId::from_stored),
            owner_id: UserId::from_stored(self.owner_id),
            created_at: instant(self.created_at)?,
            updated_at: instant(self.updated_at)?,
        })
    }
}
