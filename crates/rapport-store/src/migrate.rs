//! Embedded migrations, one folder per backend with the same file names.
//!
//! Each migration runs in its own transaction that first claims its version row in
//! `rapport_migrations`: when two servers start at once on PostgreSQL, the second blocks on
//! the first's uncommitted claim, then finds it taken and skips; on SQLite `BEGIN IMMEDIATE`
//! serialises them. No advisory locks, which some Postgres-compatible databases lack. A
//! migration that shipped must never change: its checksum is recorded and checked.

use sqlx::AssertSqlSafe;

use crate::{Db, with_pool};

/// One schema change.
#[derive(Debug)]
pub struct Migration {
    pub version: i64,
    pub name: &'static str,
    pub sql: &'static str,
}

macro_rules! migrations {
    ($dir:literal: $($version:literal => $name:literal),* $(,)?) => {
        &[$(Migration {
            version: $version,
            name: $name,
            sql: include_str!(concat!("../migrations/", $dir, "/", $name, ".sql")),
        }),*]
    };
}

/// SQLite's migrations, in order.
pub const SQLITE: &[Migration] = migrations!("sqlite": 1 => "0001_foundation", 2 => "0002_ledger",
    3 => "0003_keep_in_touch",
    4 => "0004_deals",
    5 => "0005_referrals",
    6 => "0006_appreciation",
    7 => "0007_accounts",
    8 => "0008_handoff",
    9 => "0009_touch_rules",
    10 => "0010_invites",
    11 => "0011_feeds",
    12 => "0012_digests",
    13 => "0013_phone_keys",
    14 => "0014_login_attempts",
    15 => "0015_deals_by_stage",
    16 => "0016_deals_board_order",
    17 => "0017_deal_stage_totals",
    18 => "0018_mail_messages",
    19 => "0019_my_addresses",
    20 => "0020_suggestions",
    21 => "0021_mailboxes",
    22 => "0022_cards",
    23 => "0023_merged",
    24 => "0024_deal_values",
    25 => "0025_request_answers",
    26 => "0026_request_answers_filled",
    27 => "0027_candour",
    28 => "0028_met",
    29 => "0029_gift_ideas",
    30 => "0030_outcomes",
    31 => "0031_topics",
    32 => "0032_campaigns",
    33 => "0033_today_counts"
);
/// PostgreSQL's migrations, in order (the same names as SQLite's).
pub const POSTGRES: &[Migration] = migrations!("postgres": 1 => "0001_foundation", 2 => "0002_ledger",
    3 => "0003_keep_in_touch",
    4 => "0004_deals",
    5 => "0005_referrals",
    6 => "0006_appreciation",
    7 => "0007_accounts",
    8 => "0008_handoff",
    9 => "0009_touch_rules",
    10 => "0010_invites",
    11 => "0011_feeds",
    12 => "0012_digests",
    13 => "0013_phone_keys",
    14 => "0014_login_attempts",
    15 => "0015_deals_by_stage",
    16 => "0016_deals_board_order",
    17 => "0017_deal_stage_totals",
    18 => "0018_mail_messages",
    19 => "0019_my_addresses",
    20 => "0020_suggestions",
    21 => "0021_mailboxes",
    22 => "0022_cards",
    23 => "0023_merged",
    24 => "0024_deal_values",
    25 => "0025_request_answers",
    26 => "0026_request_answers_filled",
    27 => "0027_candour",
    28 => "0028_met",
    29 => "0029_gift_ideas",
    30 => "0030_outcomes",
    31 => "0031_topics",
    32 => "0032_campaigns",
    33 => "0033_today_counts"
);

/// Migrations that recompute stored keys from the values (rather than change the schema):
/// a restore of a backup taken before one runs it again on the restored rows.
const REKEYING: &[i64] = &[13, 26, 27];

/// The key-rewriting migrations a backup taken at `schema` predates, as one SQL text.
pub(crate) fn rekeying_since(db: &Db, schema: i64) -> Option<String> {
    let list = match db {
        Db::Sqlite(_) => SQLITE,
        Db::Postgres(_) => POSTGRES,
    };
    let sql: Vec<&str> = list
        .iter()
        .filter(|m| m.version > schema && REKEYING.contains(&m.version))
        .map(|m| m.sql)
        .collect();
    (!sql.is_empty()).then(|| sql.join("\n"))
}

/// Why the schema could not be brought up to date.
#[derive(Debug, thiserror::Error)]
pub enum MigrateError {
    #[error("migration {version} ({name}) failed: {source}")]
    Failed {
        version: i64,
        name: &'static str,
        source: sqlx::Error,
    },
    #[error(
        "migration {version} ({name}) in the database differs from this build's; a shipped migration must never be edited"
    )]
    Edited { version: i64, name: &'static str },
    #[error(
        "the database has schema version {found}, newer than this build knows ({known}); upgrade Rapport"
    )]
    TooNew { found: i64, known: i64 },
    #[error("cannot read or record the schema version: {0}")]
    Bookkeeping(#[source] sqlx::Error),
}

/// FNV-1a, 64 bits: a stable fingerprint of a migration's text (not a security measure).
fn checksum(sql: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in sql.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{h:016x}")
}

const CREATE_TABLE: &str = "CREATE TABLE IF NOT EXISTS rapport_migrations (
    version    BIGINT PRIMARY KEY,
    name       TEXT NOT NULL,
    checksum   TEXT NOT NULL,
    applied_at BIGINT NOT NULL
)";

/// Brings the schema up to date. Safe to run from several processes at once.
pub async fn run(db: &Db) -> Result<(), MigrateError> {
    let list = match db {
        Db::Sqlite(_) => SQLITE,
        Db::Postgres(_) => POSTGRES,
    };
    // Two concurrent CREATE TABLE IF NOT EXISTS can collide on PostgreSQL's catalog; the
    // loser's retry then sees the table.
    let mut created = Ok(());
    for _ in 0..3 {
        created = with_pool!(db, |pool| sqlx::query(CREATE_TABLE)
            .execute(pool)
            .await
            .map(|_| ()));
        if created.is_ok() {
            break;
        }
    }
    created.map_err(MigrateError::Bookkeeping)?;

    let applied: Vec<(i64, String)> = with_pool!(db, |pool| {
        sqlx::query_as("SELECT version, checksum FROM rapport_migrations ORDER BY version")
            .fetch_all(pool)
            .await
    })
    .map_err(MigrateError::Bookkeeping)?;
    let known = list.last().map_or(0, |m| m.version);
    if let Some((found, _)) = applied.iter().find(|(v, _)| *v > known) {
        return Err(MigrateError::TooNew {
            found: *found,
            known,
        });
    }
    for m in list {
        if let Some((_, sum)) = applied.iter().find(|(v, _)| *v == m.version) {
            if *sum != checksum(m.sql) {
                return Err(MigrateError::Edited {
                    version: m.version,
                    name: m.name,
                });
            }
            continue;
        }
        apply(db, m).await?;
    }
    Ok(())
}

async fn apply(db: &Db, m: &Migration) -> Result<(), MigrateError> {
    let failed = |source| MigrateError::Failed {
        version: m.version,
        name: m.name,
        source,
    };
    let now = jiff::Timestamp::now().as_microsecond();
    let claim = "INSERT INTO rapport_migrations (version, name, checksum, applied_at)
                 VALUES ($1, $2, $3, $4) ON CONFLICT (version) DO NOTHING";
    macro_rules! apply_in {
        ($tx:ident) => {{
            let claimed = sqlx::query(claim)
                .bind(m.version)
                .bind(m.name)
                .bind(checksum(m.sql))
                .bind(now)
                .execute(&mut *$tx)
                .await
                .map_err(failed)?
                .rows_affected();
            if claimed == 1 {
                sqlx::raw_sql(AssertSqlSafe(m.sql))
                    .execute(&mut *$tx)
                    .await
                    .map_err(failed)?;
            }
            $tx.commit().await.map_err(failed)?;
        }};
    }
    match db {
        Db::Sqlite(sqlite) => {
            let mut tx = sqlite
                .writer
                .begin_with("BEGIN IMMEDIATE")
                .await
                .map_err(failed)?;
            apply_in!(tx)
        }
        Db::Postgres(pool) => {
            let mut tx = pool.begin().await.map_err(failed)?;
            apply_in!(tx)
        }
    }
    Ok(())
}

/// The schema version the database is at (the last migration applied).
pub async fn current_version(db: &Db) -> Result<i64, rapport_core::StoreError> {
    let v: Option<i64> = with_pool!(db, |pool| {
        sqlx::query_scalar("SELECT MAX(version) FROM rapport_migrations")
            .fetch_one(pool)
            .await
            .map_err(crate::db_err)?
    });
    Ok(v.unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_backends_have_the_same_migrations() {
        let names = |l: &[Migration]| l.iter().map(|m| (m.version, m.name)).collect::<Vec<_>>();
        assert_eq!(names(SQLITE), names(POSTGRES));
        for (i, m) in SQLITE.iter().enumerate() {
            assert_eq!(m.version, i as i64 + 1, "versions are consecutive");
        }
    }

    #[test]
    fn checksums_are_stable_and_tell_edits_apart() {
        assert_eq!(checksum(""), "cbf29ce484222325");
        assert_ne!(
            checksum("CREATE TABLE a (x INT);"),
            checksum("CREATE TABLE a (x BIGINT);")
        );
    }
}
