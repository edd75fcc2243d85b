//! Promises found in mail, on offer (rapport-core: ports/suggestions.rs).

use jiff::Timestamp;
use jiff::civil::Date;
use rapport_core::commitment::{CommitmentId, Direction};
use rapport_core::ids::{ContactId, UserId, WorkspaceId};
use rapport_core::ports::{AfterSuggestion, StoreResult, SuggestionStore};
use rapport_core::suggestion::{
    Suggestion, SuggestionId, SuggestionPage, SuggestionStatus, SuggestionView,
};
use sqlx::{AssertSqlSafe, QueryBuilder};

use crate::rows::{instant, micros};
use crate::{Db, corrupt, db_err, in_write_tx, with_pool};

const COLUMNS: &str = "s.id, s.contact_id, s.owner_id, s.direction, s.text, s.due_date, \
     s.sentence, s.message_key, s.ordinal, s.message_id, s.subject, s.message_at, s.found_at, \
     s.expires_at, s.status, s.decided_at, s.commitment_id, c.name";

/// How a page's rows are joined to their contacts.
const FROM: &str =
    "FROM suggestions s JOIN contacts c ON c.workspace_id = s.workspace_id AND c.id = s.contact_id";

#[derive(sqlx::FromRow)]
struct Row {
    id: String,
    contact_id: String,
    owner_id: String,
    direction: String,
    text: String,
    due_date: Option<String>,
    sentence: String,
    message_key: String,
    ordinal: i64,
    message_id: Option<String>,
    subject: String,
    message_at: i64,
    found_at: i64,
    expires_at: i64,
    status: String,
    decided_at: Option<i64>,
    commitment_id: Option<String>,
    name: String,
}

impl Row {
    fn into_view(self) -> StoreResult<SuggestionView> {
        let id = SuggestionId::parse(&self.id).ok_or_else(|| corrupt("suggestion id", &self.id))?;
        let contact_id = ContactId::parse(&self.contact_id)
            .ok_or_else(|| corrupt("contact id", &self.contact_id))?;
        let owner_id =
            UserId::parse(&self.owner_id).ok_or_else(|| corrupt("user id", &self.owner_id))?;
        let direction: Direction = self
            .direction
            .parse()
            .map_err(|_| corrupt("direction", &self.direction))?;
        let due = match &self.due_date {
            Some(d) => Some(d.parse::<Date>().map_err(|_| corrupt("due date", d))?),
            None => None,
        };
        let status: SuggestionStatus = self
            .status
            .parse()
            .map_err(|_| corrupt("suggestion status", &self.status))?;
        let commitment_id = match &self.commitment_id {
            Some(c) => Some(CommitmentId::parse(c).ok_or_else(|| corrupt("commitment id", c))?),
            None => None,
        };
        Ok(SuggestionView {
            suggestion: Suggestion {
                id,
                contact_id,
                owner_id,
                direction,
                text: self.text,
                due,
                sentence: self.sentence,
                message_key: self.message_key,
                ordinal: u32::try_from(self.ordinal)
                    .map_err(|_| corrupt("suggestion ordinal", self.ordinal))?,
                message_id: self.message_id,
                subject: self.subject,
                message_at: instant(self.message_at)?,
                found_at: instant(self.found_at)?,
                expires_at: instant(self.expires_at)?,
                status,
                decided_at: self.decided_at.map(instant).transpose()?,
                commitment_id,
            },
            contact_name: self.name,
        })
    }
}

impl SuggestionStore for Db {
    async fn add_suggestions(&self, ws: &WorkspaceId, items: &[Suggestion]) -> StoreResult<usize> {
        if items.is_empty() {
            return Ok(0);
        }
        let new = in_write_tx!(self, |tx| {
            let mut new = 0usize;
            for s in items {
                new += sqlx::query(
                    "INSERT INTO suggestions (id, workspace_id, owner_id, contact_id, direction, \
                     text, due_date, sentence, message_key, ordinal, message_id, subject, \
                     message_at, found_at, expires_at, status, decided_at, commitment_id) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, \
                     $16, $17, $18) ON CONFLICT DO NOTHING",
                )
                .bind(s.id.as_str())
                .bind(ws.as_str())
                .bind(s.owner_id.as_str())
                .bind(s.contact_id.as_str())
                .bind(s.direction.as_str())
                .bind(s.text.as_str())
                .bind(s.due.map(|d| d.to_string()))
                .bind(s.sentence.as_str())
                .bind(s.message_key.as_str())
                .bind(i64::from(s.ordinal))
                .bind(s.message_id.as_deref())
                .bind(s.subject.as_str())
                .bind(micros(s.message_at))
                .bind(micros(s.found_at))
                .bind(micros(s.expires_at))
                .bind(s.status.as_str())
                .bind(s.decided_at.map(micros))
                .bind(s.commitment_id.as_ref().map(|c| c.as_str().to_owned()))
                .execute(&mut *tx)
                .await
                .map_err(db_err)?
                .rows_affected() as usize;
            }
            new
        });
        Ok(new)
    }

    async fn suggestions(
        &self,
        ws: &WorkspaceId,
        owner: &UserId,
        now: Timestamp,
        after: Option<&AfterSuggestion>,
        limit: u32,
    ) -> StoreResult<SuggestionPage> {
        // An archived contact's suggestions wait for them to be restored.
        let on_offer = "s.workspace_id = $1 AND s.owner_id = $2 AND s.status = 'open' \
             AND s.expires_at > $3 AND c.archived_at IS NULL";
        let (rows, total, more): (Vec<Row>, i64, i64) = with_pool!(self, |pool| {
            let mut qb = QueryBuilder::new(format!("SELECT {COLUMNS} {FROM} WHERE "));
            qb.push("s.workspace_id = ")
                .push_bind(ws.as_str())
                .push(" AND s.owner_id = ")
                .push_bind(owner.as_str())
                .push(" AND s.status = 'open' AND c.archived_at IS NULL AND s.expires_at > ")
                .push_bind(micros(now));
            if let Some((at, id)) = after {
                qb.push(" AND (s.message_at, s.id) < (")
                    .push_bind(micros(*at))
                    .push(", ")
                    .push_bind(id.as_str())
                    .push(")");
            }
            qb.push(" ORDER BY s.message_at DESC, s.id DESC LIMIT ")
                .push_bind(i64::from(limit));
            let rows: Vec<Row> = qb.build_query_as().fetch_all(pool).await.map_err(db_err)?;
            let total: i64 = sqlx::query_scalar(AssertSqlSafe(format!(
                "SELECT COUNT(*) {FROM} WHERE {on_offer}"
            )))
            .bind(ws.as_str())
            .bind(owner.as_str())
            .bind(micros(now))
            .fetch_one(pool)
            .await
            .map_err(db_err)?;
            let more: i64 = match rows.last() {
                Some(last) => sqlx::query_scalar(AssertSqlSafe(format!(
                    "SELECT COUNT(*) {FROM} WHERE {on_offer} \
                     AND (s.message_at, s.id) < ($4, $5)"
                )))
                .bind(ws.as_str())
                .bind(owner.as_str())
                .bind(micros(now))
                .bind(last.message_at)
                .bind(last.id.as_str())
                .fetch_one(pool)
                .await
                .map_err(db_err)?,
                None => 0,
            };
            (rows, total, more)
        });
        Ok(SuggestionPage {
            items: rows
                .into_iter()
                .map(Row::into_view)
                .collect::<StoreResult<_>>()?,
            more: u64::try_from(more).unwrap_or(0),
            total: u64::try_from(total).unwrap_or(0),
        })
    }

    async fn suggestion(
        &self,
        ws: &WorkspaceId,
        id: &SuggestionId,
    ) -> StoreResult<Option<SuggestionView>> {
        let sql = format!("SELECT {COLUMNS} {FROM} WHERE s.workspace_id = $1 AND s.id = $2");
        let row: Option<Row> = with_pool!(self, |pool| {
            sqlx::query_as(AssertSqlSafe(sql))
                .bind(ws.as_str())
                .bind(id.as_str())
                .fetch_optional(pool)
                .await
                .map_err(db_err)?
        });
        row.map(Row::into_view).transpose()
    }

    async fn dismiss_suggestion(
        &self,
        ws: &WorkspaceId,
        id: &SuggestionId,
        now: Timestamp,
    ) -> StoreResult<bool> {
        let n = in_write_tx!(self, |tx| {
            sqlx::query(
                "UPDATE suggestions SET status = 'dismissed', decided_at = $3 \
                 WHERE workspace_id = $1 AND id = $2 AND status = 'open'",
            )
            .bind(ws.as_str())
            .bind(id.as_str())
            .bind(micros(now))
            .execute(&mut *tx)
            .await
            .map_err(db_err)?
            .rows_affected()
        });
        Ok(n == 1)
    }
}

/// Marks a suggestion accepted as its commitment is written, in the same transaction; a
/// conflict when it is no longer open (accepted or dismissed meanwhile).
macro_rules! accept_suggestion_in {
    ($tx:ident, $ws:expr, $id:expr, $commitment:expr, $now:expr) => {{
        let n = sqlx::query(
            "UPDATE suggestions SET status = 'accepted', decided_at = $3, commitment_id = $4 \
             WHERE workspace_id = $1 AND id = $2 AND status = 'open'",
        )
        .bind($ws.as_str())
        .bind($id.as_str())
        .bind($crate::rows::micros($now))
        .bind($commitment.as_str())
        .execute(&mut *$tx)
        .await
        .map_err($crate::db_err)?
        .rows_affected();
        if n != 1 {
            return Err(rapport_core::StoreError::Conflict(
                "that suggestion was already accepted or dismissed".into(),
            ));
        }
    }};
}
pub(crate) use accept_suggestion_in;
