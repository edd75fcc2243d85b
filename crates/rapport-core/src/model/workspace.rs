//! Workspaces, users and their roles.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::error::Invalid;
use crate::ids::{UserId, WorkspaceId};

/// A workspace: one business's book. Nothing crosses from one workspace to another.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Workspace {
    pub id: WorkspaceId,
    pub name: String,
    /// IANA time zone name: "today" is the calendar day there.
    pub time_zone: String,
    /// A new promise of mine is refused (unless insisted on) on a day that already has this
    /// many open promises of mine due.
    pub promise_load_threshold: u32,
    /// The trust engine's half-life, 90 to 365 days.
    pub trust_half_life_days: u32,
    /// Changes to the built-in keep-in-touch cadences.
    pub touch_rules: crate::model::touch::TouchRules,
    pub created_at: Timestamp,
}

impl Workspace {
    /// The trust model's parameters for this workspace.
    pub fn trust_params(&self) -> crate::trust::Params {
        crate::trust::Params::with_half_life_days(self.trust_half_life_days).unwrap_or_default()
    }

    /// The workspace's time zone (UTC if its name is unknown to this system).
    pub fn tz(&self) -> jiff::tz::TimeZone {
        jiff::tz::TimeZone::get(&self.time_zone).unwrap_or(jiff::tz::TimeZone::UTC)
    }
}

/// A person who uses Rapport.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct User {
    pub id: UserId,
    pub name: String,
    pub email: Option<String>,
    pub created_at: Timestamp,
}

crate::named::named_enum! {
    /// What a member may do in a workspace.
    pub enum Role: "role", "role" {
        /// Manages members, settings and handoffs.
        Owner = "owner",
        /// Works the book.
        Member = "member",
    }
}

/// Who is acting, and where: every service call is made on behalf of a user in a workspace.
#[derive(Clone, Debug, PartialEq)]
pub struct Actor {
    pub workspace: Workspace,
    pub user: User,
    pub role: Role,
}

impl Actor {
    /// Refuses, as `Forbidden` naming `what`, unless the actor is an owner of the workspace.
    /// Every owner-only rule goes through here, so the web, the API and the CLI agree.
    pub fn require_owner(&self, what: &str) -> crate::error::Result<()> {
        if self.role == Role::Owner {
            Ok(())
        } else {
            Err(crate::error::Error::Forbidden(format!(
                "only an owner of the workspace can {what}"
            )))
        }
    }
}

/// A change to a workspace's settings: `None` leaves a setting as it is.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SettingsChange {
    /// An IANA time zone name, such as `Europe/Lisbon`.
    pub time_zone: Option<String>,
    /// 1 to 100 open promises of mine due on one day.
    pub promise_load_threshold: Option<u32>,
}

impl SettingsChange {
    /// Applies the change to a copy of the workspace, checking every value.
    pub fn apply(&self, ws: &Workspace) -> Result<Workspace, Invalid> {
        let mut w = ws.clone();
        if let Some(tz) = &self.time_zone {
            let tz = tz.trim();
            jiff::tz::TimeZone::get(tz).map_err(|_| {
                Invalid::new(
                    "time_zone",
                    format!("{tz:?} is not a time zone: use an IANA name such as Europe/Lisbon"),
                )
            })?;
            w.time_zone = tz.to_owned();
        }
        if let Some(n) = self.promise_load_threshold {
            if !(1..=100).contains(&n) {
                return Err(Invalid::new(
                    "promise_load",
                    "the promise-load threshold must be between 1 and 100",
                ));
            }
            w.promise_load_threshold = n;
        }
        Ok(w)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ws() -> Workspace {
        Workspace {
            id: WorkspaceId::generate(),
            name: "Shop".into(),
            time_zone: "UTC".into(),
            promise_load_threshold: 5,
            trust_half_life_days: 180,
            touch_rules: Default::default(),
            created_at: Timestamp::UNIX_EPOCH,
        }
    }

    #[test]
    fn settings_are_checked() {
        let change = SettingsChange {
            time_zone: Some("Europe/Lisbon".into()),
            promise_load_threshold: Some(8),
        };
        let w = change.apply(&ws()).expect("valid");
        assert_eq!(
            (w.time_zone.as_str(), w.promise_load_threshold),
            ("Europe/Lisbon", 8)
        );
        let bad_tz = SettingsChange {
            time_zone: Some("Mars/Olympus".into()),
            ..Default::default()
        };
        assert_eq!(
            bad_tz.apply(&ws()).expect_err("unknown zone").field,
            "time_zone"
        );
        let bad_n = SettingsChange {
            promise_load_threshold: Some(0),
            ..Default::default()
        };
        assert_eq!(bad_n.apply(&ws()).expect_err("zero").field, "promise_load");
    }
}
