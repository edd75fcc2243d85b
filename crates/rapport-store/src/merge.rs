//! Likely duplicates (shared emails and phones, namesakes) and merging two contacts into one.

use rapport_core::StoreError;
use rapport_core::commitment::epoch_factor;
use rapport_core::duplicate::{Holder, Namesake};
use rapport_core::ids::WorkspaceId;
use rapport_core::import::MIN_PHONE_DIGITS;
use rapport_core::ports::{Merge, MergeStore, Moved, StoreResult};
use rapport_core::trust::MODEL_VERSION;
use sqlx::AssertSqlSafe;

use crate::ledger::{COMMITMENT_COLUMNS, CommitmentRow, into_commitments};
use crate::rows::{instant, micros};
use crate::{Db, db_err, in_write_tx, with_pool};

#[derive(sqlx::FromRow)]
struct HolderRow {
    kind: String,
    value_folded: String,
    value: String,
    id: String,
    name: String,
    name_folded: String,
    created_at: i64,
}

#[derive(sqlx::FromRow)]
struct NamesakeRow {
    id: String,
    name: String,
    name_folded: String,
    organisation: Option<String>,
    created_at: i64,
}

/// Emails and phones (long enough to mean a person) that between 2 and `$2` live contacts
/// of workspace `$1` hold, and who holds them. Binds: $1 workspace, $2 the most holders,
/// $3 the fewest phone digits.
const SHARED_HANDLES: &str = "WITH shared AS ( \
     SELECT a.kind, a.value_folded FROM contact_attributes a \
     JOIN contacts c ON c.workspace_id = a.workspace_id AND c.id = a.contact_id \
     WHERE a.workspace_id = $1 AND c.archived_at IS NULL \
     AND (a.kind = 'email' OR (a.kind = 'phone' AND LENGTH(a.value_folded) >= $3)) \
     GROUP BY a.kind, a.value_folded \
     HAVING COUNT(DISTINCT a.contact_id) BETWEEN 2 AND $2) \
     SELECT a.kind, a.value_folded, MIN(a.value) AS value, c.id, c.name, c.name_folded, \
     c.created_at \
     FROM shared s JOIN contact_attributes a ON a.workspace_id = $1 AND a.kind = s.kind \
     AND a.value_folded = s.value_folded \
     JOIN contacts c ON c.workspace_id = a.workspace_id AND c.id = a.contact_id \
     WHERE c.archived_at IS NULL \
     GROUP BY a.kind, a.value_folded, c.id, c.name, c.name_folded, c.created_at";

/// Live contacts of workspace `$1` whose folded name 2 to `$2` live contacts bear; of a name
/// borne more often (a common name says nothing), those who share it with 2 to `$2` others
/// at one organisation (compared without case here, and again folded by the ranking).
const NAMESAKES: &str = "WITH names AS ( \
     SELECT name_folded, COUNT(*) AS n FROM contacts WHERE workspace_id = $1 \
     AND archived_at IS NULL GROUP BY name_folded HAVING COUNT(*) > 1), \
     common AS ( \
     SELECT c.name_folded, LOWER(c.organisation) AS org FROM contacts c \
     JOIN names ON names.name_folded = c.name_folded \
     WHERE c.workspace_id = $1 AND c.archived_at IS NULL AND names.n > $2 \
     AND c.organisation IS NOT NULL \
     GROUP BY c.name_folded, LOWER(c.organisation) HAVING COUNT(*) BETWEEN 2 AND $2) \
     SELECT c.id, c.name, c.name_folded, c.organisation, c.created_at FROM contacts c \
     JOIN names ON names.name_folded = c.name_folded \
     WHERE c.workspace_id = $1 AND c.archived_at IS NULL AND (names.n <= $2 OR EXISTS ( \
     SELECT 1 FROM common WHERE common.name_folded = c.name_folded \
     AND common.org = LOWER(c.organisation)))";

impl MergeStore for Db {
    async fn shared_handles(
        &self,
        ws: &WorkspaceId,
        max_shared: usize,
    ) -> StoreResult<Vec<Holder>> {
        let rows: Vec<HolderRow> = with_pool!(self, |pool| {
            sqlx::query_as(SHARED_HANDLES)
                .bind(ws.as_str())
                .bind(i64::try_from(max_shared).unwrap_or(i64::MAX))
                .bind(i64::try_from(MIN_PHONE_DIGITS).unwrap_or(6))
                .fetch_all(pool)
                .await
                .map_err(db_err)?
        });
        rows.into_iter()
            .map(|r| {
                Ok(Holder {
                    kind: match r.kind.as_str() {
                        "email" => "email",
                        "phone" => "phone",
                        other => return Err(crate::corrupt("contact attribute kind", other)),
                    },
                    key: r.value_folded,
                    value: r.value,
                    id: rapport_core::ids::ContactId::from_stored(r.id),
                    name: r.name,
                    name_folded: r.name_folded,
                    created_at: instant(r.created_at)?,
                })
            })
            .collect()
    }

    async fn namesakes(&self, ws: &WorkspaceId, max_shared: usize) -> StoreResult<Vec<Namesake>> {
        let rows: Vec<NamesakeRow> = with_pool!(self, |pool| {
            sqlx::query_as(NAMESAKES)
                .bind(ws.as_str())
                .bind(i64::try_from(max_shared).unwrap_or(i64::MAX))
                .fetch_all(pool)
                .await
                .map_err(db_err)?
        });
        rows.into_iter()
            .map(|r| {
                Ok(Namesake {
                    id: rapport_core::ids::ContactId::from_stored(r.id),
                    name: r.name,
                    name_folded: r.name_folded,
                    organisation: r.organisation,
                    created_at: instant(r.created_at)?,
                })
            })
            .collect()
    }

    async fn merge_contacts(
        &self,
        ws: &WorkspaceId,
        m: &Merge,
        commit: bool,
    ) -> StoreResult<Moved> {
        let w = ws.as_str();
        let keep = m.keep.id.as_str();
        let other = m.other.as_str();
        if keep == other {
            return Err(StoreError::Conflict(
                "a contact cannot be merged into itself".to_owned(),
            ));
        }
        let at = micros(m.at);
        let postgres = matches!(self, Db::Postgres(_));
        let moved = in_write_tx!(self, commit = commit, |tx| {
            let mut moved = Moved::default();
            // Before the rows' locks: a campaign being made takes it first, then reads them.
            crate::campaigns::lock_check_ins_in!(tx, postgres, w, exclusive);
            if postgres {
                // Both rows locked in id order: two merges of the same pair, either way round,
                // queue instead of deadlocking, and the second finds the first's work done.
                sqlx::query(
                    "SELECT id FROM contacts WHERE workspace_id = $1 AND id IN ($2, $3) \
                     ORDER BY id FOR UPDATE",
                )
                .bind(w)
                .bind(keep)
                .bind(other)
                .fetch_all(&mut *tx)
                .await
                .map_err(db_err)?;
            }
            // Both as read, or nothing: these also take the rows' locks on PostgreSQL.
            let n = sqlx::query(
                "UPDATE contacts SET updated_at = updated_at WHERE workspace_id = $1 AND id = $2 \
                 AND updated_at = $3 AND archived_at IS NULL",
            )
            .bind(w)
            .bind(keep)
            .bind(micros(m.keep_updated_at))
            .execute(&mut *tx)
            .await
            .map_err(db_err)?
            .rows_affected();
            if n != 1 {
                return Err(StoreError::Conflict(format!(
                    "{} changed (or was archived) while merging: nothing was merged; try again",
                    m.keep.name
                )));
            }
            let n = sqlx::query(
                "UPDATE contacts SET archived_at = COALESCE(archived_at, $4), merged_into = $5, \
                 updated_at = $4 WHERE workspace_id = $1 AND id = $2 AND updated_at = $3 \
                 AND merged_into IS NULL",
            )
            .bind(w)
            .bind(other)
            .bind(micros(m.other_updated_at))
            .bind(at)
            .bind(keep)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?
            .rows_affected();
            if n != 1 {
                return Err(StoreError::Conflict(
                    "the contact to merge changed (or was merged) meanwhile: nothing was merged; \
                     try again"
                        .to_owned(),
                ));
            }
            // Contacts merged into it earlier lead to the kept one now.
            sqlx::query(
                "UPDATE contacts SET merged_into = $3 WHERE workspace_id = $1 AND merged_into = $2",
            )
            .bind(w)
            .bind(other)
            .bind(keep)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
            // Its emails and phones are the kept contact's now: an import or a new contact
            // with one of them finds the kept contact, never the merged one.
            sqlx::query(
                "DELETE FROM contact_attributes WHERE workspace_id = $1 AND contact_id = $2",
            )
            .bind(w)
            .bind(other)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
            crate::contacts::update_contact_in!(tx, ws, &m.keep);
            if let Some(text) = &m.keep_card_text {
                sqlx::query(
                    "UPDATE contacts SET card_text = $3 WHERE workspace_id = $1 AND id = $2",
                )
                .bind(w)
                .bind(keep)
                .bind(text.as_str())
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
            }

            // A message logged with both (one person, two addresses) is one conversation:
            // the kept contact's; a promise recorded from the other's copy is from it now.
            let same_mail: Vec<(String, String)> = sqlx::query_as(
                "SELECT o.interaction_id, k.interaction_id FROM mail_messages o \
                 JOIN mail_messages k ON k.workspace_id = o.workspace_id \
                 AND k.message_key = o.message_key AND k.contact_id = $3 \
                 JOIN interactions i ON i.workspace_id = k.workspace_id AND i.contact_id = $3 \
                 AND i.id = k.interaction_id \
                 WHERE o.workspace_id = $1 AND o.contact_id = $2 AND o.interaction_id <> k.interaction_id",
            )
            .bind(w)
            .bind(other)
            .bind(keep)
            .fetch_all(&mut *tx)
            .await
            .map_err(db_err)?;
            moved.same_messages = same_mail.len() as u64;

            // Interactions are keyed by contact: copied to the kept contact first, so the
            // promises recorded from them can follow, then the originals go.
            moved.interactions = sqlx::query(
                "INSERT INTO interactions (workspace_id, id, contact_id, kind, occurred_at, \
                 summary, they_said, i_said, search_text, created_at, topics) \
                 SELECT o.workspace_id, o.id, $3, o.kind, o.occurred_at, o.summary, o.they_said, \
                 o.i_said, o.search_text, o.created_at, o.topics FROM interactions o \
                 WHERE o.workspace_id = $1 AND o.contact_id = $2 \
                 AND NOT EXISTS (SELECT 1 FROM interactions k WHERE k.workspace_id = $1 \
                 AND k.contact_id = $3 AND k.id = o.id) \
                 AND NOT EXISTS (SELECT 1 FROM mail_messages mo JOIN mail_messages mk \
                 ON mk.workspace_id = mo.workspace_id AND mk.message_key = mo.message_key \
                 AND mk.contact_id = $3 WHERE mo.workspace_id = $1 AND mo.contact_id = $2 \
                 AND mo.interaction_id = o.id AND mk.interaction_id <> o.id \
                 AND EXISTS (SELECT 1 FROM interactions ki WHERE ki.workspace_id = $1 \
                 AND ki.contact_id = $3 AND ki.id = mk.interaction_id))",
            )
            .bind(w)
            .bind(other)
            .bind(keep)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?
            .rows_affected();
            let rows: Vec<CommitmentRow> = sqlx::query_as(AssertSqlSafe(format!(
                "SELECT {COMMITMENT_COLUMNS} FROM commitments WHERE workspace_id = $1 \
                 AND contact_id = $2 ORDER BY created_at, id"
            )))
            .bind(w)
            .bind(other)
            .fetch_all(&mut *tx)
            .await
            .map_err(db_err)?;
            let commitments = into_commitments(rows)?;
            moved.commitments = sqlx::query(
                "UPDATE commitments SET contact_id = $3, updated_at = $4, source_interaction_id = \
                 COALESCE((SELECT mk.interaction_id FROM mail_messages mo JOIN mail_messages mk \
                 ON mk.workspace_id = mo.workspace_id AND mk.message_key = mo.message_key \
                 AND mk.contact_id = $3 JOIN interactions ki ON ki.workspace_id = mk.workspace_id \
                 AND ki.contact_id = $3 AND ki.id = mk.interaction_id \
                 WHERE mo.workspace_id = $1 AND mo.contact_id = $2 \
                 AND mo.interaction_id = commitments.source_interaction_id \
                 AND mk.interaction_id <> mo.interaction_id), source_interaction_id) \
                 WHERE workspace_id = $1 AND contact_id = $2",
            )
            .bind(w)
            .bind(other)
            .bind(keep)
            .bind(at)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?
            .rows_affected();
            let action = format!("moved from {} to {} (merged)", m.other_name, m.keep.name);
            for mut c in commitments {
                c.contact_id = m.keep.id.clone();
                if let Some((_, to)) = same_mail.iter().find(|(from, _)| {
                    c.source_interaction_id.as_ref().map(|i| i.as_str()) == Some(from.as_str())
                }) {
                    c.source_interaction_id =
                        Some(rapport_core::ids::InteractionId::from_stored(to.as_str()));
                }
                c.updated_at = m.at;
                let snapshot =
                    serde_json::to_string(&c).map_err(|e| StoreError::Other(Box::new(e)))?;
                sqlx::query(crate::ledger::APPEND_HISTORY)
                    .bind(w)
                    .bind(c.id.as_str())
                    .bind(at)
                    .bind(m.by.as_str())
                    .bind(action.as_str())
                    .bind(snapshot)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
            }
            for (table, count) in [
                ("requests", &mut moved.requests),
                ("deals", &mut moved.deals),
                ("gestures", &mut moved.gestures),
                ("suggestions", &mut moved.suggestions),
            ] {
                *count = sqlx::query(AssertSqlSafe(format!(
                    "UPDATE {table} SET contact_id = $3 WHERE workspace_id = $1 AND contact_id = $2"
                )))
                .bind(w)
                .bind(other)
                .bind(keep)
                .execute(&mut *tx)
                .await
                .map_err(db_err)?
                .rows_affected();
            }
            // A message logged with both is the kept contact's once.
            moved.mail_links = sqlx::query(
                "UPDATE mail_messages SET contact_id = $3 WHERE workspace_id = $1 \
                 AND contact_id = $2 AND NOT EXISTS (SELECT 1 FROM mail_messages k \
                 WHERE k.workspace_id = $1 AND k.contact_id = $3 \
                 AND k.message_key = mail_messages.message_key)",
            )
            .bind(w)
            .bind(other)
            .bind(keep)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?
            .rows_affected();
            for sql in [
                "DELETE FROM mail_messages WHERE workspace_id = $1 AND contact_id = $2",
                "DELETE FROM interactions WHERE workspace_id = $1 AND contact_id = $2",
            ] {
                sqlx::query(sql)
                    .bind(w)
                    .bind(other)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
            }

            for id in &m.same_facts {
                moved.same_facts += sqlx::query(
                    "DELETE FROM facts WHERE workspace_id = $1 AND contact_id = $2 AND id = $3",
                )
                .bind(w)
                .bind(other)
                .bind(id.as_str())
                .execute(&mut *tx)
                .await
                .map_err(db_err)?
                .rows_affected();
            }
            moved.facts = sqlx::query(
                "UPDATE facts SET contact_id = $3 WHERE workspace_id = $1 AND contact_id = $2",
            )
            .bind(w)
            .bind(other)
            .bind(keep)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?
            .rows_affected();
            if let Some(note) = &m.note {
                crate::memory::insert_facts_in!(tx, ws, std::slice::from_ref(note));
            }

            // Introductions: one between the two means nothing now; the merged contact's
            // introducer becomes the kept one's unless it has its own; whom the merged
            // contact introduced, the kept one did.
            moved.introductions_between = sqlx::query(
                "DELETE FROM referrals WHERE workspace_id = $1 AND ((referred_id = $2 AND \
                 referrer_id = $3) OR (referred_id = $3 AND referrer_id = $2))",
            )
            .bind(w)
            .bind(other)
            .bind(keep)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?
            .rows_affected();
            moved.introductions = sqlx::query(
                "UPDATE referrals SET referred_id = $3 WHERE workspace_id = $1 \
                 AND referred_id = $2 AND NOT EXISTS (SELECT 1 FROM referrals k \
                 WHERE k.workspace_id = $1 AND k.referred_id = $3)",
            )
            .bind(w)
            .bind(other)
            .bind(keep)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?
            .rows_affected();
            moved.introducer_dropped =
                sqlx::query("DELETE FROM referrals WHERE workspace_id = $1 AND referred_id = $2")
                    .bind(w)
                    .bind(other)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?
                    .rows_affected()
                    > 0;
            moved.introductions += sqlx::query(
                "UPDATE referrals SET referrer_id = $3 WHERE workspace_id = $1 AND referrer_id = $2",
            )
            .bind(w)
            .bind(other)
            .bind(keep)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?
            .rows_affected();

            // Trust, both ways, from the kept contact's whole ledger now.
            sqlx::query(
                "DELETE FROM trust_scores WHERE workspace_id = $1 AND contact_id IN ($2, $3)",
            )
            .bind(w)
            .bind(other)
            .bind(keep)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
            sqlx::query(
                "INSERT INTO trust_scores (workspace_id, contact_id, direction, positive, negative, \
                 as_of, model_version, half_life_days, computed_at) \
                 SELECT workspace_id, contact_id, direction, SUM(positive_epoch) * $3, \
                 SUM(negative_epoch) * $3, $4, $5, $6, $4 FROM commitments \
                 WHERE workspace_id = $1 AND contact_id = $2 AND evidence_kind IS NOT NULL \
                 GROUP BY workspace_id, contact_id, direction",
            )
            .bind(w)
            .bind(keep)
            .bind(epoch_factor(m.at, &m.params))
            .bind(at)
            .bind(MODEL_VERSION)
            .bind(crate::ledger::half_life(&m.params))
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;

            // Known since the earlier of the two; the latest gesture of either; then the
            // keep-in-touch and appreciation clocks from there.
            sqlx::query(
                "UPDATE contacts SET \
                 created_at = (SELECT MIN(b.created_at) FROM contacts b \
                     WHERE b.workspace_id = $1 AND b.id IN ($2, $3)), \
                 last_gesture_day = (SELECT MAX(b.last_gesture_day) FROM contacts b \
                     WHERE b.workspace_id = $1 AND b.id IN ($2, $3)) \
                 WHERE workspace_id = $1 AND id = $2",
            )
            .bind(w)
            .bind(keep)
            .bind(other)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
            sqlx::query(AssertSqlSafe(crate::memory::retouch_sql()))
                .bind(w)
                .bind(keep)
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
            // Campaigns: the merged contact's place goes to the kept one unless it has its
            // own; the check-ins follow the interactions both had.
            sqlx::query(
                "DELETE FROM campaign_contacts WHERE workspace_id = $1 AND contact_id = $2 \
                 AND campaign_id IN (SELECT k.campaign_id FROM campaign_contacts k \
                 WHERE k.workspace_id = $1 AND k.contact_id = $3)",
            )
            .bind(w)
            .bind(other)
            .bind(keep)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
            sqlx::query(
                "UPDATE campaign_contacts SET contact_id = $3, owner_id = (SELECT c.owner_id \
                 FROM contacts c WHERE c.workspace_id = $1 AND c.id = $3) \
                 WHERE workspace_id = $1 AND contact_id = $2",
            )
            .bind(w)
            .bind(other)
            .bind(keep)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
            crate::campaigns::refresh_check_ins_in!(tx, w, keep);
            crate::gestures::refresh_contact_in!(tx, w, keep);
            moved
        });
        Ok(moved)
    }
}
