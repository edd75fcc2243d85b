//! Test databases: a fresh SQLite file per test, and a fresh PostgreSQL schema per test (so
//! tests run in parallel). The PostgreSQL URL comes from `RAPPORT_TEST_POSTGRES_URL`; without
//! it the PostgreSQL tests say so and skip, except under `CI=true`, where that is a failure.

#![allow(dead_code)]

use std::str::FromStr;

use rapport_store::Db;
use sqlx::postgres::PgConnectOptions;

/// A database for one test, removed when the test calls [`TestDb::finish`].
pub struct TestDb {
    pub db: Db,
    cleanup: Cleanup,
}

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

    /// `None` (after saying why) when no PostgreSQL is configured outside CI.
    pub async fn postgres() -> Option<TestDb> {
        let url = match std::env::var("RAPPORT_TEST_POSTGRES_URL") {
            Ok(u) if !u.is_empty() => u,
            _ => {
                if std::env::var("CI").is_ok_and(|v| v == "true") {
                    panic!(
                        "RAPPORT_TEST_POSTGRES_URL is unset under CI=true: PostgreSQL tests must run in CI"
                    );
                }
                eprintln!("skipping: RAPPORT_TEST_POSTGRES_URL is unset, PostgreSQL tests not run");
                return None;
            }
        };
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
        Some(TestDb {
            db,
            cleanup: Cleanup::Postgres { url, schema },
        })
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

fn uuid_like() -> String {
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

/// Declares each listed async test function (taking `&Db`) once per backend.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let t = $crate::harness::TestDb::sqlite().await;
                    super::$name(&t.db).await;
                    t.finish().await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let Some(t) = $crate::harness::TestDb::postgres().await else { return };
                    super::$name(&t.db).await;
                    t.finish().await;
                }
            )*
        }
    };
}
