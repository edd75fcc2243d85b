//! What every command needs: the open database, who is acting, and the clock.

use anyhow::Context as _;
use jiff::Timestamp;
use jiff::tz::TimeZone;
use rapport_core::dates::micro_precision;
use rapport_core::ports::WorkspaceStore;
use rapport_core::workspace::Actor;
use rapport_store::{DatabaseUrl, Db, default_sqlite_path};

/// The open database and the acting user, for one command.
#[derive(Debug)]
pub struct Context {
    pub db: Db,
    pub actor: Actor,
    /// The workspace's time zone: typed times without an offset are read in it.
    pub tz: TimeZone,
    /// Where the key that seals secrets (a mailbox's password) is kept, unless
    /// `RAPPORT_SECRET_KEY` gives it: beside the SQLite file, or in the data directory
    /// (PostgreSQL; none without a home: then the variable is needed).
    pub key_file: Option<std::path::PathBuf>,
}

impl Context {
    /// Opens the database named by `--db`/`RAPPORT_DB`, or the default SQLite file, and
    /// finds (on first use, creates) the default workspace and its owner.
    pub async fn open(db_flag: Option<&str>) -> anyhow::Result<Context> {
        let url = database_url(db_flag)?;
        let db = Db::open(&url).await.with_context(|| describe(&url))?;
        let key_dir = match &url {
            DatabaseUrl::Sqlite(path) => path.parent().map(std::path::Path::to_path_buf),
            DatabaseUrl::Postgres(_) => default_sqlite_path(
                std::env::var("XDG_DATA_HOME").ok().as_deref(),
                std::env::var("HOME").ok().as_deref(),
            )
            .and_then(|p| p.parent().map(std::path::Path::to_path_buf)),
        };
        let key_file = key_dir.map(|d| d.join("secret.key"));
        let system_tz = TimeZone::system();
        let tz_name = system_tz.iana_name().unwrap_or("UTC").to_owned();
        let owner = std::env::var("USER")
            .or_else(|_| std::env::var("LOGNAME"))
            .ok()
            .filter(|u| !u.trim().is_empty())
            .unwrap_or_else(|| "Owner".into());
        let actor = db
            .ensure_default_actor("My workspace", &owner, &tz_name, Self::now())
            .await
            .map_err(rapport_core::Error::from)?;
        let tz = TimeZone::get(&actor.workspace.time_zone).unwrap_or(system_tz);
        Ok(Context {
            db,
            actor,
            tz,
            key_file,
        })
    }

    /// The clock, read here at the edge and passed into the core.
    pub fn now() -> Timestamp {
        micro_precision(Timestamp::now())
    }
}

fn database_url(flag: Option<&str>) -> anyhow::Result<DatabaseUrl> {
    match flag.filter(|s| !s.trim().is_empty()) {
        Some(u) => Ok(u.parse()?),
        None => {
            let xdg = std::env::var("XDG_DATA_HOME").ok();
            let home = std::env::var("HOME").ok();
            let path = default_sqlite_path(xdg.as_deref(), home.as_deref()).context(
                "no database given and no home folder to keep one in: pass --db or set RAPPORT_DB",
            )?;
            Ok(DatabaseUrl::Sqlite(path))
        }
    }
}

fn describe(url: &DatabaseUrl) -> String {
    match url {
        DatabaseUrl::Sqlite(p) => format!("opening the SQLite database {}", p.display()),
        // Never print a password that may be in the URL.
        DatabaseUrl::Postgres(u) => {
            let shown = match (u.find("://"), u.rfind('@')) {
                (Some(s), Some(at)) if at > s => format!("{}://…@{}", &u[..s], &u[at + 1..]),
                _ => u.clone(),
            };
            format!("opening the PostgreSQL database {shown}")
        }
    }
}
