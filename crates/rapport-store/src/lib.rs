//! Rapport's storage: the core's Store traits on SQLite (embedded default) and PostgreSQL.
//!
//! One [`Db`] value holds either backend's pool; each store method is written once and
//! expanded for both backends by the `with_pool!`/`in_write_tx!` macros, so the SQL (portable,
//! `$n` placeholders) is shared and the row types are concrete for each driver.

mod accounts;
mod backup;
pub mod book;
mod campaigns;
mod cards;
mod contacts;
mod deals;
mod gestures;
mod import;
mod ledger;
mod mail;
mod mailboxes;
mod memory;
mod merge;
pub mod migrate;
mod open;
mod referrals;
mod rows;
mod suggestions;
mod today;
mod workspaces;

pub use backup::{BACKUP_FORMAT, BACKUP_VERSION, BackupLine};
pub use open::{DatabaseUrl, OpenError, default_sqlite_path};

use rapport_core::StoreError;
use sqlx::{PgPool, SqlitePool};

/// An open database: the backend is chosen from the URL at start-up.
#[derive(Clone, Debug)]
pub enum Db {
    /// An SQLite file (WAL, `synchronous=NORMAL`, foreign keys on, busy timeout).
    Sqlite(SqliteDb),
    /// A PostgreSQL server (or a Postgres-compatible database).
    Postgres(PgPool),
}

/// SQLite's pools: readers in parallel, and one writer. SQLite admits one writer at a time
/// anyway; giving writes their own connection keeps its page cache warm from one transaction
/// to the next (a WAL connection drops its cache whenever another connection has written),
/// which makes bulk loads several times faster.
#[derive(Clone, Debug)]
pub struct SqliteDb {
    /// Connections for reads outside write transactions.
    pub reader: SqlitePool,
    /// The single connection write transactions run on.
    pub writer: SqlitePool,
}

impl Db {
    /// Which backend this is, for messages and reports.
    pub fn backend(&self) -> &'static str {
        match self {
            Db::Sqlite(_) => "sqlite",
            Db::Postgres(_) => "postgres",
        }
    }

    /// Closes every connection (checkpointing SQLite's WAL).
    pub async fn close(&self) {
        match self {
            Db::Sqlite(p) => {
                p.reader.close().await;
                p.writer.close().await;
            }
            Db::Postgres(p) => p.close().await,
        }
    }

    /// Whether the database answers.
    pub async fn ping(&self) -> Result<(), StoreError> {
        with_pool!(self, |pool| {
            sqlx::query("SELECT 1")
                .execute(pool)
                .await
                .map_err(db_err)?;
        });
        Ok(())
    }
}

/// Expands `$body` once per backend with `$pool` bound to that backend's pool.
#[macro_export]
#[doc(hidden)]
macro_rules! with_pool {
    ($db:expr, |$pool:ident| $body:expr) => {
        match $db {
            $crate::Db::Sqlite(sqlite) => {
                let $pool = &sqlite.reader;
                $body
            }
            $crate::Db::Postgres($pool) => $body,
        }
    };
}

/// Runs `$body` in a write transaction, once per backend: `BEGIN IMMEDIATE` on SQLite (a
/// deferred BEGIN that reads then writes fails at once under contention), a plain `BEGIN`
/// on PostgreSQL. An early return (`?`) drops the transaction, which rolls it back.
#[macro_export]
#[doc(hidden)]
macro_rules! in_write_tx {
    ($db:expr, |$tx:ident| $body:expr) => {
        $crate::in_write_tx!($db, commit = true, |$tx| $body)
    };
    // With `commit` false, the transaction is rolled back once `$body` is done (a dry run).
    ($db:expr, commit = $commit:expr, |$tx:ident| $body:expr) => {
        match $db {
            $crate::Db::Sqlite(sqlite) => {
                let mut $tx = sqlite
                    .writer
                    .begin_with("BEGIN IMMEDIATE")
                    .await
                    .map_err($crate::db_err)?;
                let out = $body;
                if $commit {
                    $tx.commit().await.map_err($crate::db_err)?;
                } else {
                    $tx.rollback().await.map_err($crate::db_err)?;
                }
                out
            }
            $crate::Db::Postgres(pool) => {
                let mut $tx = pool.begin().await.map_err($crate::db_err)?;
                let out = $body;
                if $commit {
                    $tx.commit().await.map_err($crate::db_err)?;
                } else {
                    $tx.rollback().await.map_err($crate::db_err)?;
                }
                out
            }
        }
    };
}

/// Maps a driver error to the store's small error enum: unique violations are conflicts, a
/// missing parent (foreign key) is "not found", everything else is internal.
#[doc(hidden)]
pub fn db_err(e: sqlx::Error) -> StoreError {
    match &e {
        sqlx::Error::RowNotFound => StoreError::NotFound,
        // SQLITE_BUSY and SQLITE_LOCKED (with their extended codes), PostgreSQL's
        // serialization failure and deadlock: another writer won; nothing was written.
        // Logged: a busy answer that keeps coming back is worth an operator's look (a stuck
        // writer, or a database that is down for the pool).
        sqlx::Error::Database(d) if busy(d.as_ref()) => {
            eprintln!("rapport: the database is busy: {}", d.message());
            StoreError::Busy
        }
        sqlx::Error::PoolTimedOut => {
            eprintln!("rapport: no database connection came free in time");
            StoreError::Busy
        }
        sqlx::Error::Database(d) => match d.kind() {
            // The database's wording names tables and constraints: never shown to anyone.
            // Callers that know what the duplicate means say so in their own words.
            sqlx::error::ErrorKind::UniqueViolation => {
                StoreError::Conflict("that is already recorded".to_owned())
            }
            sqlx::error::ErrorKind::ForeignKeyViolation => StoreError::NotFound,
            _ => StoreError::Other(Box::new(e)),
        },
        _ => StoreError::Other(Box::new(e)),
    }
}

/// Whether the database refused because another writer held it: SQLite's BUSY or LOCKED
/// (primary code 5 or 6, whatever the extended code), PostgreSQL's serialization failure,
/// deadlock or lock timeout.
fn busy(d: &dyn sqlx::error::DatabaseError) -> bool {
    let Some(code) = d.code() else {
        return false;
    };
    if d.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some() {
        code.parse::<u32>().is_ok_and(|n| matches!(n & 0xff, 5 | 6))
    } else {
        matches!(code.as_ref(), "40001" | "40P01" | "55P03")
    }
}

/// An UPDATE meant for exactly one row of this workspace: none means it is not there.
pub(crate) fn one_row(rows_affected: u64) -> Result<(), StoreError> {
    if rows_affected == 0 {
        Err(StoreError::NotFound)
    } else {
        Ok(())
    }
}

/// A stored value that does not parse: the database holds something this version does not
/// understand.
pub(crate) fn corrupt(what: &str, value: impl std::fmt::Display) -> StoreError {
    StoreError::Other(format!("unreadable {what} in the database: {value}").into())
}
