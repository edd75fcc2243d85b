//! Workspaces, users and memberships.

use jiff::Timestamp;
use rapport_core::StoreError;
use rapport_core::ids::{UserId, WorkspaceId};
use rapport_core::ports::{StoreResult, WorkspaceStore};
use rapport_core::workspace::Actor;

use crate::rows::{ACTOR_SELECT, ActorRow, micros};
use crate::{Db, db_err, in_write_tx};

/// Inserts a workspace, a user and the user's owner membership inside transaction `$tx`,
/// then reads them back as an actor row.
macro_rules! create_workspace_in {
    ($tx:ident, $name:expr, $owner_name:expr, $time_zone:expr, $now:expr) => {{
        let ws = WorkspaceId::generate();
        let user = UserId::generate();
        let now = micros($now);
        sqlx::query("INSERT INTO workspaces (id, name, time_zone, created_at) VALUES ($1, $2, $3, $4)")
            .bind(ws.as_str())
            .bind($name)
            .bind($time_zone)
            .bind(now)
            .execute(&mut *$tx)
            .await
            .map_err(db_err)?;
        sqlx::query("INSERT INTO users (id, name, created_at) VALUES ($1, $2, $3)")
            .bind(user.as_str())
            .bind($owner_name)
            .bind(now)
            .execute(&mut *$tx)
            .await
            .map_err(db_err)?;
        sqlx::query(
            "INSERT INTO memberships (workspace_id, user_id, role, created_at) VALUES ($1, $2, 'owner', $3)",
        )
        .bind(ws.as_str())
        .bind(user.as_str())
        .bind(now)
        .execute(&mut *$tx)
        .await
        .map_err(db_err)?;
        let row: ActorRow = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{ACTOR_SELECT} WHERE w.id = $1 AND u.id = $2"
        )))
        .bind(ws.as_str())
        .bind(user.as_str())
        .fetch_one(&mut *$tx)
        .await
        .map_err(db_err)?;
        row
    }};
}

impl WorkspaceStore for Db {
    async fn update_workspace(&self, w: &rapport_core::workspace::Workspace) -> StoreResult<()> {
        let n = in_write_tx!(self, |tx| {
            sqlx::query(
                "UPDATE workspaces SET time_zone = $2, promise_load_threshold = $3 WHERE id = $1",
            )
            .bind(w.id.as_str())
            .bind(w.time_zone.as_str())
            .bind(i32::try_from(w.promise_load_threshold).unwrap_or(i32::MAX))
            .execute(&mut *tx)
            .await
            .map_err(db_err)?
            .rows_affected()
        });
        crate::one_row(n)
    }

    async fn ensure_default_actor(
        &self,
        workspace_name: &str,
        owner_name: &str,
        time_zone: &str,
        now: Timestamp,
    ) -> StoreResult<Actor> {
        // Two first starts racing on PostgreSQL: the loser hits the unique workspace name,
        // and its second attempt finds the winner's workspace.
        let first = self
            .try_ensure_default_actor(workspace_name, owner_name, time_zone, now)
            .await;
        match first {
            Err(StoreError::Conflict(_)) => {
                self.try_ensure_default_actor(workspace_name, owner_name, time_zone, now)
                    .await
            }
            other => other,
        }
    }
}

impl Db {
    async fn try_ensure_default_actor(
        &self,
        workspace_name: &str,
        owner_name: &str,
        time_zone: &str,
        now: Timestamp,
    ) -> StoreResult<Actor> {
        let first_owner = format!(
            "{ACTOR_SELECT} WHERE m.role = 'owner' ORDER BY w.created_at, w.id, m.created_at, u.id LIMIT 1"
        );
        let row: ActorRow = in_write_tx!(self, |tx| {
            let existing: Option<ActorRow> =
                sqlx::query_as(sqlx::AssertSqlSafe(first_owner.as_str()))
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(db_err)?;
            match existing {
                Some(row) => row,
                None => create_workspace_in!(tx, workspace_name, owner_name, time_zone, now),
            }
        });
        row.into_actor()
    }

    /// Creates another workspace with its owner. Used by the isolation tests now, and by
    /// `rapport workspace create` later. `Conflict` if the name is taken.
    pub async fn create_workspace(
        &self,
        name: &str,
        owner_name: &str,
        time_zone: &str,
        now: Timestamp,
    ) -> StoreResult<Actor> {
        let row: ActorRow = in_write_tx!(self, |tx| create_workspace_in!(
            tx, name, owner_name, time_zone, now
        ));
        row.into_actor()
    }
}
