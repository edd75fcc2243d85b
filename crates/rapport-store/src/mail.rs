//! Mail imported: which message was logged with which contact (rapport-core: ports/mail.rs).

use jiff::Timestamp;
use rapport_core::ids::{ContactId, InteractionId, WorkspaceId};
use rapport_core::interaction::Interaction;
use rapport_core::ports::{MailStore, StoreResult};
use sqlx::{AssertSqlSafe, QueryBuilder};

use crate::rows::micros;
use crate::{Db, corrupt, db_err, in_write_tx, with_pool};

impl MailStore for Db {
    async fn mail_logged(
        &self,
        ws: &WorkspaceId,
        keys: &[String],
    ) -> StoreResult<Vec<(String, ContactId)>> {
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let rows: Vec<(String, String)> = with_pool!(self, |pool| {
            let mut qb = QueryBuilder::new(
                "SELECT message_key, contact_id FROM mail_messages WHERE workspace_id = ",
            );
            qb.push_bind(ws.as_str()).push(" AND message_key IN (");
            let mut list = qb.separated(", ");
            for k in keys {
                list.push_bind(k.as_str());
            }
            qb.push(")");
            qb.build_query_as()
                .persistent(false)
                .fetch_all(pool)
                .await
                .map_err(db_err)?
        });
        rows.into_iter()
            .map(|(key, contact)| {
                let id =
                    ContactId::parse(&contact).ok_or_else(|| corrupt("contact id", &contact))?;
                Ok((key, id))
            })
            .collect()
    }

    async fn mail_interaction(
        &self,
        ws: &WorkspaceId,
        key: &str,
        contact: &ContactId,
    ) -> StoreResult<Option<InteractionId>> {
        let id: Option<String> = with_pool!(self, |pool| {
            sqlx::query_scalar(
                "SELECT m.interaction_id FROM mail_messages m JOIN interactions i \
                 ON i.workspace_id = m.workspace_id AND i.id = m.interaction_id \
                 WHERE m.workspace_id = $1 AND m.message_key = $2 AND m.contact_id = $3",
            )
            .bind(ws.as_str())
            .bind(key)
            .bind(contact.as_str())
            .fetch_optional(pool)
            .await
            .map_err(db_err)?
        });
        id.map(|i| InteractionId::parse(&i).ok_or_else(|| corrupt("interaction id", &i)))
            .transpose()
    }

    async fn log_mail(
        &self,
        ws: &WorkspaceId,
        batch: &[(String, Interaction)],
        now: Timestamp,
    ) -> StoreResult<usize> {
        let postgres = matches!(self, Db::Postgres(_));
        // Any interaction resets the keep-in-touch clock, as `insert_interaction` does.
        let touch = format!(
            "UPDATE contacts SET \
             last_touch_at = CASE WHEN last_touch_at IS NULL OR last_touch_at < $3 \
                 THEN $3 ELSE last_touch_at END, \
             touch_due_at = CASE WHEN last_touch_at IS NULL OR last_touch_at < $3 \
                 THEN {} ELSE touch_due_at END \
             WHERE workspace_id = $1 AND id = $2",
            crate::contacts::next_touch_due_sql("$3", "keep_in_touch_days")
        );
        let new = in_write_tx!(self, |tx| {
            crate::campaigns::lock_check_ins_in!(tx, postgres, ws.as_str(), shared);
            let mut new = 0usize;
            for (key, i) in batch {
                // The pair first: one another import logged meanwhile is left alone.
                let claimed = sqlx::query(
                    "INSERT INTO mail_messages \
                     (workspace_id, message_key, contact_id, interaction_id, imported_at) \
                     VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
                )
                .bind(ws.as_str())
                .bind(key.as_str())
                .bind(i.contact_id.as_str())
                .bind(i.id.as_str())
                .bind(micros(now))
                .execute(&mut *tx)
                .await
                .map_err(db_err)?
                .rows_affected();
                if claimed == 0 {
                    continue;
                }
                let one = std::slice::from_ref(i);
                crate::memory::insert_interactions_in!(tx, ws, one);
                sqlx::query(AssertSqlSafe(touch.clone()))
                    .bind(ws.as_str())
                    .bind(i.contact_id.as_str())
                    .bind(i.touched_at().as_microsecond())
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
                crate::campaigns::refresh_check_ins_in!(tx, ws.as_str(), i.contact_id.as_str());
                new += 1;
            }
            new
        });
        Ok(new)
    }
}
