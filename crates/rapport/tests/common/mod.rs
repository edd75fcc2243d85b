//! Running the real `rapport` binary against a real database: an SQLite file, or a fresh
//! PostgreSQL schema when `RAPPORT_TEST_POSTGRES_URL` is set (required under `CI=true`).
//! Each test runs on both through `rapport_test_support::on_both_books!`.

#![allow(dead_code)]

use std::process::{Command, Output};

use serde_json::Value;

/// Where a test's data lives.
pub struct Book {
    pub url: String,
    pub dir: tempfile::TempDir,
    pg: Option<(String, String)>,
}

impl Book {
    pub fn sqlite() -> Book {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = dir.path().join("book.db").display().to_string();
        Book { url, dir, pg: None }
    }

    /// A fresh schema of the PostgreSQL at `RAPPORT_TEST_POSTGRES_URL` (tests that need one
    /// are ignored when it is not set; see `rapport_test_support::on_both_books!`).
    pub fn postgres() -> Book {
        let base = std::env::var("RAPPORT_TEST_POSTGRES_URL")
            .ok()
            .filter(|u| !u.trim().is_empty())
            .expect("RAPPORT_TEST_POSTGRES_URL: set it when building and running the tests");
        let schema = format!(
            "cli_{}_{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or(0)
        );
        psql(&base, &format!("CREATE SCHEMA {schema}"));
        let sep = if base.contains('?') { '&' } else { '?' };
        let url = format!("{base}{sep}options=-c%20search_path%3D{schema}");
        Book {
            url,
            dir: tempfile::tempdir().expect("temp dir"),
            pg: Some((base, schema)),
        }
    }

    pub fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_rapport"))
            .args(args)
            .env("RAPPORT_DB", &self.url)
            .env("HOME", self.dir.path())
            .env_remove("XDG_DATA_HOME")
            .output()
            .expect("run rapport")
    }

    /// Runs a command with more environment and, when given, `input` on its standard input.
    pub fn run_env(&self, args: &[&str], env: &[(&str, &str)], input: Option<&str>) -> Output {
        use std::io::Write as _;
        let mut child = Command::new(env!("CARGO_BIN_EXE_rapport"))
            .args(args)
            .env("RAPPORT_DB", &self.url)
            .env("HOME", self.dir.path())
            .env_remove("XDG_DATA_HOME")
            .envs(env.iter().copied())
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("run rapport");
        if let Some(mut stdin) = child.stdin.take() {
            stdin
                .write_all(input.unwrap_or("").as_bytes())
                .expect("write stdin");
        }
        child.wait_with_output().expect("wait for rapport")
    }

    /// Runs a command with `input` on its standard input.
    pub fn run_with_stdin(&self, args: &[&str], input: &str) -> Output {
        use std::io::Write as _;
        let mut child = Command::new(env!("CARGO_BIN_EXE_rapport"))
            .args(args)
            .env("RAPPORT_DB", &self.url)
            .env("HOME", self.dir.path())
            .env_remove("XDG_DATA_HOME")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("run rapport");
        if let Some(mut stdin) = child.stdin.take() {
            stdin.write_all(input.as_bytes()).expect("write stdin");
        }
        child.wait_with_output().expect("wait for rapport")
    }

    /// Runs a command that must succeed; returns its stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "rapport {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("utf-8 stdout")
    }

    /// Runs a read command with --json; stdout must be JSON and nothing else.
    pub fn json(&self, args: &[&str]) -> Value {
        let mut all = args.to_vec();
        all.push("--json");
        let out = self.ok(&all);
        serde_json::from_str(&out)
            .unwrap_or_else(|e| panic!("stdout of {args:?} is not JSON ({e}): {out}"))
    }

    /// Runs a command that must fail with `code`, print an error on stderr and nothing on
    /// stdout; returns stderr.
    pub fn fails(&self, args: &[&str], code: i32) -> String {
        let out = self.run(args);
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(out.status.code(), Some(code), "rapport {args:?}: {stderr}");
        assert!(
            out.stdout.is_empty(),
            "nothing on stdout for a failure: {args:?}"
        );
        assert!(stderr.starts_with("error: "), "{stderr}");
        stderr
    }

    pub fn names(&self, args: &[&str]) -> Vec<String> {
        let mut all = vec!["contact", "list"];
        all.extend_from_slice(args);
        self.json(&all)
            .as_array()
            .expect("a list")
            .iter()
            .map(|c| c["name"].as_str().expect("name").to_owned())
            .collect()
    }
}

impl Drop for Book {
    fn drop(&mut self) {
        if let Some((base, schema)) = &self.pg {
            psql(base, &format!("DROP SCHEMA IF EXISTS {schema} CASCADE"));
        }
    }
}

pub fn psql(url: &str, sql: &str) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let pool = sqlx::PgPool::connect(url)
            .await
            .expect("connect to PostgreSQL");
        sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()))
            .execute(&pool)
            .await
            .expect("admin statement");
        pool.close().await;
    });
}
