//! Accounts: sign-in, sessions, API tokens, the set-up link and login failures.

use jiff::Timestamp;
use rapport_core::StoreError;
use rapport_core::account::{
    HANDED_OFF, Handoff, Login, Member, NewSession, Session, TokenId, TokenInfo,
};
use rapport_core::ids::{UserId, WorkspaceId};
use rapport_core::ports::{AccountStore, StoreResult};
use rapport_core::workspace::{Actor, Role};
use sqlx::AssertSqlSafe;

use crate::ledger::{APPEND_HISTORY, COMMITMENT_COLUMNS, CommitmentRow, into_commitments};
use crate::rows::{ACTOR_COLUMNS, ACTOR_SELECT, ACTOR_TABLES, ActorRow, instant, micros};
use crate::{Db, corrupt, db_err, in_write_tx, with_pool};

/// The first workspace's first owner: who set-up completes.
fn first_owner_sql() -> String {
    format!(
        "{ACTOR_SELECT} WHERE m.role = 'owner' ORDER BY w.created_at, w.id, m.created_at, u.id LIMIT 1"
    )
}

fn actor_of(row: Option<ActorRow>) -> StoreResult<Option<Actor>> {
    row.map(ActorRow::into_actor).transpose()
}

/// A usable invitation's email and workspace name.
const INVITATION: &str = "SELECT u.email, w.name FROM invites i \
     JOIN users u ON u.id = i.user_id JOIN workspaces w ON w.id = i.workspace_id \
     JOIN memberships m ON m.workspace_id = i.workspace_id AND m.user_id = i.user_id \
     AND m.left_at IS NULL \
     WHERE i.token_hash = $1 AND i.used_at IS NULL AND i.expires_at > $2";

impl AccountStore for Db {
    async fn members(&self, ws: &WorkspaceId) -> StoreResult<Vec<Member>> {
        type Row = (String, String, Option<String>, String, bool);
        let rows: Vec<Row> = with_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT u.id, u.name, u.email, m.role, u.password_hash IS NOT NULL \
                 FROM memberships m JOIN users u ON u.id = m.user_id \
                 WHERE m.workspace_id = $1 AND m.left_at IS NULL ORDER BY m.created_at, u.id",
            )
            .bind(ws.as_str())
            .fetch_all(pool)
            .await
            .map_err(db_err)?
        });
        rows.into_iter()
            .map(|(id, name, email, role, can_sign_in)| {
                Ok(Member {
                    user_id: UserId::from_stored(id),
                    name,
                    email,
                    role: role.parse().map_err(|_| corrupt("role", &role))?,
                    can_sign_in,
                })
            })
            .collect()
    }

    async fn handoff(
        &self,
        ws: &WorkspaceId,
        by: &UserId,
        from: &UserId,
        to: &UserId,
        now: Timestamp,
    ) -> StoreResult<Handoff> {
        let select_open = format!(
            "SELECT {COMMITMENT_COLUMNS} FROM commitments WHERE workspace_id = $1 \
             AND owner_id = $2 AND status = 'open'"
        );
        let postgres = matches!(self, Db::Postgres(_));
        in_write_tx!(self, |tx| {
            // Owners move on campaigns' contacts too: not while one is being made.
            crate::campaigns::lock_check_ins_in!(tx, postgres, ws.as_str(), exclusive);
            let live: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM memberships WHERE workspace_id = $1 \
                 AND user_id IN ($2, $3) AND left_at IS NULL",
            )
            .bind(ws.as_str())
            .bind(from.as_str())
            .bind(to.as_str())
            .fetch_one(&mut *tx)
            .await
            .map_err(db_err)?;
            if live != 2 {
                return Err(StoreError::NotFound);
            }
            let contacts = sqlx::query(
                "UPDATE contacts SET owner_id = $3 WHERE workspace_id = $1 AND owner_id = $2",
            )
            .bind(ws.as_str())
            .bind(from.as_str())
            .bind(to.as_str())
            .execute(&mut *tx)
            .await
            .map_err(db_err)?
            .rows_affected();
            // Their campaigns' check-ins go with the contacts.
            sqlx::query(
                "UPDATE campaign_contacts SET owner_id = $3 WHERE workspace_id = $1 AND owner_id = $2",
            )
            .bind(ws.as_str())
            .bind(from.as_str())
            .bind(to.as_str())
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
            let moving: Vec<CommitmentRow> = sqlx::query_as(AssertSqlSafe(select_open.clone()))
                .bind(ws.as_str())
                .bind(from.as_str())
                .fetch_all(&mut *tx)
                .await
                .map_err(db_err)?;
            let moving = into_commitments(moving)?;
            let open_commitments = sqlx::query(
                "UPDATE commitments SET owner_id = $3, updated_at = $4 WHERE workspace_id = $1 \
                 AND owner_id = $2 AND status = 'open'",
            )
            .bind(ws.as_str())
            .bind(from.as_str())
            .bind(to.as_str())
            .bind(micros(now))
            .execute(&mut *tx)
            .await
            .map_err(db_err)?
            .rows_affected();
            // Each moved promise says in its history who handed it over, when, and to whom
            // (the snapshot's owner).
            for mut c in moving {
                c.owner_id = to.clone();
                c.updated_at = now;
                let snapshot =
                    serde_json::to_string(&c).map_err(|e| StoreError::Other(Box::new(e)))?;
                sqlx::query(APPEND_HISTORY)
                    .bind(ws.as_str())
                    .bind(c.id.as_str())
                    .bind(micros(now))
                    .bind(by.as_str())
                    .bind(HANDED_OFF)
                    .bind(snapshot)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
            }
            let open_deals = sqlx::query(
                "UPDATE deals SET owner_id = $3, updated_at = $4 WHERE workspace_id = $1 \
                 AND owner_id = $2 AND closed_at IS NULL",
            )
            .bind(ws.as_str())
            .bind(from.as_str())
            .bind(to.as_str())
            .bind(micros(now))
            .execute(&mut *tx)
            .await
            .map_err(db_err)?
            .rows_affected();
            sqlx::query(
                "UPDATE memberships SET left_at = $3 WHERE workspace_id = $1 AND user_id = $2",
            )
            .bind(ws.as_str())
            .bind(from.as_str())
            .bind(micros(now))
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
            // Their mailbox, and its password, go with them.
            for table in ["mailbox_folders", "mailboxes"] {
                sqlx::query(AssertSqlSafe(format!(
                    "DELETE FROM {table} WHERE workspace_id = $1 AND user_id = $2"
                )))
                .bind(ws.as_str())
                .bind(from.as_str())
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
            }
            sqlx::query("DELETE FROM sessions WHERE workspace_id = $1 AND user_id = $2")
                .bind(ws.as_str())
                .bind(from.as_str())
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
            sqlx::query(
                "UPDATE api_tokens SET revoked_at = $3 WHERE workspace_id = $1 AND user_id = $2 \
                 AND revoked_at IS NULL",
            )
            .bind(ws.as_str())
            .bind(from.as_str())
            .bind(micros(now))
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
            Ok::<_, StoreError>(Handoff {
                from: None,
                to: None,
                contacts,
                open_commitments,
                open_deals,
            })
        })
    }

    async fn any_login(&self) -> StoreResult<bool> {
        let n: i64 = with_pool!(self, |pool| {
            sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE password_hash IS NOT NULL")
                .fetch_one(pool)
                .await
                .map_err(db_err)?
        });
        Ok(n > 0)
    }

    async fn login_by_email(&self, email: &str) -> StoreResult<Option<Login>> {
        let row: Option<(String, Option<String>)> = with_pool!(self, |pool| {
            sqlx::query_as("SELECT id, password_hash FROM users WHERE email = $1")
                .bind(email)
                .fetch_optional(pool)
                .await
                .map_err(db_err)?
        });
        Ok(row.map(|(id, hash)| Login {
            user_id: UserId::from_stored(id),
            password_hash: hash,
        }))
    }

    async fn first_actor(&self, user: &UserId) -> StoreResult<Option<Actor>> {
        let sql = format!("{ACTOR_SELECT} WHERE u.id = $1 ORDER BY m.created_at, w.id LIMIT 1");
        let row: Option<ActorRow> = with_pool!(self, |pool| {
            sqlx::query_as(AssertSqlSafe(sql))
                .bind(user.as_str())
                .fetch_optional(pool)
                .await
                .map_err(db_err)?
        });
        actor_of(row)
    }

    async fn accounts(&self) -> StoreResult<Vec<rapport_core::account::Account>> {
        type Row = (
            String,
            String,
            Option<String>,
            bool,
            Option<String>,
            Option<String>,
        );
        let rows: Vec<Row> = with_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT u.id, u.name, u.email, u.password_hash IS NOT NULL, w.name, m.role \
                 FROM users u LEFT JOIN memberships m ON m.user_id = u.id AND m.left_at IS NULL \
                 LEFT JOIN workspaces w ON w.id = m.workspace_id \
                 ORDER BY u.created_at, u.id, w.created_at, w.id",
            )
            .fetch_all(pool)
            .await
            .map_err(db_err)?
        });
        let mut out: Vec<rapport_core::account::Account> = Vec::new();
        for (id, name, email, can_sign_in, workspace, role) in rows {
            if out.last().is_none_or(|a| a.user_id.as_str() != id) {
                out.push(rapport_core::account::Account {
                    user_id: UserId::from_stored(id),
                    name,
                    email,
                    can_sign_in,
                    workspaces: Vec::new(),
                });
            }
            if let (Some(workspace), Some(role), Some(account)) = (workspace, role, out.last_mut())
            {
                account
                    .workspaces
                    .push(rapport_core::account::AccountMembership {
                        workspace,
                        role: role.parse().map_err(|_| corrupt("role", &role))?,
                    });
            }
        }
        Ok(out)
    }

    async fn edit_account(
        &self,
        user: &UserId,
        email: Option<&str>,
        name: Option<&str>,
    ) -> StoreResult<()> {
        in_write_tx!(self, |tx| {
            if let Some(e) = email {
                let taken: i64 =
                    sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE email = $1 AND id <> $2")
                        .bind(e)
                        .bind(user.as_str())
                        .fetch_one(&mut *tx)
                        .await
                        .map_err(db_err)?;
                if taken > 0 {
                    return Err(StoreError::Conflict(format!("{e} already has an account")));
                }
            }
            let n = sqlx::query(
                "UPDATE users SET email = COALESCE($2, email), name = COALESCE($3, name) \
                 WHERE id = $1",
            )
            .bind(user.as_str())
            .bind(email)
            .bind(name)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?
            .rows_affected();
            if n == 0 {
                return Err(StoreError::NotFound);
            }
        });
        Ok(())
    }

    async fn actor_by_email(&self, email: &str) -> StoreResult<Option<Actor>> {
        let sql = format!("{ACTOR_SELECT} WHERE u.email = $1 ORDER BY m.created_at, w.id LIMIT 1");
        let row: Option<ActorRow> = with_pool!(self, |pool| {
            sqlx::query_as(AssertSqlSafe(sql))
                .bind(email)
                .fetch_optional(pool)
                .await
                .map_err(db_err)?
        });
        actor_of(row)
    }

    async fn add_setup_token(&self, hash: &str, now: Timestamp) -> StoreResult<()> {
        in_write_tx!(self, |tx| {
            sqlx::query("INSERT INTO setup_tokens (token_hash, created_at) VALUES ($1, $2)")
                .bind(hash)
                .bind(micros(now))
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
        });
        Ok(())
    }

    async fn setup_token_valid(&self, hash: &str) -> StoreResult<bool> {
        let n: i64 = with_pool!(self, |pool| {
            sqlx::query_scalar(
                "SELECT COUNT(*) FROM setup_tokens WHERE token_hash = $1 AND used_at IS NULL \
                 AND NOT EXISTS (SELECT 1 FROM users WHERE password_hash IS NOT NULL)",
            )
            .bind(hash)
            .fetch_one(pool)
            .await
            .map_err(db_err)?
        });
        Ok(n > 0)
    }

    async fn complete_setup(
        &self,
        hash: &str,
        email: &str,
        name: &str,
        password_hash: &str,
        now: Timestamp,
    ) -> StoreResult<Actor> {
        let first_owner = first_owner_sql();
        let row: ActorRow = in_write_tx!(self, |tx| {
            let claimed = sqlx::query(
                "UPDATE setup_tokens SET used_at = $2 WHERE token_hash = $1 AND used_at IS NULL \
                 AND NOT EXISTS (SELECT 1 FROM users WHERE password_hash IS NOT NULL)",
            )
            .bind(hash)
            .bind(micros(now))
            .execute(&mut *tx)
            .await
            .map_err(db_err)?
            .rows_affected();
            if claimed == 0 {
                return Err(StoreError::Conflict(
                    "this set-up link was used already, or set-up is done".into(),
                ));
            }
            let owner: Option<ActorRow> = sqlx::query_as(AssertSqlSafe(first_owner.as_str()))
                .fetch_optional(&mut *tx)
                .await
                .map_err(db_err)?;
            let Some(owner) = owner else {
                return Err(StoreError::NotFound);
            };
            sqlx::query("UPDATE users SET email = $2, name = $3, password_hash = $4 WHERE id = $1")
                .bind(owner.user_id.as_str())
                .bind(email)
                .bind(name)
                .bind(password_hash)
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
            let sql = format!("{ACTOR_SELECT} WHERE u.id = $1 AND w.id = $2");
            let row: ActorRow = sqlx::query_as(AssertSqlSafe(sql))
                .bind(owner.user_id.as_str())
                .bind(owner.ws_id.as_str())
                .fetch_one(&mut *tx)
                .await
                .map_err(db_err)?;
            row
        });
        row.into_actor()
    }

    async fn my_addresses(&self, user: &UserId) -> StoreResult<Vec<String>> {
        with_pool!(self, |pool| {
            sqlx::query_scalar(
                "SELECT address FROM user_addresses WHERE user_id = $1 ORDER BY address",
            )
            .bind(user.as_str())
            .fetch_all(pool)
            .await
            .map_err(db_err)
        })
    }

    async fn change_my_addresses(
        &self,
        user: &UserId,
        add: &[String],
        remove: &[String],
    ) -> StoreResult<()> {
        in_write_tx!(self, |tx| {
            for a in remove {
                sqlx::query("DELETE FROM user_addresses WHERE user_id = $1 AND address = $2")
                    .bind(user.as_str())
                    .bind(a.as_str())
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
            }
            for a in add {
                sqlx::query(
                    "INSERT INTO user_addresses (user_id, address) VALUES ($1, $2) \
                     ON CONFLICT DO NOTHING",
                )
                .bind(user.as_str())
                .bind(a.as_str())
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
            }
        });
        Ok(())
    }

    async fn set_digest(&self, actor: &Actor, send_at: Option<&str>) -> StoreResult<()> {
        in_write_tx!(self, |tx| {
            match send_at {
                None => {
                    sqlx::query(
                        "DELETE FROM digest_settings WHERE workspace_id = $1 AND user_id = $2",
                    )
                    .bind(actor.workspace.id.as_str())
                    .bind(actor.user.id.as_str())
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
                }
                Some(at) => {
                    sqlx::query(
                        "INSERT INTO digest_settings (workspace_id, user_id, send_at) \
                         VALUES ($1, $2, $3) ON CONFLICT (workspace_id, user_id) \
                         DO UPDATE SET send_at = excluded.send_at",
                    )
                    .bind(actor.workspace.id.as_str())
                    .bind(actor.user.id.as_str())
                    .bind(at)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
                }
            }
        });
        Ok(())
    }

    async fn digest_at(&self, actor: &Actor) -> StoreResult<Option<String>> {
        let at: Option<(String,)> = with_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT send_at FROM digest_settings WHERE workspace_id = $1 AND user_id = $2",
            )
            .bind(actor.workspace.id.as_str())
            .bind(actor.user.id.as_str())
            .fetch_optional(pool)
            .await
            .map_err(db_err)?
        });
        Ok(at.map(|(a,)| a))
    }

    async fn digest_members(&self) -> StoreResult<Vec<(Actor, String, Option<String>)>> {
        #[derive(sqlx::FromRow)]
        struct Row {
            #[sqlx(flatten)]
            actor: ActorRow,
            send_at: String,
            last_sent_day: Option<String>,
        }
        let sql = format!(
            "SELECT {ACTOR_COLUMNS}, d.send_at, d.last_sent_day FROM {ACTOR_TABLES} \
             JOIN digest_settings d ON d.workspace_id = w.id AND d.user_id = u.id \
             WHERE u.email IS NOT NULL ORDER BY w.id, u.id"
        );
        let rows: Vec<Row> = with_pool!(self, |pool| {
            sqlx::query_as(AssertSqlSafe(sql))
                .fetch_all(pool)
                .await
                .map_err(db_err)?
        });
        rows.into_iter()
            .map(|r| Ok((r.actor.into_actor()?, r.send_at, r.last_sent_day)))
            .collect()
    }

    async fn claim_digest(&self, actor: &Actor, day: &str) -> StoreResult<bool> {
        let n = in_write_tx!(self, |tx| {
            sqlx::query(
                "UPDATE digest_settings SET last_sent_day = $3 WHERE workspace_id = $1 \
                 AND user_id = $2 AND (last_sent_day IS NULL OR last_sent_day < $3)",
            )
            .bind(actor.workspace.id.as_str())
            .bind(actor.user.id.as_str())
            .bind(day)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?
            .rows_affected()
        });
        Ok(n == 1)
    }

    async fn release_digest(
        &self,
        actor: &Actor,
        day: &str,
        previous: Option<&str>,
    ) -> StoreResult<()> {
        in_write_tx!(self, |tx| {
            sqlx::query(
                "UPDATE digest_settings SET last_sent_day = $4 WHERE workspace_id = $1 \
                 AND user_id = $2 AND last_sent_day = $3",
            )
            .bind(actor.workspace.id.as_str())
            .bind(actor.user.id.as_str())
            .bind(day)
            .bind(previous)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        });
        Ok(())
    }

    async fn rotate_feed(&self, actor: &Actor, hash: &str, now: Timestamp) -> StoreResult<()> {
        in_write_tx!(self, |tx| {
            sqlx::query("DELETE FROM feed_tokens WHERE workspace_id = $1 AND user_id = $2")
                .bind(actor.workspace.id.as_str())
                .bind(actor.user.id.as_str())
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
            sqlx::query(
                "INSERT INTO feed_tokens (token_hash, workspace_id, user_id, created_at) \
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(hash)
            .bind(actor.workspace.id.as_str())
            .bind(actor.user.id.as_str())
            .bind(micros(now))
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        });
        Ok(())
    }

    async fn feed_actor(&self, hash: &str) -> StoreResult<Option<Actor>> {
        let sql = format!(
            "{ACTOR_SELECT} JOIN feed_tokens f ON f.user_id = u.id AND f.workspace_id = w.id \
             WHERE f.token_hash = $1"
        );
        let row: Option<ActorRow> = with_pool!(self, |pool| {
            sqlx::query_as(AssertSqlSafe(sql))
                .bind(hash)
                .fetch_optional(pool)
                .await
                .map_err(db_err)?
        });
        row.map(ActorRow::into_actor).transpose()
    }

    async fn invite(&self, i: &rapport_core::account::NewInvite) -> StoreResult<()> {
        in_write_tx!(self, |tx| {
            sqlx::query(
                "INSERT INTO users (id, name, email, password_hash, created_at) \
                 VALUES ($1, $2, $3, NULL, $4)",
            )
            .bind(i.user_id.as_str())
            .bind(i.name.as_str())
            .bind(i.email.as_str())
            .bind(micros(i.created_at))
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
            sqlx::query(
                "INSERT INTO memberships (workspace_id, user_id, role, created_at) \
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(i.workspace_id.as_str())
            .bind(i.user_id.as_str())
            .bind(i.role.as_str())
            .bind(micros(i.created_at))
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
            sqlx::query(
                "INSERT INTO invites (token_hash, workspace_id, user_id, invited_by, created_at, \
                 expires_at) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(i.token_hash.as_str())
            .bind(i.workspace_id.as_str())
            .bind(i.user_id.as_str())
            .bind(i.invited_by.as_str())
            .bind(micros(i.created_at))
            .bind(micros(i.expires_at))
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        });
        Ok(())
    }

    async fn invitation(
        &self,
        hash: &str,
        now: Timestamp,
    ) -> StoreResult<Option<(String, String)>> {
        let row: Option<(Option<String>, String)> = with_pool!(self, |pool| {
            sqlx::query_as(INVITATION)
                .bind(hash)
                .bind(micros(now))
                .fetch_optional(pool)
                .await
                .map_err(db_err)?
        });
        Ok(row.map(|(email, ws)| (email.unwrap_or_default(), ws)))
    }

    async fn accept_invite(
        &self,
        hash: &str,
        password_hash: &str,
        now: Timestamp,
    ) -> StoreResult<Actor> {
        let row: ActorRow = in_write_tx!(self, |tx| {
            let found: Option<(String, String)> = sqlx::query_as(
                "SELECT i.user_id, i.workspace_id FROM invites i \
                 JOIN memberships m ON m.workspace_id = i.workspace_id AND m.user_id = i.user_id \
                 AND m.left_at IS NULL \
                 WHERE i.token_hash = $1 AND i.used_at IS NULL AND i.expires_at > $2",
            )
            .bind(hash)
            .bind(micros(now))
            .fetch_optional(&mut *tx)
            .await
            .map_err(db_err)?;
            let Some((user, ws)) = found else {
                return Err(StoreError::Conflict(
                    "this invitation was used already, has expired, or was withdrawn".into(),
                ));
            };
            sqlx::query("UPDATE invites SET used_at = $2 WHERE token_hash = $1")
                .bind(hash)
                .bind(micros(now))
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
            sqlx::query("UPDATE users SET password_hash = $2 WHERE id = $1")
                .bind(user.as_str())
                .bind(password_hash)
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
            let sql = format!("{ACTOR_SELECT} WHERE u.id = $1 AND w.id = $2");
            let row: ActorRow = sqlx::query_as(AssertSqlSafe(sql))
                .bind(user.as_str())
                .bind(ws.as_str())
                .fetch_one(&mut *tx)
                .await
                .map_err(db_err)?;
            row
        });
        row.into_actor()
    }

    async fn add_user(
        &self,
        workspace_name: &str,
        email: &str,
        name: &str,
        role: Role,
        password_hash: Option<&str>,
        now: Timestamp,
    ) -> StoreResult<Actor> {
        let user = UserId::generate();
        let row: ActorRow = in_write_tx!(self, |tx| {
            let ws: Option<String> =
                sqlx::query_scalar("SELECT id FROM workspaces WHERE name = $1")
                    .bind(workspace_name)
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(db_err)?;
            let Some(ws) = ws else {
                return Err(StoreError::NotFound);
            };
            sqlx::query(
                "INSERT INTO users (id, name, email, password_hash, created_at) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(user.as_str())
            .bind(name)
            .bind(email)
            .bind(password_hash)
            .bind(micros(now))
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
            sqlx::query(
                "INSERT INTO memberships (workspace_id, user_id, role, created_at) \
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(ws.as_str())
            .bind(user.as_str())
            .bind(role.as_str())
            .bind(micros(now))
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
            let sql = format!("{ACTOR_SELECT} WHERE u.id = $1 AND w.id = $2");
            let row: ActorRow = sqlx::query_as(AssertSqlSafe(sql))
                .bind(user.as_str())
                .bind(ws.as_str())
                .fetch_one(&mut *tx)
                .await
                .map_err(db_err)?;
            row
        });
        row.into_actor()
    }

    async fn add_session(&self, s: &NewSession) -> StoreResult<()> {
        in_write_tx!(self, |tx| {
            // Expired sessions are swept as new ones start.
            sqlx::query("DELETE FROM sessions WHERE expires_at < $1")
                .bind(micros(s.created_at))
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
            sqlx::query(
                "INSERT INTO sessions (id_hash, user_id, workspace_id, csrf, created_at, expires_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(s.id_hash.as_str())
            .bind(s.user_id.as_str())
            .bind(s.workspace_id.as_str())
            .bind(s.csrf.as_str())
            .bind(micros(s.created_at))
            .bind(micros(s.expires_at))
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        });
        Ok(())
    }

    async fn session(&self, id_hash: &str, now: Timestamp) -> StoreResult<Option<Session>> {
        let sql = format!(
            "{ACTOR_SELECT} JOIN sessions s ON s.user_id = u.id AND s.workspace_id = w.id \
             WHERE s.id_hash = $1 AND s.expires_at > $2"
        );
        let csrf_sql = "SELECT csrf FROM sessions WHERE id_hash = $1";
        let (row, csrf): (Option<ActorRow>, Option<String>) = with_pool!(self, |pool| {
            let row = sqlx::query_as(AssertSqlSafe(sql))
                .bind(id_hash)
                .bind(micros(now))
                .fetch_optional(pool)
                .await
                .map_err(db_err)?;
            let csrf = sqlx::query_scalar(csrf_sql)
                .bind(id_hash)
                .fetch_optional(pool)
                .await
                .map_err(db_err)?;
            (row, csrf)
        });
        match (actor_of(row)?, csrf) {
            (Some(actor), Some(csrf)) => Ok(Some(Session { actor, csrf })),
            _ => Ok(None),
        }
    }

    async fn end_session(&self, id_hash: &str) -> StoreResult<()> {
        in_write_tx!(self, |tx| {
            sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
                .bind(id_hash)
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
        });
        Ok(())
    }

    async fn add_token(
        &self,
        actor: &Actor,
        id: &TokenId,
        name: &str,
        hash: &str,
        now: Timestamp,
    ) -> StoreResult<()> {
        in_write_tx!(self, |tx| {
            sqlx::query(
                "INSERT INTO api_tokens (id, user_id, workspace_id, name, token_hash, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(id.as_str())
            .bind(actor.user.id.as_str())
            .bind(actor.workspace.id.as_str())
            .bind(name)
            .bind(hash)
            .bind(micros(now))
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        });
        Ok(())
    }

    async fn token_actor(&self, hash: &str, now: Timestamp) -> StoreResult<Option<Actor>> {
        #[derive(sqlx::FromRow)]
        struct TokenRow {
            #[sqlx(flatten)]
            actor: ActorRow,
            token_last_used: Option<i64>,
        }
        let sql = format!(
            "SELECT {ACTOR_COLUMNS}, t.last_used_at AS token_last_used FROM {ACTOR_TABLES} \
             JOIN api_tokens t ON t.user_id = u.id AND t.workspace_id = w.id \
             WHERE t.token_hash = $1 AND t.revoked_at IS NULL"
        );
        let row: Option<TokenRow> = with_pool!(self, |pool| {
            sqlx::query_as(AssertSqlSafe(sql))
                .bind(hash)
                .fetch_optional(pool)
                .await
                .map_err(db_err)?
        });
        let Some(row) = row else { return Ok(None) };
        // "Last used" to the minute: written once a minute at most, not on every request
        // (a write per request would queue every API call behind SQLite's one writer).
        let minute = micros(now) - micros(now).rem_euclid(60_000_000);
        if row.token_last_used.is_none_or(|t| t < minute) {
            in_write_tx!(self, |tx| {
                sqlx::query(
                    "UPDATE api_tokens SET last_used_at = $2 WHERE token_hash = $1 \
                     AND (last_used_at IS NULL OR last_used_at < $2)",
                )
                .bind(hash)
                .bind(minute)
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
            });
        }
        row.actor.into_actor().map(Some)
    }

    async fn tokens(&self, actor: &Actor) -> StoreResult<Vec<TokenInfo>> {
        type Row = (String, String, i64, Option<i64>, Option<i64>);
        let rows: Vec<Row> = with_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT id, name, created_at, last_used_at, revoked_at FROM api_tokens \
                 WHERE workspace_id = $1 AND user_id = $2 ORDER BY created_at DESC, id DESC",
            )
            .bind(actor.workspace.id.as_str())
            .bind(actor.user.id.as_str())
            .fetch_all(pool)
            .await
            .map_err(db_err)?
        });
        rows.into_iter()
            .map(|(id, name, created, used, revoked)| {
                Ok(TokenInfo {
                    id: TokenId::from_stored(id),
                    name,
                    created_at: instant(created)?,
                    last_used_at: used.map(instant).transpose()?,
                    revoked_at: revoked.map(instant).transpose()?,
                })
            })
            .collect()
    }

    async fn revoke_token(&self, actor: &Actor, id: &TokenId, now: Timestamp) -> StoreResult<()> {
        let n = in_write_tx!(self, |tx| {
            sqlx::query(
                "UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, $4) \
                 WHERE id = $1 AND workspace_id = $2 AND user_id = $3",
            )
            .bind(id.as_str())
            .bind(actor.workspace.id.as_str())
            .bind(actor.user.id.as_str())
            .bind(micros(now))
            .execute(&mut *tx)
            .await
            .map_err(db_err)?
            .rows_affected()
        });
        crate::one_row(n)
    }

    async fn reserve_login_attempt(
        &self,
        keys: &[String],
        attempt: &str,
        since: Timestamp,
        max: u64,
        now: Timestamp,
    ) -> StoreResult<bool> {
        let mut keys: Vec<&String> = keys.iter().collect();
        // Always locked in the same order, so two attempts never wait on each other.
        keys.sort();
        keys.dedup();
        // A key already at its limit is refused on a read, without taking the write lock: a
        // flood of refused attempts does not hold up everyone else's writes.
        for key in &keys {
            let n: i64 = with_pool!(self, |pool| {
                sqlx::query_scalar(
                    "SELECT COUNT(*) FROM login_failures WHERE key = $1 AND at >= $2",
                )
                .bind(key.as_str())
                .bind(micros(since))
                .fetch_one(pool)
                .await
                .map_err(db_err)?
            });
            if n.unsigned_abs() >= max {
                return Ok(false);
            }
        }
        let reserved = in_write_tx!(self, |tx| {
            let mut full = false;
            for key in &keys {
                // The key's row is locked (an UPDATE) until this transaction ends: parallel
                // attempts for the key count one after the other. (SQLite's writer is one
                // at a time anyway.)
                sqlx::query("INSERT INTO login_throttle (key) VALUES ($1) ON CONFLICT DO NOTHING")
                    .bind(key.as_str())
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
                sqlx::query("UPDATE login_throttle SET key = key WHERE key = $1")
                    .bind(key.as_str())
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
                let n: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM login_failures WHERE key = $1 AND at >= $2",
                )
                .bind(key.as_str())
                .bind(micros(since))
                .fetch_one(&mut *tx)
                .await
                .map_err(db_err)?;
                full |= n.unsigned_abs() >= max;
            }
            if !full {
                for key in &keys {
                    sqlx::query(
                        "INSERT INTO login_failures (key, at, attempt) VALUES ($1, $2, $3)",
                    )
                    .bind(key.as_str())
                    .bind(micros(now))
                    .bind(attempt)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
                }
            }
            !full
        });
        Ok(reserved)
    }

    async fn prune_login_failures(&self, before: Timestamp) -> StoreResult<()> {
        in_write_tx!(self, |tx| {
            sqlx::query("DELETE FROM login_failures WHERE at < $1")
                .bind(micros(before))
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
            sqlx::query(
                "DELETE FROM login_throttle WHERE NOT EXISTS \
                 (SELECT 1 FROM login_failures f WHERE f.key = login_throttle.key)",
            )
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        });
        Ok(())
    }

    async fn release_login_attempt(&self, attempt: &str) -> StoreResult<()> {
        in_write_tx!(self, |tx| {
            sqlx::query("DELETE FROM login_failures WHERE attempt = $1")
                .bind(attempt)
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
        });
        Ok(())
    }
}
