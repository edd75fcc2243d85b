//! Members' mailboxes read over IMAP (rapport-core: ports/mailboxes.rs).

use jiff::Timestamp;
use rapport_core::ids::{UserId, WorkspaceId};
use rapport_core::model::mailbox::{FolderState, Mailbox};
use rapport_core::ports::{MailboxStore, StoreResult};

use sqlx::AssertSqlSafe;

use crate::rows::{ACTOR_COLUMNS, ACTOR_TABLES, ActorRow, instant, micros};
use crate::{Db, corrupt, db_err, in_write_tx, with_pool};

type MailboxRow = (
    String,
    i64,
    String,
    String,
    String,
    String,
    Option<i64>,
    Option<String>,
);

impl MailboxStore for Db {
    async fn save_mailbox(
        &self,
        ws: &WorkspaceId,
        user: &UserId,
        m: &Mailbox,
        now: Timestamp,
    ) -> StoreResult<()> {
        let folders = m.folders.join("\n");
        in_write_tx!(self, |tx| {
            // Another server or account: what was read of the old one says nothing here.
            let before: Option<(String, i64, String)> = sqlx::query_as(
                "SELECT host, port, username FROM mailboxes WHERE workspace_id = $1 AND user_id = $2",
            )
            .bind(ws.as_str())
            .bind(user.as_str())
            .fetch_optional(&mut *tx)
            .await
            .map_err(db_err)?;
            let elsewhere = before
                .is_some_and(|(h, p, u)| h != m.host || p != i64::from(m.port) || u != m.username);
            sqlx::query(
                "INSERT INTO mailboxes (workspace_id, user_id, host, port, security, username, \
                 secret, folders, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) \
                 ON CONFLICT (workspace_id, user_id) DO UPDATE SET host = excluded.host, \
                 port = excluded.port, security = excluded.security, \
                 username = excluded.username, secret = excluded.secret, \
                 folders = excluded.folders, last_error = NULL, updated_at = excluded.updated_at",
            )
            .bind(ws.as_str())
            .bind(user.as_str())
            .bind(m.host.as_str())
            .bind(i64::from(m.port))
            .bind(m.security.as_str())
            .bind(m.username.as_str())
            .bind(m.sealed_password.as_str())
            .bind(folders.as_str())
            .bind(micros(now))
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
            // Folders no longer read are forgotten (all of them on another server).
            let states: Vec<(String,)> = sqlx::query_as(
                "SELECT folder FROM mailbox_folders WHERE workspace_id = $1 AND user_id = $2",
            )
            .bind(ws.as_str())
            .bind(user.as_str())
            .fetch_all(&mut *tx)
            .await
            .map_err(db_err)?;
            for (folder,) in states {
                if elsewhere || !m.folders.contains(&folder) {
                    sqlx::query(
                        "DELETE FROM mailbox_folders WHERE workspace_id = $1 AND user_id = $2 \
                         AND folder = $3",
                    )
                    .bind(ws.as_str())
                    .bind(user.as_str())
                    .bind(folder.as_str())
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
                }
            }
        });
        Ok(())
    }

    async fn mailbox(&self, ws: &WorkspaceId, user: &UserId) -> StoreResult<Option<Mailbox>> {
        let row: Option<MailboxRow> = with_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT host, port, security, username, secret, folders, last_sync_at, last_error \
                 FROM mailboxes WHERE workspace_id = $1 AND user_id = $2",
            )
            .bind(ws.as_str())
            .bind(user.as_str())
            .fetch_optional(pool)
            .await
            .map_err(db_err)?
        });
        row.map(
            |(host, port, security, username, secret, folders, last, error)| {
                Ok(Mailbox {
                    host,
                    port: u16::try_from(port).map_err(|_| corrupt("mailbox port", port))?,
                    security,
                    username,
                    sealed_password: secret,
                    folders: folders.lines().map(str::to_owned).collect(),
                    last_sync_at: last.map(instant).transpose()?,
                    last_error: error,
                })
            },
        )
        .transpose()
    }

    async fn forget_mailbox(&self, ws: &WorkspaceId, user: &UserId) -> StoreResult<bool> {
        let n = in_write_tx!(self, |tx| {
            sqlx::query("DELETE FROM mailbox_folders WHERE workspace_id = $1 AND user_id = $2")
                .bind(ws.as_str())
                .bind(user.as_str())
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
            sqlx::query("DELETE FROM mailboxes WHERE workspace_id = $1 AND user_id = $2")
                .bind(ws.as_str())
                .bind(user.as_str())
                .execute(&mut *tx)
                .await
                .map_err(db_err)?
                .rows_affected()
        });
        Ok(n > 0)
    }

    async fn folder_state(
        &self,
        ws: &WorkspaceId,
        user: &UserId,
        folder: &str,
    ) -> StoreResult<Option<FolderState>> {
        let row: Option<(i64, i64)> = with_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT uid_validity, last_uid FROM mailbox_folders \
                 WHERE workspace_id = $1 AND user_id = $2 AND folder = $3",
            )
            .bind(ws.as_str())
            .bind(user.as_str())
            .bind(folder)
            .fetch_optional(pool)
            .await
            .map_err(db_err)?
        });
        row.map(|(v, u)| {
            Ok(FolderState {
                uid_validity: u32::try_from(v).map_err(|_| corrupt("UIDVALIDITY", v))?,
                last_uid: u32::try_from(u).map_err(|_| corrupt("UID", u))?,
            })
        })
        .transpose()
    }

    async fn set_folder_state(
        &self,
        ws: &WorkspaceId,
        user: &UserId,
        folder: &str,
        state: FolderState,
    ) -> StoreResult<()> {
        in_write_tx!(self, |tx| {
            sqlx::query(
                "INSERT INTO mailbox_folders (workspace_id, user_id, folder, uid_validity, last_uid) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (workspace_id, user_id, folder) \
                 DO UPDATE SET uid_validity = excluded.uid_validity, last_uid = excluded.last_uid",
            )
            .bind(ws.as_str())
            .bind(user.as_str())
            .bind(folder)
            .bind(i64::from(state.uid_validity))
            .bind(i64::from(state.last_uid))
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        });
        Ok(())
    }

    async fn take_mailbox_lease(
        &self,
        ws: &WorkspaceId,
        user: &UserId,
        holder: &str,
        until: Timestamp,
        now: Timestamp,
    ) -> StoreResult<bool> {
        let n = in_write_tx!(self, |tx| {
            sqlx::query(
                "UPDATE mailboxes SET lease_holder = $3, lease_until = $4 \
                 WHERE workspace_id = $1 AND user_id = $2 \
                 AND (lease_until IS NULL OR lease_until < $5 OR lease_holder = $3)",
            )
            .bind(ws.as_str())
            .bind(user.as_str())
            .bind(holder)
            .bind(micros(until))
            .bind(micros(now))
            .execute(&mut *tx)
            .await
            .map_err(db_err)?
            .rows_affected()
        });
        Ok(n == 1)
    }

    async fn finish_mailbox_sync(
        &self,
        ws: &WorkspaceId,
        user: &UserId,
        holder: &str,
        at: Timestamp,
        error: Option<&str>,
    ) -> StoreResult<()> {
        in_write_tx!(self, |tx| {
            sqlx::query(
                "UPDATE mailboxes SET last_sync_at = $4, last_error = $5, \
                 lease_holder = CASE WHEN lease_holder = $3 THEN NULL ELSE lease_holder END, \
                 lease_until = CASE WHEN lease_holder = $3 THEN NULL ELSE lease_until END \
                 WHERE workspace_id = $1 AND user_id = $2",
            )
            .bind(ws.as_str())
            .bind(user.as_str())
            .bind(holder)
            .bind(micros(at))
            .bind(error)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        });
        Ok(())
    }

    async fn all_mailboxes(&self) -> StoreResult<Vec<rapport_core::workspace::Actor>> {
        let sql = format!(
            "SELECT {ACTOR_COLUMNS} FROM {ACTOR_TABLES} \
             JOIN mailboxes mb ON mb.workspace_id = w.id AND mb.user_id = u.id ORDER BY w.id, u.id"
        );
        let rows: Vec<ActorRow> = with_pool!(self, |pool| {
            sqlx::query_as(AssertSqlSafe(sql))
                .fetch_all(pool)
                .await
                .map_err(db_err)?
        });
        rows.into_iter().map(ActorRow::into_actor).collect()
    }
}
