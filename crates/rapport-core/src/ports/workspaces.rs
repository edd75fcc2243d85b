//! Workspaces, users and memberships (rapport-store: workspaces.rs).

use crate::workspace::Actor;
use jiff::Timestamp;
use std::future::Future;

use super::*;

/// Workspaces, users and memberships.
pub trait WorkspaceStore: Send + Sync {
    /// The first workspace and its first owner, creating both (named as given) when the
    /// database is new, so a single user needs no set-up. Safe when two processes start at
    /// once: exactly one workspace is created.
    fn ensure_default_actor(
        &self,
        workspace_name: &str,
        owner_name: &str,
        time_zone: &str,
        now: Timestamp,
    ) -> impl Future<Output = StoreResult<Actor>> + Send;

    /// Saves a workspace's settings (time zone, promise-load threshold). `NotFound` if absent.
    fn update_workspace(
        &self,
        workspace: &crate::workspace::Workspace,
    ) -> impl Future<Output = StoreResult<()>> + Send;
}
