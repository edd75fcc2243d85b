//! Contacts as cards for devices: card numbers kept by the migration's triggers, names and
//! UIDs devices gave, and a device's write in one transaction.

use rapport_core::StoreError;
use rapport_core::card::CardMeta;
use rapport_core::contact::Contact;
use rapport_core::ids::{ContactId, WorkspaceId};
use rapport_core::ports::{CardChange, CardStore, CardWrite, StoreResult};
use sqlx::{AssertSqlSafe, QueryBuilder};

use crate::contacts::CHUNK;
use crate::rows::{AttributeRow, CONTACT_COLUMNS, ContactRow, attach_attributes, micros};
use crate::{Db, corrupt, db_err, in_write_tx, with_pool};

const META_COLUMNS: &str = "id, card_uid, card_href, card_seq, card_text, archived_at, merged_into, \
     (SELECT w.card_epoch FROM workspaces w WHERE w.id = contacts.workspace_id) AS card_epoch";

#[derive(sqlx::FromRow)]
struct MetaRow {
    id: String,
    card_uid: Option<String>,
    card_href: Option<String>,
    card_seq: i64,
    card_text: Option<String>,
    archived_at: Option<i64>,
    merged_into: Option<String>,
    card_epoch: String,
}

impl MetaRow {
    fn into_meta(self) -> StoreResult<CardMeta> {
        Ok(CardMeta {
            contact_id: ContactId::parse(&self.id)
                .ok_or_else(|| corrupt("contact id", &self.id))?,
            stored_uid: self.card_uid,
            stored_href: self.card_href,
            seq: self.card_seq,
            epoch: self.card_epoch,
            text: self.card_text,
            archived: self.archived_at.is_some(),
            merged_into: self.merged_into.map(ContactId::from_stored),
        })
    }
}

fn metas(rows: Vec<MetaRow>) -> StoreResult<Vec<CardMeta>> {
    rows.into_iter().map(MetaRow::into_meta).collect()
}

impl CardStore for Db {
    async fn card_number(&self, ws: &WorkspaceId) -> StoreResult<(i64, String)> {
        let n: Option<(i64, String)> = with_pool!(self, |pool| {
            sqlx::query_as("SELECT card_seq, card_epoch FROM workspaces WHERE id = $1")
                .bind(ws.as_str())
                .fetch_optional(pool)
                .await
                .map_err(db_err)?
        });
        n.ok_or(StoreError::NotFound)
    }

    async fn card_changes(
        &self,
        ws: &WorkspaceId,
        after: i64,
        live_only: bool,
        limit: u32,
    ) -> StoreResult<Vec<CardChange>> {
        let sql = format!(
            "SELECT {META_COLUMNS} FROM contacts WHERE workspace_id = $1 AND card_seq > $2 {} \
             ORDER BY card_seq, id LIMIT $3",
            if live_only {
                "AND archived_at IS NULL"
            } else {
                ""
            }
        );
        let rows: Vec<MetaRow> = with_pool!(self, |pool| {
            sqlx::query_as(AssertSqlSafe(sql))
                .bind(ws.as_str())
                .bind(after)
                .bind(i64::from(limit))
                .fetch_all(pool)
                .await
                .map_err(db_err)?
        });
        Ok(metas(rows)?
            .into_iter()
            .map(|m| CardChange {
                href: m.href(),
                seq: m.seq,
                etag: m.etag(),
                live: !m.archived,
            })
            .collect())
    }

    async fn cards_named(&self, ws: &WorkspaceId, hrefs: &[String]) -> StoreResult<Vec<CardMeta>> {
        let mut out = Vec::new();
        for chunk in hrefs.chunks(CHUNK) {
            let ids: Vec<String> = chunk
                .iter()
                .filter_map(|h| h.strip_suffix(".vcf").and_then(ContactId::parse))
                .map(|id| id.to_string())
                .collect();
            let rows: Vec<MetaRow> = with_pool!(self, |pool| {
                let mut qb = QueryBuilder::new(format!(
                    "SELECT {META_COLUMNS} FROM contacts WHERE workspace_id = "
                ));
                qb.push_bind(ws.as_str()).push(" AND (card_href IN (");
                let mut list = qb.separated(", ");
                for h in chunk {
                    list.push_bind(h.as_str());
                }
                qb.push(")");
                if !ids.is_empty() {
                    qb.push(" OR (card_href IS NULL AND id IN (");
                    let mut list = qb.separated(", ");
                    for id in &ids {
                        list.push_bind(id.as_str());
                    }
                    qb.push("))");
                }
                qb.push(")");
                qb.build_query_as()
                    .persistent(false)
                    .fetch_all(pool)
                    .await
                    .map_err(db_err)?
            });
            for m in metas(rows)? {
                if chunk.contains(&m.href()) {
                    out.push(m);
                }
            }
        }
        Ok(out)
    }

    async fn cards_of(&self, ws: &WorkspaceId, ids: &[ContactId]) -> StoreResult<Vec<CardMeta>> {
        let mut out = Vec::new();
        for chunk in ids.chunks(CHUNK) {
            let rows: Vec<MetaRow> = with_pool!(self, |pool| {
                let mut qb = QueryBuilder::new(format!(
                    "SELECT {META_COLUMNS} FROM contacts WHERE workspace_id = "
                ));
                qb.push_bind(ws.as_str()).push(" AND id IN (");
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
            out.extend(metas(rows)?);
        }
        Ok(out)
    }

    async fn card_with_uid(&self, ws: &WorkspaceId, uid: &str) -> StoreResult<Option<CardMeta>> {
        let sql = format!(
            "SELECT {META_COLUMNS} FROM contacts WHERE workspace_id = $1 AND card_uid = $2 \
             ORDER BY id LIMIT 1"
        );
        let row: Option<MetaRow> = with_pool!(self, |pool| {
            sqlx::query_as(AssertSqlSafe(sql))
                .bind(ws.as_str())
                .bind(uid)
                .fetch_optional(pool)
                .await
                .map_err(db_err)?
        });
        row.map(MetaRow::into_meta).transpose()
    }

    async fn contacts_by_id(
        &self,
        ws: &WorkspaceId,
        ids: &[ContactId],
    ) -> StoreResult<Vec<Contact>> {
        let mut out = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(CHUNK) {
            let found: Vec<Contact> = with_pool!(self, |pool| {
                let mut qb = QueryBuilder::new(format!(
                    "SELECT {CONTACT_COLUMNS} FROM contacts c WHERE c.workspace_id = "
                ));
                qb.push_bind(ws.as_str()).push(" AND c.id IN (");
                let mut list = qb.separated(", ");
                for id in chunk {
                    list.push_bind(id.as_str());
                }
                qb.push(")");
                let rows: Vec<ContactRow> = qb
                    .build_query_as()
                    .persistent(false)
                    .fetch_all(pool)
                    .await
                    .map_err(db_err)?;
                let mut found = rows
                    .into_iter()
                    .map(ContactRow::into_contact)
                    .collect::<StoreResult<Vec<Contact>>>()?;
                crate::contacts::load_attributes!(pool, ws, found);
                found
            });
            out.extend(found);
        }
        Ok(out)
    }

    async fn archive_card(
        &self,
        ws: &WorkspaceId,
        id: &ContactId,
        expected_seq: Option<i64>,
        now: jiff::Timestamp,
    ) -> StoreResult<bool> {
        let sql = match expected_seq {
            Some(_) => {
                "UPDATE contacts SET archived_at = $3, updated_at = $3 \
                 WHERE workspace_id = $1 AND id = $2 AND archived_at IS NULL AND card_seq = $4"
            }
            None => {
                "UPDATE contacts SET archived_at = $3, updated_at = $3 \
                 WHERE workspace_id = $1 AND id = $2 AND archived_at IS NULL"
            }
        };
        let n = in_write_tx!(self, |tx| {
            let mut q = sqlx::query(sql)
                .bind(ws.as_str())
                .bind(id.as_str())
                .bind(micros(now));
            if let Some(seq) = expected_seq {
                q = q.bind(seq);
            }
            q.execute(&mut *tx).await.map_err(db_err)?.rows_affected()
        });
        Ok(n == 1)
    }

    async fn save_card(&self, ws: &WorkspaceId, w: &CardWrite) -> StoreResult<()> {
        let one = std::slice::from_ref(&w.contact);
        let c = &w.contact;
        in_write_tx!(self, |tx| {
            if let Some(seq) = w.expected_seq {
                // Takes the row (PostgreSQL waits for a writer holding it, then sees its
                // number) and checks the device's condition still holds.
                let n = sqlx::query(
                    "UPDATE contacts SET card_seq = card_seq \
                     WHERE workspace_id = $1 AND id = $2 AND card_seq = $3",
                )
                .bind(ws.as_str())
                .bind(c.id.as_str())
                .bind(seq)
                .execute(&mut *tx)
                .await
                .map_err(db_err)?
                .rows_affected();
                if n != 1 {
                    return Err(StoreError::Conflict(
                        "the card changed since the device read it".into(),
                    ));
                }
            }
            if w.created {
                crate::contacts::insert_contacts_in!(tx, ws, one, &[]);
                crate::gestures::refresh_contact_in!(tx, ws.as_str(), c.id.as_str());
            } else {
                crate::contacts::update_contact_in!(tx, ws, c);
            }
            let n = sqlx::query(
                "UPDATE contacts SET card_uid = $3, card_href = $4, card_text = $5, \
                 archived_at = CASE WHEN $6 THEN NULL ELSE archived_at END, \
                 updated_at = $7 WHERE workspace_id = $1 AND id = $2",
            )
            .bind(ws.as_str())
            .bind(c.id.as_str())
            .bind(w.uid.as_deref())
            .bind(w.href.as_deref())
            .bind(w.text.as_str())
            .bind(w.restore)
            .bind(micros(c.updated_at))
            .execute(&mut *tx)
            .await
            .map_err(db_err)?
            .rows_affected();
            if n != 1 {
                return Err(StoreError::NotFound);
            }
            crate::memory::insert_facts_in!(tx, ws, &w.add_facts);
            for f in &w.update_facts {
                sqlx::query(
                    "UPDATE facts SET text = $4, date_year = $5, date_month = $6, date_day = $7 \
                     WHERE workspace_id = $1 AND contact_id = $2 AND id = $3",
                )
                .bind(ws.as_str())
                .bind(c.id.as_str())
                .bind(f.id.as_str())
                .bind(f.text.as_str())
                .bind(f.date.and_then(|d| d.year).map(i32::from))
                .bind(f.date.map(|d| i32::from(d.month)))
                .bind(f.date.map(|d| i32::from(d.day)))
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
            }
            for id in &w.delete_facts {
                sqlx::query(
                    "DELETE FROM facts WHERE workspace_id = $1 AND contact_id = $2 AND id = $3",
                )
                .bind(ws.as_str())
                .bind(c.id.as_str())
                .bind(id.as_str())
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
            }
        });
        Ok(())
    }
}
