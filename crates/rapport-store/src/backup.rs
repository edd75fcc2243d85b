//! Backups: an online snapshot of an SQLite database (`VACUUM INTO`).

use std::path::Path;

use rapport_core::StoreError;

use crate::{Db, db_err, in_write_tx};

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
        // Made empty and private first (VACUUM INTO fills an empty file): a copy of the book
        // is as private as the book.
        {
            use std::os::unix::fs::OpenOptionsExt;
            std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(to)
                .map_err(|e| {
                    StoreError::Conflict(format!("cannot create {}: {e}", to.display()))
                })?;
        }
        let done = sqlx::query("VACUUM INTO $1")
            .bind(target)
            .execute(&s.writer)
            .await;
        if let Err(e) = done {
            // Nothing half-made is left behind.
            let _ = std::fs::remove_file(to);
            return Err(db_err(e));
        }
        Ok(())
    }
}

/// Columns a backup leaves out because the database derives them: the card numbers its
/// triggers keep, and their numbering (a restore numbers the cards afresh, in a new one).
const DERIVED: &[&str] = &["card_seq", "card_epoch"];

/// The tables of a workspace backup, in the order a restore writes them (parents first):
/// the table, the condition picking the workspace's rows (`$1`: its id), and the order that
/// makes a backup repeatable. Sessions, login failures and set-up tokens are left out: they
/// are about this server's present, not the workspace's record.
const TABLES: &[(&str, &str, &str)] = &[
    ("workspaces", "id = $1", "id"),
    (
        "users",
        "id IN (SELECT user_id FROM memberships WHERE workspace_id = $1)",
        "id",
    ),
    ("memberships", "workspace_id = $1", "user_id"),
    (
        "user_addresses",
        "user_id IN (SELECT user_id FROM memberships WHERE workspace_id = $1)",
        "user_id, address",
    ),
    // A member's mailbox (its password stays sealed: a restore elsewhere needs the key too).
    ("mailboxes", "workspace_id = $1", "user_id"),
    ("mailbox_folders", "workspace_id = $1", "user_id, folder"),
    ("contacts", "workspace_id = $1", "id"),
    (
        "contact_attributes",
        "workspace_id = $1",
        "contact_id, kind, position",
    ),
    ("facts", "workspace_id = $1", "contact_id, id"),
    ("interactions", "workspace_id = $1", "contact_id, id"),
    // Which mail was logged: without it, importing the same mail after a restore would
    // log it again.
    (
        "mail_messages",
        "workspace_id = $1",
        "message_key, contact_id",
    ),
    ("commitments", "workspace_id = $1", "created_at, id"),
    (
        "commitment_history",
        "workspace_id = $1",
        "commitment_id, seq",
    ),
    // Promises found in mail and on offer, or decided (an accepted one names its commitment).
    ("suggestions", "workspace_id = $1", "id"),
    ("requests", "workspace_id = $1", "id"),
    ("trust_scores", "workspace_id = $1", "contact_id, direction"),
    ("deals", "workspace_id = $1", "id"),
    ("deal_terms", "workspace_id = $1", "deal_id, seq"),
    ("referrals", "workspace_id = $1", "referred_id"),
    ("gestures", "workspace_id = $1", "id"),
    ("appreciation_rules", "workspace_id = $1", "audience"),
    ("appreciation_budgets", "workspace_id = $1", "year"),
    ("gift_ideas", "workspace_id = $1", "interest, idea_folded"),
    ("campaigns", "workspace_id = $1", "created_at, id"),
    (
        "campaign_contacts",
        "workspace_id = $1",
        "campaign_id, position",
    ),
    ("api_tokens", "workspace_id = $1", "id"),
    ("feed_tokens", "workspace_id = $1", "token_hash"),
    ("invites", "workspace_id = $1", "token_hash"),
];

/// Columns written after all of a table's rows (they point at rows of the same table).
const DEFERRED: &[(&str, &str)] = &[("commitments", "predecessor_id")];

/// What the first line of a backup says.
pub const BACKUP_FORMAT: &str = "rapport-backup";
pub const BACKUP_VERSION: u32 = 1;

/// One line of a backup: a header, a table's columns, or one of its rows.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(untagged)]
pub enum BackupLine {
    Header {
        format: String,
        version: u32,
        /// The schema version (migrations) it was taken at.
        schema: i64,
        workspace: String,
    },
    Columns {
        table: String,
        columns: Vec<String>,
    },
    Row {
        table: String,
        row: Vec<serde_json::Value>,
    },
}

fn sqlite_value(row: &sqlx::sqlite::SqliteRow, i: usize) -> Result<serde_json::Value, sqlx::Error> {
    use sqlx::{Row, TypeInfo, ValueRef};
    let raw = row.try_get_raw(i)?;
    if raw.is_null() {
        return Ok(serde_json::Value::Null);
    }
    let kind = raw.type_info().name().to_owned();
    Ok(match kind.as_str() {
        "INTEGER" => row.try_get::<i64, _>(i)?.into(),
        "REAL" => serde_json::Number::from_f64(row.try_get::<f64, _>(i)?)
            .map_or(serde_json::Value::Null, serde_json::Value::Number),
        _ => row.try_get::<String, _>(i)?.into(),
    })
}

fn postgres_value(row: &sqlx::postgres::PgRow, i: usize) -> Result<serde_json::Value, sqlx::Error> {
    use sqlx::{Column, Row, TypeInfo, ValueRef};
    if row.try_get_raw(i)?.is_null() {
        return Ok(serde_json::Value::Null);
    }
    let kind = row.columns()[i].type_info().name().to_owned();
    Ok(match kind.as_str() {
        "INT8" => row.try_get::<i64, _>(i)?.into(),
        "INT4" => i64::from(row.try_get::<i32, _>(i)?).into(),
        "INT2" => i64::from(row.try_get::<i16, _>(i)?).into(),
        // Booleans as SQLite keeps them, so both backends' backups read the same.
        "BOOL" => i64::from(row.try_get::<bool, _>(i)?).into(),
        "FLOAT8" | "FLOAT4" => serde_json::Number::from_f64(row.try_get::<f64, _>(i)?)
            .map_or(serde_json::Value::Null, serde_json::Value::Number),
        _ => row.try_get::<String, _>(i)?.into(),
    })
}

/// A value as text for a statement that casts it to its column's type.
fn as_text(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::Null => None,
        serde_json::Value::Bool(b) => Some(if *b { "1" } else { "0" }.to_owned()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        serde_json::Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

impl Db {
    /// Writes a workspace's backup, line by line, with `out` (each line one JSON value):
    /// a header, then each table's columns and rows, in restore order. Rows are streamed
    /// from the database, so memory does not grow with the workspace.
    pub async fn backup_workspace<F>(
        &self,
        ws: &rapport_core::ids::WorkspaceId,
        mut out: F,
    ) -> Result<u64, StoreError>
    where
        F: FnMut(&BackupLine) -> Result<(), StoreError> + Send,
    {
        use futures_util::TryStreamExt;
        use sqlx::{Column, Row};
        let schema = crate::migrate::current_version(self).await?;
        out(&BackupLine::Header {
            format: BACKUP_FORMAT.into(),
            version: BACKUP_VERSION,
            schema,
            workspace: ws.to_string(),
        })?;
        let mut rows = 0u64;
        for (table, cond, order) in TABLES {
            let sql = format!("SELECT * FROM {table} WHERE {cond} ORDER BY {order}");
            let mut columns_sent = false;
            macro_rules! dump {
                ($pool:expr, $value:ident) => {{
                    let mut stream = sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
                        .bind(ws.as_str())
                        .fetch($pool);
                    while let Some(r) = stream.try_next().await.map_err(db_err)? {
                        let kept: Vec<usize> = (0..r.len())
                            .filter(|i| !DERIVED.contains(&r.columns()[*i].name()))
                            .collect();
                        if !columns_sent {
                            let columns = kept
                                .iter()
                                .map(|i| r.columns()[*i].name().to_owned())
                                .collect();
                            out(&BackupLine::Columns {
                                table: (*table).to_owned(),
                                columns,
                            })?;
                            columns_sent = true;
                        }
                        let row = kept
                            .iter()
                            .map(|i| $value(&r, *i))
                            .collect::<Result<Vec<_>, _>>()
                            .map_err(db_err)?;
                        out(&BackupLine::Row {
                            table: (*table).to_owned(),
                            row,
                        })?;
                        rows += 1;
                    }
                }};
            }
            match self {
                Db::Sqlite(s) => dump!(&s.reader, sqlite_value),
                Db::Postgres(p) => dump!(p, postgres_value),
            }
        }
        Ok(rows)
    }

    /// Restores a backup into this database in one transaction, as `next` yields its lines
    /// (all or nothing). The database must be empty: nothing but the untouched workspace
    /// and owner made on first use, which the restore replaces. Returns the rows written.
    pub async fn restore_workspace<F>(&self, mut next: F) -> Result<u64, StoreError>
    where
        F: FnMut() -> Option<Result<BackupLine, StoreError>> + Send,
    {
        let bad = |m: String| StoreError::Conflict(m);
        let header = next().ok_or_else(|| bad("the backup is empty".into()))??;
        let BackupLine::Header {
            format,
            version,
            schema,
            ..
        } = header
        else {
            return Err(bad(
                "not a Rapport backup: the first line is not its header".into(),
            ));
        };
        if format != BACKUP_FORMAT || version > BACKUP_VERSION {
            return Err(bad(format!(
                "not a backup this Rapport reads ({format} {version})"
            )));
        }
        let known = crate::migrate::current_version(self).await?;
        if schema > known {
            return Err(bad(format!(
                "the backup comes from a newer Rapport (schema {schema}; this one knows {known})"
            )));
        }
        let types = self.column_types().await?;
        // SQLite takes values typed (its own text-to-real conversion is not exact to the last
        // bit); PostgreSQL takes text, cast by the statement to each column's type.
        let typed = matches!(self, Db::Sqlite(_));
        let written = in_write_tx!(self, |tx| {
            // Only an empty database: at most the first-use workspace, with nothing in it.
            let contacts: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM contacts")
                .fetch_one(&mut *tx)
                .await
                .map_err(db_err)?;
            let workspaces: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM workspaces")
                .fetch_one(&mut *tx)
                .await
                .map_err(db_err)?;
            let users: i64 =
                sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE password_hash IS NOT NULL")
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(db_err)?;
            if contacts > 0 || workspaces > 1 || users > 0 {
                return Err(bad(
                    "restore needs an empty database (this one holds a workspace in use)".into(),
                ));
            }
            for stmt in [
                "DELETE FROM api_tokens",
                "DELETE FROM feed_tokens",
                "DELETE FROM invites",
                "DELETE FROM sessions",
                "DELETE FROM appreciation_rules",
                "DELETE FROM appreciation_budgets",
                "DELETE FROM gift_ideas",
                "DELETE FROM memberships",
                "DELETE FROM mailbox_folders",
                "DELETE FROM mailboxes",
                "DELETE FROM user_addresses",
                "DELETE FROM users",
                "DELETE FROM workspaces",
            ] {
                sqlx::query(stmt).execute(&mut *tx).await.map_err(db_err)?;
            }
            let mut columns: Vec<String> = Vec::new();
            let mut table = String::new();
            let mut insert = String::new();
            let mut deferred: Vec<(String, String, String)> = Vec::new();
            let mut written = 0u64;
            while let Some(line) = next() {
                match line? {
                    BackupLine::Header { .. } => {
                        return Err(bad("a second header in the backup".into()));
                    }
                    BackupLine::Columns {
                        table: t,
                        columns: c,
                    } => {
                        if !TABLES.iter().any(|(name, _, _)| *name == t) {
                            return Err(bad(format!("the backup has an unknown table {t:?}")));
                        }
                        let Some(known) = types.get(&t) else {
                            return Err(bad(format!("no table {t:?} here")));
                        };
                        let mut params = Vec::new();
                        for (i, col) in c.iter().enumerate() {
                            let Some(ty) = known.iter().find(|(n, _)| n == col).map(|(_, ty)| ty)
                            else {
                                return Err(bad(format!("{t} has no column {col:?} here")));
                            };
                            params.push(match self {
                                Db::Postgres(_) => format!("CAST(${} AS {ty})", i + 1),
                                Db::Sqlite(_) => format!("${}", i + 1),
                            });
                        }
                        insert = format!(
                            "INSERT INTO {t} ({}) VALUES ({})",
                            c.join(", "),
                            params.join(", ")
                        );
                        table = t;
                        columns = c;
                    }
                    BackupLine::Row { table: t, mut row } => {
                        if t != table || row.len() != columns.len() {
                            return Err(bad(format!("a row of {t} does not match its columns")));
                        }
                        for (tname, col) in DEFERRED {
                            if *tname == t
                                && let Some(i) = columns.iter().position(|c| c == col)
                                && let Some(id_at) = columns.iter().position(|c| c == "id")
                                && let (Some(v), Some(id)) =
                                    (as_text(&row[i]), as_text(&row[id_at]))
                            {
                                deferred.push((t.clone(), id, v));
                                row[i] = serde_json::Value::Null;
                            }
                        }
                        let mut q = sqlx::query(sqlx::AssertSqlSafe(insert.clone()));
                        for v in &row {
                            q = match v {
                                serde_json::Value::Number(n) if typed && n.is_i64() => {
                                    q.bind(n.as_i64())
                                }
                                serde_json::Value::Number(n) if typed => q.bind(n.as_f64()),
                                serde_json::Value::Bool(b) if typed => q.bind(i64::from(*b)),
                                other => q.bind(as_text(other)),
                            };
                        }
                        q.execute(&mut *tx).await.map_err(db_err)?;
                        written += 1;
                    }
                }
            }
            for (t, id, v) in &deferred {
                let col = DEFERRED
                    .iter()
                    .find(|(name, _)| name == t)
                    .map(|(_, c)| *c)
                    .unwrap_or("id");
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "UPDATE {t} SET {col} = $1 WHERE id = $2"
                )))
                .bind(v.as_str())
                .bind(id.as_str())
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
            }
            // A backup from before a migration that rewrote stored keys gets them rewritten.
            if let Some(m) = crate::migrate::rekeying_since(self, schema) {
                sqlx::raw_sql(sqlx::AssertSqlSafe(m))
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
            }
            written
        });
        Ok(written)
    }

    /// Every backed-up table's columns and their SQL types.
    async fn column_types(
        &self,
    ) -> Result<std::collections::HashMap<String, Vec<(String, String)>>, StoreError> {
        let mut out = std::collections::HashMap::new();
        for (table, _, _) in TABLES {
            let cols: Vec<(String, String)> = match self {
                Db::Sqlite(s) => sqlx::query_as(sqlx::AssertSqlSafe(format!(
                    "SELECT name, type FROM pragma_table_info('{table}')"
                )))
                .fetch_all(&s.reader)
                .await
                .map_err(db_err)?,
                Db::Postgres(p) => sqlx::query_as(
                    "SELECT column_name::text, data_type::text FROM information_schema.columns \
                     WHERE table_name = $1 AND table_schema = current_schema()",
                )
                .bind(*table)
                .fetch_all(p)
                .await
                .map_err(db_err)?,
            };
            out.insert((*table).to_owned(), cols);
        }
        Ok(out)
    }
}
