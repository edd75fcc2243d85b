//! Benchmark books: made once by the real `rapport demo`, kept under target/bench-data (a
//! schema on PostgreSQL when `RAPPORT_BENCH_POSTGRES_URL` is set), and reused by later runs,
//! since `demo` resumes a complete book by writing nothing.

use std::path::PathBuf;
use std::process::Command;

/// The database URLs of the book `name`, one per backend, each holding `contacts` demo
/// contacts (seed 1, anchor 2026-11-25) made with the extra `demo` arguments.
pub fn books(name: &str, contacts: u64, demo_args: &[&str]) -> Vec<(&'static str, String)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/bench-data");
    std::fs::create_dir_all(&dir).expect("bench data folder");
    let sqlite = dir.join(format!("sqlite-{name}{contacts}.db"));
    let mut out = vec![("sqlite", sqlite.display().to_string())];
    match std::env::var("RAPPORT_BENCH_POSTGRES_URL") {
        Ok(base) => {
            let schema = format!("bench_{}{contacts}", name.replace('-', "_"));
            let rt = tokio::runtime::Runtime::new().expect("runtime");
            rt.block_on(async {
                let pool = sqlx::PgPool::connect(&base).await.expect("connect");
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "CREATE SCHEMA IF NOT EXISTS {schema}"
                )))
                .execute(&pool)
                .await
                .expect("schema");
                pool.close().await;
            });
            let sep = if base.contains('?') { '&' } else { '?' };
            out.push((
                "postgres",
                format!("{base}{sep}options=-c%20search_path%3D{schema}"),
            ));
        }
        Err(_) => eprintln!("RAPPORT_BENCH_POSTGRES_URL unset: PostgreSQL not benchmarked"),
    }
    for (_, url) in &out {
        eprintln!(
            "making sure {url} holds the {contacts}-contact demo book (slow the first time)…"
        );
        let status = Command::new(env!("CARGO_BIN_EXE_rapport"))
            .args([
                "--db",
                url,
                "demo",
                "--contacts",
                &contacts.to_string(),
                "--seed",
                "1",
            ])
            .args(["--anchor", "2026-11-25"])
            .args(demo_args)
            .status()
            .expect("run rapport demo");
        assert!(status.success(), "rapport demo failed");
    }
    out
}

/// A count from the environment, or the default.
pub fn size(var: &str, default: u64) -> u64 {
    std::env::var(var)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}
