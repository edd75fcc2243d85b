//! Bulk loads of whole books (`rapport demo`, benchmark books) on SQLite, without statement
//! journals.
//!
//! A multi-row INSERT that may stop half-way makes SQLite keep a statement journal: a copy
//! of every page the statement changes, so that just that statement can be undone. On a
//! bulk load that is 18% of the time. None is needed when any failure rolls the whole
//! transaction back (`INSERT OR ROLLBACK`) and no foreign key is checked row by row. So a
//! batch is written on the writer connection with foreign key checks off, after
//! [`check_references`] has checked, in the same transaction, every reference those keys
//! would have checked; the checks are back on before the connection serves anything else.

use std::collections::HashSet;

use rapport_core::StoreError;
use rapport_core::ids::WorkspaceId;
use rapport_core::ports::{Batch, StoreResult};
use sqlx::{QueryBuilder, Sqlite, SqliteConnection};

use crate::contacts::CHUNK;
use crate::db_err;
use crate::rows::push_list;

/// The foreign keys of the tables a batch writes, as (table, referenced table, columns),
/// each checked by [`check_references`] or by the shape of [`Batch`]. A test compares this
/// list with the schema, so a new foreign key cannot go unchecked.
pub const BOOK_FOREIGN_KEYS: &[(&str, &str, &str)] = &[
    ("contacts", "memberships", "workspace_id,owner_id"),
    ("contacts", "workspaces", "workspace_id"),
    ("contact_attributes", "contacts", "workspace_id,contact_id"),
    ("facts", "contacts", "workspace_id,contact_id"),
    ("interactions", "contacts", "workspace_id,contact_id"),
    ("commitments", "commitments", "workspace_id,predecessor_id"),
    (
        "commitments",
        "interactions",
        "workspace_id,contact_id,source_interaction_id",
    ),
    ("commitments", "memberships", "workspace_id,owner_id"),
    ("commitments", "contacts", "workspace_id,contact_id"),
    ("deals", "memberships", "workspace_id,owner_id"),
    ("deals", "contacts", "workspace_id,contact_id"),
    // A deal's lines come with it (`Batch::deals` pairs them).
    ("deal_terms", "deals", "workspace_id,deal_id"),
    ("gestures", "memberships", "workspace_id,given_by"),
    ("gestures", "contacts", "workspace_id,contact_id"),
    ("referrals", "contacts", "workspace_id,referrer_id"),
    ("referrals", "contacts", "workspace_id,referred_id"),
];

/// The writer connection with foreign key checks off. `restore` turns them back on; a
/// connection dropped before that (an error, or a cancelled load) is closed instead of
/// going back to the pool, which opens a new one with the checks on.
pub(crate) struct ForeignKeysOff {
    conn: sqlx::pool::PoolConnection<Sqlite>,
    restored: bool,
}

impl ForeignKeysOff {
    pub(crate) async fn acquire(pool: &sqlx::SqlitePool) -> StoreResult<Self> {
        // Wrapped before anything can fail, so that a failure closes the connection.
        let mut off = ForeignKeysOff {
            conn: pool.acquire().await.map_err(db_err)?,
            restored: false,
        };
        sqlx::query("PRAGMA foreign_keys = OFF")
            .execute(&mut *off.conn)
            .await
            .map_err(db_err)?;
        Ok(off)
    }

    /// Sets the connection's page cache, in KiB.
    pub(crate) async fn cache_size(&mut self, kib: i64) -> StoreResult<()> {
        sqlx::query(sqlx::AssertSqlSafe(format!("PRAGMA cache_size = -{kib}")))
            .execute(&mut *self.conn)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    pub(crate) fn connection(&mut self) -> &mut SqliteConnection {
        &mut self.conn
    }

    pub(crate) async fn restore(mut self) -> StoreResult<()> {
        sqlx::query("PRAGMA foreign_keys = ON")
            .execute(&mut *self.conn)
            .await
            .map_err(db_err)?;
        self.restored = true;
        Ok(())
    }
}

impl Drop for ForeignKeysOff {
    fn drop(&mut self) {
        if !self.restored {
            self.conn.close_on_drop();
        }
    }
}

/// Of `keys`, those that are a `column` of `table` in workspace `ws`, looked up a chunk at
/// a time.
async fn found(
    conn: &mut SqliteConnection,
    (table, column): (&str, &str),
    ws: &WorkspaceId,
    keys: &[&str],
) -> StoreResult<HashSet<String>> {
    let mut out = HashSet::new();
    for chunk in keys.chunks(CHUNK) {
        let mut qb = QueryBuilder::<Sqlite>::new(format!(
            "SELECT {column} FROM {table} WHERE workspace_id = "
        ));
        qb.push_bind(ws.as_str());
        qb.push(format!(" AND {column} IN "));
        push_list(&mut qb, chunk.iter().copied());
        let rows: Vec<(String,)> = qb
            .build_query_as()
            .fetch_all(&mut *conn)
            .await
            .map_err(db_err)?;
        out.extend(rows.into_iter().map(|(k,)| k));
    }
    Ok(out)
}

/// Everything `batch` refers to outside itself must be in workspace `ws` (read in the
/// batch's transaction): its owners and givers members, the contacts its rows hang on, the
/// interactions its promises came from (of the same contact) and the promises they follow.
/// `NotFound`, as a foreign key violation would be, when one is not.
pub(crate) async fn check_references(
    conn: &mut SqliteConnection,
    ws: &WorkspaceId,
    batch: &Batch,
) -> StoreResult<()> {
    // Members (a membership also means the workspace exists).
    let mut users: Vec<&str> = batch
        .contacts
        .iter()
        .map(|c| c.owner_id.as_str())
        .chain(batch.commitments.iter().map(|c| c.owner_id.as_str()))
        .chain(batch.deals.iter().map(|(d, _)| d.owner_id.as_str()))
        .chain(batch.gestures.iter().map(|g| g.given_by.as_str()))
        .collect();
    users.sort_unstable();
    users.dedup();
    let members = found(conn, ("memberships", "user_id"), ws, &users).await?;
    if users.iter().any(|u| !members.contains(*u)) {
        return Err(StoreError::NotFound);
    }

    // Contacts: the batch's own, else stored ones.
    let own: HashSet<&str> = batch.contacts.iter().map(|c| c.id.as_str()).collect();
    let mut outside: Vec<&str> = batch
        .facts
        .iter()
        .map(|f| f.contact_id.as_str())
        .chain(batch.interactions.iter().map(|i| i.contact_id.as_str()))
        .chain(batch.commitments.iter().map(|c| c.contact_id.as_str()))
        .chain(batch.deals.iter().map(|(d, _)| d.contact_id.as_str()))
        .chain(batch.gestures.iter().map(|g| g.contact_id.as_str()))
        .chain(
            batch
                .referrals
                .iter()
                .flat_map(|(from, to, _)| [from.as_str(), to.as_str()]),
        )
        .filter(|id| !own.contains(id))
        .collect();
    outside.sort_unstable();
    outside.dedup();
    let stored = found(conn, ("contacts", "id"), ws, &outside).await?;
    if outside.len() != stored.len() {
        return Err(StoreError::NotFound);
    }

    // The interaction a promise came from, of the same contact.
    let batch_interactions: std::collections::HashMap<&str, &str> = batch
        .interactions
        .iter()
        .map(|i| (i.id.as_str(), i.contact_id.as_str()))
        .collect();
    let mut sources: Vec<(&str, &str)> = Vec::new();
    for c in &batch.commitments {
        if let Some(source) = &c.source_interaction_id {
            match batch_interactions.get(source.as_str()) {
                Some(contact) if *contact == c.contact_id.as_str() => {}
                Some(_) => return Err(StoreError::NotFound),
                None => sources.push((source.as_str(), c.contact_id.as_str())),
            }
        }
    }
    if !sources.is_empty() {
        let ids: Vec<&str> = sources.iter().map(|(i, _)| *i).collect();
        let mut of: std::collections::HashMap<String, String> = std::collections::HashMap::new();
        for chunk in ids.chunks(CHUNK) {
            let mut qb = QueryBuilder::<Sqlite>::new(
                "SELECT id, contact_id FROM interactions WHERE workspace_id = ",
            );
            qb.push_bind(ws.as_str()).push(" AND id IN ");
            push_list(&mut qb, chunk.iter().copied());
            let rows: Vec<(String, String)> = qb
                .build_query_as()
                .fetch_all(&mut *conn)
                .await
                .map_err(db_err)?;
            of.extend(rows);
        }
        if sources
            .iter()
            .any(|(i, contact)| of.get(*i).map(String::as_str) != Some(*contact))
        {
            return Err(StoreError::NotFound);
        }
    }

    // The promise a promise follows.
    let batch_commitments: HashSet<&str> =
        batch.commitments.iter().map(|c| c.id.as_str()).collect();
    let mut earlier: Vec<&str> = batch
        .commitments
        .iter()
        .filter_map(|c| c.predecessor_id.as_ref().map(|p| p.as_str()))
        .filter(|p| !batch_commitments.contains(p))
        .collect();
    earlier.sort_unstable();
    earlier.dedup();
    let stored = found(conn, ("commitments", "id"), ws, &earlier).await?;
    if earlier.len() != stored.len() {
        return Err(StoreError::NotFound);
    }
    Ok(())
}
