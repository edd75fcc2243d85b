//! Check-in campaigns: the campaign, its contacts in order, and their check-ins, kept as
//! interactions are written (see `refresh_check_ins_in!`).

use jiff::Timestamp;
use jiff::civil::Date;
use rapport_core::StoreError;
use rapport_core::campaign::{Campaign, CampaignId, Member, Progress};
use rapport_core::ids::{ContactId, UserId, WorkspaceId};
use rapport_core::ports::{CampaignStore, ContactFilter, MemberFilter, StoreResult};
use rapport_core::today::{CampaignDue, CheckInCandidate, ContactRef};
use sqlx::{AssertSqlSafe, QueryBuilder};

use crate::rows::{instant, micros};
use crate::{Db, corrupt, db_err, in_write_tx, with_pool};

/// Sets the check-ins of campaign contacts from the interactions as they now are: the first
/// one on or after the campaign's start, and the first in which they said something.
/// `scope` narrows the rows (binds from $2 on); $1 is the workspace.
pub(crate) fn refresh_sql(scope: &str) -> String {
    let first = |extra: &str| {
        format!(
            "(SELECT MIN(i.occurred_at) FROM interactions i, campaigns k \
             WHERE k.workspace_id = campaign_contacts.workspace_id \
             AND k.id = campaign_contacts.campaign_id \
             AND i.workspace_id = campaign_contacts.workspace_id \
             AND i.contact_id = campaign_contacts.contact_id \
             AND i.occurred_at >= k.starts_at{extra})"
        )
    };
    format!(
        "UPDATE campaign_contacts SET done_at = {}, replied_at = {} \
         WHERE workspace_id = $1 AND {scope}",
        first(""),
        first(" AND i.they_said IS NOT NULL")
    )
}

/// Refreshes the check-ins of contact `$contact` (an id, as `&str`) in the transaction
/// `$tx`, after its interactions changed. One index probe when it is in no campaign.
macro_rules! refresh_check_ins_in {
    ($tx:ident, $ws:expr, $contact:expr) => {{
        sqlx::query(sqlx::AssertSqlSafe($crate::campaigns::refresh_sql(
            "contact_id = $2",
        )))
        .bind($ws)
        .bind($contact)
        .execute(&mut *$tx)
        .await
        .map_err($crate::db_err)?;
    }};
}
pub(crate) use refresh_check_ins_in;

const CAMPAIGN_COLUMNS: &str = "k.id, k.name, k.segment, k.note, k.per_day, k.until_date, \
     k.created_by, k.created_at, k.starts_at, k.stopped_at";

#[derive(sqlx::FromRow)]
struct CampaignRow {
    id: String,
    name: String,
    segment: String,
    note: String,
    per_day: i32,
    until_date: Option<String>,
    created_by: String,
    created_at: i64,
    starts_at: i64,
    stopped_at: Option<i64>,
}

impl CampaignRow {
    fn into_campaign(self) -> StoreResult<Campaign> {
        Ok(Campaign {
            id: CampaignId::from_stored(self.id),
            name: self.name,
            segment: self.segment,
            note: self.note,
            per_day: u32::try_from(self.per_day).map_err(|_| corrupt("per_day", self.per_day))?,
            until: self
                .until_date
                .map(|d| d.parse::<Date>().map_err(|_| corrupt("until_date", d)))
                .transpose()?,
            created_by: UserId::from_stored(self.created_by),
            created_at: instant(self.created_at)?,
            starts_at: instant(self.starts_at)?,
            stopped_at: self.stopped_at.map(instant).transpose()?,
        })
    }
}

#[derive(sqlx::FromRow)]
struct Named {
    #[sqlx(flatten)]
    row: CampaignRow,
    created_by_name: String,
}

/// (campaign, contacts, done, remaining, replied, archived)
type ProgressRow = (String, i64, i64, i64, i64, i64);

/// The progress of the workspace's campaigns (one, with `$3`), at `$2`.
fn progress_sql(one: bool) -> String {
    format!(
        "SELECT m.campaign_id, CAST(COUNT(*) AS BIGINT), \
         CAST(SUM(CASE WHEN m.done_at <= $2 THEN 1 ELSE 0 END) AS BIGINT), \
         CAST(SUM(CASE WHEN (m.done_at IS NULL OR m.done_at > $2) AND c.archived_at IS NULL THEN 1 ELSE 0 END) AS BIGINT), \
         CAST(SUM(CASE WHEN m.replied_at <= $2 AND m.done_at <= $2 THEN 1 ELSE 0 END) AS BIGINT), \
         CAST(SUM(CASE WHEN (m.done_at IS NULL OR m.done_at > $2) AND c.archived_at IS NOT NULL THEN 1 ELSE 0 END) AS BIGINT) \
         FROM campaign_contacts m JOIN contacts c ON c.workspace_id = m.workspace_id AND c.id = m.contact_id \
         WHERE m.workspace_id = $1{} GROUP BY m.campaign_id",
        if one { " AND m.campaign_id = $3" } else { "" }
    )
}

fn progress_of(rows: &[ProgressRow], id: &str) -> Progress {
    let n = |v: i64| v.unsigned_abs();
    rows.iter()
        .find(|r| r.0 == id)
        .map(|r| Progress {
            contacts: n(r.1),
            done: n(r.2),
            remaining: n(r.3),
            replied: n(r.4),
            archived: n(r.5),
        })
        .unwrap_or_default()
}

fn named_rows(
    rows: Vec<Named>,
    progress: &[ProgressRow],
) -> StoreResult<Vec<(Campaign, Progress, String)>> {
    rows.into_iter()
        .map(|n| {
            let p = progress_of(progress, &n.row.id);
            Ok((n.row.into_campaign()?, p, n.created_by_name))
        })
        .collect()
}

impl CampaignStore for Db {
    async fn insert_campaign(
        &self,
        ws: &WorkspaceId,
        c: &Campaign,
        segment: &ContactFilter,
    ) -> StoreResult<u64> {
        let name_folded = rapport_core::search::fold(&c.name);
        let n = in_write_tx!(self, |tx| {
            sqlx::query(
                "INSERT INTO campaigns (workspace_id, id, name, name_folded, segment, note, \
                 per_day, until_date, created_by, created_at, starts_at, stopped_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, NULL)",
            )
            .bind(ws.as_str())
            .bind(c.id.as_str())
            .bind(c.name.as_str())
            .bind(name_folded.as_str())
            .bind(c.segment.as_str())
            .bind(c.note.as_str())
            .bind(i32::try_from(c.per_day).unwrap_or(i32::MAX))
            .bind(c.until.map(|d| d.to_string()))
            .bind(c.created_by.as_str())
            .bind(micros(c.created_at))
            .bind(micros(c.starts_at))
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
            // VIPs first, then the coldest: never in touch, then the longest ago.
            let mut qb = QueryBuilder::new(
                "INSERT INTO campaign_contacts (workspace_id, campaign_id, contact_id, position) \
                 SELECT c.workspace_id, ",
            );
            qb.push_bind(c.id.as_str().to_owned()).push(
                ", c.id, ROW_NUMBER() OVER (ORDER BY c.vip DESC, \
                 CASE WHEN c.last_touch_at IS NULL THEN 0 ELSE 1 END, c.last_touch_at, \
                 c.name_folded, c.id) FROM contacts c",
            );
            let all = ContactFilter {
                after: None,
                archived: false,
                ..segment.clone()
            };
            crate::contacts::push_filter(&mut qb, ws, &all);
            let n = qb
                .build()
                .persistent(false)
                .execute(&mut *tx)
                .await
                .map_err(db_err)?
                .rows_affected();
            // Check-ins already made: a call earlier today, a meeting planned ahead.
            sqlx::query(AssertSqlSafe(refresh_sql("campaign_id = $2")))
                .bind(ws.as_str())
                .bind(c.id.as_str())
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
            n
        });
        Ok(n)
    }

    async fn count_segment(&self, ws: &WorkspaceId, segment: &ContactFilter) -> StoreResult<u64> {
        let all = ContactFilter {
            after: None,
            archived: false,
            ..segment.clone()
        };
        let n: i64 = with_pool!(self, |pool| {
            let mut qb = QueryBuilder::new("SELECT COUNT(*) FROM contacts c");
            crate::contacts::push_filter(&mut qb, ws, &all);
            qb.build_query_scalar()
                .persistent(false)
                .fetch_one(pool)
                .await
                .map_err(db_err)?
        });
        Ok(n.unsigned_abs())
    }

    async fn campaigns(
        &self,
        ws: &WorkspaceId,
        now: Timestamp,
    ) -> StoreResult<Vec<(Campaign, Progress, String)>> {
        let sql = format!(
            "SELECT {CAMPAIGN_COLUMNS}, u.name AS created_by_name FROM campaigns k \
             JOIN users u ON u.id = k.created_by WHERE k.workspace_id = $1 \
             ORDER BY k.created_at DESC, k.id DESC"
        );
        let (rows, progress): (Vec<Named>, Vec<ProgressRow>) = with_pool!(self, |pool| {
            let rows = sqlx::query_as(AssertSqlSafe(sql))
                .bind(ws.as_str())
                .fetch_all(pool)
                .await
                .map_err(db_err)?;
            let progress = sqlx::query_as(AssertSqlSafe(progress_sql(false)))
                .bind(ws.as_str())
                .bind(micros(now))
                .fetch_all(pool)
                .await
                .map_err(db_err)?;
            (rows, progress)
        });
        named_rows(rows, &progress)
    }

    async fn campaign(
        &self,
        ws: &WorkspaceId,
        id: Option<&CampaignId>,
        name_folded: &str,
        now: Timestamp,
    ) -> StoreResult<Option<(Campaign, Progress, String)>> {
        let sql = format!(
            "SELECT {CAMPAIGN_COLUMNS}, u.name AS created_by_name FROM campaigns k \
             JOIN users u ON u.id = k.created_by WHERE k.workspace_id = $1 \
             AND (k.id = $2 OR k.name_folded = $3) \
             ORDER BY CASE WHEN k.id = $2 THEN 0 ELSE 1 END LIMIT 1"
        );
        let id = id.map(|i| i.as_str().to_owned());
        let (row, progress): (Option<Named>, Vec<ProgressRow>) = with_pool!(self, |pool| {
            let row: Option<Named> = sqlx::query_as(AssertSqlSafe(sql))
                .bind(ws.as_str())
                .bind(id.as_deref())
                .bind(name_folded)
                .fetch_optional(pool)
                .await
                .map_err(db_err)?;
            let mut progress = Vec::new();
            if let Some(r) = &row {
                progress = sqlx::query_as(AssertSqlSafe(progress_sql(true)))
                    .bind(ws.as_str())
                    .bind(micros(now))
                    .bind(r.row.id.as_str())
                    .fetch_all(pool)
                    .await
                    .map_err(db_err)?;
            }
            (row, progress)
        });
        Ok(named_rows(row.into_iter().collect(), &progress)?.pop())
    }

    async fn stop_campaign(
        &self,
        ws: &WorkspaceId,
        id: &CampaignId,
        now: Timestamp,
    ) -> StoreResult<()> {
        let n = in_write_tx!(self, |tx| {
            sqlx::query(
                "UPDATE campaigns SET stopped_at = $3 WHERE workspace_id = $1 AND id = $2 \
                 AND stopped_at IS NULL",
            )
            .bind(ws.as_str())
            .bind(id.as_str())
            .bind(micros(now))
            .execute(&mut *tx)
            .await
            .map_err(db_err)?
            .rows_affected()
        });
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    async fn campaign_members(
        &self,
        ws: &WorkspaceId,
        id: &CampaignId,
        filter: MemberFilter,
        after: Option<u32>,
        limit: u32,
        now: Timestamp,
    ) -> StoreResult<Vec<Member>> {
        #[derive(sqlx::FromRow)]
        struct Row {
            position: i64,
            id: String,
            name: String,
            vip: bool,
            done_at: Option<i64>,
            replied_at: Option<i64>,
            archived_at: Option<i64>,
        }
        let rows: Vec<Row> = with_pool!(self, |pool| {
            let mut qb = QueryBuilder::new(
                "SELECT CAST(m.position AS BIGINT) AS position, c.id, c.name, c.vip, m.done_at, \
                 m.replied_at, c.archived_at FROM campaign_contacts m \
                 JOIN contacts c ON c.workspace_id = m.workspace_id AND c.id = m.contact_id \
                 WHERE m.workspace_id = ",
            );
            qb.push_bind(ws.as_str().to_owned())
                .push(" AND m.campaign_id = ")
                .push_bind(id.as_str().to_owned())
                .push(" AND m.position > ")
                .push_bind(i64::from(after.unwrap_or(0)));
            match filter {
                MemberFilter::All => {}
                MemberFilter::Pending => {
                    qb.push(" AND (m.done_at IS NULL OR m.done_at > ")
                        .push_bind(micros(now))
                        .push(")");
                }
                MemberFilter::Done => {
                    qb.push(" AND m.done_at <= ").push_bind(micros(now));
                }
            }
            qb.push(" ORDER BY m.position LIMIT ")
                .push_bind(i64::from(limit));
            qb.build_query_as()
                .persistent(false)
                .fetch_all(pool)
                .await
                .map_err(db_err)?
        });
        rows.into_iter()
            .map(|r| {
                let done_at = r.done_at.map(instant).transpose()?;
                let replied_at = r.replied_at.map(instant).transpose()?;
                Ok(Member {
                    position: u32::try_from(r.position)
                        .map_err(|_| corrupt("position", r.position))?,
                    contact_id: ContactId::from_stored(r.id),
                    contact_name: r.name,
                    vip: r.vip,
                    replied: done_at.is_some_and(|d| d <= now)
                        && replied_at.is_some_and(|d| d <= now),
                    done_at,
                    archived: r.archived_at.is_some(),
                })
            })
            .collect()
    }

    async fn check_ins_due(
        &self,
        ws: &WorkspaceId,
        user: &UserId,
        today: Date,
        day_start: Timestamp,
        now: Timestamp,
    ) -> StoreResult<Vec<CampaignDue>> {
        #[derive(sqlx::FromRow)]
        struct Pending {
            id: String,
            name: String,
            vip: bool,
            last_touch_at: Option<i64>,
        }
        let running = format!(
            "SELECT {CAMPAIGN_COLUMNS} FROM campaigns k WHERE k.workspace_id = $1 \
             AND k.stopped_at IS NULL AND (k.until_date IS NULL OR k.until_date >= $2) \
             ORDER BY k.created_at, k.id"
        );
        // Everyone's counts and the user's, in one pass over the campaign's contacts.
        let counts = "SELECT CAST(COUNT(*) AS BIGINT), \
             CAST(SUM(CASE WHEN m.done_at <= $4 THEN 1 ELSE 0 END) AS BIGINT), \
             CAST(SUM(CASE WHEN c.owner_id = $3 AND c.archived_at IS NULL AND m.done_at IS NULL THEN 1 ELSE 0 END) AS BIGINT), \
             CAST(SUM(CASE WHEN c.owner_id = $3 AND m.done_at >= $5 AND m.done_at <= $4 THEN 1 ELSE 0 END) AS BIGINT) \
             FROM campaign_contacts m JOIN contacts c ON c.workspace_id = m.workspace_id AND c.id = m.contact_id \
             WHERE m.workspace_id = $1 AND m.campaign_id = $2";
        let pending_sql = "SELECT c.id, c.name, c.vip, c.last_touch_at FROM campaign_contacts m \
             JOIN contacts c ON c.workspace_id = m.workspace_id AND c.id = m.contact_id \
             WHERE m.workspace_id = $1 AND m.campaign_id = $2 AND m.done_at IS NULL \
             AND c.owner_id = $3 AND c.archived_at IS NULL ORDER BY m.position LIMIT $4";
        type Counts = (i64, Option<i64>, Option<i64>, Option<i64>);
        let gathered: Vec<(CampaignRow, Counts, Vec<Pending>)> = with_pool!(self, |pool| {
            let campaigns: Vec<CampaignRow> = sqlx::query_as(AssertSqlSafe(running))
                .bind(ws.as_str())
                .bind(today.to_string())
                .fetch_all(pool)
                .await
                .map_err(db_err)?;
            let mut out = Vec::with_capacity(campaigns.len());
            for k in campaigns {
                let n: Counts = sqlx::query_as(counts)
                    .bind(ws.as_str())
                    .bind(k.id.as_str())
                    .bind(user.as_str())
                    .bind(micros(now))
                    .bind(micros(day_start))
                    .fetch_one(pool)
                    .await
                    .map_err(db_err)?;
                if n.2.unwrap_or(0) == 0 {
                    continue;
                }
                let pending: Vec<Pending> = sqlx::query_as(pending_sql)
                    .bind(ws.as_str())
                    .bind(k.id.as_str())
                    .bind(user.as_str())
                    .bind(i64::from(k.per_day))
                    .fetch_all(pool)
                    .await
                    .map_err(db_err)?;
                out.push((k, n, pending));
            }
            out
        });
        gathered
            .into_iter()
            .map(
                |(k, (contacts, done, pending_total, done_today), pending)| {
                    Ok(CampaignDue {
                        campaign: k.into_campaign()?,
                        pending: pending
                            .into_iter()
                            .map(|p| {
                                Ok(CheckInCandidate {
                                    contact: ContactRef {
                                        id: ContactId::from_stored(p.id),
                                        name: p.name,
                                    },
                                    vip: p.vip,
                                    last_touch_at: p.last_touch_at.map(instant).transpose()?,
                                })
                            })
                            .collect::<StoreResult<_>>()?,
                        done_today: done_today.unwrap_or(0).unsigned_abs(),
                        pending_total: pending_total.unwrap_or(0).unsigned_abs(),
                        contacts: contacts.unsigned_abs(),
                        done: done.unwrap_or(0).unsigned_abs(),
                    })
                },
            )
            .collect()
    }
}
