//! Choosing and opening the database from a URL.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

use crate::migrate;
use crate::{Db, SqliteDb};

/// Where the data lives, parsed from `--db`/`RAPPORT_DB`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// An SQLite file.
    Sqlite(PathBuf),
    /// A PostgreSQL URL (`postgres://` or `postgresql://`), kept whole.
    Postgres(String),
}

/// Why the database could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// The URL names a database Rapport does not speak.
    #[error(
        "unsupported database URL scheme {0:?}: use sqlite:PATH (or a file path) or postgres://USER@HOST/DB"
    )]
    UnsupportedScheme(String),
    /// The SQLite file's folder could not be created.
    #[error("cannot create the folder {path} for the database: {source}")]
    CreateDir {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The SQLite file could not be created.
    #[error("cannot create the database file {path}: {source}")]
    CreateFile {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The driver refused or the server did not answer.
    #[error("cannot open the database: {0}")]
    Connect(#[source] sqlx::Error),
    /// Migrations failed.
    #[error(transparent)]
    Migrate(#[from] migrate::MigrateError),
}

impl FromStr for DatabaseUrl {
    type Err = OpenError;

    /// `postgres://…`, `postgresql://…`, `sqlite:PATH`, `sqlite://PATH`, or a plain path.
    fn from_str(s: &str) -> Result<Self, OpenError> {
        let s = s.trim();
        if s.starts_with("postgres://") || s.starts_with("postgresql://") {
            return Ok(Self::Postgres(s.to_owned()));
        }
        if let Some(rest) = s.strip_prefix("sqlite:") {
            let path = rest.strip_prefix("//").unwrap_or(rest);
            let path = path.split('?').next().unwrap_or(path);
            if path.is_empty() {
                return Err(OpenError::UnsupportedScheme("sqlite: with no file".into()));
            }
            return Ok(Self::Sqlite(PathBuf::from(path)));
        }
        // A scheme is letters/digits/+.- followed by ':'; a Windows drive letter is not one.
        if let Some((scheme, _)) = s.split_once(':')
            && scheme.len() > 1
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        {
            return Err(OpenError::UnsupportedScheme(scheme.to_owned()));
        }
        if s.is_empty() {
            return Err(OpenError::UnsupportedScheme(String::new()));
        }
        Ok(Self::Sqlite(PathBuf::from(s)))
    }
}

/// The default database file: `$XDG_DATA_HOME/rapport/rapport.db`, else
/// `~/.local/share/rapport/rapport.db`.
pub fn default_sqlite_path(xdg_data_home: Option<&str>, home: Option<&str>) -> Option<PathBuf> {
    let base = match xdg_data_home.filter(|d| Path::new(d).is_absolute()) {
        Some(d) => PathBuf::from(d),
        None => PathBuf::from(home.filter(|h| !h.is_empty())?).join(".local/share"),
    };
    Some(base.join("rapport").join("rapport.db"))
}

impl Db {
    /// Opens the database at `url` and brings its schema up to date.
    pub async fn open(url: &DatabaseUrl) -> Result<Db, OpenError> {
        match url {
            DatabaseUrl::Sqlite(path) => Self::open_sqlite(path).await,
            DatabaseUrl::Postgres(u) => {
                let opts = PgConnectOptions::from_str(u).map_err(OpenError::Connect)?;
                Self::open_postgres(opts).await
            }
        }
    }

    /// Opens (creating if needed) an SQLite file with the settings that matter for safety
    /// and concurrency, then migrates it.
    pub async fn open_sqlite(path: &Path) -> Result<Db, OpenError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| OpenError::CreateDir {
                path: dir.to_owned(),
                source,
            })?;
        }
        // A new database file is readable by its owner only (the book is private; SQLite
        // gives its -wal and -shm files the same mode).
        {
            use std::os::unix::fs::OpenOptionsExt;
            match std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(path)
            {
                Ok(_) => {}
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
                Err(source) => {
                    return Err(OpenError::CreateFile {
                        path: path.to_owned(),
                        source,
                    });
                }
            }
        }
        let opts = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10))
            .pragma("temp_store", "memory")
            // Checkpoint every ~40 MB of WAL rather than 4 MB: bulk loads rewrite hot index
            // pages far less often, and the WAL stays small enough for fast reads.
            .pragma("wal_autocheckpoint", "10000");
        // The writer's page cache is large (bulk loads rewrite hot index pages); the readers'
        // are modest, since the OS caches the file for all of them and a server's memory
        // stays small (4 readers × 8 MiB at most).
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(opts.clone().pragma(
                "cache_size",
                format!("-{}", crate::import::WRITER_CACHE_KIB),
            ))
            .await
            .map_err(OpenError::Connect)?;
        let reader = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(opts.pragma("cache_size", "-8192"))
            .await
            .map_err(OpenError::Connect)?;
        let db = Db::Sqlite(SqliteDb { reader, writer });
        migrate::run(&db).await?;
        Ok(db)
    }

    /// Connects to PostgreSQL with the given options, then migrates.
    pub async fn open_postgres(opts: PgConnectOptions) -> Result<Db, OpenError> {
        let pool = PgPoolOptions::new()
            .max_connections(8)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(opts)
            .await
            .map_err(OpenError::Connect)?;
        let db = Db::Postgres(pool);
        migrate::run(&db).await?;
        Ok(db)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_new_database_and_its_snapshots_are_private_to_their_owner() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("book.db");
        let db = Db::open_sqlite(&path).await.expect("open");
        let mode = |p: &Path| std::fs::metadata(p).expect("there").permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o600, "the book");
        let snap = dir.path().join("copy.db");
        db.snapshot_sqlite(&snap).await.expect("snapshot");
        assert_eq!(mode(&snap), 0o600, "its copy");
        assert!(
            db.snapshot_sqlite(&snap).await.is_err(),
            "never overwrites a file"
        );
        db.close().await;
        // An existing file keeps the mode its owner gave it.
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).expect("chmod");
        let again = Db::open_sqlite(&path).await.expect("reopen");
        assert_eq!(mode(&path), 0o640);
        again.close().await;
    }

    #[test]
    fn urls_pick_the_backend() {
        let p = |s: &str| s.parse::<DatabaseUrl>();
        assert_eq!(
            p("postgres://u@localhost/db").ok(),
            Some(DatabaseUrl::Postgres("postgres://u@localhost/db".into()))
        );
        assert!(matches!(
            p("postgresql://x/y"),
            Ok(DatabaseUrl::Postgres(_))
        ));
        assert_eq!(
            p("sqlite:/tmp/a.db").ok(),
            Some(DatabaseUrl::Sqlite("/tmp/a.db".into()))
        );
        assert_eq!(
            p("sqlite:///tmp/a.db").ok(),
            Some(DatabaseUrl::Sqlite("/tmp/a.db".into()))
        );
        assert_eq!(
            p("sqlite://rel.db?mode=rwc").ok(),
            Some(DatabaseUrl::Sqlite("rel.db".into()))
        );
        assert_eq!(
            p("./book.db").ok(),
            Some(DatabaseUrl::Sqlite("./book.db".into()))
        );
        let err = p("mysql://root@localhost/x").expect_err("unsupported");
        assert!(err.to_string().contains("\"mysql\""), "{err}");
        assert!(p("sqlite:").is_err());
        assert!(p("").is_err());
    }

    #[test]
    fn default_path_follows_xdg() {
        assert_eq!(
            default_sqlite_path(Some("/data"), Some("/home/ana")),
            Some(PathBuf::from("/data/rapport/rapport.db"))
        );
        assert_eq!(
            default_sqlite_path(None, Some("/home/ana")),
            Some(PathBuf::from("/home/ana/.local/share/rapport/rapport.db"))
        );
        // A relative XDG_DATA_HOME is invalid per the spec and ignored.
        assert_eq!(
            default_sqlite_path(Some("rel"), Some("/home/ana")),
            Some(PathBuf::from("/home/ana/.local/share/rapport/rapport.db"))
        );
        assert_eq!(default_sqlite_path(None, None), None);
    }
}
