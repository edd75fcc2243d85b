//! Referrals and advocates.

use jiff::Timestamp;
use rapport_core::ids::{ContactId, WorkspaceId};
use rapport_core::ports::{ReferralStore, StoreResult};
use rapport_core::referral::{Advocate, Introductions};

use crate::rows::micros;
use crate::{Db, db_err, in_write_tx, with_pool};

impl ReferralStore for Db {
    async fn insert_referral(
        &self,
        ws: &WorkspaceId,
        referrer: &ContactId,
        referred: &ContactId,
        now: Timestamp,
    ) -> StoreResult<()> {
        in_write_tx!(self, |tx| {
            sqlx::query(
                "INSERT INTO referrals (workspace_id, referred_id, referrer_id, created_at) \
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(ws.as_str())
            .bind(referred.as_str())
            .bind(referrer.as_str())
            .bind(micros(now))
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        });
        Ok(())
    }

    async fn save_introduced(
        &self,
        ws: &WorkspaceId,
        contact: &rapport_core::contact::Contact,
        new: bool,
        referrer: &ContactId,
        now: Timestamp,
    ) -> StoreResult<()> {
        let one = std::slice::from_ref(contact);
        in_write_tx!(self, |tx| {
            if new {
                crate::contacts::insert_contacts_in!(tx, ws, one, &[]);
                crate::gestures::refresh_contact_in!(tx, ws.as_str(), contact.id.as_str());
            } else {
                crate::contacts::update_contact_in!(tx, ws, contact);
            }
            sqlx::query(
                "INSERT INTO referrals (workspace_id, referred_id, referrer_id, created_at) \
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(ws.as_str())
            .bind(contact.id.as_str())
            .bind(referrer.as_str())
            .bind(micros(now))
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        });
        Ok(())
    }

    async fn advocates(&self, ws: &WorkspaceId) -> StoreResult<Vec<Advocate>> {
        let rows: Vec<(String, String, i64, i64)> = with_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT a.id, a.name, CAST(COUNT(*) AS BIGINT), \
                 CAST(SUM(CASE WHEN c.relationship IN ('customer', 'past_customer') THEN 1 ELSE 0 END) AS BIGINT) \
                 FROM referrals r \
                 JOIN contacts a ON a.workspace_id = r.workspace_id AND a.id = r.referrer_id \
                 JOIN contacts c ON c.workspace_id = r.workspace_id AND c.id = r.referred_id \
                 WHERE r.workspace_id = $1 AND a.archived_at IS NULL \
                 GROUP BY a.id, a.name, a.name_folded \
                 ORDER BY 4 DESC, 3 DESC, a.name_folded, a.id",
            )
            .bind(ws.as_str())
            .fetch_all(pool)
            .await
            .map_err(db_err)?
        });
        Ok(rows
            .into_iter()
            .map(|(id, name, referred, customers)| Advocate {
                contact_id: ContactId::from_stored(id),
                name,
                referred: referred.unsigned_abs(),
                became_customers: customers.unsigned_abs(),
            })
            .collect())
    }

    async fn introducers_of(
        &self,
        ws: &WorkspaceId,
        contacts: &[ContactId],
    ) -> StoreResult<Vec<(ContactId, String)>> {
        let mut out = Vec::new();
        for chunk in contacts.chunks(crate::contacts::CHUNK) {
            let rows: Vec<(String, String)> = with_pool!(self, |pool| {
                let mut qb = sqlx::QueryBuilder::new(
                    "SELECT r.referred_id, a.name FROM referrals r JOIN contacts a \
                     ON a.workspace_id = r.workspace_id AND a.id = r.referrer_id \
                     WHERE r.workspace_id = ",
                );
                qb.push_bind(ws.as_str()).push(" AND r.referred_id IN (");
                let mut ids = qb.separated(", ");
                for c in chunk {
                    ids.push_bind(c.as_str());
                }
                qb.push(")");
                qb.build_query_as().fetch_all(pool).await.map_err(db_err)?
            });
            out.extend(
                rows.into_iter()
                    .map(|(id, name)| (ContactId::from_stored(id), name)),
            );
        }
        Ok(out)
    }

    async fn introductions(
        &self,
        ws: &WorkspaceId,
        contact: &ContactId,
    ) -> StoreResult<Introductions> {
        type Introducer = Option<(String, String)>;
        type Introduced = Vec<(String, String, String)>;
        let (by, introduced): (Introducer, Introduced) = with_pool!(self, |pool| {
            let by = sqlx::query_as(
                "SELECT a.id, a.name FROM referrals r JOIN contacts a \
                     ON a.workspace_id = r.workspace_id AND a.id = r.referrer_id \
                     WHERE r.workspace_id = $1 AND r.referred_id = $2",
            )
            .bind(ws.as_str())
            .bind(contact.as_str())
            .fetch_optional(pool)
            .await
            .map_err(db_err)?;
            let introduced = sqlx::query_as(
                "SELECT c.id, c.name, c.relationship FROM referrals r JOIN contacts c \
                     ON c.workspace_id = r.workspace_id AND c.id = r.referred_id \
                     WHERE r.workspace_id = $1 AND r.referrer_id = $2 \
                     ORDER BY c.name_folded, c.id",
            )
            .bind(ws.as_str())
            .bind(contact.as_str())
            .fetch_all(pool)
            .await
            .map_err(db_err)?;
            (by, introduced)
        });
        Ok(Introductions {
            introduced_by: by.map(|(id, name)| (ContactId::from_stored(id), name)),
            introduced: introduced
                .into_iter()
                .map(|(id, name, kind)| {
                    (
                        ContactId::from_stored(id),
                        name,
                        // As the advocates count them: customers, now or before.
                        kind == "customer" || kind == "past_customer",
                    )
                })
                .collect(),
        })
    }
}
