//! Check-in campaigns: the campaign, its contacts in order, and their check-ins, kept as
//! interactions are written (see `refresh_check_ins_in!`).

use jiff::Timestamp;
use jiff::civil::Date;
use rapport_core::StoreError;
use rapport_core::campaign::{Campaign, CampaignId, Member, Progress};
use rapport_core::ids::{ContactId, UserId, WorkspaceId};
use rapport_core::ports::{
    CampaignStore, CampaignUpdate, ContactFilter, MemberFilter, StoreResult,
};
use rapport_core::today::{CampaignDue, CheckInCandidate, ContactRef};
use sqlx::{AssertSqlSafe, QueryBuilder};

use crate::rows::{instant, micros};
use crate::{Db, corrupt, db_err, in_write_tx, with_pool};

/// Sets the check-ins of campaign contacts from the interactions as they now are: the first
/// one on or after the campaign's start (and before its end, if it has one), and the first
/// in which they said something. `scope` narrows the rows (binds from $2 on); $1 is the
/// workspace.
pub(crate) fn refresh_sql(scope: &str) -> String {
    let first = |extra: &str| {
        format!(
            "(SELECT MIN(i.occurred_at) FROM interactions i, campaigns k \
             WHERE k.workspace_id = campaign_contacts.workspace_id \
             AND k.id = campaign_contacts.campaign_id \
             AND i.workspace_id = campaign_contacts.workspace_id \
             AND i.contact_id = campaign_contacts.contact_id \
             AND i.occurred_at >= k.starts_at \
             AND (k.ends_at IS NULL OR i.occurred_at < k.ends_at){extra})"
        )
    };
    format!(
        "UPDATE campaign_contacts SET done_at = {}, replied_at = {} \
         WHERE workspace_id = $1 AND {scope}",
        first(""),
        first(" AND i.they_said IS NOT NULL")
    )
}

/// On PostgreSQL, orders campaign makers against interaction writers with a lock on the
/// workspace's row, taken as the first statement of the transaction (before any other row
/// lock, so no two transactions wait on each other in opposite orders): writers of
/// interactions take it shared (`FOR SHARE`: they never wait for one another), whatever
/// changes which contacts a campaign holds or who owns them (making or stopping one, a
/// merge, a handoff) takes it exclusive (`FOR NO KEY UPDATE`, which foreign key checks on the
/// workspace do not wait for). Under READ COMMITTED, a campaign made while a call was logged
/// would otherwise miss the call, and the call's refresh the campaign: the check-in was lost.
/// A row lock rather than an advisory one, which some PostgreSQL-compatible databases lack.
/// SQLite's one writer already orders them.
macro_rules! lock_check_ins_in {
    ($tx:ident, $postgres:expr, $ws:expr, shared) => {{
        if $postgres {
            sqlx::query("SELECT 1 FROM workspaces WHERE id = $1 FOR SHARE")
                .bind($ws)
                .execute(&mut *$tx)
                .await
                .map_err($crate::db_err)?;
        }
    }};
    ($tx:ident, $postgres:expr, $ws:expr, exclusive) => {{
        if $postgres {
            sqlx::query("SELECT 1 FROM workspaces WHERE id = $1 FOR NO KEY UPDATE")
                .bind($ws)
                .execute(&mut *$tx)
                .await
                .map_err($crate::db_err)?;
        }
    }};
}
pub(crate) use lock_check_ins_in;

/// Refreshes the check-ins of contact `$contact` (an id, as `&str`) in the transaction
/// `$tx`, after its interactions changed (the transaction took `lock_check_ins_in!` shared
/// first). One index probe when the contact is in no campaign.
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

/// Refreshes every check-in of campaign `$campaign` (an id, as `&str`) in the transaction
/// `$tx`: after it was made, stopped, or given another last day.
macro_rules! refresh_campaign_in {
    ($tx:ident, $ws:expr, $campaign:expr) => {{
        sqlx::query(AssertSqlSafe(refresh_sql("campaign_id = $2")))
            .bind($ws)
            .bind($campaign)
            .execute(&mut *$tx)
            .await
            .map_err(db_err)?;
    }};
}

const CAMPAIGN_COLUMNS: &str = "k.id, k.name, k.segment, k.note, k.per_day, k.until_date, \
     k.created_by, k.created_at, k.starts_at, k.ends_at, k.stopped_at";

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
    ends_at: Option<i64>,
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
            ends_at: self.ends_at.map(instant).transpose()?,
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

/// A campaign's progress at `$now`, in three index reads: its contacts (the primary key),
/// those done and replied (`campaign_contacts_done`), and those not done whose contact was
/// archived since (from the archived contacts, few).
macro_rules! progress_of {
    ($pool:expr, $ws:expr, $id:expr, $now:expr) => {{
        let (contacts,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM campaign_contacts WHERE workspace_id = $1 AND campaign_id = $2",
        )
        .bind($ws)
        .bind($id)
        .fetch_one($pool)
        .await
        .map_err(db_err)?;
        let (done, replied): (i64, i64) = sqlx::query_as(
            "SELECT COUNT(*), CAST(COALESCE(SUM(CASE WHEN replied_at <= $3 THEN 1 ELSE 0 END), 0) AS BIGINT) \
             FROM campaign_contacts WHERE workspace_id = $1 AND campaign_id = $2 AND done_at <= $3",
        )
        .bind($ws)
        .bind($id)
        .bind($now)
        .fetch_one($pool)
        .await
        .map_err(db_err)?;
        let (archived,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM contacts c JOIN campaign_contacts m \
             ON m.workspace_id = c.workspace_id AND m.campaign_id = $2 AND m.contact_id = c.id \
             WHERE c.workspace_id = $1 AND c.archived_at IS NOT NULL \
             AND (m.done_at IS NULL OR m.done_at > $3)",
        )
        .bind($ws)
        .bind($id)
        .bind($now)
        .fetch_one($pool)
        .await
        .map_err(db_err)?;
        let n = |v: i64| v.unsigned_abs();
        Progress {
            contacts: n(contacts),
            done: n(done),
            remaining: n((contacts - done - archived).max(0)),
            replied: n(replied),
            archived: n(archived),
        }
    }};
}

impl CampaignStore for Db {
    async fn insert_campaign(
        &self,
        ws: &WorkspaceId,
        c: &Campaign,
        segment: &ContactFilter,
    ) -> StoreResult<u64> {
        let name_folded = rapport_core::search::fold(&c.name);
        let postgres = matches!(self, Db::Postgres(_));
        let n = in_write_tx!(self, |tx| {
            lock_check_ins_in!(tx, postgres, ws.as_str(), exclusive);
            sqlx::query(
                "INSERT INTO campaigns (workspace_id, id, name, name_folded, segment, note, \
                 per_day, until_date, created_by, created_at, starts_at, ends_at, stopped_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, NULL)",
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
            .bind(c.ends_at.map(micros))
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
            // VIPs first, then the coldest: never in touch, then the longest ago.
            let mut qb = QueryBuilder::new(
                "INSERT INTO campaign_contacts (workspace_id, campaign_id, contact_id, owner_id, \
                 position) SELECT c.workspace_id, ",
            );
            qb.push_bind(c.id.as_str().to_owned()).push(
                ", c.id, c.owner_id, ROW_NUMBER() OVER (ORDER BY c.vip DESC, \
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
            refresh_campaign_in!(tx, ws.as_str(), c.id.as_str());
            n
        });
        Ok(n)
    }

    async fn count_segment(
        &self,
        ws: &WorkspaceId,
        segment: &ContactFilter,
    ) -> StoreResult<(u64, u64)> {
        let all = ContactFilter {
            after: None,
            archived: false,
            ..segment.clone()
        };
        let owners: Vec<(i64,)> = with_pool!(self, |pool| {
            let mut qb = QueryBuilder::new("SELECT COUNT(*) FROM contacts c");
            crate::contacts::push_filter(&mut qb, ws, &all);
            qb.push(" GROUP BY c.owner_id");
            qb.build_query_as()
                .persistent(false)
                .fetch_all(pool)
                .await
                .map_err(db_err)?
        });
        let total = owners.iter().map(|(n,)| n.unsigned_abs()).sum();
        let most = owners
            .iter()
            .map(|(n,)| n.unsigned_abs())
            .max()
            .unwrap_or(0);
        Ok((total, most))
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
        let rows: Vec<(Named, Progress)> = with_pool!(self, |pool| {
            let rows: Vec<Named> = sqlx::query_as(AssertSqlSafe(sql))
                .bind(ws.as_str())
                .fetch_all(pool)
                .await
                .map_err(db_err)?;
            let mut out = Vec::with_capacity(rows.len());
            for r in rows {
                let p = progress_of!(pool, ws.as_str(), r.row.id.as_str(), micros(now));
                out.push((r, p));
            }
            out
        });
        rows.into_iter()
            .map(|(n, p)| Ok((n.row.into_campaign()?, p, n.created_by_name)))
            .collect()
    }

    async fn campaign(
        &self,
        ws: &WorkspaceId,
        id: Option<&CampaignId>,
        name_folded: &str,
        now: Timestamp,
    ) -> StoreResult<Option<(Campaign, Progress, String)>> {
        // By its id when one is given, and then by nothing else (an id that matches no
        // campaign finds none, whatever the names); else by its folded name.
        let (column, key) = match id {
            Some(i) => ("k.id", i.as_str().to_owned()),
            None => ("k.name_folded", name_folded.to_owned()),
        };
        let sql = format!(
            "SELECT {CAMPAIGN_COLUMNS}, u.name AS created_by_name FROM campaigns k \
             JOIN users u ON u.id = k.created_by WHERE k.workspace_id = $1 AND {column} = $2"
        );
        let found: Option<(Named, Progress)> = with_pool!(self, |pool| {
            let row: Option<Named> = sqlx::query_as(AssertSqlSafe(sql.clone()))
                .bind(ws.as_str())
                .bind(key.as_str())
                .fetch_optional(pool)
                .await
                .map_err(db_err)?;
            match row {
                Some(r) => {
                    let p = progress_of!(pool, ws.as_str(), r.row.id.as_str(), micros(now));
                    Some((r, p))
                }
                None => None,
            }
        });
        found
            .map(|(n, p)| Ok((n.row.into_campaign()?, p, n.created_by_name)))
            .transpose()
    }

    async fn stop_campaign(
        &self,
        ws: &WorkspaceId,
        id: &CampaignId,
        now: Timestamp,
    ) -> StoreResult<()> {
        let postgres = matches!(self, Db::Postgres(_));
        let n = in_write_tx!(self, |tx| {
            lock_check_ins_in!(tx, postgres, ws.as_str(), exclusive);
            let n = sqlx::query(
                "UPDATE campaigns SET stopped_at = $3, ends_at = CASE \
                 WHEN ends_at IS NULL OR ends_at > $3 THEN $3 ELSE ends_at END \
                 WHERE workspace_id = $1 AND id = $2 AND stopped_at IS NULL",
            )
            .bind(ws.as_str())
            .bind(id.as_str())
            .bind(micros(now))
            .execute(&mut *tx)
            .await
            .map_err(db_err)?
            .rows_affected();
            // A meeting planned after it stopped no longer counts.
            refresh_campaign_in!(tx, ws.as_str(), id.as_str());
            n
        });
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    async fn update_campaign(
        &self,
        ws: &WorkspaceId,
        id: &CampaignId,
        u: &CampaignUpdate,
    ) -> StoreResult<bool> {
        let name_folded = u.name.as_deref().map(rapport_core::search::fold);
        let postgres = matches!(self, Db::Postgres(_));
        let pace = u.per_day.is_some() || u.at_least_per_day.is_some() || u.until.is_some();
        // None: no such campaign; Some(false): stopped, so its pace was left alone.
        let found: Option<bool> = in_write_tx!(self, |tx| {
            // Only a new end changes which check-ins count (and needs the order against
            // interaction writers); a name, a note or a pace is one row.
            if u.until.is_some() {
                lock_check_ins_in!(tx, postgres, ws.as_str(), exclusive);
            }
            let (until_date, ends_at) = match &u.until {
                Some((d, e)) => (d.map(|d| d.to_string()), e.map(micros)),
                None => (None, None),
            };
            let n = sqlx::query(
                "UPDATE campaigns SET name = COALESCE($3, name), \
                 name_folded = COALESCE($4, name_folded), note = COALESCE($5, note), \
                 per_day = COALESCE($6, CASE WHEN per_day < $11 THEN $11 ELSE per_day END), \
                 until_date = CASE WHEN $7 THEN $8 ELSE until_date END, \
                 ends_at = CASE WHEN $7 THEN $9 ELSE ends_at END \
                 WHERE workspace_id = $1 AND id = $2 AND (NOT $10 OR stopped_at IS NULL)",
            )
            .bind(ws.as_str())
            .bind(id.as_str())
            .bind(u.name.as_deref())
            .bind(name_folded.as_deref())
            .bind(u.note.as_deref())
            .bind(u.per_day.map(|n| i32::try_from(n).unwrap_or(i32::MAX)))
            .bind(u.until.is_some())
            .bind(until_date)
            .bind(ends_at)
            .bind(pace)
            .bind(
                u.at_least_per_day
                    .map_or(0, |n| i32::try_from(n).unwrap_or(i32::MAX)),
            )
            .execute(&mut *tx)
            .await
            .map_err(db_err)?
            .rows_affected();
            if n == 0 {
                let (exists,): (i64,) = sqlx::query_as(
                    "SELECT COUNT(*) FROM campaigns WHERE workspace_id = $1 AND id = $2",
                )
                .bind(ws.as_str())
                .bind(id.as_str())
                .fetch_one(&mut *tx)
                .await
                .map_err(db_err)?;
                (exists > 0).then_some(false)
            } else {
                if u.until.is_some() {
                    // A later last day counts the check-ins made since the old one; an
                    // earlier one no longer counts those after it.
                    refresh_campaign_in!(tx, ws.as_str(), id.as_str());
                }
                Some(true)
            }
        });
        found.ok_or(StoreError::NotFound)
    }

    async fn most_left_to_one_member(&self, ws: &WorkspaceId, id: &CampaignId) -> StoreResult<u64> {
        let owners: Vec<(i64,)> = with_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT COUNT(*) FROM campaign_contacts m JOIN contacts c \
                 ON c.workspace_id = m.workspace_id AND c.id = m.contact_id \
                 WHERE m.workspace_id = $1 AND m.campaign_id = $2 AND m.done_at IS NULL \
                 AND c.archived_at IS NULL GROUP BY m.owner_id",
            )
            .bind(ws.as_str())
            .bind(id.as_str())
            .fetch_all(pool)
            .await
            .map_err(db_err)?
        });
        Ok(owners
            .iter()
            .map(|(n,)| n.unsigned_abs())
            .max()
            .unwrap_or(0))
    }

    async fn delete_campaign(&self, ws: &WorkspaceId, id: &CampaignId) -> StoreResult<()> {
        let postgres = matches!(self, Db::Postgres(_));
        let n = in_write_tx!(self, |tx| {
            lock_check_ins_in!(tx, postgres, ws.as_str(), exclusive);
            sqlx::query(
                "DELETE FROM campaign_contacts WHERE workspace_id = $1 AND campaign_id = $2",
            )
            .bind(ws.as_str())
            .bind(id.as_str())
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
            sqlx::query("DELETE FROM campaigns WHERE workspace_id = $1 AND id = $2")
                .bind(ws.as_str())
                .bind(id.as_str())
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
                    qb.push(" AND c.archived_at IS NULL AND (m.done_at IS NULL OR m.done_at > ")
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
    ) -> StoreResult<(Vec<CampaignDue>, u64)> {
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
        // Index ranges only: everyone's contacts and those done; the user's left (less
        // those archived since, found from the archived contacts) and done today.
        let counts = "SELECT \
             (SELECT COUNT(*) FROM campaign_contacts WHERE workspace_id = $1 AND campaign_id = $2), \
             (SELECT COUNT(*) FROM campaign_contacts WHERE workspace_id = $1 AND campaign_id = $2 \
              AND done_at <= $4), \
             (SELECT COUNT(*) FROM campaign_contacts WHERE workspace_id = $1 AND campaign_id = $2 \
              AND owner_id = $3 AND done_at IS NULL), \
             (SELECT COUNT(*) FROM contacts c JOIN campaign_contacts m ON m.workspace_id = c.workspace_id \
              AND m.campaign_id = $2 AND m.contact_id = c.id WHERE c.workspace_id = $1 \
              AND c.archived_at IS NOT NULL AND m.owner_id = $3 AND m.done_at IS NULL), \
             (SELECT COUNT(*) FROM campaign_contacts WHERE workspace_id = $1 AND campaign_id = $2 \
              AND owner_id = $3 AND done_at >= $5 AND done_at <= $4)";
        type Counts = (i64, i64, i64, i64, i64);
        let mut room = rapport_core::today::CHECK_INS_SHOWN;
        let gathered: (Vec<(CampaignRow, Counts, Vec<Pending>)>, i64) = with_pool!(self, |pool| {
            let campaigns: Vec<CampaignRow> = sqlx::query_as(AssertSqlSafe(running))
                .bind(ws.as_str())
                .bind(today.to_string())
                .fetch_all(pool)
                .await
                .map_err(db_err)?;
            let mut out = Vec::with_capacity(campaigns.len());
            let mut picked: Vec<String> = Vec::new();
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
                if n.2 - n.3 <= 0 {
                    continue;
                }
                let per_day = u32::try_from(k.per_day).unwrap_or(0);
                let wanted =
                    rapport_core::today::check_ins_wanted(per_day, n.4.unsigned_abs(), room);
                let mut pending: Vec<Pending> = Vec::new();
                if wanted > 0 {
                    let mut qb = QueryBuilder::new(
                        "SELECT c.id, c.name, c.vip, c.last_touch_at FROM campaign_contacts m \
                         JOIN contacts c ON c.workspace_id = m.workspace_id AND c.id = m.contact_id \
                         WHERE m.workspace_id = ",
                    );
                    qb.push_bind(ws.as_str().to_owned())
                        .push(" AND m.campaign_id = ")
                        .push_bind(k.id.clone())
                        .push(" AND m.owner_id = ")
                        .push_bind(user.as_str().to_owned())
                        .push(" AND m.done_at IS NULL AND c.archived_at IS NULL");
                    // Not one already listed for an earlier campaign (at most the section).
                    if !picked.is_empty() {
                        qb.push(" AND m.contact_id NOT IN (");
                        let mut list = qb.separated(", ");
                        for id in &picked {
                            list.push_bind(id.clone());
                        }
                        qb.push(")");
                    }
                    qb.push(" ORDER BY m.position LIMIT ")
                        .push_bind(i64::from(wanted));
                    pending = qb
                        .build_query_as()
                        .persistent(false)
                        .fetch_all(pool)
                        .await
                        .map_err(db_err)?;
                    room = room.saturating_sub(pending.len() as u32);
                    picked.extend(pending.iter().map(|p| p.id.clone()));
                }
                out.push((k, n, pending));
            }
            // Different contacts left in all: one campaign's own count; when several run,
            // each contact once, counted exactly up to 10,000 pending rows (a DISTINCT over
            // a whole book's two campaigns took 330 ms), beyond that the largest campaign's
            // count (a floor; Today's counts beyond the list read as "about").
            let lefts: Vec<i64> = out.iter().map(|(_, n, _)| (n.2 - n.3).max(0)).collect();
            let sum: i64 = lefts.iter().sum();
            let left = match lefts.len() {
                0 | 1 => sum,
                _ if sum > 10_000 => lefts.iter().copied().max().unwrap_or(0),
                _ => {
                    let (left,): (i64,) = sqlx::query_as(
                        "SELECT COUNT(*) FROM (SELECT DISTINCT m.contact_id FROM campaigns k \
                         JOIN campaign_contacts m ON m.workspace_id = k.workspace_id \
                         AND m.campaign_id = k.id JOIN contacts c ON c.workspace_id = m.workspace_id \
                         AND c.id = m.contact_id WHERE k.workspace_id = $1 AND k.stopped_at IS NULL \
                         AND (k.until_date IS NULL OR k.until_date >= $2) AND m.owner_id = $3 \
                         AND m.done_at IS NULL AND c.archived_at IS NULL) AS d",
                    )
                    .bind(ws.as_str())
                    .bind(today.to_string())
                    .bind(user.as_str())
                    .fetch_one(pool)
                    .await
                    .map_err(db_err)?;
                    left
                }
            };
            (out, left)
        });
        let (gathered, left) = gathered;
        let due = gathered
            .into_iter()
            .map(
                |(k, (contacts, done, mine_left, mine_archived, done_today), pending)| {
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
                        done_today: done_today.unsigned_abs(),
                        pending_total: (mine_left - mine_archived).max(0).unsigned_abs(),
                        contacts: contacts.unsigned_abs(),
                        done: done.unsigned_abs(),
                    })
                },
            )
            .collect::<StoreResult<Vec<_>>>()?;
        Ok((due, left.unsigned_abs()))
    }
}
