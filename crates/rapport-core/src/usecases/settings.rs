//! Changing settings: the workspace's (owner only) and the caller's own digest hour (any
//! member). One grammar for every entry point: `HH:MM` or `off` for the digest, and
//! `AUDIENCE=DAYS|never|none|default` for cadences.

use serde::Serialize;

use crate::error::{Invalid, Result};
use crate::ports::{AccountStore, ContactStore, GestureStore, WorkspaceStore};
use crate::workspace::{Actor, SettingsChange, Workspace};

/// What a caller asks to change; empty fields are left as they are.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SettingsUpdate {
    /// The workspace's time zone (owner only).
    pub time_zone: Option<String>,
    /// Open promises of mine due on one day before a new one warns (owner only).
    pub promise_load_threshold: Option<u32>,
    /// `AUDIENCE=DAYS|never|default` keep-in-touch cadences (owner only).
    pub keep_in_touch: Vec<String>,
    /// `AUDIENCE=DAYS|none|default` appreciation cadences (owner only).
    pub appreciation: Vec<String>,
    /// The caller's own digest hour: `HH:MM`, or `off` (any member, for themselves).
    pub digest_at: Option<String>,
    /// Addresses of the caller's besides their account's email, to add (any member, for
    /// themselves: what a mail import counts as "me").
    pub my_address: Vec<String>,
    /// Addresses of the caller's to forget.
    pub forget_address: Vec<String>,
    /// `INTEREST=IDEA` gift ideas to add to the workspace's catalogue (owner only).
    pub gift_idea: Vec<String>,
    /// `INTEREST=IDEA` gift ideas to take out (its own, or built-in ones; owner only).
    pub no_gift_idea: Vec<String>,
}

impl SettingsUpdate {
    /// Whether anything workspace-wide (owner only) is asked for.
    pub fn is_workspace_wide(&self) -> bool {
        self.time_zone.is_some()
            || self.promise_load_threshold.is_some()
            || !self.keep_in_touch.is_empty()
            || !self.appreciation.is_empty()
            || !self.gift_idea.is_empty()
            || !self.no_gift_idea.is_empty()
    }
}

/// The settings as a caller sees them.
#[derive(Clone, Debug, Serialize)]
pub struct SettingsView {
    #[serde(flatten)]
    pub workspace: Workspace,
    pub keep_in_touch: Vec<crate::touch::TouchRule>,
    pub appreciation: Vec<crate::gesture::AppreciationRule>,
    /// The caller's own daily digest hour (HH:MM, the workspace's time zone), or null.
    pub digest_at: Option<String>,
    /// The caller's addresses besides their account's email (a mail import's "me").
    pub my_addresses: Vec<String>,
    /// The gift ideas in force, by interest: Rapport's own and the workspace's.
    pub gift_ideas: Vec<crate::gift::GiftIdea>,
}

/// How many other addresses an account may have.
pub const MAX_MY_ADDRESSES: usize = 20;

/// Parses a digest hour, `HH:MM` (00:00 to 23:59), in the workspace's time zone.
pub fn parse_send_at(text: &str) -> std::result::Result<jiff::civil::Time, String> {
    let bad = || format!("{text:?}: write the hour as HH:MM, e.g. 07:30, or off");
    let (h, m) = text.trim().split_once(':').ok_or_else(bad)?;
    if h.trim().len() > 2 || m.trim().len() != 2 {
        return Err(bad());
    }
    let (h, m): (i8, i8) = (
        h.trim().parse().map_err(|_| bad())?,
        m.trim().parse().map_err(|_| bad())?,
    );
    if !(0..24).contains(&h) || !(0..60).contains(&m) {
        return Err(bad());
    }
    jiff::civil::Time::new(h, m, 0, 0).map_err(|_| bad())
}

/// The digest setting as typed: `off` (or `none`, or nothing) turns it off, else `HH:MM`.
/// Answers the hour to store, `None` for off.
pub fn parse_digest_at(text: &str) -> std::result::Result<Option<String>, Invalid> {
    match text.trim().to_ascii_lowercase().as_str() {
        "" | "off" | "none" => Ok(None),
        t => parse_send_at(t)
            .map(|at| Some(at.strftime("%H:%M").to_string()))
            .map_err(|m| Invalid::new("digest_at", m)),
    }
}

/// The settings the caller sees.
pub async fn view<S: AccountStore + GestureStore>(
    store: &S,
    actor: &Actor,
) -> Result<SettingsView> {
    Ok(SettingsView {
        digest_at: store.digest_at(actor).await?,
        my_addresses: store.my_addresses(&actor.user.id).await?,
        keep_in_touch: crate::touch::rules(&actor.workspace.touch_rules),
        appreciation: crate::gesture::rules(store, actor).await?,
        gift_ideas: crate::gift::catalogue(&store.gift_ideas(&actor.workspace.id).await?),
        workspace: actor.workspace.clone(),
    })
}

/// Gift-idea rows to write, and (interest, idea) rows to remove.
type GiftChanges = (Vec<crate::gift::StoredGiftIdea>, Vec<(String, String)>);

/// The rows a gift-idea change writes and removes, checked against the workspace's own
/// rows: an idea added that is a built-in one taken out puts it back; one taken out is
/// removed if the workspace's own, hidden if built-in, refused if in neither.
fn gift_changes(
    own: &[crate::gift::StoredGiftIdea],
    add: &[String],
    take_out: &[String],
) -> Result<GiftChanges> {
    use crate::gift::{MAX_OWN_IDEAS, StoredGiftIdea, is_builtin, parse_gift_idea};
    use crate::search::fold;
    let mut write = Vec::new();
    let mut remove = Vec::new();
    let is_own = |i: &str, idea: &str| {
        own.iter()
            .any(|o| !o.hidden && o.interest == i && fold(&o.idea) == fold(idea))
    };
    for a in add {
        let (interest, idea) = parse_gift_idea(a)?;
        if is_builtin(&interest, &idea) {
            // Back in force (it may have been taken out).
            remove.push((interest, idea));
        } else if !is_own(&interest, &idea) {
            write.push(StoredGiftIdea {
                interest,
                idea,
                hidden: false,
            });
        }
    }
    for t in take_out {
        let (interest, idea) =
            parse_gift_idea(t).map_err(|e| Invalid::new("no_gift_idea", e.message))?;
        if is_own(&interest, &idea) {
            remove.push((interest, idea));
        } else if is_builtin(&interest, &idea) {
            write.push(StoredGiftIdea {
                interest,
                idea,
                hidden: true,
            });
        } else {
            return Err(Invalid::new(
                "no_gift_idea",
                format!(
                    "there is no gift idea {idea:?} for {interest} (rapport settings lists them)"
                ),
            )
            .into());
        }
    }
    let added = write.iter().filter(|w| !w.hidden).count();
    if own.iter().filter(|o| !o.hidden).count() + added > MAX_OWN_IDEAS {
        return Err(Invalid::new(
            "gift_idea",
            format!("a workspace keeps at most {MAX_OWN_IDEAS} gift ideas of its own"),
        )
        .into());
    }
    Ok((write, remove))
}

/// Applies a settings change: every value is checked (and the owner rule applied) before
/// anything is written. Answers the settings as they are after it.
pub async fn update<S>(store: &S, actor: &Actor, update: &SettingsUpdate) -> Result<SettingsView>
where
    S: AccountStore + GestureStore + WorkspaceStore + ContactStore,
{
    if update.is_workspace_wide() {
        actor.require_owner(
            "change the workspace's settings (a member may set their digest hour)",
        )?;
    }
    let change = SettingsChange {
        time_zone: update.time_zone.clone(),
        promise_load_threshold: update.promise_load_threshold,
    };
    change.apply(&actor.workspace)?;
    for a in &update.keep_in_touch {
        crate::touch::parse_rule(a)?;
    }
    for a in &update.appreciation {
        crate::gesture::parse_rule(a)?;
    }
    let digest = update
        .digest_at
        .as_deref()
        .map(parse_digest_at)
        .transpose()?;
    let field = |f: &'static str, list: &[String]| -> Result<Vec<String>> {
        list.iter()
            .map(|a| crate::account::clean_email(a).map_err(|e| Invalid::new(f, e.message).into()))
            .collect()
    };
    let gifts = if update.gift_idea.is_empty() && update.no_gift_idea.is_empty() {
        None
    } else {
        let own = store.gift_ideas(&actor.workspace.id).await?;
        Some(gift_changes(&own, &update.gift_idea, &update.no_gift_idea)?)
    };
    let add = field("my_address", &update.my_address)?;
    let forget = field("forget_address", &update.forget_address)?;
    if !add.is_empty() || !forget.is_empty() {
        let mut kept: Vec<String> = store.my_addresses(&actor.user.id).await?;
        kept.retain(|a| !forget.contains(a));
        for a in &add {
            if actor.user.email.as_deref() == Some(a.as_str()) {
                return Err(Invalid::new(
                    "my_address",
                    format!("{a} is your account's email already"),
                )
                .into());
            }
            if !kept.contains(a) {
                kept.push(a.clone());
            }
        }
        if kept.len() > MAX_MY_ADDRESSES {
            return Err(Invalid::new(
                "my_address",
                format!("at most {MAX_MY_ADDRESSES} other addresses"),
            )
            .into());
        }
    }

    let mut after = actor.clone();
    if change != SettingsChange::default() {
        after.workspace = crate::service::change_settings(store, actor, &change).await?;
    }
    for a in &update.appreciation {
        crate::gesture::set_rule(store, actor, a).await?;
    }
    if !update.keep_in_touch.is_empty() {
        after.workspace.touch_rules =
            crate::touch::set_rules(store, actor, &update.keep_in_touch).await?;
    }
    if let Some(at) = digest {
        store.set_digest(actor, at.as_deref()).await?;
    }
    if let Some((write, remove)) = gifts {
        store
            .change_gift_ideas(&actor.workspace.id, &write, &remove, jiff::Timestamp::now())
            .await?;
    }
    if !add.is_empty() || !forget.is_empty() {
        store
            .change_my_addresses(&actor.user.id, &add, &forget)
            .await?;
    }
    view(store, &after).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_grammar_for_the_digest_hour() {
        assert_eq!(parse_digest_at("07:30"), Ok(Some("07:30".into())));
        assert_eq!(parse_digest_at(" 7:05 "), Ok(Some("07:05".into())));
        for off in ["off", "OFF", "none", "", "  "] {
            assert_eq!(parse_digest_at(off), Ok(None), "{off:?}");
        }
        for bad in [
            "24:00", "7", "07:60", "07:5", "7:300", "-1:00", "noon", "07:30:00",
        ] {
            assert!(parse_digest_at(bad).is_err(), "{bad:?}");
        }
    }
}
