//! A database for one test: a fresh SQLite file, or a fresh PostgreSQL schema (so tests
//! run in parallel).

use std::str::FromStr;

use rapport_store::Db;
use sqlx::postgres::PgConnectOptions;

/// A database for one test, removed when the test calls [`TestDb::finish`].
#[derive(Debug)]
pub struct TestDb {
    pub db: Db,
    cleanup: Cleanup,
}

#[derive(Debug)]
enum Cleanup {
    Sqlite(tempfile::TempDir),
    Postgres { url: String, schema: String },
}

impl TestDb {
    pub async fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = Db::open_sqlite(&dir.path().join("test.db"))
            .await
            .expect("open sqlite");
        TestDb {
            db,
            cleanup: Cleanup::Sqlite(dir),
        }
    }

    /// A fresh schema of the PostgreSQL at `RAPPORT_TEST_POSTGRES_URL` (the tests that call
    /// this are ignored when it was not set at build time; see `on_both_backends!`).
    pub async fn postgres() -> TestDb {
        let url = std::env::var("RAPPORT_TEST_POSTGRES_URL")
            .ok()
            .filter(|u| !u.trim().is_empty())
            .expect("RAPPORT_TEST_POSTGRES_URL: set it when building and running the tests");
        let schema = format!("t_{}", uuid_like());
        let admin = sqlx::PgPool::connect(&url)
            .await
            .expect("connect to PostgreSQL");
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
            .execute(&admin)
            .await
            .expect("create schema");
        admin.close().await;
        let opts = PgConnectOptions::from_str(&url)
            .expect("postgres url")
            .options([("search_path", schema.as_str())]);
        let db = Db::open_postgres(opts).await.expect("open postgres");
        TestDb {
            db,
            cleanup: Cleanup::Postgres { url, schema },
        }
    }

    pub async fn finish(self) {
        self.db.close().await;
        match self.cleanup {
            Cleanup::Sqlite(dir) => drop(dir),
            Cleanup::Postgres { url, schema } => {
                if let Ok(admin) = sqlx::PgPool::connect(&url).await {
                    let _ =
                        sqlx::query(sqlx::AssertSqlSafe(format!("DROP SCHEMA {schema} CASCADE")))
                            .execute(&admin)
                            .await;
                    admin.close().await;
                }
            }
        }
    }
}

/// A name no other test (of this or another process) uses.
pub fn uuid_like() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!(
        "{}_{}_{}",
        std::process::id(),
        nanos,
        N.fetch_add(1, Ordering::Relaxed)
    )
}
