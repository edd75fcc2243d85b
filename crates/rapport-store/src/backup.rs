//! Backups: an online snapshot of an SQLite database (`VACUUM INTO`).

use std::path::Path;

use rapport_core::StoreError;

use crate::{Db, db_err};

impl Db {
    /// Writes a consistent copy of the whole SQLite database to `to` while it stays in use
    /// (`VACUUM INTO`: compact, and readable by any SQLite). Refuses to overwrite a file, and
    /// on PostgreSQL (use `pg_dump` there, or the JSON backup).
    pub async fn snapshot_sqlite(&self, to: &Path) -> Result<(), StoreError> {
        let Db::Sqlite(s) = self else {
            return Err(StoreError::Conflict(
                "an SQLite snapshot needs an SQLite database: use the JSON backup, or pg_dump"
                    .into(),
            ));
        };
        if to.exists() {
            return Err(StoreError::Conflict(format!(
                "{} exists: a snapshot never overwrites a file",
                to.display()
            )));
        }
        let target = to
            .to_str()
            .ok_or_else(|| StoreError::Conflict(format!("{} is not a UTF-8 path", to.display())))?;
        sqlx::query("VACUUM INTO $1")
            .bind(target)
            .execute(&s.writer)
            .await
            .map_err(db_err)?;
        Ok(())
    }
}
